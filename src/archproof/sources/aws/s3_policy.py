"""S3 (global, collected once): bucket policies (``aws_s3_bucket_policy``, the policy as
JSON text) and ACL grants (``aws_s3_bucket_acl``), read in each bucket's own region."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan

KINDS = ("aws_s3_bucket_policy", "aws_s3_bucket_acl")


def collect(scan: Scan) -> None:
    s3 = scan.client("s3")
    for bucket in scan.items(s3, "list_buckets", "Buckets[]", KINDS) or ():
        name = bucket["Name"]
        answer = scan.call(s3, "get_bucket_location", KINDS, Bucket=name)
        if answer is None:
            continue
        location = answer.get("LocationConstraint")
        region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)
        _bucket(scan, scan.client("s3", region), name, str(region))


def _bucket(scan: Scan, client: Any, name: str, region: str) -> None:
    kind = "aws_s3_bucket_policy"
    answer = scan.call(
        client, "get_bucket_policy", (kind,), absent=("NoSuchBucketPolicy",), Bucket=name
    )
    if answer and answer.get("Policy"):
        scan.add(
            kind,
            f"{name}/policy",
            {"bucket": name, "id": name, "policy": answer["Policy"]},
            region=region,
        )
    kind = "aws_s3_bucket_acl"
    acl = scan.call(client, "get_bucket_acl", (kind,), Bucket=name)
    if acl is None:
        return
    owner = acl.get("Owner") or {}
    grants = [
        {
            "grantee": [
                {
                    "type": g.get("Grantee", {}).get("Type"),
                    "id": g.get("Grantee", {}).get("ID"),
                    "uri": g.get("Grantee", {}).get("URI"),
                    "email_address": g.get("Grantee", {}).get("EmailAddress"),
                }
            ],
            "permission": g.get("Permission"),
        }
        for g in acl.get("Grants") or ()
    ]
    scan.add(
        kind,
        f"{name}/acl",
        {
            "bucket": name,
            "id": name,
            "access_control_policy": [
                {
                    "grant": grants,
                    "owner": [{"id": owner.get("ID"), "display_name": owner.get("DisplayName")}],
                }
            ],
        },
        region=region,
    )
