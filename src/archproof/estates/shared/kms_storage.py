"""A customer KMS key, KMS-encrypted versioned buckets (data and logs) and account-wide
storage guards: what several reference estates share."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import storage as guards
from archproof.estates.shared.rules import policy

KMS_ARN = ref("aws_kms_key.main.arn")
ELB_ACCOUNT_US_EAST_1 = "127311923021"  # the regional Elastic Load Balancing account


def key_policy(name: str, account: str) -> dict[str, Any]:
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


def log_bucket_policy(log_bucket: str, account: str) -> dict[str, Any]:
    bucket = f"arn:aws:s3:::{log_bucket}"
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


def encryption_key(name: str, account: str) -> list[EstateResource]:
    return [
        EstateResource(
            "aws_kms_key",
            "main",
            {
                "description": f"{name}: data at rest (database, volumes, buckets, logs, alerts)",
                "enable_key_rotation": True,
                "deletion_window_in_days": 30,
                "policy": policy(key_policy(name, account)),
                "tags": {"Name": f"{name}-data"},
            },
        ),
        EstateResource(
            "aws_kms_alias",
            "main",
            {
                "name": f"alias/{name}-data",
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
        guards.versioning(name),
        guards.public_access_block(name),
    ]


def storage(data_bucket: str, log_bucket: str, account: str) -> list[EstateResource]:
    return [
        *_bucket("data", data_bucket, "application data"),
        *_bucket("logs", log_bucket, "audit and access logs"),
        guards.bucket_policy("logs", log_bucket_policy(log_bucket, account)),
        guards.account_public_access_block(),
        EstateResource("aws_ebs_encryption_by_default", "this", {"enabled": True}),
    ]
