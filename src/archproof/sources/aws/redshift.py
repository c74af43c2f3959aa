"""Redshift: provisioned clusters with encryption, network placement and snapshot retention."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan, tag_dict

KINDS = ("aws_redshift_cluster",)


def collect(scan: Scan) -> None:
    client = scan.client("redshift")
    for cluster in scan.items(client, "describe_clusters", "Clusters[]", KINDS) or ():
        _add(scan, cluster)


def _add(scan: Scan, cluster: dict[str, Any]) -> None:
    name = cluster["ClusterIdentifier"]
    arn = scan.arn("redshift", f"cluster:{name}")
    endpoint = cluster.get("Endpoint") or {}
    scan.add(
        "aws_redshift_cluster",
        name,
        {
            "cluster_identifier": name,
            "id": name,
            "arn": arn,
            "encrypted": bool(cluster.get("Encrypted")),
            "kms_key_id": cluster.get("KmsKeyId") or None,
            "publicly_accessible": bool(cluster.get("PubliclyAccessible")),
            "node_type": cluster.get("NodeType"),
            "number_of_nodes": cluster.get("NumberOfNodes"),
            "database_name": cluster.get("DBName"),
            "cluster_version": cluster.get("ClusterVersion"),
            "cluster_subnet_group_name": cluster.get("ClusterSubnetGroupName"),
            "vpc_security_group_ids": [
                g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups", ())
            ],
            "availability_zone": cluster.get("AvailabilityZone"),
            "multi_az": cluster.get("MultiAZ") == "Enabled",
            "automated_snapshot_retention_period": cluster.get("AutomatedSnapshotRetentionPeriod"),
            "enhanced_vpc_routing": bool(cluster.get("EnhancedVpcRouting")),
            "iam_roles": [r.get("IamRoleArn") for r in cluster.get("IamRoles", ())],
            "endpoint": endpoint.get("Address"),
            "port": endpoint.get("Port"),
            "cluster_status": cluster.get("ClusterStatus"),
        },
        ids=(name, arn),
        tags=tag_dict(cluster.get("Tags")),
    )
