"""Storage builders the reference estates share: a bucket's guards (public access block,
encryption, versioning, policy) and the database subnet group."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared.rules import policy

BLOCK_PUBLIC = {
    "block_public_acls": True,
    "block_public_policy": True,
    "ignore_public_acls": True,
    "restrict_public_buckets": True,
}


def _bucket(name: str) -> Any:
    return ref(f"aws_s3_bucket.{name}.id")


def public_access_block(name: str) -> EstateResource:
    """No public ACL or policy on ``aws_s3_bucket.<name>``."""
    return EstateResource(
        "aws_s3_bucket_public_access_block", name, {"bucket": _bucket(name), **BLOCK_PUBLIC}
    )


def account_public_access_block() -> EstateResource:
    return EstateResource("aws_s3_account_public_access_block", "this", dict(BLOCK_PUBLIC))


def aes256_encryption(name: str) -> EstateResource:
    """``aws_s3_bucket.<name>`` encrypted with S3-managed keys."""
    return EstateResource(
        "aws_s3_bucket_server_side_encryption_configuration",
        name,
        {
            "bucket": _bucket(name),
            "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}],
        },
    )


def versioning(name: str) -> EstateResource:
    return EstateResource(
        "aws_s3_bucket_versioning",
        name,
        {"bucket": _bucket(name), "versioning_configuration": [{"status": "Enabled"}]},
    )


def bucket_policy(name: str, document: dict[str, Any]) -> EstateResource:
    """``document`` on ``aws_s3_bucket.<name>``, set once its public access is blocked."""
    return EstateResource(
        "aws_s3_bucket_policy",
        name,
        {"bucket": _bucket(name), "policy": policy(document)},
        depends_on=(f"aws_s3_bucket_public_access_block.{name}",),
    )


def db_subnet_group(estate: str) -> EstateResource:
    """The database subnet group over the isolated data subnets."""
    return EstateResource(
        "aws_db_subnet_group",
        "main",
        {
            "name": f"{estate}-db",
            "description": "Isolated data subnets, one per zone",
            "subnet_ids": ref("module.network.data_subnet_ids"),
            "tags": {"Name": f"{estate}-db"},
        },
    )


def trail(estate: str, **extra: Any) -> EstateResource:
    """A multi-region CloudTrail trail with file validation into the ``logs`` bucket (under
    ``cloudtrail/``), written once the bucket's policy lets it; ``extra`` (a key) precedes
    its tags."""
    return EstateResource(
        "aws_cloudtrail",
        "main",
        {
            "name": f"{estate}-trail",
            "s3_bucket_name": _bucket("logs"),
            "s3_key_prefix": "cloudtrail",
            "is_multi_region_trail": True,
            "include_global_service_events": True,
            "enable_log_file_validation": True,
            "enable_logging": True,
            **extra,
            "tags": {"Name": f"{estate}-trail"},
        },
        depends_on=("aws_s3_bucket_policy.logs",),
    )
