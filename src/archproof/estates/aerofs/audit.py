"""Full logging: a multi-region CloudTrail trail into a private, encrypted bucket."""

from __future__ import annotations

from typing import Any

from archproof.estates.aerofs.common import LOG_BUCKET, NAME, policy
from archproof.estates.model import EstateResource, ref


def log_bucket_policy(account: str) -> dict[str, Any]:
    bucket = f"arn:aws:s3:::{LOG_BUCKET}"
    service = {"Service": "cloudtrail.amazonaws.com"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudTrailChecksAcl",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:GetBucketAcl",
                "Resource": bucket,
            },
            {
                "Sid": "CloudTrailWrites",
                "Effect": "Allow",
                "Principal": service,
                "Action": "s3:PutObject",
                "Resource": f"{bucket}/cloudtrail/AWSLogs/{account}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
        ],
    }


def audit_trail(account: str) -> list[EstateResource]:
    logs = ref("aws_s3_bucket.logs.id")
    return [
        EstateResource(
            "aws_s3_bucket", "logs", {"bucket": LOG_BUCKET, "tags": {"Name": LOG_BUCKET}}
        ),
        EstateResource(
            "aws_s3_bucket_server_side_encryption_configuration",
            "logs",
            {
                "bucket": logs,
                "rule": [
                    {"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}
                ],
            },
        ),
        EstateResource(
            "aws_s3_bucket_public_access_block",
            "logs",
            {
                "bucket": logs,
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
        ),
        EstateResource(
            "aws_s3_bucket_policy",
            "logs",
            {"bucket": logs, "policy": policy(log_bucket_policy(account))},
            depends_on=("aws_s3_bucket_public_access_block.logs",),
        ),
        EstateResource(
            "aws_cloudtrail",
            "main",
            {
                "name": f"{NAME}-trail",
                "s3_bucket_name": logs,
                "s3_key_prefix": "cloudtrail",
                "is_multi_region_trail": True,
                "include_global_service_events": True,
                "enable_log_file_validation": True,
                "enable_logging": True,
                "tags": {"Name": f"{NAME}-trail"},
            },
            depends_on=("aws_s3_bucket_policy.logs",),
        ),
    ]
