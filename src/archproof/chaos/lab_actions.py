"""Chaostoolkit actions on the lab's app instances, database and cache: faults and restores.

Each fault sends a real signal to a real lab process and appends one line to
``<records_dir>/faults.jsonl`` (``{"t", "fault", "target", "detail"}``, returned too); each
restore starts what is missing again and waits, bounded, until the lab took it back.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from archproof.chaos import lab_procs
from archproof.chaos.lab_procs import require, wait_until
from archproof.chaos.records import ActivityFailed, Configuration, record_fault
from archproof.lab import probes
from archproof.lab.autoscaler import load_policy
from archproof.lab.layout import LabLayout
from archproof.lab.procs import LabError, stop_pids
from archproof.lab.runtime import RuntimeAPI
from archproof.lab.stack import Lab

__all__ = [
    "crash_database_primary",
    "freeze_app_instance",
    "kill_app_instance",
    "kill_cache_master",
    "restart_cache_nodes",
    "restart_database_nodes",
    "restore_app_instances",
    "thaw_app_instances",
]

APP_UP_TIMEOUT = 20.0
AUTOSCALER_GRACE = 15.0
"""Seconds beyond its ``replace_unhealthy_after`` the autoscaler gets to replace a dead app."""
FAILOVER_WAIT = 45.0
"""Longest wait for Patroni to elect a new leader before restarting a crashed node (ttl 20)."""
DB_REJOIN_TIMEOUT = 60.0
CACHE_FAILOVER_WAIT = 20.0
CACHE_REJOIN_TIMEOUT = 30.0


# ----- app instances ---------------------------------------------------------------------------


def _in_service(lay: LabLayout) -> list[str]:
    """App instances HAProxy has UP whose process runs, in config order."""
    try:
        servers = RuntimeAPI(lay.runtime_socket).servers(lab_procs.APP_BACKEND)
    except LabError as exc:
        raise ActivityFailed(f"cannot read HAProxy's app backend: {exc}") from exc
    return [
        s.name
        for s in servers
        if s.status.startswith("UP") and lab_procs.live_record(lay, s.name) is not None
    ]


def _signal_app(
    instance: str, sig: signal.Signals, fault: str, configuration: Configuration
) -> dict[str, Any]:
    lab = lab_procs.lab(configuration)
    lay = lab.layout
    serving = _in_service(lay)
    name = instance or (serving[0] if serving else "")
    require(bool(name), "no app instance is in service to fault")
    try:
        slot = lay.app_slot(name)
    except KeyError:
        raise ActivityFailed(f"{name!r} is not an app instance of the lab") from None
    record = lab_procs.live_record(lay, name)
    require(record is not None, f"app instance {name} is not running")
    assert record is not None
    t = time.time()
    lab_procs.send(record.pid, sig)
    detail = {
        "pid": record.pid,
        "address": slot.address,
        "zone": slot.zone,
        "signal": sig.name,
        "in_service_before": serving,
    }
    return record_fault(configuration, fault, name, detail, t=t)


def kill_app_instance(instance: str = "", configuration: Configuration = None) -> dict[str, Any]:
    """SIGKILL one app instance (default: the first one HAProxy has in service): the loss of
    an instance. Records fault ``instance-loss``."""
    return _signal_app(instance, signal.SIGKILL, "instance-loss", configuration)


def freeze_app_instance(instance: str = "", configuration: Configuration = None) -> dict[str, Any]:
    """SIGSTOP one app instance (default: the first in service): hung, not dead, so only
    HAProxy's health check timeout notices. Records fault ``instance-freeze``."""
    return _signal_app(instance, signal.SIGSTOP, "instance-freeze", configuration)


def thaw_app_instances(configuration: Configuration = None) -> list[str]:
    """SIGCONT every stopped (frozen) lab process; returns their names."""
    lay = lab_procs.lab(configuration).layout
    thawed = []
    for path in sorted(lay.run_dir.glob("*.pid")):
        record = lab_procs.live_record(lay, path.stem)
        if record is not None and lab_procs.proc_state(record.pid) in ("T", "t"):
            lab_procs.send(record.pid, signal.SIGCONT)
            thawed.append(record.name)
    return thawed


def restore_app_instances(configuration: Configuration = None) -> list[str]:
    """Bring back every app instance HAProxy has in service (not MAINT) whose process is
    dead, and wait until HAProxy marks each UP; returns their names. When the lab's
    autoscaler replaces unhealthy instances (as an ASG would) it is given the chance first;
    what it has not replaced in time is started here (bounded: about 40 s)."""
    lab = lab_procs.lab(configuration)
    lay = lab.layout
    try:
        servers = RuntimeAPI(lay.runtime_socket).servers(lab_procs.APP_BACKEND)
    except LabError as exc:
        raise ActivityFailed(f"cannot read HAProxy's app backend: {exc}") from exc
    dead = [
        s.name
        for s in servers
        if not s.in_maintenance and lab_procs.live_record(lay, s.name) is None
    ]
    bring_back_apps(lab, dead)
    return dead


def bring_back_apps(lab: Lab, names: list[str]) -> None:
    """Start the app instances ``names`` again (unless the autoscaler replaces them first:
    two starters of one slot would race for its pidfile) and wait until HAProxy has them UP."""
    if not names:
        return
    lay = lab.layout
    policy = load_policy(lay)
    if (
        policy.enabled
        and policy.replace_unhealthy_after > 0
        and lab_procs.live_record(lay, "autoscaler") is not None
    ):
        wait_until(
            lambda: all(lab_procs.live_record(lay, n) is not None for n in names),
            policy.replace_unhealthy_after + AUTOSCALER_GRACE,
            0.2,
        )
    for name in names:
        if lab_procs.live_record(lay, name) is None:
            _start(lab, name)
    _wait_apps_up(lay, names)


def _start(lab: Lab, name: str) -> None:
    try:
        lab.start_component(name)
    except LabError as exc:
        raise ActivityFailed(f"cannot start {name}: {exc}") from exc


def _wait_apps_up(lay: LabLayout, names: list[str], timeout: float = APP_UP_TIMEOUT) -> None:
    api = RuntimeAPI(lay.runtime_socket)

    def all_up() -> bool:
        status = {s.name: s.status for s in api.servers(lab_procs.APP_BACKEND)}
        return all(status.get(n, "").startswith("UP") for n in names)

    require(
        wait_until(all_up, timeout, 0.2),
        f"app instances {', '.join(names)} not UP in HAProxy within {timeout:g} s",
    )


# ----- database ----------------------------------------------------------------------------------


def crash_database_primary(configuration: Configuration = None) -> dict[str, Any]:
    """Crash the node of the current Patroni leader: SIGKILL its Patroni and its postmaster
    (killing only postgres is no failover: Patroni restarts it). Records fault
    ``database-primary-loss`` with the node name as target."""
    lay = lab_procs.lab(configuration).layout
    leader = probes.patroni_leader(lay)
    require(leader is not None, "no running Patroni leader to crash")
    assert leader is not None
    record = lab_procs.live_record(lay, leader)
    require(record is not None, f"Patroni of the leader {leader} is not running")
    assert record is not None
    postmaster = lab_procs.pg_postmaster(lay, leader)
    t = time.time()
    lab_procs.send(record.pid, signal.SIGKILL)
    if postmaster is not None:
        lab_procs.send(postmaster, signal.SIGKILL)
    node = lab_procs.members(lay)[leader]
    detail = {
        "patroni_pid": record.pid,
        "postmaster_pid": postmaster,
        "address": node.address,
        "zone": node.zone,
    }
    return record_fault(configuration, "database-primary-loss", leader, detail, t=t)


def restart_database_nodes(configuration: Configuration = None) -> list[str]:
    """Start every Patroni node that is not running (it rejoins as a replica, pg_rewind when it
    diverged) once another node leads, and wait (at most 60 s) until the cluster has a leader
    and every node streams; returns the restarted node names."""
    lab = lab_procs.lab(configuration)
    lay = lab.layout
    dead = [n.name for n in lay.pg_nodes if lab_procs.live_record(lay, n.name) is None]
    if not dead:
        return []
    # a crashed leader restarted within ttl would take its own leader key back
    wait_until(lambda: probes.patroni_leader(lay) not in (None, *dead), FAILOVER_WAIT, 0.5)
    for name in dead:
        orphan = lab_procs.pg_postmaster(lay, name)
        if orphan is not None:  # Patroni died, its postmaster did not: stop it first
            stop_pids([orphan], grace=5.0, first=signal.SIGQUIT)
        _start(lab, name)
    require(
        wait_until(lambda: lab_procs.database_healthy(lay), DB_REJOIN_TIMEOUT, 0.5),
        f"Patroni nodes {', '.join(dead)} restarted but the cluster has no leader with "
        f"streaming replicas after {DB_REJOIN_TIMEOUT:g} s",
    )
    return dead


# ----- cache -------------------------------------------------------------------------------------


def kill_cache_master(configuration: Configuration = None) -> dict[str, Any]:
    """SIGKILL the Redis master named by Sentinel. Records fault ``cache-primary-loss``."""
    lay = lab_procs.lab(configuration).layout
    master = probes.sentinel_master(lay)
    node = next((n for n in lay.redis_nodes if (n.host, n.port) == master), None)
    require(node is not None, f"Sentinel names no Redis master of the lab (answer: {master})")
    assert node is not None
    record = lab_procs.live_record(lay, node.name)
    require(record is not None, f"the Redis master {node.name} is not running")
    assert record is not None
    t = time.time()
    lab_procs.send(record.pid, signal.SIGKILL)
    detail = {"pid": record.pid, "address": node.address, "zone": node.zone}
    return record_fault(configuration, "cache-primary-loss", node.name, detail, t=t)


def restart_cache_nodes(configuration: Configuration = None) -> list[str]:
    """Start every stopped Redis node again as a replica of the current master (after
    Sentinel's failover, at most 20 s) and wait (at most 30 s) until it is linked; returns
    their names."""
    lab = lab_procs.lab(configuration)
    lay = lab.layout
    dead = [n for n in lay.redis_nodes if lab_procs.live_record(lay, n.name) is None]
    if not dead:
        return []
    addresses = {(n.host, n.port) for n in dead}
    require(
        wait_until(
            lambda: probes.sentinel_master(lay) not in (None, *addresses),
            CACHE_FAILOVER_WAIT,
            0.3,
        ),
        f"Sentinel did not fail over from {', '.join(n.name for n in dead)} "
        f"within {CACHE_FAILOVER_WAIT:g} s",
    )
    for node in dead:
        _start(lab, node.name)
    require(
        wait_until(lambda: lab_procs.cache_healthy(lay), CACHE_REJOIN_TIMEOUT, 0.3),
        f"Redis nodes {', '.join(n.name for n in dead)} not linked to the master "
        f"within {CACHE_REJOIN_TIMEOUT:g} s",
    )
    return [n.name for n in dead]
