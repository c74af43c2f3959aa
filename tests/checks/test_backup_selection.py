"""backup-plan-present counts a backup plan only for the data stores a selection of it takes
(ARNs with wildcards, tags, conditions, exclusions): every database and storage volume of the
estate must be taken by a plan keeping backups for the documented days. On real plans
(review_shapes/, ``main.tf`` beside each) and on the real moto server, which does not implement
backup selections: there the verdict names the gap instead of passing."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from archproof.moto_server import MotoServer
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.sources.plan.load import load_plan
from archproof.verdict import Verdict
from support.aws_estate import verdicts

SHAPES = Path(__file__).parent / "review_shapes"
CONTROL = "backup-plan-present"
DB, VOLUME = "aws_db_instance.orders", "aws_ebs_volume.data"


def judged(shape: str) -> tuple[Verdict, str]:
    [(verdict, message)] = verdicts(load_plan(SHAPES / shape / "plan.json"), CONTROL).values()
    return verdict, message


@pytest.mark.parametrize(
    ("shape", "expected", "named", "not_named"),
    [
        # a daily plan keeping 35 days, no selection: it backs up nothing
        ("backup_plan_selecting_nothing", Verdict.FAIL, [DB, VOLUME], []),
        # resources = ["*"], not_resources = [the database]
        ("backup_selection_excluding_the_database", Verdict.FAIL, [DB], [VOLUME]),
        # selection_tag Backup=daily: the volume is tagged weekly
        ("backup_selection_by_tag_missing_a_volume", Verdict.FAIL, [VOLUME], [DB]),
        # databases by wildcard ARN and a tag condition, volumes by wildcard ARN
        ("backup_selections_covering_every_store", Verdict.PASS, [], []),
        # ARNs of account 123456789012: the plan does not know the stores' account
        ("backup_selection_naming_arns_of_an_account", Verdict.INCONCLUSIVE, [DB, VOLUME], []),
    ],
)
def test_a_plan_counts_for_the_stores_its_selections_take(
    shape: str, expected: Verdict, named: list[str], not_named: list[str]
) -> None:
    verdict, message = judged(shape)
    assert verdict is expected, message
    assert all(store in message for store in named), message
    assert not any(store in message for store in not_named), message


def _plan(aws: boto3.Session, days: int) -> None:
    backup = aws.client("backup")
    backup.create_backup_vault(BackupVaultName="primary")
    rule = {
        "RuleName": "daily",
        "TargetBackupVaultName": "primary",
        "ScheduleExpression": "cron(0 5 * * ? *)",
        "Lifecycle": {"DeleteAfterDays": days},
    }
    backup.create_backup_plan(BackupPlan={"BackupPlanName": f"keep-{days}", "Rules": [rule]})


def test_a_live_plan_whose_selections_cannot_be_read_never_passes(
    moto: MotoServer, aws: boto3.Session
) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="app",
        MasterUserPassword="Pa55word1",
        AllocatedStorage=20,
    )
    ec2 = aws.client("ec2")
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]
    data = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    ec2.attach_volume(VolumeId=data, InstanceId=instance["InstanceId"], Device="/dev/sdf")
    options = AwsOptions(regions=("us-east-1",), services=("rds", "ec2", "dynamodb", "backup"))
    inventory = collect_aws(options)
    [(verdict, message)] = verdicts(inventory, CONTROL).values()
    assert verdict is Verdict.FAIL and "aws_backup_plan=none" in message, message

    _plan(aws, 35)
    [(verdict, message)] = verdicts(collect_aws(options), CONTROL).values()
    # moto does not implement ListBackupSelections: whether the plan takes the database and
    # the data volume is not known, and the verdict says it is the local control plane's gap
    assert verdict is Verdict.INCONCLUSIVE, message
    assert "moto gap" in message and "ListBackupSelections" in message, message
    assert "live:orders" in message and f"live:{data}" in message, message
    # the instance's root volume goes with the instance: no data store of its own
    roots = [v for v in inventory.of_kind("aws_ebs_volume") if v.address != data]
    assert roots and not any(v.address in message for v in roots), message


def test_a_live_plan_keeping_too_few_days_fails_whatever_it_selects(
    moto: MotoServer, aws: boto3.Session
) -> None:
    _plan(aws, 3)
    options = AwsOptions(regions=("us-east-1",), services=("rds", "ec2", "dynamodb", "backup"))
    [(verdict, message)] = verdicts(collect_aws(options), CONTROL).values()
    assert verdict is Verdict.FAIL and "delete_after=3" in message, message
