"""Data services beside the database: the Redis cache (two nodes, automatic failover across
zones, encrypted at rest and in transit), the DynamoDB table (customer key, point-in-time
recovery) and the Redshift warehouse (customer key) in the isolated subnets."""

from __future__ import annotations

from archproof.estates.model import EstateResource, ref
from archproof.estates.video_conference.common import CACHE_PORT, NAME, REDSHIFT_PORT

KMS_ARN = ref("aws_kms_key.main.arn")
DATA_SUBNETS = ref("module.network.data_subnet_ids")


def cache() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_elasticache_subnet_group",
            "cache",
            {
                "name": f"{NAME}-cache",
                "description": "Redis in the isolated subnets",
                "subnet_ids": DATA_SUBNETS,
                "tags": {"Name": f"{NAME}-cache"},
            },
        ),
        EstateResource(
            "aws_elasticache_replication_group",
            "cache",
            {
                "replication_group_id": f"{NAME}-cache",
                "description": "Sessions and hot data of the application",
                "engine": "redis",
                "engine_version": "7.1",
                "node_type": "cache.r6g.large",
                "num_cache_clusters": 2,
                "port": CACHE_PORT,
                "automatic_failover_enabled": True,
                "multi_az_enabled": True,
                "at_rest_encryption_enabled": True,
                "transit_encryption_enabled": True,
                "kms_key_id": KMS_ARN,
                "subnet_group_name": ref("aws_elasticache_subnet_group.cache.name"),
                "security_group_ids": [ref("aws_security_group.cache.id")],
                "snapshot_retention_limit": 7,
                "tags": {"Name": f"{NAME}-cache"},
            },
        ),
    ]


def table() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_dynamodb_table",
            "meetings",
            {
                "name": f"{NAME}-meetings",
                "billing_mode": "PAY_PER_REQUEST",
                "hash_key": "meeting_id",
                "attribute": [{"name": "meeting_id", "type": "S"}],
                "server_side_encryption": [{"enabled": True, "kms_key_arn": KMS_ARN}],
                "point_in_time_recovery": [{"enabled": True}],
                "deletion_protection_enabled": True,
                "tags": {"Name": f"{NAME}-meetings"},
            },
        )
    ]


def warehouse() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_redshift_subnet_group",
            "warehouse",
            {
                "name": f"{NAME}-warehouse",
                "description": "Redshift in the isolated subnets",
                "subnet_ids": DATA_SUBNETS,
                "tags": {"Name": f"{NAME}-warehouse"},
            },
        ),
        EstateResource(
            "aws_redshift_cluster",
            "warehouse",
            {
                "cluster_identifier": f"{NAME}-warehouse",
                "database_name": "analytics",
                "master_username": "warehouse_admin",
                "manage_master_password": True,
                "node_type": "ra3.xlplus",
                "cluster_type": "multi-node",
                "number_of_nodes": 2,
                "port": REDSHIFT_PORT,
                "encrypted": True,
                "kms_key_id": KMS_ARN,
                "publicly_accessible": False,
                "cluster_subnet_group_name": ref("aws_redshift_subnet_group.warehouse.name"),
                "vpc_security_group_ids": [ref("aws_security_group.warehouse.id")],
                "automated_snapshot_retention_period": 7,
                "skip_final_snapshot": True,
                "tags": {"Name": f"{NAME}-warehouse"},
            },
        ),
    ]
