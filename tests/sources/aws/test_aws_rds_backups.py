"""Replicated automated RDS backups. moto answers DescribeDBInstanceAutomatedBackups but
cannot start a replication (StartDBInstanceAutomatedBackupsReplication is HTTP 500), so
only the empty answer can be shown here; a replica is built from the API's documented shape."""

from __future__ import annotations

from typing import Any

import boto3

from archproof.sources.aws import rds_backups
from archproof.sources.aws.base import Scan


def test_automated_backups_without_replicas(aws: boto3.Session, collect: Any) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="app",
        MasterUserPassword="Pa55word1",
        AllocatedStorage=20,
        BackupRetentionPeriod=7,
    )
    inv = collect("rds")
    assert inv.errors == []
    # None seen: the known gap stands in one whose every attribute is unknown, with the reason.
    [placeholder] = inv.of_kind("aws_db_instance_automated_backups_replication")
    assert placeholder.missing is not None and placeholder.missing.reason.startswith("moto gap")
    assert "rds-backup-replication" in inv.scope["gaps"]


class _Client:
    """Answers one call the way RDS documents it (no moto support for replicas)."""

    def __init__(self, backups: list[dict[str, Any]]) -> None:
        self.backups = backups

    def can_paginate(self, op: str) -> bool:
        return False

    def describe_db_instance_automated_backups(self) -> dict[str, Any]:
        return {"DBInstanceAutomatedBackups": self.backups}


class _Aws:
    account = "123456789012"

    def __init__(self, client: _Client) -> None:
        self._client = client

    def client(self, name: str, region: str) -> _Client:
        return self._client


def test_replica_is_recorded_from_the_source_region() -> None:
    source = "arn:aws:rds:eu-west-1:123456789012:db:orders"
    replica = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-xyz"
    client = _Client(
        [
            {
                "DBInstanceArn": source,
                "DBInstanceIdentifier": "orders",
                "Region": "eu-west-1",
                "DBInstanceAutomatedBackupsReplications": [
                    {"DBInstanceAutomatedBackupsArn": replica}
                ],
            },
            {"DBInstanceArn": source, "Region": "us-east-1"},  # a replica kept here
        ]
    )
    scan = Scan(service="rds", region="eu-west-1", aws=_Aws(client))  # type: ignore[arg-type]
    rds_backups.collect(scan)
    assert scan.errors == []
    [found] = scan.resources
    assert (found.kind, found.address, found.region) == (
        "aws_db_instance_automated_backups_replication",
        replica,
        "eu-central-1",
    )
    assert found.get("source_db_instance_arn") == source
