"""Chaostoolkit actions: a whole zone of the lab goes down at once, and comes back.

A zone is an address group (a = 127.N.10.0/24, b = .11, c = .12). Its outage SIGKILLs every lab
process in it at the same moment: app instances, the Patroni node and its postmaster, Redis,
Sentinel and the etcd member. The entry HAProxy and the autoscaler stay: they stand for the
cloud's load balancer and control plane, which a zone outage does not take down.
"""

from __future__ import annotations

import signal
import time
from functools import partial
from typing import Any

from archproof.chaos import lab_actions, lab_procs
from archproof.chaos.lab_procs import require, wait_until
from archproof.chaos.records import (
    ActivityFailed,
    Configuration,
    read_json,
    record_fault,
    records_dir,
    write_json,
)
from archproof.lab import probes
from archproof.lab.layout import LabLayout
from archproof.lab.procs import LabError

__all__ = ["restore_zone", "zone_outage"]

OUTAGE_FILE = "zone-outage.json"
RESTART_ORDER = ("etcd", "pg", "redis", "sentinel", "app")
ETCD_TIMEOUT = 20.0
FAILOVER_WAIT = 45.0
HEALTH_TIMEOUT = 60.0


def _order(name: str) -> int:
    return next(i for i, prefix in enumerate(RESTART_ORDER) if name.startswith(prefix))


def zone_outage(zone: str = "", configuration: Configuration = None) -> dict[str, Any]:
    """SIGKILL every lab process in ``zone`` at once (default: the zone of the current database
    primary, the hardest case). Records fault ``zone-loss`` (detail: what was killed) and
    remembers it in ``<records_dir>/zone-outage.json`` for ``restore_zone``."""
    lay = lab_procs.lab(configuration).layout
    zones = [name for name, _ in lay.zones]
    if not zone:
        leader = probes.patroni_leader(lay)
        require(leader is not None, "no Patroni leader to choose the zone by; pass zone=")
        assert leader is not None
        zone = lab_procs.members(lay)[leader].zone
    require(zone in zones, f"{zone!r} is not a zone of the lab (zones: {', '.join(zones)})")
    targets: list[tuple[str, int]] = []
    for member in lab_procs.members(lay).values():
        record = lab_procs.live_record(lay, member.name) if member.zone == zone else None
        if record is not None:
            targets.append((member.name, record.pid))
    postmasters = [
        (f"{n.name} postmaster", pid)
        for n in lay.pg_nodes
        if n.zone == zone and (pid := lab_procs.pg_postmaster(lay, n.name)) is not None
    ]
    require(bool(targets), f"no lab process runs in zone {zone}")
    t = time.time()
    for _, pid in targets + postmasters:
        lab_procs.send(pid, signal.SIGKILL)
    killed = [name for name, _ in targets]
    detail = {
        "killed": killed + [name for name, _ in postmasters],
        "pids": {name: pid for name, pid in targets + postmasters},
        "cidr": dict(lay.zones)[zone],
    }
    write_json(
        records_dir(configuration) / OUTAGE_FILE,
        {"t": round(t, 3), "zone": zone, "killed": killed, "restored": False},
    )
    return record_fault(configuration, "zone-loss", zone, detail, t=t)


def restore_zone(configuration: Configuration = None) -> list[str]:
    """Start everything the last ``zone_outage`` killed that is still down (etcd first and
    healthy, then Patroni, Redis, Sentinel, apps) and wait (bounded) until the lab is healthy
    again: etcd, a leader with streaming replicas, the cache linked, the apps UP. Returns the
    names started."""
    lab = lab_procs.lab(configuration)
    lay = lab.layout
    path = records_dir(configuration) / OUTAGE_FILE
    outage = read_json(path)
    require(isinstance(outage, dict), f"no zone outage recorded in {path}")
    names = sorted(
        (n for n in outage["killed"] if lab_procs.live_record(lay, n) is None), key=_order
    )
    started: list[str] = []
    for kind in RESTART_ORDER:
        batch = [n for n in names if n.startswith(kind)]
        if kind == "pg" and batch:
            # a crashed leader restarted within ttl would take its own leader key back
            wait_until(partial(_leader_not_in, lay, set(batch)), FAILOVER_WAIT, 0.5)
        if kind == "redis" and batch:
            addresses = {lab_procs.members(lay)[n].address for n in batch}
            wait_until(partial(_cache_master_not_in, lay, addresses), FAILOVER_WAIT, 0.3)
        if kind == "app":
            lab_actions.bring_back_apps(lab, batch)
            started += batch
            continue
        for name in batch:
            try:
                lab.start_component(name)
            except LabError as exc:
                raise ActivityFailed(f"restore_zone: cannot start {name}: {exc}") from exc
            started.append(name)
        if kind == "etcd" and batch:
            require(
                wait_until(lambda: lab_procs.etcd_healthy(lay), ETCD_TIMEOUT, 0.3),
                f"etcd not healthy {ETCD_TIMEOUT:g} s after restarting {', '.join(batch)}",
            )
    _wait_healthy(lay)
    write_json(path, {**outage, "restored": True, "restored_t": round(time.time(), 3)})
    return started


def _leader_not_in(lay: LabLayout, names: set[str]) -> bool:
    leader = probes.patroni_leader(lay)
    return leader is not None and leader not in names


def _cache_master_not_in(lay: LabLayout, addresses: set[str]) -> bool:
    master = probes.sentinel_master(lay)
    return master is not None and f"{master[0]}:{master[1]}" not in addresses


def _wait_healthy(lay: LabLayout) -> None:
    checks = (
        ("the database (a leader and streaming replicas)", lab_procs.database_healthy),
        ("the cache (master with linked replicas)", lab_procs.cache_healthy),
        ("etcd", lab_procs.etcd_healthy),
    )
    deadline = time.monotonic() + HEALTH_TIMEOUT
    for what, check in checks:
        left = max(0.0, deadline - time.monotonic())
        require(
            wait_until(partial(check, lay), left, 0.5),
            f"restore_zone: {what} not healthy within {HEALTH_TIMEOUT:g} s",
        )
