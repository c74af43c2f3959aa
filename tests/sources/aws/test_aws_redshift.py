"""Redshift clusters with their encryption settings."""

from __future__ import annotations

from typing import Any

import boto3

KEY = "arn:aws:kms:us-east-1:123456789012:key/warehouse"


def test_clusters_encrypted_or_not(aws: boto3.Session, collect: Any, one: Any) -> None:
    redshift = aws.client("redshift")
    common = {"NodeType": "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Pa55word1"}
    redshift.create_cluster(
        ClusterIdentifier="warehouse",
        Encrypted=True,
        KmsKeyId=KEY,
        Tags=[{"Key": "Name", "Value": "wh"}],
        **common,
    )
    redshift.create_cluster(ClusterIdentifier="scratch", **common)
    inv = collect("redshift")
    assert inv.errors == []
    warehouse = one(inv, "aws_redshift_cluster", "warehouse")
    arn = "arn:aws:redshift:us-east-1:123456789012:cluster:warehouse"
    assert warehouse.ids == ("warehouse", arn) and warehouse.name == "wh"
    assert (warehouse.get("encrypted"), warehouse.get("kms_key_id")) == (True, KEY)
    assert warehouse.get("publicly_accessible") is False
    scratch = one(inv, "aws_redshift_cluster", "scratch")
    assert (scratch.get("encrypted"), scratch.get("kms_key_id")) == (False, None)
