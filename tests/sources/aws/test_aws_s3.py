"""S3 buckets and their settings; the account public access block through s3control."""

from __future__ import annotations

from typing import Any

import boto3

from archproof.inventory.model import Unknown
from archproof.sources.aws.session import strip_account_host_prefix


def test_buckets_with_and_without_settings(aws: boto3.Session, collect: Any, one: Any) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="secure")
    s3.put_bucket_encryption(
        Bucket="secure",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/data",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_versioning(Bucket="secure", VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(
        Bucket="secure",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": False,
        },
    )
    s3.put_bucket_tagging(Bucket="secure", Tagging={"TagSet": [{"Key": "Name", "Value": "vault"}]})
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="plain-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    inv = collect("s3")
    assert inv.errors == []

    secure = one(inv, "aws_s3_bucket", "secure")
    assert secure.ids == ("secure", "arn:aws:s3:::secure")
    assert (secure.region, secure.name) == ("us-east-1", "vault")
    [encryption] = inv.referring(
        secure, "aws_s3_bucket_server_side_encryption_configuration", "bucket"
    )
    assert encryption.get("rule.0.apply_server_side_encryption_by_default.0") == {
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": "alias/data",
    }
    assert encryption.get("rule.0.bucket_key_enabled") is True
    [versioning] = inv.referring(secure, "aws_s3_bucket_versioning", "bucket")
    assert versioning.get("versioning_configuration.0.status") == "Enabled"
    [block] = inv.referring(secure, "aws_s3_bucket_public_access_block", "bucket")
    assert (block.get("block_public_acls"), block.get("restrict_public_buckets")) == (True, False)

    plain = one(inv, "aws_s3_bucket", "plain-eu")
    assert plain.region == "eu-west-1"
    for kind in (
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
    ):
        assert inv.referring(plain, kind, "bucket") == []  # not configured: answers, not errors
    # moto gives a new bucket no Block Public Access; S3 would give it all four settings
    [gap] = inv.referring(plain, "aws_s3_bucket_public_access_block", "bucket")
    assert isinstance(gap.get("block_public_acls"), Unknown)
    assert "moto gap" in gap.get("block_public_acls").reason
    assert inv.of_kind("aws_s3_account_public_access_block") == []


def test_account_public_access_block_through_s3control(
    aws: boto3.Session, collect: Any, one: Any
) -> None:
    control = aws.client("s3control")
    control.meta.events.register("before-sign.s3-control.*", strip_account_host_prefix)
    control.put_public_access_block(
        AccountId="123456789012",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    inv = collect("s3")
    assert inv.errors == []
    block = one(inv, "aws_s3_account_public_access_block")
    assert block.address == "s3-account-public-access-block:123456789012"
    assert block.get("block_public_acls") is True
    assert block.get("restrict_public_buckets") is True


def test_strip_account_host_prefix_only_touches_the_account_label() -> None:
    class Request:
        url = "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"

    request = Request()
    strip_account_host_prefix(request)
    assert request.url == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    request.url = "https://s3-control.us-east-1.amazonaws.com/v20180820/x"
    strip_account_host_prefix(request)
    assert request.url == "https://s3-control.us-east-1.amazonaws.com/v20180820/x"
