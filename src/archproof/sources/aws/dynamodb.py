"""DynamoDB: tables with encryption and point-in-time recovery."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, tag_dict

KINDS = ("aws_dynamodb_table",)


def collect(scan: Scan) -> None:
    dynamodb = scan.client("dynamodb")
    for name in scan.items(dynamodb, "list_tables", "TableNames[]", KINDS) or ():
        answer = scan.call(dynamodb, "describe_table", KINDS, TableName=name)
        if answer is None:
            continue
        table = answer.get("Table", {})
        backups = scan.call(dynamodb, "describe_continuous_backups", KINDS, TableName=name)
        tags = None
        if table.get("TableArn"):
            tags = scan.call(
                dynamodb, "list_tags_of_resource", KINDS, ResourceArn=table["TableArn"]
            )
        _add(scan, table, backups, tag_dict((tags or {}).get("Tags")))


def _pitr(backups: dict[str, Any] | None) -> list[dict[str, Any]] | Unknown:
    if backups is None:
        return Unknown("the continuous backups could not be read")
    description = backups.get("ContinuousBackupsDescription", {})
    recovery = description.get("PointInTimeRecoveryDescription", {})
    status = recovery.get("PointInTimeRecoveryStatus")
    return [
        {
            "enabled": status == "ENABLED",
            "recovery_period_in_days": recovery.get("RecoveryPeriodInDays"),
        }
    ]


def _add(
    scan: Scan, table: dict[str, Any], backups: dict[str, Any] | None, tags: dict[str, str]
) -> None:
    name, arn = table["TableName"], table.get("TableArn")
    sse = table.get("SSEDescription") or {}
    keys = {k.get("KeyType"): k.get("AttributeName") for k in table.get("KeySchema", ())}
    billing = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    stream = table.get("StreamSpecification") or {}
    scan.add(
        "aws_dynamodb_table",
        name,
        {
            "name": name,
            "id": name,
            "arn": arn,
            "hash_key": keys.get("HASH"),
            "range_key": keys.get("RANGE"),
            "billing_mode": billing,
            "table_class": (table.get("TableClassSummary") or {}).get("TableClass", "STANDARD"),
            "deletion_protection_enabled": bool(table.get("DeletionProtectionEnabled")),
            "stream_enabled": bool(stream.get("StreamEnabled")),
            # no SSEDescription: encrypted with an AWS-owned key (Terraform: enabled = false)
            "server_side_encryption": [
                {
                    "enabled": sse.get("Status") in ("ENABLED", "ENABLING", "UPDATING"),
                    "kms_key_arn": sse.get("KMSMasterKeyArn"),
                    "sse_type": sse.get("SSEType"),
                }
            ],
            "point_in_time_recovery": _pitr(backups),
            "replica": [{"region_name": r.get("RegionName")} for r in table.get("Replicas", ())],
            "table_status": table.get("TableStatus"),
        },
        ids=(name, arn),
        tags=tags,
    )
