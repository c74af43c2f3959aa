"""Backups: database retention and point-in-time restore, DynamoDB PITR, S3 versions, AWS Backup."""

from __future__ import annotations

from archproof.controls.api import Findings, Subject, control
from archproof.controls.backup_plans import judge_backup_plans, plan_takes, selection_gap
from archproof.controls.backup_selection import STORE_KINDS, region_of, region_of_arn
from archproof.inventory.defaults import RDS_BACKUP_RETENTION, value_or_default
from archproof.inventory.model import Resource, Unknown

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
    value, decided_by = value_or_default(resource, "backup_retention_period", RDS_BACKUP_RETENTION)
    findings.check(
        "backup_retention_period",
        value,
        isinstance(value, int) and value >= days,
        f"≥ {days} days",
        decided_by,
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
    needs=("aws_backup_plan", *STORE_KINDS),
    severity="medium",
    params={"backup_retention_days": 7, "backup_kinds": list(STORE_KINDS)},
)
def test_backup_plan_keeps_copies(subject: Subject) -> None:
    """Every data store is in an AWS Backup plan keeping scheduled backups the documented days."""
    judge_backup_plans(subject)


# --- Copies in a second region -------------------------------------------------------------

REPLICATIONS = "aws_db_instance_automated_backups_replication"


def home_region(resource: Resource) -> str | Unknown:
    """Where a resource lives (:func:`region_of`); unknown when nothing says."""
    found = region_of(resource)
    return found or Unknown("the plan does not record the provider region of the database")


def _copy_region_ok(dest: str | Unknown, home: str | Unknown, wanted: str) -> bool | Unknown:
    """Is a copy in ``dest`` a copy in a second region (the documented one, if given)?

    With a documented region, a copy there proves the claim unless the database is known to
    live there itself; without one, both regions must be known and differ.
    """
    if isinstance(dest, Unknown):
        return dest
    if wanted:
        return dest == wanted and home != dest
    if isinstance(home, Unknown):
        return home
    return dest != home


def _replication_region(subject: Subject, replication: Resource) -> str | Unknown:
    if replication.region:
        return replication.region
    if replication.missing is not None:  # a source that cannot record replications at all
        return replication.missing
    for attribute in ("id", "arn", "kms_key_id"):  # the replica's KMS key lives in its region
        found = region_of_arn(replication.get(attribute))
        if found:
            return found
    return Unknown("the plan does not record the region the backups are replicated to")


def _vault_region(subject: Subject, plan: Resource, arn: object, path: str) -> str | Unknown:
    found = region_of_arn(arn)
    if found:
        return found
    for vault in subject.inventory.related(plan, path, kinds=("aws_backup_vault",)):
        found = vault.region or region_of_arn(vault.get("arn"))
        if found:
            return found
    return Unknown("the plan does not record the destination vault's region")


def _backup_plan_copies(
    subject: Subject, db: Resource, home: str | Unknown, wanted: str
) -> list[tuple[bool | Unknown, str]]:
    outcomes: list[tuple[bool | Unknown, str]] = []
    gap = selection_gap(subject.inventory)
    for plan in subject.inventory.of_kind("aws_backup_plan"):
        rules = plan.get("rule")
        if isinstance(rules, Unknown):
            outcomes.append((rules, f"{plan.label} rules"))
            continue
        for position, rule in enumerate(rules if isinstance(rules, list) else []):
            copies = rule.get("copy_action") if isinstance(rule, dict) else None
            if isinstance(copies, Unknown):
                outcomes.append((copies, f"{plan.label} copy_action"))
                continue
            for copy in copies if isinstance(copies, list) else []:
                arn = copy.get("destination_vault_arn") if isinstance(copy, dict) else None
                dest = _vault_region(
                    subject, plan, arn, f"rule.{position}.copy_action.destination_vault_arn"
                )
                what = f"{plan.label} copies to {dest if isinstance(dest, str) else '?'}"
                taken = plan_takes(subject.inventory, plan, db, gap)
                if taken is False:
                    outcomes.append((False, f"{what} but selects other resources"))
                    continue
                where = _copy_region_ok(dest, home, wanted)
                if where is False:
                    outcomes.append((False, what))
                elif isinstance(taken, Unknown):
                    outcomes.append((taken, f"{what}, if it selects the database"))
                else:
                    outcomes.append((where, what))
    return outcomes


@control(
    "rds-backup-copied-to-second-region",
    kinds=("aws_db_instance", "aws_rds_cluster"),
    needs=(REPLICATIONS, "aws_backup_plan", "aws_backup_selection"),
    severity="high",
    params={"backup_copy_region": ""},
    select=_backed_up_database,
    frameworks={"AWS-WA": "REL09"},
)
def test_database_backups_are_copied_to_a_second_region(
    subject: Subject, resource: Resource
) -> None:
    """Database backups are copied to a second region (replicated or by an AWS Backup copy rule)."""
    wanted = str(subject.params["backup_copy_region"])
    home = home_region(resource)
    outcomes: list[tuple[bool | Unknown, str]] = []
    if resource.kind == "aws_db_instance":
        for replication in subject.inventory.referring(
            resource, REPLICATIONS, "source_db_instance_arn"
        ):
            dest = _replication_region(subject, replication)
            # AWS replicates automated backups only into another region: no home check needed.
            ok = dest if isinstance(dest, Unknown) else (not wanted or dest == wanted)
            where = dest if isinstance(dest, str) else "?"
            outcomes.append((ok, f"{replication.label} replicates to {where}"))
    outcomes += _backup_plan_copies(subject, resource, home, wanted)
    if any(ok is True for ok, _ in outcomes):
        return
    findings = Findings(resource)
    for ok, what in outcomes:
        if isinstance(ok, Unknown):
            findings.unknown(what, ok)
    if not findings.unknowns:
        region = f"region {wanted}" if wanted else "another region"
        seen = "; ".join(what for _, what in outcomes) or None
        findings.fail("backup copies", seen, f"automated backups replicated or copied to {region}")
    findings.close()
