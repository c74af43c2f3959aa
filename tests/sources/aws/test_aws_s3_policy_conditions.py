"""s3-not-public on live bucket policies that allow everyone under a condition: only a
condition that confines the statement to fixed values of S3's own list ("The meaning of
public") makes it private, or a deny of every request from outside such values. On the real
moto server; each bucket blocks public access, so only its policy decides."""

from __future__ import annotations

import json
from typing import Any

import boto3

from archproof.verdict import Verdict
from support.aws_estate import verdicts

BLOCK_ALL = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
)


def read_by_everyone(bucket: str, **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        **extra,
    }


def deny_outside(bucket: str, endpoint: str) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"StringNotEquals": {"aws:SourceVpce": endpoint}},
    }


POLICIES = {
    "over-tls": lambda b: [
        read_by_everyone(b, Condition={"Bool": {"aws:SecureTransport": "true"}})
    ],
    "any-vpc": lambda b: [
        read_by_everyone(b, Condition={"StringLike": {"aws:SourceVpc": "vpc-*"}})
    ],
    "one-endpoint": lambda b: [
        read_by_everyone(b, Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})
    ],
    "one-organization": lambda b: [
        read_by_everyone(b, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
    ],
    "denied-outside-endpoint": lambda b: [read_by_everyone(b), deny_outside(b, "vpce-1a2b3c4d")],
}
EXPECTED = {
    "over-tls": Verdict.FAIL,
    "any-vpc": Verdict.FAIL,
    "one-endpoint": Verdict.PASS,
    "one-organization": Verdict.PASS,
    "denied-outside-endpoint": Verdict.PASS,
}


def test_conditions_on_live_bucket_policies(aws: boto3.Session, collect: Any) -> None:
    s3 = aws.client("s3")
    for name, statements in POLICIES.items():
        s3.create_bucket(Bucket=name)
        policy = {"Version": "2012-10-17", "Statement": statements(name)}
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
    inv = collect("s3")
    assert inv.errors == []
    found = verdicts(inv, "s3-not-public")
    got = {name: found[("s3-not-public", name)][0] for name in POLICIES}
    assert got == EXPECTED, {n: found[("s3-not-public", n)][1] for n in POLICIES}
