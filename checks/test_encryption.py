"""Encryption at rest and in transit: EBS, RDS/Aurora, S3, DynamoDB, ElastiCache, SQS/SNS, KMS."""

from __future__ import annotations

from typing import Any

from archproof.controls.api import Findings, Subject, control
from archproof.controls.facts import is_set
from archproof.inventory.defaults import (
    AMI_DECIDES_ROOT_ENCRYPTION,
    S3_ENCRYPTION,
    SQS_MANAGED_SSE,
    value_or_default,
)
from archproof.inventory.model import (
    UNSET_REASON,
    Resource,
    Unknown,
    first_block,
    is_unknown,
    is_unset,
)

GDPR = {"GDPR": "Art. 32(1)(a)"}


def _default_encryption_on(subject: Subject) -> bool:
    """The account encrypts new volumes by default (a plan that enables it, or the live flag)."""
    return any(
        r.get("enabled") is True for r in subject.inventory.of_kind("aws_ebs_encryption_by_default")
    )


def _devices(resource: Resource) -> list[tuple[str, Any]]:
    if resource.kind == "aws_ebs_volume":
        return [("encrypted", resource.get("encrypted"))]
    if resource.kind == "aws_launch_template":
        mappings = resource.get("block_device_mappings")
        if isinstance(mappings, Unknown):
            return [("block_device_mappings", mappings)]
        found: list[tuple[str, Any]] = []
        for position, mapping in enumerate(mappings or []):
            ebs = first_block(mapping.get("ebs")) if isinstance(mapping, dict) else {}
            if isinstance(ebs, Unknown):
                found.append((f"block_device_mappings.{position}.ebs", ebs))
            elif ebs:
                found.append(
                    (f"block_device_mappings.{position}.ebs.encrypted", ebs.get("encrypted"))
                )
        return found
    devices: list[tuple[str, Any]] = []
    for block in ("root_block_device", "ebs_block_device"):
        items = resource.get(block)
        if isinstance(items, Unknown):
            devices.append((block, items))
        for position, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                devices.append((f"{block}.{position}.encrypted", item.get("encrypted")))
    if resource.get("root_block_device") in (None, []):
        devices.append(("root_block_device", _UNSET))  # none declared: the AMI's root volume
    return devices


def _volumes_here(subject: Subject, resource: Resource) -> bool:
    # Live volumes are judged as aws_ebs_volume; instances carry them only in a plan.
    return not (subject.source.startswith("live") and resource.kind == "aws_instance")


@control(
    "ebs-encrypted",
    kinds=("aws_ebs_volume", "aws_instance", "aws_launch_template", "aws_launch_configuration"),
    needs=("aws_ebs_encryption_by_default",),
    severity="high",
    frameworks=GDPR,
    select=_volumes_here,
)
def test_block_storage_is_encrypted(subject: Subject, resource: Resource) -> None:
    """EBS volumes and the disks of instances, launch templates and configurations are encrypted."""
    findings = Findings(resource)
    # The account default encrypts volumes created from now on: what a plan creates, and what
    # a launch template or configuration will start; a volume that exists is as it is.
    future = resource.source.startswith("plan") or resource.kind in LAUNCHERS
    account_default = future and _default_encryption_on(subject)
    devices = _devices(resource)
    if not devices and resource.kind == "aws_launch_template":
        devices = [("block_device_mappings", _UNSET)]  # none declared: the AMI's volumes
    for what, value in devices:
        weak = is_unknown(value) or value in (None, False, "", "false")
        if account_default and weak:
            findings.note(f"{what} encrypted by the account's EBS encryption default")
        elif is_unset(value) or (value is None and resource.kind != "aws_ebs_volume"):
            findings.unknown(what, AMI_DECIDES_ROOT_ENCRYPTION)
        elif value is None and resource.get("snapshot_id") not in (None, ""):
            findings.unknown(what, "a volume from a snapshot is encrypted as the snapshot is")
        else:
            findings.check(what, value, value in (True, "true"), "true")
    findings.close()


_UNSET = Unknown(UNSET_REASON)
LAUNCHERS = ("aws_launch_template", "aws_launch_configuration")


@control(
    "ebs-default-encryption",
    kinds=("aws_ebs_encryption_by_default",),
    severity="medium",
    frameworks=GDPR,
)
def test_account_encrypts_new_volumes_by_default(resource: Resource) -> None:
    """The account encrypts every new EBS volume by default in each region."""
    findings = Findings(resource)
    value = resource.get("enabled")
    findings.check("enabled", value, value is True, "true")
    findings.close()


def _not_cluster_member(subject: Subject, resource: Resource) -> bool:
    return resource.kind != "aws_db_instance" or resource.get("cluster_identifier") in (None, "")


@control(
    "rds-encrypted",
    kinds=("aws_db_instance", "aws_rds_cluster"),
    severity="high",
    frameworks={**GDPR, "CIS-AWS": "2.3.1"},
    select=_not_cluster_member,
)
def test_database_storage_is_encrypted(resource: Resource) -> None:
    """Database storage is encrypted at rest."""
    findings = Findings(resource)
    value = resource.get("storage_encrypted")
    findings.check("storage_encrypted", value, value is True, "true")
    findings.close()


def bucket_encryption(subject: Subject, bucket: Resource) -> list[Any]:
    """The default encryption algorithms configured for a bucket (inline or separate resource)."""
    rules: list[Any] = []
    kind = "aws_s3_bucket_server_side_encryption_configuration"
    separate = subject.inventory.referring(bucket, kind, "bucket")
    inline = bucket.get("server_side_encryption_configuration")
    if isinstance(inline, Unknown):
        if not separate:
            return [inline]
        inline = None  # computed: it will mirror the separate configuration resource
    for config in inline if isinstance(inline, list) else []:
        rule = config.get("rule") if isinstance(config, dict) else None
        if isinstance(rule, Unknown):
            return [rule]
        rules.extend(rule or [])
    for config in separate:
        rule = config.get("rule")
        if isinstance(rule, Unknown):
            return [rule]
        rules.extend(rule or [])
    algorithms: list[Any] = []
    for rule in rules:
        default = (
            first_block(rule.get("apply_server_side_encryption_by_default"))
            if isinstance(rule, dict)
            else {}
        )
        algorithms.append(default if isinstance(default, Unknown) else default.get("sse_algorithm"))
    return algorithms


@control(
    "s3-encrypted",
    kinds=("aws_s3_bucket",),
    needs=("aws_s3_bucket_server_side_encryption_configuration",),
    severity="high",
    params={"s3_sse": "aws:kms"},
    frameworks=GDPR,
)
def test_bucket_encrypts_by_default(subject: Subject, resource: Resource) -> None:
    """S3 buckets encrypt objects by default with the documented kind of key."""
    findings = Findings(resource)
    wanted = str(subject.params["s3_sse"])
    algorithms = bucket_encryption(subject, resource)
    decided_by = None
    if not algorithms:  # no configuration anywhere: S3 encrypts every bucket by default
        algorithms, decided_by = [S3_ENCRYPTION.value], S3_ENCRYPTION.decided_by
    accepted = {
        "aws:kms": ("aws:kms", "aws:kms:dsse"),
        "any": ("aws:kms", "aws:kms:dsse", "AES256"),
    }
    allowed = accepted.get(wanted, (wanted,))
    if any(isinstance(a, Unknown) for a in algorithms):
        findings.unknown("sse_algorithm", "known only after apply")
    else:
        ok = all(a in allowed for a in algorithms)
        findings.check("sse_algorithm", algorithms, ok, f"one of {list(allowed)}", decided_by)
    findings.close()


@control("dynamodb-encrypted", kinds=("aws_dynamodb_table",), severity="medium", frameworks=GDPR)
def test_table_encrypted_with_managed_key(resource: Resource) -> None:
    """DynamoDB tables encrypt with a KMS key the account controls."""
    findings = Findings(resource)
    block = resource.get("server_side_encryption")
    enabled = (block or [{}])[0].get("enabled") if isinstance(block, list) else block
    findings.check("server_side_encryption.enabled", enabled, enabled is True, "true (KMS key)")
    findings.close()


@control(
    "cache-encrypted",
    kinds=("aws_elasticache_replication_group",),
    severity="high",
    frameworks=GDPR,
)
def test_cache_encrypted_at_rest_and_in_transit(resource: Resource) -> None:
    """Caches encrypt data at rest and in transit."""
    findings = Findings(resource)
    for attribute in ("at_rest_encryption_enabled", "transit_encryption_enabled"):
        value = resource.get(attribute)
        # Provider v5 plans at_rest_encryption_enabled as a string ("true").
        on = value is True or (isinstance(value, str) and value.lower() == "true")
        findings.check(attribute, value, on, "true")
    findings.close()


@control(
    "queue-topic-encrypted",
    kinds=("aws_sqs_queue", "aws_sns_topic"),
    severity="medium",
    frameworks=GDPR,
)
def test_messages_encrypted_at_rest(subject: Subject, resource: Resource) -> None:
    """Queues and topics encrypt messages at rest."""
    findings = Findings(resource)
    key = is_set(subject, resource, "kms_master_key_id")
    if isinstance(key, Unknown):
        findings.unknown("kms_master_key_id", key)
    elif not key and resource.kind == "aws_sqs_queue":
        managed, decided_by = value_or_default(resource, "sqs_managed_sse_enabled", SQS_MANAGED_SSE)
        findings.check(
            "sqs_managed_sse_enabled",
            managed,
            managed is True,
            "true (or a KMS key)",
            decided_by,
        )
    elif not key:
        seen = resource.get("kms_master_key_id")
        findings.fail("kms_master_key_id", seen, "a KMS key (SNS encrypts nothing by default)")
    findings.close()


def _customer_symmetric(subject: Subject, key: Resource) -> bool:
    """Customer-managed symmetric keys; ``alias/aws/*`` is reserved for AWS-managed keys."""
    spec = key.get("customer_master_key_spec")
    aws_alias = any(i.startswith("alias/aws/") or ":alias/aws/" in i for i in key.ids)
    return key.get("key_manager") != "AWS" and not aws_alias and spec in (None, "SYMMETRIC_DEFAULT")


@control(
    "kms-key-rotation",
    kinds=("aws_kms_key",),
    severity="medium",
    select=_customer_symmetric,
    frameworks={"CIS-AWS": "3.6"},
)
def test_keys_rotate(resource: Resource) -> None:
    """Customer-managed KMS keys rotate automatically."""
    findings = Findings(resource)
    value = resource.get("enable_key_rotation")
    findings.check("enable_key_rotation", value, value is True, "true")
    findings.close()


def _aws_managed_key(subject: Subject, resource: Resource) -> bool:
    named = resource.get("kms_key_id")
    if isinstance(named, str) and ("alias/aws/" in named):
        return True
    keys = subject.inventory.related(resource, "kms_key_id", kinds=("aws_kms_key",))
    return any(
        k.get("key_manager") == "AWS" or any(":alias/aws/" in i for i in k.ids) for k in keys
    )


@control(
    "redshift-encrypted",
    kinds=("aws_redshift_cluster",),
    severity="high",
    params={"redshift_kms": False},
    frameworks=GDPR,
)
def test_warehouse_is_encrypted(subject: Subject, resource: Resource) -> None:
    """Redshift clusters encrypt data at rest, with a customer-managed KMS key when documented."""
    findings = Findings(resource)
    value = resource.get("encrypted")
    findings.check("encrypted", value, value in (True, "true"), "true")
    if subject.params["redshift_kms"] in (True, "true"):
        key = is_set(subject, resource, "kms_key_id")
        if isinstance(key, Unknown):
            findings.unknown("kms_key_id", key)
        elif not key:
            findings.fail("kms_key_id", resource.get("kms_key_id"), "a customer-managed KMS key")
        elif _aws_managed_key(subject, resource):
            findings.fail("kms_key_id", "an AWS-managed key", "a customer-managed KMS key")
    findings.close()
