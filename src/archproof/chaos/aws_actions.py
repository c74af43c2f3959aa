"""Fault actions of the AWS failure experiments (these change things) and their rollbacks.

Zone loss: ``blackhole_zone`` moves every subnet of one zone in a VPC onto a new deny-all
network ACL (remembering the original associations in ``<records_dir>/aws-zone-blackhole.json``);
``hold_zone_blackhole`` keeps it for a bounded time and ends it early when a stop condition
trips; ``restore_zone_acls`` puts the original ACLs back and deletes the deny ACL.

Every fault action re-checks the opt-in tag (unless the target is in ``explicit_targets``)
and appends ``{"t", "fault", "target", "detail"}`` to ``<records_dir>/faults.jsonl``.
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chaoslib.exceptions import ActivityFailed  # type: ignore[import-untyped]

from archproof.chaos.aws import (
    BLACKHOLE_VALUE,
    OPT_IN_TAG,
    Configuration,
    Secrets,
    append_fault,
    client,
    failure,
    read_state,
    remove_state,
    write_state,
)
from archproof.chaos.aws_probes import zone_subnets
from archproof.chaos.aws_safety import require_opt_in

ZONE_STATE = "zone-blackhole"
MAX_HOLD_S = 3600.0  # a zone blackhole never lasts longer than this, whatever is configured

__all__ = ["blackhole_zone", "hold_zone_blackhole", "record_fault", "restore_zone_acls"]


def record_fault(
    fault: str, target: str, detail: str = "", configuration: Configuration = None
) -> dict[str, Any]:
    """Note in faults.jsonl that a fault is being injected by another provider (such as a
    chaostoolkit-aws action run right after this one)."""
    return append_fault(configuration, fault, target, detail)


def blackhole_zone(
    vpc_id: str, zone: str, configuration: Configuration = None, secrets: Secrets = None
) -> dict[str, Any]:
    """Cut one availability zone off: associate all of the VPC's subnets in ``zone`` with a
    new deny-all network ACL (tagged archproof:chaos=blackhole). The original associations
    are recorded first, so ``restore_zone_acls`` can always put them back."""
    require_opt_in("vpc", vpc_id, configuration, secrets)
    if read_state(configuration, ZONE_STATE):
        raise ActivityFailed(
            "a zone blackhole is already recorded in records_dir: run restore_zone_acls first"
        )
    ec2 = client("ec2", configuration, secrets)
    subnets = zone_subnets(ec2, vpc_id, zone)
    if not subnets:
        raise ActivityFailed(f"VPC {vpc_id!r} has no subnet in zone {zone!r}")
    current = _associations(ec2, vpc_id)
    acl = ec2.create_network_acl(
        VpcId=vpc_id,
        TagSpecifications=[
            {
                "ResourceType": "network-acl",
                "Tags": [
                    {"Key": OPT_IN_TAG, "Value": BLACKHOLE_VALUE},
                    {"Key": "Name", "Value": f"archproof-blackhole-{zone}"},
                ],
            }
        ],
    )["NetworkAcl"]["NetworkAclId"]
    state: dict[str, Any] = {
        "vpc_id": vpc_id,
        "zone": zone,
        "acl_id": acl,
        "started": time.time(),
        "subnets": [
            {"subnet_id": s, "original_acl_id": current[s][1], "moved": False} for s in subnets
        ],
    }
    write_state(configuration, ZONE_STATE, state)
    _deny_everything(ec2, acl)
    for entry in state["subnets"]:
        try:
            association = current[entry["subnet_id"]][0]
            ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
        except (BotoCoreError, ClientError) as exc:
            raise ActivityFailed(f"moving {entry['subnet_id']}: {failure(exc)}") from exc
        entry["moved"] = True
        write_state(configuration, ZONE_STATE, state)
    append_fault(
        configuration, "zone-blackhole", f"{vpc_id}/{zone}", {"acl": acl, "subnets": subnets}
    )
    return {"acl_id": acl, "subnets": subnets, "zone": zone, "vpc_id": vpc_id}


def _associations(ec2: Any, vpc_id: str) -> dict[str, tuple[str, str]]:
    """subnet id → (association id, network ACL id) for every subnet of the VPC."""
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    return {
        a["SubnetId"]: (a["NetworkAclAssociationId"], acl["NetworkAclId"])
        for acl in acls["NetworkAcls"]
        for a in acl.get("Associations", ())
    }


def _deny_everything(ec2: Any, acl: str) -> None:
    """Explicit deny-all rules (a new ACL already denies all; these make it obvious)."""
    for egress in (False, True):
        for block in ({"CidrBlock": "0.0.0.0/0"}, {"Ipv6CidrBlock": "::/0"}):
            rule = 1 if "CidrBlock" in block else 2
            ec2.create_network_acl_entry(
                NetworkAclId=acl,
                RuleNumber=rule,
                Protocol="-1",
                RuleAction="deny",
                Egress=egress,
                **block,
            )


def hold_zone_blackhole(
    max_seconds: float = 300,
    interval_s: float = 5,
    asg_name: str = "",
    min_healthy: int = 0,
    stop_alarm: str = "",
    configuration: Configuration = None,
    secrets: Secrets = None,
) -> dict[str, Any]:
    """Keep the zone blackholed until ``max_seconds`` after it started (never more than an
    hour), ending it early (``restore_zone_acls``) when a stop condition trips: the
    CloudWatch alarm ``stop_alarm`` is in ALARM, or ``asg_name`` has fewer than
    ``min_healthy`` healthy InService instances."""
    state = read_state(configuration, ZONE_STATE)
    if not state:
        return {"held_s": 0.0, "stopped_early": False, "reason": "no blackhole recorded"}
    deadline = float(state["started"]) + min(float(max_seconds), MAX_HOLD_S)
    while True:
        try:
            reason = _stop_reason(asg_name, int(min_healthy), stop_alarm, configuration, secrets)
        except (BotoCoreError, ClientError) as exc:
            reason = f"stop condition unreadable, stopping to be safe ({failure(exc)})"
        now = time.time()
        held = round(now - float(state["started"]), 3)
        if reason:
            restored = restore_zone_acls(configuration, secrets)
            return {"held_s": held, "stopped_early": True, "reason": reason, **restored}
        if now >= deadline:
            return {"held_s": held, "stopped_early": False, "reason": "duration bound reached"}
        time.sleep(max(0.0, min(float(interval_s), deadline - now)))


def _stop_reason(
    asg_name: str, min_healthy: int, alarm: str, configuration: Configuration, secrets: Secrets
) -> str:
    if alarm:
        cw = client("cloudwatch", configuration, secrets)
        alarms = cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
        if not alarms:
            return f"stop alarm {alarm!r} not found (stopping to be safe)"
        if alarms[0].get("StateValue") == "ALARM":
            return f"stop alarm {alarm!r} is in ALARM"
    if asg_name and min_healthy > 0:
        api = client("autoscaling", configuration, secrets)
        groups = api.describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])
        instances = [i for g in groups["AutoScalingGroups"] for i in g.get("Instances", ())]
        healthy = sum(
            1
            for i in instances
            if i.get("LifecycleState") == "InService" and i.get("HealthStatus") == "Healthy"
        )
        if healthy < min_healthy:
            return f"{asg_name} has {healthy} healthy instances, fewer than {min_healthy}"
    return ""


def restore_zone_acls(
    configuration: Configuration = None, secrets: Secrets = None
) -> dict[str, Any]:
    """Rollback of ``blackhole_zone``: re-associate each recorded subnet with its original
    network ACL (the VPC's default one if that is gone) and delete the deny-all ACL.
    Safe to run twice; does nothing when no blackhole is recorded."""
    state = read_state(configuration, ZONE_STATE)
    if not state:
        return {"restored": [], "acl_deleted": None}
    ec2 = client("ec2", configuration, secrets)
    acl, vpc_id = state["acl_id"], state["vpc_id"]
    current = _associations(ec2, vpc_id)
    existing = _acl_ids(ec2, vpc_id)
    restored, problems = [], []
    for entry in state["subnets"]:
        subnet = entry["subnet_id"]
        association, now_on = current.get(subnet, ("", ""))
        if now_on != acl:
            continue  # never moved, or already back
        back_to = entry["original_acl_id"] if entry["original_acl_id"] in existing else existing[""]
        try:
            ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=back_to)
            restored.append(subnet)
        except (BotoCoreError, ClientError) as exc:
            problems.append(f"{subnet} → {back_to}: {failure(exc)}")
    deleted = _delete_acl(ec2, acl, problems)
    append_fault(configuration, "zone-restore", f"{vpc_id}/{state['zone']}", {"subnets": restored})
    if problems:
        raise ActivityFailed("zone restore incomplete (state kept): " + "; ".join(problems))
    remove_state(configuration, ZONE_STATE, keep_as=f"{ZONE_STATE}-restored")
    return {"restored": restored, "acl_deleted": deleted}


def _acl_ids(ec2: Any, vpc_id: str) -> dict[str, str]:
    """Network ACL ids of the VPC (mapped to themselves) and "" → the default ACL."""
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    found = {a["NetworkAclId"]: a["NetworkAclId"] for a in acls["NetworkAcls"]}
    found[""] = next((a["NetworkAclId"] for a in acls["NetworkAcls"] if a.get("IsDefault")), "")
    return found


def _delete_acl(ec2: Any, acl: str, problems: list[str]) -> str:
    try:
        ec2.delete_network_acl(NetworkAclId=acl)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "InvalidNetworkAclID.NotFound":
            return acl
        problems.append(f"deleting {acl}: {failure(exc)}")
        return ""
    except BotoCoreError as exc:
        problems.append(f"deleting {acl}: {failure(exc)}")
        return ""
    return acl
