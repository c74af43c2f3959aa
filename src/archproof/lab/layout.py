"""Where every part of the lab lives: addresses, ports, timings and files, all on loopback.

Three "zones" are address groups inside 127.0.0.0/8 (any 127/8 address works on ``lo`` without
setup): zone a = 127.0.10.0/24, b = 127.0.11.0/24, c = 127.0.12.0/24. The entry (HAProxy) is
127.0.9.1. Nothing binds 0.0.0.0 or 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
LAB_SPEC = Path(__file__).with_name("spec.yaml")
"""The lab's own architecture as a spec (used when ``--lab`` is given without ``--spec``)."""


def _default_lab_dir() -> Path:
    env = os.environ.get("ARCHPROOF_LAB_DIR")
    return Path(env).resolve() if env else Path.cwd().resolve() / ".lab"


def _is_root() -> bool:
    return os.geteuid() == 0


def _default_patroni() -> Path:
    env = os.environ.get("ARCHPROOF_PATRONI")
    return Path(env) if env else REPO_ROOT / ".tools" / "patroni" / "bin" / "patroni"


@dataclass(frozen=True)
class Member:
    """One server of the lab: ``name`` at ``host:port`` in ``zone`` (``aux_port``: peer/REST)."""

    name: str
    host: str
    port: int
    zone: str
    aux_port: int = 0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def _default_net() -> int:
    text = os.environ.get("ARCHPROOF_LAB_NET", "0")
    try:
        net = int(text)
    except ValueError:
        net = -1
    if not 0 <= net <= 255:
        from archproof.errors import UsageError

        raise UsageError(f"ARCHPROOF_LAB_NET={text!r}: must be a number from 0 to 255")
    return net


_HOST_FIELDS = (
    "entry_host",
    "etcd_hosts",
    "pg_hosts",
    "redis_hosts",
    "sentinel_hosts",
    "app_hosts",
)


def _on_net(value: str, net: int) -> str:
    return f"127.{net}." + value[len("127.0.") :] if value.startswith("127.0.") else value


@dataclass(frozen=True)
class LabLayout:
    """The whole lab. Every field has a default; tests may override ``lab_dir`` only.

    ``net`` (``$ARCHPROOF_LAB_NET``, default 0) moves every address from 127.0.x.y to
    127.<net>.x.y, so several labs (CI jobs sharing a machine) can run side by side.
    """

    lab_dir: Path = field(default_factory=_default_lab_dir)
    net: int = field(default_factory=_default_net)
    entry_host: str = "127.0.9.1"
    https_port: int = field(default_factory=lambda: 443 if _is_root() else 8443)
    http_port: int = field(default_factory=lambda: 80 if _is_root() else 8080)
    stats_port: int = 8404
    pg_rw_port: int = 5432
    pg_ro_port: int = 5433
    redis_rw_port: int = 6379
    tls_server_name: str = "localhost"
    zones: tuple[tuple[str, str], ...] = (
        ("a", "127.0.10.0/24"),
        ("b", "127.0.11.0/24"),
        ("c", "127.0.12.0/24"),
    )
    etcd_hosts: tuple[str, ...] = ("127.0.10.5", "127.0.11.5", "127.0.12.5")
    etcd_client_port: int = 2379
    etcd_peer_port: int = 2380
    pg_hosts: tuple[str, ...] = ("127.0.10.10", "127.0.11.10")
    pg_port: int = 5432
    patroni_port: int = 8008
    patroni_scope: str = "labpg"
    patroni_ttl: int = 20
    patroni_loop_wait: int = 2
    patroni_retry_timeout: int = 5
    redis_hosts: tuple[str, ...] = ("127.0.10.20", "127.0.11.20")
    redis_port: int = 6379
    sentinel_hosts: tuple[str, ...] = ("127.0.10.30", "127.0.11.30", "127.0.12.30")
    sentinel_port: int = 26379
    sentinel_quorum: int = 2
    sentinel_down_after_ms: int = 2000
    sentinel_failover_timeout_ms: int = 10000
    redis_master_name: str = "labredis"
    app_hosts: tuple[str, ...] = (
        "127.0.10.2",
        "127.0.11.2",
        "127.0.12.2",
        "127.0.10.3",
        "127.0.11.3",
        "127.0.12.3",
    )
    app_port: int = 9000
    app_db: str = "app"
    app_db_user: str = "app"
    app_db_password: str = "apppass"
    pg_superuser_password: str = "pgpass"
    pg_bin_dir: Path = Path("/usr/lib/postgresql/15/bin")
    patroni_bin: Path = field(default_factory=_default_patroni)

    def __post_init__(self) -> None:
        if self.net == 0 or not self.entry_host.startswith("127.0."):
            return
        for name in _HOST_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, _on_net(value, self.net))
            else:
                object.__setattr__(self, name, tuple(_on_net(v, self.net) for v in value))
        zones = tuple((zone, _on_net(cidr, self.net)) for zone, cidr in self.zones)
        object.__setattr__(self, "zones", zones)

    # ----- zones and members -------------------------------------------------------------

    def zone_of(self, host: str) -> str:
        """The zone name whose CIDR holds ``host`` ("" for the entry)."""
        address = ipaddress.ip_address(host)
        for name, cidr in self.zones:
            if address in ipaddress.ip_network(cidr):
                return name
        return ""

    @property
    def etcd_members(self) -> tuple[Member, ...]:
        return tuple(
            Member(f"etcd{i}", h, self.etcd_client_port, self.zone_of(h), self.etcd_peer_port)
            for i, h in enumerate(self.etcd_hosts, 1)
        )

    @property
    def pg_nodes(self) -> tuple[Member, ...]:
        return tuple(
            Member(f"pg{i}", h, self.pg_port, self.zone_of(h), self.patroni_port)
            for i, h in enumerate(self.pg_hosts, 1)
        )

    @property
    def redis_nodes(self) -> tuple[Member, ...]:
        return tuple(
            Member(f"redis{i}", h, self.redis_port, self.zone_of(h))
            for i, h in enumerate(self.redis_hosts, 1)
        )

    @property
    def sentinels(self) -> tuple[Member, ...]:
        return tuple(
            Member(f"sentinel{i}", h, self.sentinel_port, self.zone_of(h))
            for i, h in enumerate(self.sentinel_hosts, 1)
        )

    @property
    def app_slots(self) -> tuple[Member, ...]:
        return tuple(
            Member(f"app{i}", h, self.app_port, self.zone_of(h))
            for i, h in enumerate(self.app_hosts, 1)
        )

    def app_slot(self, name: str) -> Member:
        for slot in self.app_slots:
            if slot.name == name:
                return slot
        raise KeyError(name)

    # ----- entry --------------------------------------------------------------------------

    @property
    def entry_url(self) -> str:
        port = "" if self.https_port == 443 else f":{self.https_port}"
        return f"https://{self.entry_host}{port}/"

    @property
    def http_url(self) -> str:
        port = "" if self.http_port == 80 else f":{self.http_port}"
        return f"http://{self.entry_host}{port}/"

    @property
    def stats_url(self) -> str:
        return f"http://{self.entry_host}:{self.stats_port}/stats"

    def pg_dsn(self, port: int | None = None, host: str | None = None) -> str:
        """libpq connection string for the app database (through the rw entry by default)."""
        return (
            f"host={host or self.entry_host} port={port or self.pg_rw_port} dbname={self.app_db} "
            f"user={self.app_db_user} password={self.app_db_password} connect_timeout=2"
        )

    def listeners(self) -> list[tuple[str, int, str]]:
        """Every (host, port, what) the lab listens on."""
        out: list[tuple[str, int, str]] = [
            (self.entry_host, self.https_port, "haproxy https"),
            (self.entry_host, self.http_port, "haproxy http"),
            (self.entry_host, self.stats_port, "haproxy stats"),
            (self.entry_host, self.pg_rw_port, "haproxy pg_rw"),
            (self.entry_host, self.pg_ro_port, "haproxy pg_ro"),
            (self.entry_host, self.redis_rw_port, "haproxy redis_rw"),
        ]
        for m in self.etcd_members:
            out += [(m.host, m.port, f"{m.name} client"), (m.host, m.aux_port, f"{m.name} peer")]
        for m in self.pg_nodes:
            out += [(m.host, m.port, f"{m.name} postgres"), (m.host, m.aux_port, f"{m.name} rest")]
        for m in (*self.redis_nodes, *self.sentinels, *self.app_slots):
            out.append((m.host, m.port, m.name))
        return out

    # ----- files --------------------------------------------------------------------------

    @property
    def run_dir(self) -> Path:
        return self.lab_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.lab_dir / "logs"

    @property
    def haproxy_dir(self) -> Path:
        return self.lab_dir / "haproxy"

    @property
    def haproxy_config(self) -> Path:
        return self.haproxy_dir / "haproxy.cfg"

    @property
    def runtime_socket(self) -> Path:
        return self.haproxy_dir / "admin.sock"

    @property
    def cert_dir(self) -> Path:
        return self.lab_dir / "tls"

    @property
    def ca_file(self) -> Path:
        return self.cert_dir / "ca.pem"

    @property
    def layout_file(self) -> Path:
        return self.lab_dir / "lab.json"

    @property
    def policy_file(self) -> Path:
        return self.lab_dir / "autoscaler-policy.json"

    @property
    def autoscaler_log(self) -> Path:
        return self.lab_dir / "autoscaler.jsonl"

    @property
    def autoscaler_state(self) -> Path:
        return self.lab_dir / "autoscaler-state.json"

    def pg_dir(self, name: str) -> Path:
        return self.lab_dir / "pg" / name

    def pidfile(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def logfile(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    # ----- persistence (the autoscaler process reads the layout the stack used) -----------

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabLayout:
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name in ("lab_dir", "pg_bin_dir", "patroni_bin"):
                value = Path(value)
            elif isinstance(value, list):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            kwargs[f.name] = value
        return cls(**kwargs)

    def save(self) -> None:
        self.lab_dir.mkdir(parents=True, exist_ok=True)
        self.layout_file.write_text(json.dumps(self.as_json(), indent=2) + "\n")

    @classmethod
    def load(cls, lab_dir: Path) -> LabLayout:
        """The layout saved by ``lab up`` in ``lab_dir`` (defaults if none was saved)."""
        path = lab_dir / "lab.json"
        if path.is_file():
            return cls.from_json(json.loads(path.read_text()))
        return cls(lab_dir=lab_dir)
