"""Helpers of the lab chaos actions: the lab's processes, signals, bounded waits, health."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from archproof.chaos.records import ActivityFailed, Configuration, layout
from archproof.lab import probes
from archproof.lab.layout import LabLayout, Member
from archproof.lab.procs import ProcRecord, postmaster_pid, read_pidfile, record_alive
from archproof.lab.stack import Lab

APP_BACKEND = "app"


def lab(configuration: Configuration) -> Lab:
    """The lab of ``configuration``; raises ActivityFailed when it does not run."""
    the_lab = Lab(layout(configuration))
    if not the_lab.layout.layout_file.is_file() or not the_lab.is_running():
        raise ActivityFailed(f"no lab is running in {the_lab.layout.lab_dir}")
    return the_lab


def members(lay: LabLayout) -> dict[str, Member]:
    """Every server of the lab that lives in a zone, by name."""
    return {
        m.name: m
        for m in (
            *lay.etcd_members,
            *lay.pg_nodes,
            *lay.redis_nodes,
            *lay.sentinels,
            *lay.app_slots,
        )
    }


def live_record(lay: LabLayout, name: str) -> ProcRecord | None:
    """The pidfile record of ``name`` when that process runs (stopped counts as running)."""
    record = read_pidfile(lay.pidfile(name))
    return record if record is not None and record_alive(record) else None


def proc_state(pid: int) -> str:
    """The kernel state letter of ``pid`` (R, S, T stopped, Z …; "" when gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2 :].split()[0]


def send(pid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to ``pid``; a process that is already gone is fine."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Poll ``check`` until it is true (True) or ``timeout`` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def pg_postmaster(lay: LabLayout, node: str) -> int | None:
    """The PID of node ``node``'s postmaster while it runs."""
    return postmaster_pid(lay.pg_dir(node) / "data")


# ----- health of the data tier ---------------------------------------------------------------


def database_healthy(lay: LabLayout) -> bool:
    """A running leader and every other Patroni node a streaming replica."""
    cluster = {str(m.get("name")): m for m in probes.patroni_cluster(lay)}
    leaders = [
        m for m in cluster.values() if m.get("role") == "leader" and m.get("state") == "running"
    ]
    if len(leaders) != 1:
        return False
    for node in lay.pg_nodes:
        m = cluster.get(node.name)
        if m is None:
            return False
        if m is not leaders[0] and not (
            m.get("role") == "replica" and m.get("state") == "streaming"
        ):
            return False
    return True


def cache_healthy(lay: LabLayout) -> bool:
    """Sentinel's master is a Redis master with every other node linked as its replica."""
    master = probes.sentinel_master(lay)
    node = next((n for n in lay.redis_nodes if (n.host, n.port) == master), None)
    if node is None:
        return False
    info = probes.redis_info(node)
    if info.get("role") != "master":
        return False
    online = {
        (str(v.get("ip")), int(v.get("port", 0)))
        for k, v in info.items()
        if k.startswith("slave") and isinstance(v, dict) and v.get("state") == "online"
    }
    return all((n.host, n.port) in online for n in lay.redis_nodes if n != node)


def etcd_healthy(lay: LabLayout) -> bool:
    return all(probes.etcd_healthy(m) for m in lay.etcd_members)


def require(ok: bool, what: str) -> None:
    """Raise ActivityFailed(``what``) unless ``ok``."""
    if not ok:
        raise ActivityFailed(what)
