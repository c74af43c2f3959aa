"""S3 bucket policies and ACL grants."""

from __future__ import annotations

import json
from typing import Any

import boto3

PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::site/*",
        }
    ],
}


def test_policies_and_acl_grants(aws: boto3.Session, collect: Any, one: Any) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="site", ACL="public-read")
    s3.put_bucket_policy(Bucket="site", Policy=json.dumps(PUBLIC_READ))
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="quiet", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    inv = collect("s3")
    assert inv.errors == []
    site = one(inv, "aws_s3_bucket", "site")
    [policy] = inv.referring(site, "aws_s3_bucket_policy", "bucket")
    assert json.loads(policy.get("policy")) == PUBLIC_READ and policy.region == "us-east-1"
    [acl] = inv.referring(site, "aws_s3_bucket_acl", "bucket")
    uris = [g["grantee"][0]["uri"] for g in acl.get("access_control_policy.0.grant")]
    assert "http://acs.amazonaws.com/groups/global/AllUsers" in uris

    quiet = one(inv, "aws_s3_bucket", "quiet")
    assert inv.referring(quiet, "aws_s3_bucket_policy", "bucket") == []  # none: not an error
    [quiet_acl] = inv.referring(quiet, "aws_s3_bucket_acl", "bucket")
    assert quiet_acl.region == "eu-west-1"
    assert [g["permission"] for g in quiet_acl.get("access_control_policy.0.grant")] == [
        "FULL_CONTROL"
    ]
