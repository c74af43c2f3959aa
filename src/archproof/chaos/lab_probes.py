"""Chaostoolkit probes of the lab: entry, capacity, database, cache and overall health.

Every probe reads the lab through its own loopback addresses with short timeouts and answers
False/None/0 when a part does not answer (probes observe; they do not raise for an outage).
"""

from __future__ import annotations

import contextlib
import http.client
import ssl
import time
import uuid

import psycopg
import redis

from archproof.chaos import lab_procs
from archproof.chaos.records import Configuration, layout
from archproof.lab import probes
from archproof.lab.procs import read_pidfile, record_alive
from archproof.lab.runtime import RuntimeAPI

__all__ = [
    "app_capacity",
    "cache_writable",
    "capacity_at_least",
    "database_writable",
    "entry_serves",
    "haproxy_servers",
    "lab_healthy",
    "patroni_leader",
    "sentinel_master",
]

PROBE_TABLE = "CREATE TABLE IF NOT EXISTS chaos_probe (id text PRIMARY KEY, t double precision)"


def entry_serves(path: str = "/", configuration: Configuration = None) -> bool:
    """True when an HTTPS GET of ``path`` through the lab's entry (verified with the lab CA)
    answers 200 within 5 s."""
    lay = layout(configuration)
    try:
        ctx = ssl.create_default_context(cafile=str(lay.ca_file))
    except OSError:
        return False
    conn = http.client.HTTPSConnection(lay.entry_host, lay.https_port, context=ctx, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def haproxy_servers(backend: str = "app", configuration: Configuration = None) -> dict[str, str]:
    """HAProxy's status of every server of ``backend`` (UP, DOWN, MAINT …) by server name."""
    lay = layout(configuration)
    try:
        return {s.name: s.status for s in RuntimeAPI(lay.runtime_socket).servers(backend)}
    except OSError:
        return {}


def app_capacity(configuration: Configuration = None) -> int:
    """How many app instances HAProxy has UP (serving) now."""
    return sum(
        1 for status in haproxy_servers("app", configuration).values() if status.startswith("UP")
    )


def capacity_at_least(count: int, timeout: float = 30, configuration: Configuration = None) -> bool:
    """True once at least ``count`` app instances are UP in HAProxy (waits up to ``timeout``
    seconds)."""
    return lab_procs.wait_until(lambda: app_capacity(configuration) >= count, timeout, 0.25)


def patroni_leader(configuration: Configuration = None) -> str | None:
    """The running Patroni leader's node name (``pg1``/``pg2``), or None."""
    return probes.patroni_leader(layout(configuration))


def database_writable(configuration: Configuration = None) -> bool:
    """True when a row can be committed through the lab's PostgreSQL read-write entry."""
    lay = layout(configuration)
    try:
        with psycopg.connect(
            lay.pg_dsn(), autocommit=True, options="-c statement_timeout=2000"
        ) as conn:
            # another probe may create it at the same moment
            with contextlib.suppress(psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable):
                conn.execute(PROBE_TABLE)
            conn.execute(
                "INSERT INTO chaos_probe (id, t) VALUES (%s, %s)", (uuid.uuid4().hex, time.time())
            )
        return True
    except psycopg.Error:
        return False


def sentinel_master(configuration: Configuration = None) -> str | None:
    """The Redis master according to Sentinel, ``host:port``, or None."""
    master = probes.sentinel_master(layout(configuration))
    return f"{master[0]}:{master[1]}" if master else None


def cache_writable(configuration: Configuration = None) -> bool:
    """True when a key can be written through the lab's Redis read-write entry."""
    lay = layout(configuration)
    client = redis.Redis(
        host=lay.entry_host, port=lay.redis_rw_port, socket_timeout=1, socket_connect_timeout=1
    )
    try:
        return bool(client.set("archproof:chaos:probe", str(time.time()), ex=600))
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def lab_healthy(configuration: Configuration = None) -> bool:
    """True when every lab process runs (none stopped), Patroni has a leader and a streaming
    replica, Redis has its Sentinel master with a linked replica, and HAProxy routes the
    database and cache entries and has every in-service app instance UP."""
    lay = layout(configuration)
    records = [r for p in sorted(lay.run_dir.glob("*.pid")) if (r := read_pidfile(p))]
    names = {r.name for r in records}
    core = {m.name for m in lab_procs.members(lay).values() if not m.name.startswith("app")}
    if not core <= names or "haproxy" not in names:
        return False
    for r in records:
        if not record_alive(r) or lab_procs.proc_state(r.pid) in ("T", "t"):
            return False
    if not (lab_procs.database_healthy(lay) and lab_procs.cache_healthy(lay)):
        return False
    try:
        api = RuntimeAPI(lay.runtime_socket)
        pg_rw = [s for s in api.servers("pg_rw") if s.up]
        redis_rw = [s for s in api.servers("redis_rw") if s.up]
        apps = [s for s in api.servers("app") if not s.in_maintenance]
    except OSError:
        return False
    return len(pg_rw) == 1 and len(redis_rw) == 1 and all(s.up for s in apps)
