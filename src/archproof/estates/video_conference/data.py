"""Data: the customer key, buckets and account-wide storage guards, the MySQL database
(Multi-AZ, backups replicated to a second region)."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import storage as shared
from archproof.estates.video_conference.common import (
    BACKUP_REGION,
    DATA_BUCKET,
    DB_PORT,
    LOG_BUCKET,
    NAME,
    policy,
)

KMS_ARN = ref("aws_kms_key.main.arn")
# The key encrypting the backup copies lives in the recovery region, managed outside this estate.
BACKUP_KEY = f"arn:aws:kms:{BACKUP_REGION}:123456789012:key/5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b"
ELB_ACCOUNT_US_EAST_1 = "127311923021"  # the regional Elastic Load Balancing account


def key_policy(account: str) -> dict[str, Any]:
    def service(sid: str, principal: str, actions: list[str]) -> dict[str, Any]:
        return {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": principal},
            "Action": actions,
            "Resource": "*",
        }

    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersKey",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            service(
                "CloudTrailEncryptsLogs",
                "cloudtrail.amazonaws.com",
                ["kms:GenerateDataKey*", "kms:DescribeKey"],
            ),
            service(
                "CloudWatchPublishesAlarms",
                "cloudwatch.amazonaws.com",
                ["kms:GenerateDataKey*", "kms:Decrypt"],
            ),
        ],
    }


def log_bucket_policy(account: str) -> dict[str, Any]:
    bucket = f"arn:aws:s3:::{LOG_BUCKET}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudTrailChecksAcl",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket,
            },
            {
                "Sid": "CloudTrailWrites",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{bucket}/cloudtrail/AWSLogs/{account}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
            {
                "Sid": "LoadBalancerWrites",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ELB_ACCOUNT_US_EAST_1}:root"},
                "Action": "s3:PutObject",
                "Resource": f"{bucket}/alb/AWSLogs/{account}/*",
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket, f"{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def encryption_key(account: str) -> list[EstateResource]:
    return [
        EstateResource(
            "aws_kms_key",
            "main",
            {
                "description": f"{NAME}: data at rest (database, volumes, buckets, logs, alerts)",
                "enable_key_rotation": True,
                "deletion_window_in_days": 30,
                "policy": policy(key_policy(account)),
                "tags": {"Name": f"{NAME}-data"},
            },
        ),
        EstateResource(
            "aws_kms_alias",
            "main",
            {
                "name": f"alias/{NAME}-data",
                "target_key_id": ref("aws_kms_key.main.key_id"),
            },
        ),
    ]


def _bucket(name: str, bucket: str, purpose: str) -> list[EstateResource]:
    of = ref(f"aws_s3_bucket.{name}.id")
    return [
        EstateResource(
            "aws_s3_bucket",
            name,
            {
                "bucket": bucket,
                "tags": {"Name": bucket, "Purpose": purpose},
            },
        ),
        EstateResource(
            "aws_s3_bucket_server_side_encryption_configuration",
            name,
            {
                "bucket": of,
                "rule": [
                    {
                        "apply_server_side_encryption_by_default": [
                            {"sse_algorithm": "aws:kms", "kms_master_key_id": KMS_ARN}
                        ],
                        "bucket_key_enabled": True,
                    }
                ],
            },
        ),
        shared.versioning(name),
        shared.public_access_block(name),
    ]


def storage(account: str) -> list[EstateResource]:
    return [
        *_bucket("data", DATA_BUCKET, "application data"),
        *_bucket("logs", LOG_BUCKET, "audit and access logs"),
        shared.bucket_policy("logs", log_bucket_policy(account)),
        shared.account_public_access_block(),
        EstateResource("aws_ebs_encryption_by_default", "this", {"enabled": True}),
    ]


def database() -> list[EstateResource]:
    return [
        shared.db_subnet_group(NAME),
        EstateResource(
            "aws_db_instance",
            "main",
            {
                "identifier": f"{NAME}-db",
                "engine": "mysql",
                "engine_version": "8.0.39",
                "instance_class": "db.m6g.large",
                "allocated_storage": 100,
                "storage_type": "gp3",
                "db_name": NAME,
                "username": f"{NAME}_admin",
                "manage_master_user_password": True,
                "port": DB_PORT,
                "multi_az": True,
                "storage_encrypted": True,
                "kms_key_id": KMS_ARN,
                "backup_retention_period": 7,
                "backup_window": "03:00-04:00",
                "publicly_accessible": False,
                "db_subnet_group_name": ref("aws_db_subnet_group.main.name"),
                "vpc_security_group_ids": [ref("aws_security_group.db.id")],
                "deletion_protection": True,
                "skip_final_snapshot": False,
                "final_snapshot_identifier": f"{NAME}-db-final",
                "copy_tags_to_snapshot": True,
                "auto_minor_version_upgrade": True,
                "iam_database_authentication_enabled": True,
                "enabled_cloudwatch_logs_exports": ["error", "slowquery"],
                "tags": {"Name": f"{NAME}-db"},
            },
        ),
        EstateResource(
            "aws_db_instance_automated_backups_replication",
            "main",
            {
                "source_db_instance_arn": ref("aws_db_instance.main.arn"),
                "retention_period": 7,
                "kms_key_id": BACKUP_KEY,
            },
        ),
    ]


def audit_trail() -> list[EstateResource]:
    return [shared.trail(NAME, kms_key_id=KMS_ARN)]
