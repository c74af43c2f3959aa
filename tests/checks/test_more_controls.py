"""rds-backup-copied-to-second-region and redshift-encrypted through the real plugin, on a
real plan JSON document and on the real moto server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from plan_documents import LATER, plan_file, planned

from archproof.check import CheckRequest, judge
from archproof.moto_server import MotoServer
from archproof.run import Run
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.sources.plan import load_plan
from archproof.spec.model import Spec
from archproof.verdict import Verdict, VerdictRecord

COPY = "rds-backup-copied-to-second-region"
DR_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"
HOME_VAULT = "arn:aws:backup:us-east-1:123456789012:backup-vault:local"


# --- judging through the plugin -------------------------------------------------------------

Uses = list[tuple[str, str, dict[str, Any]]]  # requirement, control, params


def spec(uses: Uses) -> Spec:
    return Spec.model_validate(
        {
            "system": "data",
            "cloud": "aws",
            "document": "Data test",
            "requirements": [
                {
                    "id": requirement,
                    "claim": "c",
                    "source": {"system": "Data", "section": "s"},
                    "controls": [{"id": control, "params": params}],
                }
                for requirement, control, params in uses
            ],
        }
    )


def judged(run: Run, tmp_path: Path) -> dict[tuple[str, str], VerdictRecord]:
    """Records by (requirement, resource)."""
    judge(run, CheckRequest(spec_path="-", reports=tmp_path / "reports", quiet=True))
    return {(r.requirement, r.resource): r for r in run.records}


def verdicts(records: dict[tuple[str, str], VerdictRecord], requirement: str) -> dict[str, Verdict]:
    return {resource: r.verdict for (q, resource), r in records.items() if q == requirement}


USES: Uses = [
    ("ANY", COPY, {}),
    ("WEST", COPY, {"backup_copy_region": "us-west-2"}),
    ("FRANKFURT", COPY, {"backup_copy_region": "eu-central-1"}),
    ("REDSHIFT", "redshift-encrypted", {"redshift_kms": True}),
]


# --- plan -----------------------------------------------------------------------------------


def warehouse(name: str, key: Any, encrypted: Any = True) -> dict[str, Any]:
    return {"cluster_identifier": name, "encrypted": encrypted, "kms_key_id": key}


def data_plan(tmp_path: Path) -> Path:
    db = {"engine": "postgres", "arn": LATER, "backup_retention_period": 7}
    rule = {"rule_name": "daily", "target_vault_name": "local", "schedule": "cron(0 5 * * ? *)"}
    copy = {**rule, "copy_action": [{"destination_vault_arn": DR_VAULT}]}
    return plan_file(
        tmp_path,
        planned("aws_db_instance.primary", {**db, "identifier": "primary"}),
        planned(
            "aws_db_instance_automated_backups_replication.primary",
            {
                "source_db_instance_arn": LATER,
                "kms_key_id": "arn:aws:kms:eu-central-1:123456789012:key/dr",
                "id": LATER,
            },
            source_db_instance_arn="aws_db_instance.primary.arn",
        ),
        planned("aws_db_instance.lonely", {**db, "identifier": "lonely"}),
        planned(
            "aws_db_instance.replica",
            {**db, "identifier": "replica", "replicate_source_db": "primary"},
        ),
        planned(
            "aws_rds_cluster.aurora",
            {
                "cluster_identifier": "aurora",
                "arn": LATER,
                "availability_zones": ["eu-west-1a", "eu-west-1b"],
            },
        ),
        planned("aws_rds_cluster.nowhere", {"cluster_identifier": "nowhere", "arn": LATER}),
        planned("aws_backup_plan.dr", {"name": "dr", "id": LATER, "rule": [copy]}),
        planned(
            "aws_backup_selection.clusters",
            {"name": "clusters", "plan_id": LATER, "resources": LATER},
            plan_id="aws_backup_plan.dr.id",
            resources="aws_rds_cluster.aurora.arn",
        ),
        planned(
            "aws_backup_selection.tagged",
            {
                "name": "tagged",
                "plan_id": LATER,
                "selection_tag": [{"type": "STRINGEQUALS", "key": "Backup", "value": "dr"}],
            },
            plan_id="aws_backup_plan.dr.id",
        ),
        planned(
            "aws_rds_cluster.tagged",
            {"cluster_identifier": "tagged", "arn": LATER, "tags": {"Backup": "dr"}},
        ),
        planned(
            "aws_redshift_cluster.good",
            {"cluster_identifier": "good", "encrypted": True, "kms_key_id": LATER},
            kms_key_id="aws_kms_key.warehouse.arn",
        ),
        planned("aws_kms_key.warehouse", {"arn": LATER, "enable_key_rotation": True}),
        planned("aws_redshift_cluster.aws_key", warehouse("aws_key", "alias/aws/redshift")),
        planned("aws_redshift_cluster.chosen", warehouse("chosen", LATER)),  # AWS picks at apply
        planned("aws_redshift_cluster.plain", warehouse("plain", LATER, encrypted=False)),
        planned("aws_redshift_cluster.later", warehouse("later", LATER, encrypted=LATER)),
    )


def test_copies_and_warehouses_on_a_plan(tmp_path: Path) -> None:
    inventory = load_plan(data_plan(tmp_path))
    records = judged(Run(spec(USES), "default", [inventory]), tmp_path)
    assert verdicts(records, "ANY") == {
        "aws_db_instance.primary": Verdict.PASS,  # replicated (always to another region)
        "aws_db_instance.lonely": Verdict.FAIL,
        "aws_rds_cluster.aurora": Verdict.PASS,  # eu-west-1, copied to us-west-2
        "aws_rds_cluster.nowhere": Verdict.FAIL,  # not selected by the copying plan
        # copied to us-west-2, but the plan does not say where the cluster itself lives
        "aws_rds_cluster.tagged": Verdict.INCONCLUSIVE,
    }
    assert verdicts(records, "WEST") == {
        "aws_db_instance.primary": Verdict.FAIL,  # replicated to eu-central-1 (its key's region)
        "aws_db_instance.lonely": Verdict.FAIL,
        "aws_rds_cluster.aurora": Verdict.PASS,
        "aws_rds_cluster.nowhere": Verdict.FAIL,
        "aws_rds_cluster.tagged": Verdict.PASS,  # the documented region, selected by tag
    }
    assert verdicts(records, "FRANKFURT")["aws_db_instance.primary"] is Verdict.PASS
    assert verdicts(records, "FRANKFURT")["aws_rds_cluster.aurora"] is Verdict.FAIL
    lonely = records[("ANY", "aws_db_instance.lonely")].message
    assert "required automated backups replicated or copied to another region" in lonely
    assert verdicts(records, "REDSHIFT") == {
        "aws_redshift_cluster.good": Verdict.PASS,
        "aws_redshift_cluster.aws_key": Verdict.FAIL,
        "aws_redshift_cluster.chosen": Verdict.INCONCLUSIVE,
        "aws_redshift_cluster.plain": Verdict.FAIL,
        "aws_redshift_cluster.later": Verdict.INCONCLUSIVE,
    }
    plain = records[("REDSHIFT", "aws_redshift_cluster.plain")].message
    assert "encrypted=False, required true" in plain
    aws_key = records[("REDSHIFT", "aws_redshift_cluster.aws_key")].message
    assert "kms_key_id='an AWS-managed key', required a customer-managed KMS key" in aws_key


# --- live -----------------------------------------------------------------------------------


def backup_plan(aws: boto3.Session, name: str, vault_arn: str) -> None:
    aws.client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": name,
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "local",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "CopyActions": [{"DestinationBackupVaultArn": vault_arn}],
                }
            ],
        }
    )


def test_copies_and_warehouses_on_a_live_account(
    moto: MotoServer, aws: boto3.Session, tmp_path: Path
) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="app",
        MasterUserPassword="Pa55word1",
        AllocatedStorage=20,
        BackupRetentionPeriod=7,
    )
    aws.client("backup").create_backup_vault(BackupVaultName="local")
    backup_plan(aws, "same-region", HOME_VAULT)
    redshift = aws.client("redshift")
    common = {"NodeType": "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Pa55word1"}
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    redshift.create_cluster(ClusterIdentifier="warehouse", Encrypted=True, KmsKeyId=key, **common)
    redshift.create_cluster(ClusterIdentifier="scratch", **common)
    options = AwsOptions(regions=("us-east-1",), services=("rds", "backup", "redshift", "kms"))
    uses = [USES[0], USES[3]]

    inventory = collect_aws(options)
    records = judged(Run(spec(uses), "default", [inventory]), tmp_path / "first")
    # the only copy rule stays in the database's own region, but moto cannot replicate
    # automated backups, so their absence proves nothing: inconclusive, the gap named
    assert verdicts(records, "ANY")["orders"] is Verdict.INCONCLUSIVE
    assert "moto gap" in records[("ANY", "orders")].message
    assert verdicts(records, "REDSHIFT") == {"warehouse": Verdict.PASS, "scratch": Verdict.FAIL}

    # A rule copying to us-west-2 would prove it if it selects the database, but moto does not
    # implement ListBackupSelections, nor replicated automated backups: evidence missing.
    backup_plan(aws, "cross-region", DR_VAULT)
    inventory = collect_aws(options)
    records = judged(Run(spec(uses), "default", [inventory]), tmp_path / "second")
    found = verdicts(records, "ANY")
    assert found.pop("orders") is Verdict.INCONCLUSIVE
    assert "backup selections could not be read" in records[("ANY", "orders")].message
    assert set(found.values()) == {Verdict.ERROR}  # ListBackupSelections named as the failure
    assert all("ListBackupSelections" in resource for resource in found)
