"""archproof's chaostoolkit extension for the lab: faults, restores and probes.

Use it in an experiment as a python provider with ``"module": "archproof.chaos.lab"``; every
function takes chaostoolkit's ``configuration`` (``lab_dir``, ``records_dir``; see
``archproof.chaos.records``). Faults send real signals to real lab processes and append one
line per fault to ``<records_dir>/faults.jsonl``.

Actions: ``kill_app_instance``, ``freeze_app_instance``, ``thaw_app_instances``,
``restore_app_instances``, ``crash_database_primary``, ``restart_database_nodes``,
``kill_cache_master``, ``restart_cache_nodes``, ``zone_outage``, ``restore_zone``,
``backup_restore_drill``.

Probes: ``entry_serves``, ``app_capacity``, ``capacity_at_least``, ``patroni_leader``,
``database_writable``, ``sentinel_master``, ``cache_writable``, ``haproxy_servers``,
``lab_healthy``.
"""

from __future__ import annotations

from archproof.chaos.lab_actions import (
    crash_database_primary,
    freeze_app_instance,
    kill_app_instance,
    kill_cache_master,
    restart_cache_nodes,
    restart_database_nodes,
    restore_app_instances,
    thaw_app_instances,
)
from archproof.chaos.lab_backup import backup_restore_drill
from archproof.chaos.lab_probes import (
    app_capacity,
    cache_writable,
    capacity_at_least,
    database_writable,
    entry_serves,
    haproxy_servers,
    lab_healthy,
    patroni_leader,
    sentinel_master,
)
from archproof.chaos.lab_zone import restore_zone, zone_outage

__all__ = [
    "app_capacity",
    "backup_restore_drill",
    "cache_writable",
    "capacity_at_least",
    "crash_database_primary",
    "database_writable",
    "entry_serves",
    "freeze_app_instance",
    "haproxy_servers",
    "kill_app_instance",
    "kill_cache_master",
    "lab_healthy",
    "patroni_leader",
    "restart_cache_nodes",
    "restart_database_nodes",
    "restore_app_instances",
    "restore_zone",
    "sentinel_master",
    "thaw_app_instances",
    "zone_outage",
]
