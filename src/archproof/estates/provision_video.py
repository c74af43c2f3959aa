"""Provisioners for the video-conference estate's services: ElastiCache (subnet groups,
Redis replication groups), DynamoDB tables, Redshift (subnet groups, clusters), RDS
automated backup replication (which the local control plane cannot hold), and the EKS
cluster with its managed node group (control-plane metadata only: no Kubernetes API)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from archproof.estates.provision_base import Context, Provisioner, Skip, drop_none, first, tag_list

BACKUP_REPLICATION_GAP = (
    "moto gap: RDS cannot replicate automated backups to another region "
    "(StartDBInstanceAutomatedBackupsReplication is not implemented)"
)


def cache_subnet_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("elasticache").create_cache_subnet_group(
        CacheSubnetGroupName=values["name"],
        CacheSubnetGroupDescription=values.get("description") or "Managed by Terraform",
        SubnetIds=list(values["subnet_ids"]),
    )["CacheSubnetGroup"]
    return {"id": values["name"], "arn": created.get("ARN")}


def replication_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("elasticache").create_replication_group(
        **drop_none(
            ReplicationGroupId=values["replication_group_id"],
            ReplicationGroupDescription=values["description"],
            Engine=values.get("engine"),
            EngineVersion=values.get("engine_version"),
            CacheNodeType=values.get("node_type"),
            NumCacheClusters=values.get("num_cache_clusters"),
            Port=values.get("port"),
            AutomaticFailoverEnabled=values.get("automatic_failover_enabled"),
            MultiAZEnabled=values.get("multi_az_enabled"),
            AtRestEncryptionEnabled=values.get("at_rest_encryption_enabled"),
            TransitEncryptionEnabled=values.get("transit_encryption_enabled"),
            KmsKeyId=values.get("kms_key_id"),
            CacheSubnetGroupName=values.get("subnet_group_name"),
            SecurityGroupIds=list(values.get("security_group_ids") or []) or None,
            SnapshotRetentionLimit=values.get("snapshot_retention_limit"),
            Tags=tag_list(values) or None,
        )
    )["ReplicationGroup"]
    return {"id": created["ReplicationGroupId"], "arn": created.get("ARN")}


def dynamodb_table(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    dynamodb = context.client("dynamodb")
    sse = first(values, "server_side_encryption")
    keys = [{"AttributeName": values["hash_key"], "KeyType": "HASH"}]
    if values.get("range_key"):
        keys.append({"AttributeName": values["range_key"], "KeyType": "RANGE"})
    table = dynamodb.create_table(
        **drop_none(
            TableName=values["name"],
            BillingMode=values.get("billing_mode"),
            KeySchema=keys,
            AttributeDefinitions=[
                {"AttributeName": a["name"], "AttributeType": a["type"]}
                for a in values["attribute"]
            ],
            SSESpecification={
                "Enabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": sse.get("kms_key_arn"),
            }
            if sse.get("enabled")
            else None,
            DeletionProtectionEnabled=values.get("deletion_protection_enabled"),
            Tags=tag_list(values) or None,
        )
    )["TableDescription"]
    if first(values, "point_in_time_recovery").get("enabled"):
        dynamodb.update_continuous_backups(
            TableName=values["name"],
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    return {"id": values["name"], "arn": table["TableArn"]}


def redshift_subnet_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("redshift").create_cluster_subnet_group(
        ClusterSubnetGroupName=values["name"],
        Description=values.get("description") or "Managed by Terraform",
        SubnetIds=list(values["subnet_ids"]),
        Tags=tag_list(values),
    )
    return {"id": values["name"], "arn": context.arn("redshift", f"subnetgroup:{values['name']}")}


def redshift_cluster(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    name = values["cluster_identifier"]
    context.client("redshift").create_cluster(
        **drop_none(
            ClusterIdentifier=name,
            DBName=values.get("database_name"),
            NodeType=values["node_type"],
            ClusterType=values.get("cluster_type"),
            NumberOfNodes=values.get("number_of_nodes"),
            MasterUsername=values["master_username"],
            # The provider asks Secrets Manager to hold the password; moto needs one given.
            MasterUserPassword="Managed-by-secrets-manager-1",
            Port=values.get("port"),
            Encrypted=values.get("encrypted"),
            KmsKeyId=values.get("kms_key_id"),
            PubliclyAccessible=values.get("publicly_accessible"),
            ClusterSubnetGroupName=values.get("cluster_subnet_group_name"),
            VpcSecurityGroupIds=list(values.get("vpc_security_group_ids") or []) or None,
            AutomatedSnapshotRetentionPeriod=values.get("automated_snapshot_retention_period"),
            Tags=tag_list(values) or None,
        )
    )
    return {"id": name, "arn": context.arn("redshift", f"cluster:{name}")}


def automated_backups_replication(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    try:
        created = context.client("rds").start_db_instance_automated_backups_replication(
            **drop_none(
                SourceDBInstanceArn=values["source_db_instance_arn"],
                BackupRetentionPeriod=values.get("retention_period"),
                KmsKeyId=values.get("kms_key_id"),
            )
        )["DBInstanceAutomatedBackup"]
    except ResponseParserError as error:  # moto answers an unknown action with a 500 page
        raise Skip(BACKUP_REPLICATION_GAP) from error
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"InvalidAction", "NotImplemented"}:
            raise Skip(BACKUP_REPLICATION_GAP) from error
        raise
    arn = created.get("DBInstanceAutomatedBackupsArn")
    return {"id": arn, "arn": arn}


def eks_cluster(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    network = first(values, "vpc_config")
    encryption = [
        {
            "resources": list(e.get("resources") or []),
            "provider": {"keyArn": first(e, "provider")["key_arn"]},
        }
        for e in values.get("encryption_config") or []
    ]
    logs = list(values.get("enabled_cluster_log_types") or [])
    created = context.client("eks").create_cluster(
        **drop_none(
            name=values["name"],
            version=values.get("version"),
            roleArn=values["role_arn"],
            resourcesVpcConfig=drop_none(
                subnetIds=list(network.get("subnet_ids") or []),
                securityGroupIds=list(network.get("security_group_ids") or []) or None,
                endpointPublicAccess=network.get("endpoint_public_access"),
                endpointPrivateAccess=network.get("endpoint_private_access"),
                publicAccessCidrs=list(network.get("public_access_cidrs") or []) or None,
            ),
            encryptionConfig=encryption or None,
            logging={"clusterLogging": [{"types": logs, "enabled": True}]} if logs else None,
            tags=dict(values.get("tags") or {}) or None,
        )
    )["cluster"]
    return {"id": values["name"], "name": values["name"], "arn": created["arn"]}


def eks_node_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    scaling = first(values, "scaling_config")
    created = context.client("eks").create_nodegroup(
        **drop_none(
            clusterName=values["cluster_name"],
            nodegroupName=values["node_group_name"],
            scalingConfig={
                "minSize": scaling["min_size"],
                "maxSize": scaling["max_size"],
                "desiredSize": scaling["desired_size"],
            },
            subnets=list(values.get("subnet_ids") or []),
            nodeRole=values["node_role_arn"],
            tags=dict(values.get("tags") or {}) or None,
        )
    )["nodegroup"]
    ident = f"{values['cluster_name']}:{values['node_group_name']}"
    return {"id": ident, "arn": created["nodegroupArn"]}


PROVISIONERS: dict[str, Provisioner] = {
    "aws_eks_cluster": eks_cluster,
    "aws_eks_node_group": eks_node_group,
    "aws_elasticache_subnet_group": cache_subnet_group,
    "aws_elasticache_replication_group": replication_group,
    "aws_dynamodb_table": dynamodb_table,
    "aws_redshift_subnet_group": redshift_subnet_group,
    "aws_redshift_cluster": redshift_cluster,
    "aws_db_instance_automated_backups_replication": automated_backups_replication,
}
