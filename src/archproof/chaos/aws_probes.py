"""Probes of the AWS failure experiments: they only read (describe/list calls).

Every function takes chaostoolkit's ``configuration`` and ``secrets`` (``aws_region``,
optional ``aws_profile_name``; see ``archproof.chaos.aws``). The ``wait_*`` probes poll
until a state is reached or their bound expires and say how long it took (the recovery
time of the experiment).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chaoslib.exceptions import ActivityFailed  # type: ignore[import-untyped]

from archproof.chaos.aws import (
    BLACKHOLE_VALUE,
    DRILL_VALUE,
    OPT_IN_TAG,
    Configuration,
    Secrets,
    aws_session,
    client,
    explicit_targets,
    region_of,
    wait_until,
)
from archproof.chaos.aws_safety import AwsTarget, opt_in_problem

__all__ = [
    "asg_healthy_at_desired",
    "aurora_cluster_ready",
    "aurora_failover_target",
    "aurora_writer",
    "cache_primary",
    "drill_instances",
    "recent_snapshot_exists",
    "replication_group_available",
    "target_opted_in",
    "wait_asg_healthy_at_desired",
    "wait_aurora_failover",
    "wait_cache_failover",
    "zone_blackholed",
    "zone_open",
]


def target_opted_in(
    kind: str, target_id: str, configuration: Configuration = None, secrets: Secrets = None
) -> bool:
    """The target carries archproof:chaos=allowed or is in ``explicit_targets``
    (raises ``ActivityFailed`` naming the target otherwise, so the reason is in the journal)."""
    target = AwsTarget(kind, target_id, region_of(configuration))
    session = aws_session(configuration, secrets)
    problem = opt_in_problem(session, target, explicit_targets(configuration))
    if problem:
        raise ActivityFailed(problem)
    return True


# ----- Auto Scaling ------------------------------------------------------------------------


def _asg(asg_name: str, configuration: Configuration, secrets: Secrets) -> dict[str, Any]:
    api = client("autoscaling", configuration, secrets)
    groups = api.describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])
    found = groups.get("AutoScalingGroups") or []
    if not found:
        raise ActivityFailed(f"Auto Scaling group {asg_name!r} not found")
    return dict(found[0])


def _healthy_in_service(group: dict[str, Any]) -> list[str]:
    return [
        i["InstanceId"]
        for i in group.get("Instances", ())
        if i.get("LifecycleState") == "InService" and i.get("HealthStatus") == "Healthy"
    ]


def asg_healthy_at_desired(
    asg_name: str, configuration: Configuration = None, secrets: Secrets = None
) -> bool:
    """The group has as many healthy InService instances as its desired capacity (> 0)."""
    group = _asg(asg_name, configuration, secrets)
    desired = int(group.get("DesiredCapacity", 0))
    return desired > 0 and len(_healthy_in_service(group)) == desired


def wait_asg_healthy_at_desired(
    asg_name: str,
    timeout_s: float = 900,
    interval_s: float = 10,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Poll until healthy InService == desired; ``recovered``, ``seconds`` and the group."""

    def state() -> tuple[bool, dict[str, Any]]:
        group = _asg(asg_name, configuration, secrets)
        healthy = _healthy_in_service(group)
        desired = int(group.get("DesiredCapacity", 0))
        seen = {"desired": desired, "healthy": len(healthy), "instances": healthy}
        return desired > 0 and len(healthy) == desired, seen

    return wait_until(state, timeout_s, interval_s, configuration, asg_name)


# ----- RDS / Aurora ------------------------------------------------------------------------


def _cluster(db_cluster_id: str, configuration: Configuration, secrets: Secrets) -> dict[str, Any]:
    api = client("rds", configuration, secrets)
    return dict(api.describe_db_clusters(DBClusterIdentifier=db_cluster_id)["DBClusters"][0])


def aurora_writer(
    db_cluster_id: str, configuration: Configuration = None, secrets: Secrets = None
) -> str:
    """The instance id of the cluster's writer ("" when it has none)."""
    members = _cluster(db_cluster_id, configuration, secrets).get("DBClusterMembers", ())
    return next((m["DBInstanceIdentifier"] for m in members if m.get("IsClusterWriter")), "")


def aurora_cluster_ready(
    db_cluster_id: str, configuration: Configuration = None, secrets: Secrets = None
) -> bool:
    """The cluster is available, has a writer and at least one reader to fail over to."""
    cluster = _cluster(db_cluster_id, configuration, secrets)
    members = cluster.get("DBClusterMembers", ())
    writers = [m for m in members if m.get("IsClusterWriter")]
    return cluster.get("Status") == "available" and len(writers) == 1 and len(members) >= 2


def aurora_failover_target(
    db_cluster_id: str,
    preferred: str = "",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> str:
    """The reader to promote: ``preferred`` when it is a reader of the cluster, else the
    reader with the best promotion tier (for chaostoolkit's dynamic configuration)."""
    members = _cluster(db_cluster_id, configuration, secrets).get("DBClusterMembers", ())
    readers = sorted(
        (m for m in members if not m.get("IsClusterWriter")),
        key=lambda m: (m.get("PromotionTier", 15), m["DBInstanceIdentifier"]),
    )
    names = [m["DBInstanceIdentifier"] for m in readers]
    if not names:
        raise ActivityFailed(f"DB cluster {db_cluster_id!r} has no reader to fail over to")
    return preferred if preferred in names else names[0]


def wait_aurora_failover(
    db_cluster_id: str,
    expected_writer: str,
    timeout_s: float = 600,
    interval_s: float = 5,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Poll until the cluster is available with ``expected_writer`` as its writer."""

    def state() -> tuple[bool, dict[str, Any]]:
        cluster = _cluster(db_cluster_id, configuration, secrets)
        members = cluster.get("DBClusterMembers", ())
        writer = next((m["DBInstanceIdentifier"] for m in members if m.get("IsClusterWriter")), "")
        seen = {"status": cluster.get("Status"), "writer": writer}
        return cluster.get("Status") == "available" and writer == expected_writer, seen

    return wait_until(state, timeout_s, interval_s, configuration, db_cluster_id)


def recent_snapshot_exists(
    db_instance_id: str,
    max_age_hours: float = 26,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> bool:
    """An available automated or manual snapshot of the instance is at most
    ``max_age_hours`` old."""
    api = client("rds", configuration, secrets)
    snaps = api.describe_db_snapshots(DBInstanceIdentifier=db_instance_id)["DBSnapshots"]
    times: list[datetime] = [
        s["SnapshotCreateTime"] for s in snaps if s.get("Status") == "available"
    ]
    if not times:
        return False
    age = datetime.now(UTC) - max(times)
    return age.total_seconds() <= float(max_age_hours) * 3600


# ----- ElastiCache -------------------------------------------------------------------------


def _group_status(group_id: str, configuration: Configuration, secrets: Secrets) -> dict[str, Any]:
    api = client("elasticache", configuration, secrets)
    group = api.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0]
    primaries = [
        m.get("CacheClusterId")
        for ng in group.get("NodeGroups", ())
        for m in ng.get("NodeGroupMembers", ())
        if m.get("CurrentRole") == "primary"
    ]
    return {"status": group.get("Status"), "primaries": primaries}


def replication_group_available(
    replication_group_id: str, configuration: Configuration = None, secrets: Secrets = None
) -> bool:
    """The replication group is available and each shard reports a primary."""
    seen = _group_status(replication_group_id, configuration, secrets)
    return bool(seen["status"] == "available" and seen["primaries"])


def cache_primary(
    replication_group_id: str, configuration: Configuration = None, secrets: Secrets = None
) -> str:
    """The cache cluster that is primary now (first shard; "" when none is)."""
    primaries = _group_status(replication_group_id, configuration, secrets)["primaries"]
    return str(primaries[0]) if primaries else ""


def wait_cache_failover(
    replication_group_id: str,
    previous_primary: str = "",
    timeout_s: float = 900,
    interval_s: float = 10,
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Poll until the replication group is available with a primary other than
    ``previous_primary`` (any primary when it is "")."""

    def state() -> tuple[bool, dict[str, Any]]:
        seen = _group_status(replication_group_id, configuration, secrets)
        moved = bool(seen["primaries"]) and previous_primary not in seen["primaries"]
        return seen["status"] == "available" and moved, seen

    return wait_until(state, timeout_s, interval_s, configuration, replication_group_id)


# ----- network ACLs (zone loss) ------------------------------------------------------------


def zone_subnets(ec2: Any, vpc_id: str, zone: str) -> list[str]:
    """The VPC's subnets in ``zone`` (a zone name such as us-east-1a or an id: use1-az1)."""
    key = "availability-zone-id" if zone[-1:].isdigit() else "availability-zone"
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": key, "Values": [zone]}]
    return sorted(s["SubnetId"] for s in ec2.describe_subnets(Filters=filters)["Subnets"])


def zone_blackholed(
    vpc_id: str, zone: str, configuration: Configuration = None, secrets: Secrets = None
) -> list[str]:
    """The zone's subnets now associated with an archproof blackhole network ACL."""
    ec2 = client("ec2", configuration, secrets)
    subnets = set(zone_subnets(ec2, vpc_id, zone))
    filters = [
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": f"tag:{OPT_IN_TAG}", "Values": [BLACKHOLE_VALUE]},
    ]
    acls = ec2.describe_network_acls(Filters=filters)["NetworkAcls"]
    found = {a["SubnetId"] for acl in acls for a in acl.get("Associations", ())}
    return sorted(found & subnets)


def zone_open(
    vpc_id: str, zone: str, configuration: Configuration = None, secrets: Secrets = None
) -> bool:
    """None of the zone's subnets is blackholed by archproof."""
    return not zone_blackholed(vpc_id, zone, configuration, secrets)


# ----- backup restore drill ----------------------------------------------------------------


def drill_instances(configuration: Configuration = None, secrets: Secrets = None) -> list[str]:
    """RDS instances tagged archproof:chaos=drill (temporary restores of a drill)."""
    rds = client("rds", configuration, secrets)
    found = []
    for page in rds.get_paginator("describe_db_instances").paginate():
        for instance in page["DBInstances"]:
            tags = instance.get("TagList")
            if tags is None:
                tags = rds.list_tags_for_resource(ResourceName=instance["DBInstanceArn"])["TagList"]
            if {"Key": OPT_IN_TAG, "Value": DRILL_VALUE} in tags:
                found.append(instance["DBInstanceIdentifier"])
    return sorted(found)
