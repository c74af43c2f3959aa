"""The security groups of data stores, read live: Redshift, Neptune (through the RDS API, as
DocumentDB is) and ElastiCache clusters."""

from __future__ import annotations

from typing import Any

import boto3

from archproof.inventory.access import security_groups_of
from archproof.inventory.model import Unknown
from support.aws_estate import vpc_with_two_subnets


def test_data_stores_name_their_security_groups(aws: boto3.Session, collect: Any, one: Any) -> None:
    ec2 = aws.client("ec2")
    vpc, _ = vpc_with_two_subnets(ec2)
    data = ec2.create_security_group(GroupName="data", Description="data", VpcId=vpc)["GroupId"]
    aws.client("redshift").create_cluster(
        ClusterIdentifier="warehouse",
        NodeType="ra3.xlplus",
        MasterUsername="warehouse",
        MasterUserPassword="Not-a-secret-1",
        VpcSecurityGroupIds=[data],
    )
    aws.client("rds").create_db_cluster(
        DBClusterIdentifier="graph", Engine="neptune", VpcSecurityGroupIds=[data]
    )
    aws.client("elasticache").create_cache_cluster(
        CacheClusterId="cache",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        SecurityGroupIds=[data],
    )
    inv = collect("ec2", "redshift", "rds", "elasticache")
    assert inv.errors == []
    group = one(inv, "aws_security_group", data)
    for kind, name in (("aws_redshift_cluster", "warehouse"), ("aws_neptune_cluster", "graph")):
        assert security_groups_of(inv, one(inv, kind, name)) == ([group], None)
    # moto leaves SecurityGroups out of a cache cluster's description: unknown, never "none"
    cache = one(inv, "aws_elasticache_cluster", "cache")
    assert isinstance(cache.get("security_group_ids"), Unknown)
    groups, gap = security_groups_of(inv, cache)
    assert groups == [] and gap is not None
