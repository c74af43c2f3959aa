"""Operations: daily backups into a vault, and the audit trail."""

from __future__ import annotations

from archproof.estates.bragabot.common import NAME, policy
from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import rules, storage

KMS_ARN = ref("aws_kms_key.main.arn")
BACKUP_SERVICE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"


def backups() -> list[EstateResource]:
    trust = rules.trust("backup.amazonaws.com")
    return [
        EstateResource(
            "aws_backup_vault",
            "main",
            {
                "name": f"{NAME}-vault",
                "kms_key_arn": KMS_ARN,
                "tags": {"Name": f"{NAME}-vault"},
            },
        ),
        EstateResource(
            "aws_backup_plan",
            "daily",
            {
                "name": f"{NAME}-daily",
                "rule": [
                    {
                        "rule_name": "daily",
                        "target_vault_name": ref("aws_backup_vault.main.name"),
                        "schedule": "cron(0 3 * * ? *)",
                        "lifecycle": [{"delete_after": 35}],
                    }
                ],
                "tags": {"Name": f"{NAME}-daily"},
            },
        ),
        EstateResource(
            "aws_iam_role",
            "backup",
            {
                "name": f"{NAME}-backup",
                "assume_role_policy": policy(trust),
                "tags": {"Name": f"{NAME}-backup"},
            },
        ),
        EstateResource(
            "aws_iam_role_policy_attachment",
            "backup",
            {
                "role": ref("aws_iam_role.backup.name"),
                "policy_arn": BACKUP_SERVICE_POLICY,
            },
        ),
        EstateResource(
            "aws_backup_selection",
            "database",
            {
                "name": f"{NAME}-database",
                "plan_id": ref("aws_backup_plan.daily.id"),
                "iam_role_arn": ref("aws_iam_role.backup.arn"),
                "resources": [ref("aws_db_instance.main.arn")],
            },
        ),
    ]


def audit_trail() -> list[EstateResource]:
    return [storage.trail(NAME, kms_key_id=KMS_ARN)]
