"""Backups: database retention and point-in-time restore, DynamoDB PITR, S3 versions, AWS Backup."""

from __future__ import annotations

from archproof.controls.api import Findings, Subject, control
from archproof.inventory.model import Resource, Unknown
from archproof.verdict import Failed, Inconclusive

RETENTION = {"backup_retention_days": 7}


def _backed_up_database(subject: Subject, resource: Resource) -> bool:
    if resource.kind != "aws_db_instance":
        return True
    return resource.get("cluster_identifier") in (None, "") and resource.get(
        "replicate_source_db"
    ) in (None, "")


@control(
    "database-backup-retention",
    kinds=("aws_db_instance", "aws_rds_cluster"),
    severity="high",
    params=RETENTION,
    select=_backed_up_database,
    frameworks={"AWS-WA": "REL09"},
)
def test_database_keeps_restorable_backups(subject: Subject, resource: Resource) -> None:
    """Databases keep automated backups (point-in-time restore) for the documented days."""
    findings = Findings(resource)
    days = int(subject.params["backup_retention_days"])
    value = resource.get("backup_retention_period")
    findings.check(
        "backup_retention_period", value, isinstance(value, int) and value >= days, f"≥ {days} days"
    )
    findings.close()


@control("dynamodb-pitr", kinds=("aws_dynamodb_table",), severity="high")
def test_table_has_point_in_time_recovery(resource: Resource) -> None:
    """DynamoDB tables have point-in-time recovery on."""
    findings = Findings(resource)
    block = resource.get("point_in_time_recovery")
    enabled = (block or [{}])[0].get("enabled") if isinstance(block, list) else block
    findings.check("point_in_time_recovery.enabled", enabled, enabled is True, "true")
    findings.close()


def _in_bucket_role(subject: Subject, bucket: Resource) -> bool:
    role = str(subject.params["bucket_role"])
    return not role or subject.in_role(bucket, role)


@control(
    "s3-versioning",
    kinds=("aws_s3_bucket",),
    needs=("aws_s3_bucket_versioning",),
    severity="medium",
    params={"bucket_role": ""},
    select=_in_bucket_role,
)
def test_bucket_keeps_versions(subject: Subject, resource: Resource) -> None:
    """S3 buckets keep object versions so overwritten or deleted data can be restored."""
    findings = Findings(resource)
    statuses: list[object] = []
    inline = resource.get("versioning")
    if isinstance(inline, list):
        statuses += [
            "Enabled" if v.get("enabled") is True else "Suspended"
            for v in inline
            if isinstance(v, dict)
        ]
    for config in subject.inventory.referring(resource, "aws_s3_bucket_versioning", "bucket"):
        block = config.get("versioning_configuration")
        if isinstance(block, Unknown):
            statuses.append(block)
        for item in block if isinstance(block, list) else []:
            statuses.append(item.get("status"))
    if any(isinstance(s, Unknown) for s in statuses):
        findings.unknown("versioning", "known only after apply")
    else:
        findings.check("versioning", statuses or None, "Enabled" in statuses, "'Enabled'")
    findings.close()


@control(
    "backup-plan-present",
    needs=("aws_backup_plan",),
    severity="medium",
    params={"backup_retention_days": 7},
)
def test_backup_plan_keeps_copies(subject: Subject) -> None:
    """An AWS Backup plan takes scheduled backups and keeps them for the documented days."""
    plans = subject.inventory.of_kind("aws_backup_plan")
    days = int(subject.params["backup_retention_days"])
    if not plans:
        raise Failed(
            f"{subject.test_id}: aws_backup_plan=none, required a plan with a scheduled rule"
        )
    problems: list[str] = []
    for plan in plans:
        rules = plan.get("rule")
        if isinstance(rules, Unknown):
            raise Inconclusive(f"{plan.label}: rules known only after apply")
        for rule in rules or []:
            lifecycle = (rule.get("lifecycle") or [{}])[0] if isinstance(rule, dict) else {}
            keep = lifecycle.get("delete_after")
            if rule.get("schedule") and (
                keep in (None, 0) or (isinstance(keep, int) and keep >= days)
            ):
                return
            problems.append(f"{plan.label} rule {rule.get('rule_name')}: delete_after={keep}")
    raise Failed(
        f"{subject.test_id}: {'; '.join(problems) or 'no rules'}, required a scheduled rule "
        f"keeping backups ≥ {days} days"
    )
