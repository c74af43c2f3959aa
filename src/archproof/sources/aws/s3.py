"""S3 (global, collected once): buckets with encryption, versioning and public access
blocks as separate resources (provider v4+ shape), and the account's public access block."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan, tag_dict

KINDS = (
    "aws_s3_bucket",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_account_public_access_block",
)
_BLOCK = {
    "BlockPublicAcls": "block_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "IgnorePublicAcls": "ignore_public_acls",
    "RestrictPublicBuckets": "restrict_public_buckets",
}
_NO_BLOCK = ("NoSuchPublicAccessBlockConfiguration",)


def collect(scan: Scan) -> None:
    s3 = scan.client("s3")
    for bucket in scan.items(s3, "list_buckets", "Buckets[]", ("aws_s3_bucket",)) or ():
        _bucket(scan, s3, bucket["Name"])
    _account_block(scan)


def _bucket_region(scan: Scan, s3: Any, name: str) -> str | None:
    answer = scan.call(s3, "get_bucket_location", KINDS[:4], Bucket=name)
    if answer is None:
        return None
    location = answer.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def _bucket(scan: Scan, s3: Any, name: str) -> None:
    region = _bucket_region(scan, s3, name)
    if region is None:
        return
    client = scan.client("s3", region)
    arn = f"arn:{scan.partition}:s3:::{name}"
    tagging = scan.call(
        client,
        "get_bucket_tagging",
        ("aws_s3_bucket",),
        absent=("NoSuchTagSet",),
        Bucket=name,
    )
    attrs: dict[str, Any] = {"bucket": name, "id": name, "arn": arn, "region": region}
    scan.add(
        "aws_s3_bucket",
        name,
        attrs,
        ids=(name, arn),
        tags=tag_dict((tagging or {}).get("TagSet")),
        region=region,
    )
    _encryption(scan, client, name, region)
    kind = "aws_s3_bucket_versioning"
    versioning = scan.call(client, "get_bucket_versioning", (kind,), Bucket=name)
    if versioning:  # {} when versioning was never configured
        status = {"status": versioning.get("Status"), "mfa_delete": versioning.get("MFADelete")}
        scan.add(
            kind,
            f"{name}/versioning",
            {"bucket": name, "versioning_configuration": [status]},
            region=region,
        )
    kind = "aws_s3_bucket_public_access_block"
    block = scan.call(client, "get_public_access_block", (kind,), absent=_NO_BLOCK, Bucket=name)
    if block:
        flags = block.get("PublicAccessBlockConfiguration", {})
        attrs = {
            "bucket": name,
            **{ours: bool(flags.get(theirs)) for theirs, ours in _BLOCK.items()},
        }
        scan.add(kind, f"{name}/public-access-block", attrs, region=region)


def _encryption(scan: Scan, client: Any, name: str, region: str) -> None:
    kind = "aws_s3_bucket_server_side_encryption_configuration"
    absent = ("ServerSideEncryptionConfigurationNotFoundError",)
    answer = scan.call(client, "get_bucket_encryption", (kind,), absent=absent, Bucket=name)
    if not answer:
        return
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", ())
    scan.add(
        kind,
        f"{name}/encryption",
        {
            "bucket": name,
            "rule": [
                {
                    "apply_server_side_encryption_by_default": [
                        {
                            "sse_algorithm": r["ApplyServerSideEncryptionByDefault"].get(
                                "SSEAlgorithm"
                            ),
                            "kms_master_key_id": r["ApplyServerSideEncryptionByDefault"].get(
                                "KMSMasterKeyID"
                            ),
                        }
                    ]
                    if r.get("ApplyServerSideEncryptionByDefault")
                    else [],
                    "bucket_key_enabled": r.get("BucketKeyEnabled"),
                }
                for r in rules
            ],
        },
        region=region,
    )


def _account_block(scan: Scan) -> None:
    kind = "aws_s3_account_public_access_block"
    control = scan.client("s3control")
    answer = scan.call(
        control, "get_public_access_block", (kind,), absent=_NO_BLOCK, AccountId=scan.account
    )
    if answer:
        flags = answer.get("PublicAccessBlockConfiguration", {})
        address = f"s3-account-public-access-block:{scan.account}"
        attrs = {
            "account_id": scan.account,
            **{ours: bool(flags.get(theirs)) for theirs, ours in _BLOCK.items()},
        }
        scan.add(kind, address, attrs, ids=(address,), region="")
