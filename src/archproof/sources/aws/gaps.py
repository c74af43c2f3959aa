"""Known gaps of the local control plane (moto), applied only when the endpoint is loopback.

moto cannot represent some things an Auto Scaling group does; the values it
reports instead would give false verdicts. Those values become ``Unknown`` with
the reason, so controls report ``inconclusive``. Values are never changed to
something that could pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from archproof.inventory.model import Resource, Unknown

ASG_TAG = "aws:autoscaling:groupName"

EXTRA_VOLUME = "asg-instance-extra-volume"
PLACEMENT = "asg-instance-placement"
METADATA = "asg-instance-metadata-options"
ROOT_MFA = "root-mfa"
CACHE_MEMBERS = "elasticache-members"
BACKUP_REPLICATION = "rds-backup-replication"
REPLICATION = "aws_db_instance_automated_backups_replication"
CACHE_PLACEMENT = "elasticache-member-placement"
INSTANCE_GROUPS = "asg-instance-security-groups"
S3_BLOCK = "s3-default-public-access-block"
BLOCK_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
RDS_RETENTION = "rds-default-backup-retention"
REASONS = {
    CACHE_PLACEMENT: "moto gap: a replication group's members are not listed as cache "
    "clusters, so their subnet group and security groups cannot be read",
    BACKUP_REPLICATION: "moto gap: RDS cannot replicate automated backups to another region "
    "(StartDBInstanceAutomatedBackupsReplication is not implemented)",
    CACHE_MEMBERS: "moto gap: a replication group holds one member whatever NumCacheClusters asks",
    ROOT_MFA: "moto gap: the local control plane has no root user, so root MFA cannot be shown",
    EXTRA_VOLUME: "moto gap: Auto Scaling instances get an extra unencrypted volume "
    "that is not in their launch template",
    PLACEMENT: "moto gap: Auto Scaling places every instance in the group's first subnet",
    METADATA: "moto gap: Auto Scaling instances ignore the launch template's metadata options",
    INSTANCE_GROUPS: "moto gap: Auto Scaling instances do not get the launch template's"
    " network-interface security groups",
    S3_BLOCK: "moto gap: new buckets get no Block Public Access configuration, where S3 turns"
    " all four settings on for every new bucket",
    RDS_RETENTION: "moto gap: a DB instance created without a retention reports 0 days where"
    " RDS keeps 1 (and an explicit 0 cannot be told apart here)",
}


def apply(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    """The resources with the known gaps replaced by ``Unknown``, and the gaps applied."""
    groups = {r.address: r for r in resources if r.kind == "aws_autoscaling_group"}
    templates = {i: r for r in resources if r.kind == "aws_launch_template" for i in r.ids}
    members: dict[str, str] = {}
    for group in groups.values():
        for member in group.attributes.get("instances") or ():
            members[str(member.get("instance_id"))] = group.address
    for r in resources:
        if r.kind == "aws_instance" and isinstance(r.tags.get(ASG_TAG), str):
            members.setdefault(r.address, r.tags[ASG_TAG])
    applied: set[str] = set()
    odd_volumes: set[str] = set()
    patched: dict[tuple[str, str], Resource] = {}
    for r in resources:
        if r.kind == "aws_instance" and r.address in members:
            template = _template_data(groups.get(members[r.address]), templates)
            devices = _declared_devices(template)
            patched[(r.kind, r.address)] = _patch_instance(r, devices, odd_volumes, applied)
            if _interface_groups(template, r):
                unknown = Unknown(REASONS[INSTANCE_GROUPS])
                patched[(r.kind, r.address)] = _replace(
                    patched[(r.kind, r.address)], vpc_security_group_ids=unknown
                )
                applied.add(INSTANCE_GROUPS)
        elif r.kind == "aws_autoscaling_group" and r.attributes.get("instances"):
            placement = Unknown(REASONS[PLACEMENT])
            members_now = [{**m, "availability_zone": placement} for m in r.attributes["instances"]]
            patched[(r.kind, r.address)] = _replace(r, instances=members_now)
            applied.add(PLACEMENT)
    for r in resources:
        if r.kind == "aws_elasticache_replication_group":
            unknown = Unknown(REASONS[CACHE_MEMBERS])
            changes: dict[str, Any] = {"num_cache_clusters": unknown}
            if not r.attributes.get("subnet_group_name") and not r.attributes.get(
                "security_group_ids"
            ):
                placement = Unknown(REASONS[CACHE_PLACEMENT])
                changes.update(subnet_group_name=placement, security_group_ids=placement)
                applied.add(CACHE_PLACEMENT)
            patched[(r.kind, r.address)] = _replace(r, **changes)
            applied.add(CACHE_MEMBERS)
        if r.kind == "aws_iam_account_summary":
            patched[(r.kind, r.address)] = _replace(
                r, account_mfa_enabled=Unknown(REASONS[ROOT_MFA])
            )
            applied.add(ROOT_MFA)
        if r.kind == "aws_db_instance" and r.attributes.get("backup_retention_period") == 0:
            unknown = Unknown(REASONS[RDS_RETENTION])
            patched[(r.kind, r.address)] = _replace(r, backup_retention_period=unknown)
            applied.add(RDS_RETENTION)
        if r.kind == "aws_ebs_volume" and r.address in odd_volumes:
            patched[(r.kind, r.address)] = _replace(r, encrypted=Unknown(REASONS[EXTRA_VOLUME]))
    found = [patched.get((r.kind, r.address), r) for r in resources]
    found += _unseen_replications(resources, applied)
    found += _unseen_public_access_blocks(resources, applied)
    return found, sorted(applied)


def _unseen_replications(resources: list[Resource], applied: set[str]) -> list[Resource]:
    """For each backed-up DB instance with no replication seen, one whose every attribute is
    ``Unknown``: moto cannot hold one, so its absence proves nothing."""
    replicated = {
        str(r.attributes.get("source_db_instance_arn")) for r in resources if r.kind == REPLICATION
    }
    added: list[Resource] = []
    for r in resources:
        arn = r.attributes.get("arn")
        if r.kind != "aws_db_instance" or not isinstance(arn, str) or arn in replicated:
            continue
        if not r.attributes.get("backup_retention_period"):
            continue
        unknown = Unknown(REASONS[BACKUP_REPLICATION])
        added.append(
            Resource(
                REPLICATION,
                f"{arn}:unseen-backup-replication",
                r.source,
                {"source_db_instance_arn": arn},
                account=r.account,
                missing=unknown,
            )
        )
        applied.add(BACKUP_REPLICATION)
    return added


def _unseen_public_access_blocks(resources: list[Resource], applied: set[str]) -> list[Resource]:
    """For each bucket without a Block Public Access configuration (and no account-wide one),
    one whose flags are ``Unknown``: moto does not give new buckets S3's default one."""
    if any(r.kind == "aws_s3_account_public_access_block" for r in resources):
        return []
    blocked = {
        str(r.attributes.get("bucket"))
        for r in resources
        if r.kind == "aws_s3_bucket_public_access_block"
    }
    added: list[Resource] = []
    for r in resources:
        name = r.attributes.get("bucket")
        if r.kind != "aws_s3_bucket" or not isinstance(name, str) or name in blocked:
            continue
        unknown = Unknown(REASONS[S3_BLOCK])
        attributes: dict[str, Any] = {"bucket": name, **dict.fromkeys(BLOCK_FLAGS, unknown)}
        added.append(
            Resource(
                "aws_s3_bucket_public_access_block",
                f"{name}/public-access-block",
                r.source,
                attributes,
                region=r.region,
                account=r.account,
            )
        )
        applied.add(S3_BLOCK)
    return added


def _template_data(
    group: Resource | None, templates: Mapping[str, Resource]
) -> Mapping[str, Any] | None:
    """The launch template version the group starts instances from; ``None`` when unknown."""
    if group is None:
        return None
    refs = group.attributes.get("launch_template") or []
    if not refs:
        return None
    ref = refs[0]
    template = templates.get(str(ref.get("id"))) or templates.get(str(ref.get("name")))
    if template is None:
        return None
    version = str(ref.get("version") or "$Default")
    data: Mapping[str, Any] | None
    if version == "$Latest" or version == str(template.attributes.get("latest_version")):
        data = template.attributes.get("latest")
    elif version == "$Default" or version == str(template.attributes.get("default_version")):
        data = template.attributes
    else:
        data = None
    return data if isinstance(data, Mapping) else None


def _declared_devices(template: Mapping[str, Any] | None) -> set[str] | None:
    """Devices the template gives a volume (``no_device`` entries give none); ``None`` when
    the template is unknown."""
    if template is None:
        return None
    return {
        str(m.get("device_name"))
        for m in template.get("block_device_mappings") or ()
        if m.get("no_device") is None  # NoDevice "" suppresses the device too
    }


def _interface_groups(template: Mapping[str, Any] | None, instance: Resource) -> bool:
    """The template puts instances in network-interface groups the instance does not have."""
    if template is None:
        return False
    wanted = {
        str(g)
        for n in template.get("network_interfaces") or ()
        for g in n.get("security_groups") or ()
    }
    seen = set(instance.attributes.get("vpc_security_group_ids") or ())
    return bool(wanted) and wanted != seen


def _patch_instance(
    instance: Resource, devices: set[str] | None, odd_volumes: set[str], applied: set[str]
) -> Resource:
    changes: dict[str, Any] = {
        "availability_zone": Unknown(REASONS[PLACEMENT]),
        "metadata_options": Unknown(REASONS[METADATA]),
    }
    applied.update((PLACEMENT, METADATA))
    for block in ("root_block_device", "ebs_block_device"):
        entries = []
        for entry in instance.attributes.get(block) or ():
            if devices is None or entry.get("device_name") not in devices:
                entry = {**entry, "encrypted": Unknown(REASONS[EXTRA_VOLUME])}
                odd_volumes.add(str(entry.get("volume_id")))
                applied.add(EXTRA_VOLUME)
            entries.append(entry)
        changes[block] = entries
    return _replace(instance, **changes)


def _replace(resource: Resource, **attributes: Any) -> Resource:
    return dataclasses.replace(resource, attributes={**resource.attributes, **attributes})
