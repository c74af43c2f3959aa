"""Configuration files and command lines of the lab's servers, rendered from a ``LabLayout``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from archproof.lab.layout import LabLayout, Member

_CIPHERS = ":".join(
    [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
    ]
)


def haproxy_config(layout: LabLayout, site_pem: Path, enabled_apps: int) -> str:
    """haproxy.cfg: TLS entry, HTTP redirect, app backend (all 6 slots), pg rw/ro, redis rw."""
    e = layout.entry_host
    host_only = "%[req.hdr(host),field(1,:)]"
    port = "" if layout.https_port == 443 else f":{layout.https_port}"
    app_servers = []
    for i, slot in enumerate(layout.app_slots):
        state = "" if i < enabled_apps else " disabled"
        app_servers.append(f"    server {slot.name} {slot.address} check{state}")
    pg_servers = [
        f"    server {n.name} {n.address} check addr {n.host} port {n.aux_port}"
        for n in layout.pg_nodes
    ]
    redis_servers = [f"    server {n.name} {n.address} check" for n in layout.redis_nodes]
    lines = [
        "# Rendered by archproof.lab.configs; regenerated on every `lab up`.",
        "global",
        "    log stdout format raw local0",
        f"    stats socket {layout.runtime_socket} mode 600 level admin",
        "    stats timeout 30s",
        "    ssl-default-bind-options ssl-min-ver TLSv1.2",
        "    ssl-default-bind-curves X25519:P-256:P-384",
        f"    ssl-default-bind-ciphers {_CIPHERS}",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    option dontlognull",
        "    timeout connect 2s",
        "    timeout client 10s",
        "    timeout server 10s",
        "    timeout http-keep-alive 5s",
        "    retries 3",
        "    option redispatch",
        "frontend http_in",
        f"    bind {e}:{layout.http_port}",
        f"    http-request redirect location https://{host_only}{port}%[pathq] code 301",
        "frontend https_in",
        f"    bind {e}:{layout.https_port} ssl crt {site_pem} alpn h2,http/1.1",
        '    http-response set-header Strict-Transport-Security "max-age=31536000"',
        "    default_backend app",
        "backend app",
        "    balance roundrobin",
        "    option httpchk",
        "    http-check send meth GET uri /health",
        "    http-check expect status 200",
        "    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2",
        *app_servers,
        "listen stats",
        f"    bind {e}:{layout.stats_port}",
        "    stats enable",
        "    stats uri /stats",
        "    stats refresh 5s",
    ]
    for name, port_, uri in (
        ("pg_rw", layout.pg_rw_port, "/primary"),
        ("pg_ro", layout.pg_ro_port, "/replica"),
    ):
        lines += [
            f"listen {name}",
            f"    bind {e}:{port_}",
            "    mode tcp",
            "    option tcplog",
            "    balance roundrobin",
            "    timeout client 30m",
            "    timeout server 30m",
            "    option httpchk",
            f"    http-check send meth GET uri {uri}",
            "    http-check expect status 200",
            "    default-server inter 1s fastinter 500ms fall 2 rise 1"
            " on-marked-down shutdown-sessions",
            *pg_servers,
        ]
    lines += [
        "listen redis_rw",
        f"    bind {e}:{layout.redis_rw_port}",
        "    mode tcp",
        "    option tcplog",
        "    timeout client 1h",
        "    timeout server 1h",
        "    option tcp-check",
        "    tcp-check connect",
        "    tcp-check send PING\\r\\n",
        "    tcp-check expect string +PONG",
        "    tcp-check send info\\ replication\\r\\n",
        "    tcp-check expect string role:master",
        "    tcp-check send QUIT\\r\\n",
        "    tcp-check expect string +OK",
        "    default-server inter 1s fastinter 500ms fall 2 rise 1"
        " on-marked-down shutdown-sessions",
        *redis_servers,
        "",
    ]
    return "\n".join(lines)


def etcd_argv(layout: LabLayout, member: Member) -> list[str]:
    cluster = ",".join(f"{m.name}=http://{m.host}:{m.aux_port}" for m in layout.etcd_members)
    return [
        "etcd",
        "--name",
        member.name,
        "--data-dir",
        str(layout.lab_dir / "etcd" / member.name),
        "--listen-client-urls",
        f"http://{member.host}:{member.port}",
        "--advertise-client-urls",
        f"http://{member.host}:{member.port}",
        "--listen-peer-urls",
        f"http://{member.host}:{member.aux_port}",
        "--initial-advertise-peer-urls",
        f"http://{member.host}:{member.aux_port}",
        "--initial-cluster",
        cluster,
        "--initial-cluster-state",
        "new",
        "--initial-cluster-token",
        "archproof-lab",
        "--heartbeat-interval",
        "100",
        "--election-timeout",
        "1000",
        "--logger",
        "zap",
        "--log-outputs",
        "stderr",
    ]


def patroni_config(layout: LabLayout, node: Member) -> str:
    """Patroni YAML for one node (etcd3 DCS, REST on the node's address, pg_rewind on)."""
    d = layout.pg_dir(node.name)
    etcd_hosts = ",".join(m.address for m in layout.etcd_members)
    conf: dict[str, Any] = {
        "scope": layout.patroni_scope,
        "namespace": "/archproof-lab/",
        "name": node.name,
        "log": {"level": "INFO"},
        "restapi": {
            "listen": f"{node.host}:{node.aux_port}",
            "connect_address": f"{node.host}:{node.aux_port}",
        },
        "etcd3": {"hosts": etcd_hosts},
        "bootstrap": {
            "dcs": {
                "ttl": layout.patroni_ttl,
                "loop_wait": layout.patroni_loop_wait,
                "retry_timeout": layout.patroni_retry_timeout,
                "maximum_lag_on_failover": 1048576,
                "postgresql": {
                    "use_pg_rewind": True,
                    "parameters": {
                        "wal_level": "replica",
                        "hot_standby": "on",
                        "max_wal_senders": 5,
                        "max_replication_slots": 5,
                        "wal_log_hints": "on",
                    },
                },
            },
            "initdb": [{"encoding": "UTF8"}, "data-checksums", "no-sync"],
            "pg_hba": [
                "local all all trust",
                "host replication replicator 127.0.0.0/8 scram-sha-256",
                "host all all 127.0.0.0/8 scram-sha-256",
            ],
        },
        "postgresql": {
            "listen": node.address,
            "connect_address": node.address,
            "data_dir": str(d / "data"),
            "bin_dir": str(layout.pg_bin_dir),
            "pgpass": str(d / "pgpass"),
            "basebackup": [{"checkpoint": "fast"}],
            "authentication": {
                "replication": {"username": "replicator", "password": "replpass"},
                "superuser": {"username": "postgres", "password": layout.pg_superuser_password},
                "rewind": {"username": "rewinder", "password": "rewindpass"},
            },
            "parameters": {
                "unix_socket_directories": str(d),
                "shared_buffers": "32MB",
                "fsync": "off",
                "max_connections": 60,
                "wal_retrieve_retry_interval": "500ms",
            },
        },
        "tags": {"zone": node.zone},
    }
    return yaml.safe_dump(conf, sort_keys=False)


def redis_argv(layout: LabLayout, node: Member, replica_of: Member | None) -> list[str]:
    data = layout.lab_dir / "redis" / node.name
    argv = [
        "redis-server",
        "--bind",
        node.host,
        "--port",
        str(node.port),
        "--bind-source-addr",
        node.host,
        "--replica-announce-ip",
        node.host,
        "--dir",
        str(data),
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--protected-mode",
        "no",
        "--repl-diskless-sync-delay",
        "0",
    ]
    if replica_of is not None:
        argv += ["--replicaof", replica_of.host, str(replica_of.port)]
    return argv


def sentinel_config(layout: LabLayout, sentinel: Member, master: Member) -> str:
    """sentinel.conf; Sentinel rewrites it, so it is regenerated on every ``lab up``."""
    name = layout.redis_master_name
    return "\n".join(
        [
            f"bind {sentinel.host}",
            f"port {sentinel.port}",
            f"bind-source-addr {sentinel.host}",
            "daemonize no",
            "protected-mode no",
            f"dir {layout.lab_dir / 'redis' / sentinel.name}",
            f"sentinel announce-ip {sentinel.host}",
            f"sentinel announce-port {sentinel.port}",
            f"sentinel monitor {name} {master.host} {master.port} {layout.sentinel_quorum}",
            f"sentinel down-after-milliseconds {name} {layout.sentinel_down_after_ms}",
            f"sentinel failover-timeout {name} {layout.sentinel_failover_timeout_ms}",
            f"sentinel parallel-syncs {name} 1",
            "",
        ]
    )
