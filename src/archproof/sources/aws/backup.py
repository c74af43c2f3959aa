"""AWS Backup: plans with their rules, backup selections, vaults."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan

KINDS = ("aws_backup_plan", "aws_backup_selection", "aws_backup_vault")


def collect(scan: Scan) -> None:
    backup = scan.client("backup")
    for summary in scan.items(backup, "list_backup_plans", "BackupPlansList[]", KINDS[:1]) or ():
        plan_id = summary["BackupPlanId"]
        answer = scan.call(backup, "get_backup_plan", KINDS[:1], BackupPlanId=plan_id)
        if answer is not None:
            _add_plan(scan, answer)
            _selections(scan, backup, plan_id)
    for vault in scan.items(backup, "list_backup_vaults", "BackupVaultList[]", KINDS[2:]) or ():
        name, arn = vault["BackupVaultName"], vault.get("BackupVaultArn")
        scan.add(
            "aws_backup_vault",
            name,
            {
                "name": name,
                "id": name,
                "arn": arn,
                "kms_key_arn": vault.get("EncryptionKeyArn"),
                "recovery_points": vault.get("NumberOfRecoveryPoints"),
                "locked": bool(vault.get("Locked")),
                "min_retention_days": vault.get("MinRetentionDays"),
            },
            ids=(name, arn),
        )


def _lifecycle(value: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not value:
        return []
    return [
        {
            "delete_after": value.get("DeleteAfterDays"),
            "cold_storage_after": value.get("MoveToColdStorageAfterDays"),
        }
    ]


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule_name": rule.get("RuleName"),
        "target_vault_name": rule.get("TargetBackupVaultName"),
        "schedule": rule.get("ScheduleExpression"),
        "start_window": rule.get("StartWindowMinutes"),
        "completion_window": rule.get("CompletionWindowMinutes"),
        "enable_continuous_backup": bool(rule.get("EnableContinuousBackup")),
        "lifecycle": _lifecycle(rule.get("Lifecycle")),
        "copy_action": [
            {
                "destination_vault_arn": c.get("DestinationBackupVaultArn"),
                "lifecycle": _lifecycle(c.get("Lifecycle")),
            }
            for c in rule.get("CopyActions", ())
        ],
    }


def _add_plan(scan: Scan, answer: dict[str, Any]) -> None:
    plan_id, arn = answer["BackupPlanId"], answer.get("BackupPlanArn")
    plan = answer.get("BackupPlan", {})
    scan.add(
        "aws_backup_plan",
        plan_id,
        {
            "id": plan_id,
            "arn": arn,
            "name": plan.get("BackupPlanName"),
            "version": answer.get("VersionId"),
            "rule": [_rule(r) for r in plan.get("Rules", ())],
        },
        ids=(plan_id, arn, plan.get("BackupPlanName")),
    )


def _selections(scan: Scan, backup: Any, plan_id: str) -> None:
    kinds = KINDS[1:2]
    op, key = "list_backup_selections", "BackupSelectionsList[]"
    for summary in scan.items(backup, op, key, kinds, BackupPlanId=plan_id) or ():
        selection_id = summary["SelectionId"]
        answer = scan.call(
            backup,
            "get_backup_selection",
            kinds,
            BackupPlanId=plan_id,
            SelectionId=selection_id,
        )
        if answer is None:
            continue
        selection = answer.get("BackupSelection", {})
        scan.add(
            "aws_backup_selection",
            selection_id,
            {
                "id": selection_id,
                "plan_id": plan_id,
                "name": selection.get("SelectionName"),
                "iam_role_arn": selection.get("IamRoleArn"),
                "resources": list(selection.get("Resources", ())),
                "not_resources": list(selection.get("NotResources", ())),
                "selection_tag": [
                    {
                        "type": t.get("ConditionType"),
                        "key": t.get("ConditionKey"),
                        "value": t.get("ConditionValue"),
                    }
                    for t in selection.get("ListOfTags", ())
                ],
            },
            ids=(selection_id,),
        )
