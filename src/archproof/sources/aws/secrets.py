"""Secrets Manager secrets and SSM parameters (metadata only: values are never read)."""

from __future__ import annotations

from archproof.sources.aws.base import Scan, iso, tag_dict

SECRETS_KINDS = ("aws_secretsmanager_secret",)
SSM_KINDS = ("aws_ssm_parameter",)


def collect_secrets(scan: Scan) -> None:
    client = scan.client("secretsmanager")
    for secret in scan.items(client, "list_secrets", "SecretList[]", SECRETS_KINDS) or ():
        arn, name = secret["ARN"], secret.get("Name")
        rules = secret.get("RotationRules") or {}
        scan.add(
            "aws_secretsmanager_secret",
            arn,
            {
                "name": name,
                "id": arn,
                "arn": arn,
                "description": secret.get("Description"),
                "kms_key_id": secret.get("KmsKeyId"),
                "rotation_enabled": bool(secret.get("RotationEnabled")),
                "rotation_lambda_arn": secret.get("RotationLambdaARN"),
                "rotation_rules": [
                    {"automatically_after_days": rules.get("AutomaticallyAfterDays")}
                ]
                if rules
                else [],
                "last_rotated_date": iso(secret.get("LastRotatedDate")),
                "last_accessed_date": iso(secret.get("LastAccessedDate")),
            },
            ids=(arn, name),
            tags=tag_dict(secret.get("Tags")),
        )


def collect_ssm(scan: Scan) -> None:
    client = scan.client("ssm")
    for parameter in scan.items(client, "describe_parameters", "Parameters[]", SSM_KINDS) or ():
        name = parameter["Name"]
        arn = parameter.get("ARN") or scan.arn("ssm", f"parameter/{name.lstrip('/')}")
        scan.add(
            "aws_ssm_parameter",
            name,
            {
                "name": name,
                "id": name,
                "arn": arn,
                "type": parameter.get("Type"),
                "key_id": parameter.get("KeyId"),
                "tier": parameter.get("Tier"),
                "data_type": parameter.get("DataType"),
                "version": parameter.get("Version"),
                "last_modified_date": iso(parameter.get("LastModifiedDate")),
            },
            ids=(name, arn),
        )
