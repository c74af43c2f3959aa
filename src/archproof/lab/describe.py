"""The lab described as an estate: entry, tiers, zones and the autoscaler policy (JSON-able).

Roles are read live: PostgreSQL leader/replica from Patroni's REST API, the Redis master from
Sentinel. ``patroni_leader()`` and ``sentinel_master()`` are the probes failure tests use.
"""

from __future__ import annotations

import json
from typing import Any

from archproof.lab.autoscaler import BACKEND, load_policy
from archproof.lab.layout import LabLayout
from archproof.lab.probes import patroni_cluster, patroni_leader, redis_role, sentinel_master
from archproof.lab.procs import LabError
from archproof.lab.runtime import RuntimeAPI
from archproof.lab.stack import Lab

__all__ = ["describe", "patroni_leader", "sentinel_master"]

AUTOSCALER_NOTE = (
    "In the lab, archproof's own process emulates the cloud autoscaler (target tracking on "
    "requests per second per instance); on AWS or Kubernetes the real autoscaler is observed."
)


def describe(layout: LabLayout | None = None) -> dict[str, Any]:
    """What the running lab is, as an estate (works, with roles empty, when it is down)."""
    layout = layout or LabLayout()
    status = Lab(layout).status()
    running = {c.name: c.running for c in status.components}
    app_state: dict[str, str] = {}
    if layout.runtime_socket.exists():
        try:
            app_state = {
                s.name: s.status for s in RuntimeAPI(layout.runtime_socket).servers(BACKEND)
            }
        except LabError:
            app_state = {}

    members = {str(m.get("name")): m for m in patroni_cluster(layout)}
    pg_nodes = []
    for node in layout.pg_nodes:
        m = members.get(node.name, {})
        role = str(m.get("role", ""))
        pg_nodes.append(
            {
                "name": node.name,
                "address": node.address,
                "rest": f"http://{node.host}:{node.aux_port}",
                "zone": node.zone,
                "role": "leader" if role in ("leader", "standby_leader") else role,
                "state": str(m.get("state", "")),
                "lag": m.get("lag"),
            }
        )

    master = sentinel_master(layout)
    master_addr = f"{master[0]}:{master[1]}" if master else ""
    redis_nodes = []
    for node in layout.redis_nodes:
        reachable = bool(running.get(node.name)) and redis_role(node) != ""
        role = "master" if node.address == master_addr else ("replica" if master else "")
        redis_nodes.append(
            {
                "name": node.name,
                "address": node.address,
                "zone": node.zone,
                "role": role,
                "reachable": reachable,
            }
        )

    zones: dict[str, dict[str, Any]] = {
        name: {"cidr": cidr, "runs": []} for name, cidr in layout.zones
    }
    for member in (
        *layout.etcd_members,
        *layout.pg_nodes,
        *layout.redis_nodes,
        *layout.sentinels,
        *layout.app_slots,
    ):
        if member.zone in zones:
            zones[member.zone]["runs"].append(member.name)

    try:
        state: Any = json.loads(layout.autoscaler_state.read_text())
    except (OSError, ValueError):
        state = None

    return {
        "kind": "archproof-lab",
        "running": status.running,
        "lab_dir": str(layout.lab_dir),
        "entry": {
            "https": layout.entry_url,
            "http_redirect": layout.http_url,
            "ca_file": str(layout.ca_file),
            "tls_server_name": layout.tls_server_name,
            "hsts": "max-age=31536000",
            "stats": layout.stats_url,
            "pg_rw": f"{layout.entry_host}:{layout.pg_rw_port}",
            "pg_ro": f"{layout.entry_host}:{layout.pg_ro_port}",
            "redis_rw": f"{layout.entry_host}:{layout.redis_rw_port}",
        },
        "tiers": {
            "edge": {
                "kind": "haproxy",
                "address": layout.entry_host,
                "running": bool(running.get("haproxy")),
                "runtime_socket": str(layout.runtime_socket),
                "backends": sorted(status.backends),
            },
            "app": {
                "kind": "aiohttp",
                "health_check": "GET /health",
                "instances": [
                    {
                        "name": slot.name,
                        "address": slot.address,
                        "zone": slot.zone,
                        "state": app_state.get(slot.name, ""),
                        "running": bool(running.get(slot.name)),
                    }
                    for slot in layout.app_slots
                ],
            },
            "data": {
                "kind": "postgresql",
                "ha": "patroni",
                "dcs": [m.address for m in layout.etcd_members],
                "leader": patroni_leader(layout),
                "nodes": pg_nodes,
            },
            "cache": {
                "kind": "redis",
                "ha": "sentinel",
                "master": master_addr or None,
                "quorum": layout.sentinel_quorum,
                "sentinels": [s.address for s in layout.sentinels],
                "nodes": redis_nodes,
            },
        },
        "zones": zones,
        "autoscaler": {
            "emulated": True,
            "note": AUTOSCALER_NOTE,
            "policy": load_policy(layout).as_json(),
            "state": state,
            "log": str(layout.autoscaler_log),
        },
    }
