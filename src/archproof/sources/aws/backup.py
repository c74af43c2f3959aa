"""AWS Backup: plans with their rules, backup selections, vaults."""

from __future__ import annotations

import dataclasses
from typing import Any

from archproof.sources.aws.base import Scan

KINDS = ("aws_backup_plan", "aws_backup_selection", "aws_backup_vault")
SELECTIONS_GAP = "moto gap: moto does not implement ListBackupSelections"
"""Begins the message of a selection listing the local control plane failed: the plan's
selections are unknown there, not missing evidence of a real account."""
CONDITIONS = {
    "StringEquals": "string_equals",
    "StringLike": "string_like",
    "StringNotEquals": "string_not_equals",
    "StringNotLike": "string_not_like",
}


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
    summaries = scan.items(backup, op, key, kinds, BackupPlanId=plan_id)
    if summaries is None:
        _name_local_gap(scan)
    for summary in summaries or ():
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
        attributes = selection_attributes(plan_id, selection_id, answer.get("BackupSelection", {}))
        scan.add("aws_backup_selection", selection_id, attributes, ids=(selection_id,))


def selection_attributes(
    plan_id: str, selection_id: str, selection: dict[str, Any]
) -> dict[str, Any]:
    """A GetBackupSelection answer in the shape of ``aws_backup_selection``."""
    conditions = selection.get("Conditions") or {}
    return {
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
        "condition": [
            {
                name: [
                    {"key": c.get("ConditionKey"), "value": c.get("ConditionValue")}
                    for c in conditions.get(operator, ())
                ]
                for operator, name in CONDITIONS.items()
            }
        ]
        if any(conditions.get(operator) for operator in CONDITIONS)
        else [],
    }


def _name_local_gap(scan: Scan) -> None:
    """The local control plane (moto) answered the selection listing with its "not
    implemented" 500: name the gap (the error stays: the selections are still unread)."""
    error = scan.errors[-1] if scan.errors else None
    if error is None or error.call != "ListBackupSelections":
        return
    if "may not be implemented" not in error.message:
        return
    if scan.aws.endpoint_is_local("backup", scan.home_region):
        message = f"{SELECTIONS_GAP}; {error.message}"
        scan.errors[-1] = dataclasses.replace(error, message=message)
