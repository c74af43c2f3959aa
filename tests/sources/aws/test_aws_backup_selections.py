"""The live AWS Backup collector reads what a selection takes: resources, exclusions, tags and
conditions. moto does not implement backup selections, so the answers come from botocore's
Stubber, which checks each one against the service model; on moto the failure is named as the
local control plane's gap."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from archproof.moto_server import MotoServer
from archproof.sources.aws import AwsOptions, backup, collect_aws
from archproof.sources.aws.base import Scan
from archproof.sources.aws.session import AwsSession

ACCOUNT = "123456789012"
PLAN_ID = "plan-1"
PLAN_ARN = f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-plan:{PLAN_ID}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/backup"


def _stubbed_scan(monkeypatch: pytest.MonkeyPatch) -> tuple[Scan, Stubber]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    session = boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    aws = AwsSession(session, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/auditor")
    client = aws.client("backup", "us-east-1")
    return Scan(service="backup", region="us-east-1", aws=aws), Stubber(client)


def test_a_selection_is_read_with_its_exclusions_tags_and_conditions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scan, stub = _stubbed_scan(monkeypatch)
    stub.add_response("list_backup_plans", {"BackupPlansList": [{"BackupPlanId": PLAN_ID}]})
    stub.add_response(
        "get_backup_plan",
        {
            "BackupPlanId": PLAN_ID,
            "BackupPlanArn": PLAN_ARN,
            "BackupPlan": {
                "BackupPlanName": "daily",
                "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "primary"}],
            },
        },
        {"BackupPlanId": PLAN_ID},
    )
    stub.add_response(
        "list_backup_selections",
        {"BackupSelectionsList": [{"SelectionId": "sel-1", "BackupPlanId": PLAN_ID}]},
        {"BackupPlanId": PLAN_ID},
    )
    selection: dict[str, Any] = {
        "SelectionName": "databases",
        "IamRoleArn": ROLE,
        "Resources": ["arn:aws:rds:*:*:db:*"],
        "NotResources": [f"arn:aws:rds:us-east-1:{ACCOUNT}:db:scratch"],
        "ListOfTags": [
            {"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "daily"}
        ],
        "Conditions": {
            "StringEquals": [{"ConditionKey": "aws:ResourceTag/Env", "ConditionValue": "prod"}],
            "StringNotLike": [{"ConditionKey": "aws:ResourceTag/Tier", "ConditionValue": "tmp*"}],
        },
    }
    stub.add_response(
        "get_backup_selection",
        {"BackupSelection": selection, "SelectionId": "sel-1", "BackupPlanId": PLAN_ID},
        {"BackupPlanId": PLAN_ID, "SelectionId": "sel-1"},
    )
    stub.add_response("list_backup_vaults", {"BackupVaultList": []})
    with stub:
        backup.collect(scan)
    assert scan.errors == []
    [found] = [r for r in scan.resources if r.kind == "aws_backup_selection"]
    assert found.address == "sel-1" and found.get("plan_id") == PLAN_ID
    assert found.get("resources") == ["arn:aws:rds:*:*:db:*"]
    assert found.get("not_resources") == [f"arn:aws:rds:us-east-1:{ACCOUNT}:db:scratch"]
    assert found.get("selection_tag") == [
        {"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}
    ]
    assert found.get("condition") == [
        {
            "string_equals": [{"key": "aws:ResourceTag/Env", "value": "prod"}],
            "string_like": [],
            "string_not_equals": [],
            "string_not_like": [{"key": "aws:ResourceTag/Tier", "value": "tmp*"}],
        }
    ]


def test_on_moto_the_unread_selections_are_named_as_its_gap(
    moto: MotoServer, aws: boto3.Session
) -> None:
    client = aws.client("backup")
    rule = {"RuleName": "daily", "TargetBackupVaultName": "primary"}
    client.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [rule]})
    inventory = collect_aws(AwsOptions(regions=("us-east-1",), services=("backup",)))
    [error] = inventory.errors_for(["aws_backup_selection"])
    assert error.call == "ListBackupSelections"
    assert error.message.startswith("moto gap: moto does not implement ListBackupSelections")
