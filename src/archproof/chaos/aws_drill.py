"""Backup restore drill (these actions change things): restore the newest snapshot of an RDS
instance to a temporary instance tagged ``archproof:chaos=drill``, check it, delete it.

The source instance is never touched; it must still have opted in (the drill costs money
and runs in its account, subnets and security groups). Aurora clusters restore with
``restore_db_cluster_from_snapshot`` and are not covered here.
"""

from __future__ import annotations

import secrets as random
import time
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chaoslib.exceptions import ActivityFailed  # type: ignore[import-untyped]

from archproof.chaos.aws import (
    DRILL_VALUE,
    OPT_IN_TAG,
    Configuration,
    Secrets,
    append_fault,
    client,
    failure,
    read_state,
    write_state,
)
from archproof.chaos.aws_probes import drill_instances
from archproof.chaos.aws_safety import require_opt_in

DRILL_STATE = "backup-drill"
SOURCE_TAG = "archproof:drill-source"
DRILL_PREFIX = "archproof-drill"
_GONE = ("DBInstanceNotFound", "DBInstanceNotFoundFault")
FAILED_STATES = {"failed", "incompatible-restore", "incompatible-parameters", "storage-full"}

__all__ = ["delete_drill_instances", "restore_snapshot_drill"]


def restore_snapshot_drill(
    db_instance_id: str,
    timeout_s: float = 3600,
    interval_s: float = 20,
    instance_class: str = "",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Restore the newest available (automated or manual) snapshot of ``db_instance_id`` to
    a new private instance, wait until it is available (at most ``timeout_s``) and check it:
    same engine and encryption as the source, an endpoint. Says how old the snapshot was
    (the data a restore would lose) and how long the restore took."""
    require_opt_in("db_instance", db_instance_id, configuration, secrets)
    rds = client("rds", configuration, secrets)
    source = rds.describe_db_instances(DBInstanceIdentifier=db_instance_id)["DBInstances"][0]
    snapshot = _newest_snapshot(rds, db_instance_id)
    name = f"{DRILL_PREFIX}-{datetime.now(UTC):%Y%m%d%H%M%S}-{random.token_hex(2)}"
    params: dict[str, Any] = {
        "DBInstanceIdentifier": name,
        "DBSnapshotIdentifier": snapshot["DBSnapshotIdentifier"],
        "PubliclyAccessible": False,
        "MultiAZ": False,
        "DeletionProtection": False,
        "Tags": [
            {"Key": OPT_IN_TAG, "Value": DRILL_VALUE},
            {"Key": SOURCE_TAG, "Value": db_instance_id},
        ],
    }
    subnet_group = (source.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
    if subnet_group:
        params["DBSubnetGroupName"] = subnet_group
    groups = [g["VpcSecurityGroupId"] for g in source.get("VpcSecurityGroups", ())]
    if groups:
        params["VpcSecurityGroupIds"] = groups
    if instance_class:
        params["DBInstanceClass"] = instance_class
    started = time.monotonic()
    _remember(configuration, name)
    rds.restore_db_instance_from_db_snapshot(**params)
    append_fault(
        configuration,
        "backup-restore-drill",
        db_instance_id,
        {"drill": name, "snapshot": snapshot["DBSnapshotIdentifier"]},
    )
    drill = _wait_available(rds, name, float(timeout_s), float(interval_s))
    checks = {
        "available": drill.get("DBInstanceStatus") == "available",
        "endpoint": bool((drill.get("Endpoint") or {}).get("Address")),
        "engine": drill.get("Engine") == source.get("Engine"),
        "encrypted": bool(drill.get("StorageEncrypted")) == bool(source.get("StorageEncrypted")),
    }
    age = datetime.now(UTC) - snapshot["SnapshotCreateTime"]
    return {
        "instance": name,
        "snapshot": snapshot["DBSnapshotIdentifier"],
        "snapshot_type": snapshot.get("SnapshotType"),
        "snapshot_age_s": round(age.total_seconds(), 1),
        "restore_s": round(time.monotonic() - started, 3),
        "checks": checks,
        "ok": all(checks.values()),
    }


def _newest_snapshot(rds: Any, db_instance_id: str) -> dict[str, Any]:
    snaps = rds.describe_db_snapshots(DBInstanceIdentifier=db_instance_id)["DBSnapshots"]
    ready = [s for s in snaps if s.get("Status") == "available"]
    if not ready:
        raise ActivityFailed(f"DB instance {db_instance_id!r} has no available snapshot")
    return dict(max(ready, key=lambda s: s["SnapshotCreateTime"]))


def _remember(configuration: Configuration, name: str) -> None:
    state = read_state(configuration, DRILL_STATE) or {"instances": []}
    state["instances"] = sorted({*state["instances"], name})
    write_state(configuration, DRILL_STATE, state)


def _wait_available(rds: Any, name: str, timeout_s: float, interval_s: float) -> dict[str, Any]:
    started = time.monotonic()
    while True:
        drill = dict(rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0])
        status = drill.get("DBInstanceStatus")
        if status == "available":
            return drill
        if status in FAILED_STATES:
            raise ActivityFailed(f"drill instance {name} ended in status {status!r}")
        elapsed = time.monotonic() - started
        if elapsed >= timeout_s:
            raise ActivityFailed(f"drill instance {name} not available within {timeout_s} s")
        time.sleep(max(0.0, min(interval_s, timeout_s - elapsed)))


def delete_drill_instances(
    configuration: Configuration = None, secrets: Secrets = None
) -> list[str]:
    """Rollback of ``restore_snapshot_drill``: delete every drill instance (recorded in
    records_dir or tagged archproof:chaos=drill) without a final snapshot. Only instances
    that carry the drill tag are ever deleted. Returns the ids deleted."""
    rds = client("rds", configuration, secrets)
    tagged = set(drill_instances(configuration, secrets))
    recorded = set((read_state(configuration, DRILL_STATE) or {}).get("instances", ()))
    deleted, problems = [], []
    for name in sorted(tagged):
        try:
            rds.delete_db_instance(
                DBInstanceIdentifier=name, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
            )
            deleted.append(name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _GONE:
                problems.append(f"{name}: {failure(exc)}")
        except BotoCoreError as exc:
            problems.append(f"{name}: {failure(exc)}")
    for name in sorted(recorded - tagged):
        if _exists(rds, name):
            problems.append(
                f"{name}: recorded as a drill but has no {OPT_IN_TAG}={DRILL_VALUE} tag"
            )
    if deleted:
        append_fault(configuration, "backup-drill-deleted", ",".join(deleted), "")
    if problems:
        raise ActivityFailed("drill instances not deleted: " + "; ".join(problems))
    write_state(configuration, DRILL_STATE, {"instances": [], "deleted": deleted})
    return deleted


def _exists(rds: Any, name: str) -> bool:
    try:
        rds.describe_db_instances(DBInstanceIdentifier=name)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _GONE:
            return False
        raise
    return True
