"""Full logging: a multi-region CloudTrail trail into a private, encrypted bucket."""

from __future__ import annotations

from typing import Any

from archproof.estates.aerofs.common import LOG_BUCKET, NAME
from archproof.estates.model import EstateResource
from archproof.estates.shared import storage


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
    return [
        EstateResource(
            "aws_s3_bucket", "logs", {"bucket": LOG_BUCKET, "tags": {"Name": LOG_BUCKET}}
        ),
        storage.aes256_encryption("logs"),
        storage.public_access_block("logs"),
        storage.bucket_policy("logs", log_bucket_policy(account)),
        storage.trail(NAME),
    ]
