"""Read-only probes of the lab's servers (etcd, Patroni REST, Redis, Sentinel), short timeouts.

Every probe returns ``None``/``False``/empty when the server does not answer: callers poll.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import redis

from archproof.lab.layout import LabLayout, Member

TIMEOUT = 0.7


def http_json(url: str, timeout: float = TIMEOUT) -> tuple[int, Any]:
    """(status, parsed JSON body or None); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (OSError, ValueError):
        return 0, None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def etcd_healthy(member: Member) -> bool:
    status, body = http_json(f"http://{member.address}/health")
    return status == 200 and isinstance(body, dict) and body.get("health") == "true"


def patroni_cluster(layout: LabLayout) -> list[dict[str, Any]]:
    """Patroni's ``/cluster`` members (name, role leader/replica, state, host …) from any node."""
    for node in layout.pg_nodes:
        status, body = http_json(f"http://{node.host}:{node.aux_port}/cluster")
        if status == 200 and isinstance(body, dict):
            members = body.get("members")
            if isinstance(members, list):
                return [m for m in members if isinstance(m, dict)]
    return []


def patroni_leader(layout: LabLayout) -> str | None:
    """Name of the running Patroni leader (``pg1``/``pg2``), or None."""
    for member in patroni_cluster(layout):
        if member.get("role") in ("leader", "standby_leader") and member.get("state") == "running":
            return str(member.get("name"))
    return None


def patroni_primary_ok(node: Member) -> bool:
    status, _ = http_json(f"http://{node.host}:{node.aux_port}/primary")
    return status == 200


def _client(host: str, port: int) -> redis.Redis:
    return redis.Redis(host=host, port=port, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)


def redis_info(node: Member) -> dict[str, Any]:
    """``INFO replication`` of one Redis node ({} when it does not answer)."""
    client = _client(node.host, node.port)
    try:
        return dict(client.info("replication"))
    except (redis.RedisError, OSError):
        return {}
    finally:
        client.close()


def redis_role(node: Member) -> str:
    """``master``, ``slave`` or "" when the node does not answer."""
    return str(redis_info(node).get("role", ""))


def sentinel_master(layout: LabLayout) -> tuple[str, int] | None:
    """(host, port) of the Redis master according to the first Sentinel that answers."""
    for sentinel in layout.sentinels:
        client = _client(sentinel.host, sentinel.port)
        try:
            addr = client.execute_command(  # type: ignore[no-untyped-call]
                "SENTINEL", "get-master-addr-by-name", layout.redis_master_name
            )
        except (redis.RedisError, OSError):
            continue
        finally:
            client.close()
        if addr:
            host, port = (a.decode() if isinstance(a, bytes) else str(a) for a in addr)
            return host, int(port)
    return None


def sentinel_view(layout: LabLayout, sentinel: Member) -> tuple[int, int] | None:
    """(other sentinels known, replicas known) by one Sentinel, or None."""
    client = _client(sentinel.host, sentinel.port)
    try:
        others = client.execute_command(  # type: ignore[no-untyped-call]
            "SENTINEL", "sentinels", layout.redis_master_name
        )
        replicas = client.execute_command(  # type: ignore[no-untyped-call]
            "SENTINEL", "replicas", layout.redis_master_name
        )
    except (redis.RedisError, OSError):
        return None
    finally:
        client.close()
    return len(others or []), len(replicas or [])
