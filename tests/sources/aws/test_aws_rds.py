"""RDS instances, Aurora clusters and members, DB subnet groups."""

from __future__ import annotations

from typing import Any

import boto3

from support.aws_estate import vpc_with_two_subnets


def test_instances_clusters_members_and_subnet_groups(
    aws: boto3.Session, collect: Any, one: Any
) -> None:
    ec2, rds = aws.client("ec2"), aws.client("rds")
    _, subnets = vpc_with_two_subnets(ec2)
    rds.create_db_subnet_group(
        DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=subnets
    )
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    rds.create_db_instance(
        DBInstanceIdentifier="orders",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="secret123",
        MultiAZ=True,
        StorageEncrypted=True,
        KmsKeyId=key,
        BackupRetentionPeriod=7,
        PubliclyAccessible=False,
        DeletionProtection=True,
        DBSubnetGroupName="data",
        Tags=[{"Key": "Name", "Value": "orders-db"}],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="secret123",
        StorageEncrypted=True,
        BackupRetentionPeriod=14,
        DBSubnetGroupName="data",
    )
    for name in ("aurora-a", "aurora-b"):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBClusterIdentifier="aurora",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
        )
    inv = collect("rds", "ec2")
    assert inv.errors == []

    db = one(inv, "aws_db_instance", "orders")
    assert db.name == "orders-db"
    assert db.ids[0] == "orders" and db.ids[1].startswith("arn:aws:rds:")
    assert (db.get("multi_az"), db.get("storage_encrypted"), db.get("kms_key_id")) == (
        True,
        True,
        key,
    )
    assert (db.get("backup_retention_period"), db.get("deletion_protection")) == (7, True)
    assert db.get("publicly_accessible") is False
    group = one(inv, "aws_db_subnet_group", "data")
    assert group.ids == ("data", group.get("arn"))
    assert inv.related(db, "db_subnet_group_name") == [group]
    assert sorted(s.address for s in inv.related(group, "subnet_ids")) == sorted(subnets)

    cluster = one(inv, "aws_rds_cluster", "aurora")
    assert (cluster.get("storage_encrypted"), cluster.get("backup_retention_period")) == (True, 14)
    assert sorted(cluster.get("cluster_members")) == ["aurora-a", "aurora-b"]
    members = {m.address: m for m in inv.of_kind("aws_rds_cluster_instance")}
    assert sorted(members) == ["aurora-a", "aurora-b"]
    assert sorted(m.get("writer") for m in members.values()) == [False, True]
    assert inv.related(members["aurora-a"], "cluster_identifier") == [cluster]
    assert not inv.of_kind("aws_db_instance")[1:]  # members are not plain DB instances
