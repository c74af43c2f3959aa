"""ElastiCache: replication groups (with their members' subnet group and security groups),
stand-alone cache clusters, cache subnet groups."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan

KINDS = (
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_elasticache_subnet_group",
)
_ON = ("enabled", "enabling")


def collect(scan: Scan) -> None:
    cache = scan.client("elasticache")
    op, key = "describe_cache_clusters", "CacheClusters[]"
    clusters = scan.items(cache, op, key, KINDS[:2], ShowCacheNodeInfo=True)
    by_id = {c["CacheClusterId"]: c for c in clusters or ()}
    op, key = "describe_replication_groups", "ReplicationGroups[]"
    for group in scan.items(cache, op, key, KINDS[:1]) or ():
        _add_group(scan, group, None if clusters is None else by_id)
    for cluster in clusters or ():
        if not cluster.get("ReplicationGroupId"):
            _add_cluster(scan, cluster)
    op, key = "describe_cache_subnet_groups", "CacheSubnetGroups[]"
    for subnet_group in scan.items(cache, op, key, KINDS[2:]) or ():
        name = subnet_group["CacheSubnetGroupName"]
        scan.add(
            "aws_elasticache_subnet_group",
            name,
            {
                "name": name,
                "id": name,
                "arn": subnet_group.get("ARN"),
                "description": subnet_group.get("CacheSubnetGroupDescription"),
                "vpc_id": subnet_group.get("VpcId"),
                "subnet_ids": [s["SubnetIdentifier"] for s in subnet_group.get("Subnets", ())],
            },
            ids=(name, subnet_group.get("ARN")),
        )


def _member_facts(
    group: dict[str, Any], clusters: dict[str, dict[str, Any]] | None
) -> dict[str, Any]:
    members = group.get("MemberClusters", ())
    if clusters is None:
        unknown = Unknown("the cache clusters could not be read")
        return {"subnet_group_name": unknown, "security_group_ids": unknown, "engine": unknown}
    found = [clusters[m] for m in members if m in clusters]
    first = found[0] if found else {}
    return {
        "subnet_group_name": first.get("CacheSubnetGroupName"),
        "security_group_ids": _group_ids(*found),
        "engine": first.get("Engine"),
        "engine_version": first.get("EngineVersion"),
        "preferred_cache_cluster_azs": [c.get("PreferredAvailabilityZone") for c in found],
    }


def _add_group(
    scan: Scan, group: dict[str, Any], clusters: dict[str, dict[str, Any]] | None
) -> None:
    group_id, arn = group["ReplicationGroupId"], group.get("ARN")
    members = list(group.get("MemberClusters", ()))
    scan.add(
        "aws_elasticache_replication_group",
        group_id,
        {
            "replication_group_id": group_id,
            "id": group_id,
            "arn": arn,
            "description": group.get("Description"),
            "node_type": group.get("CacheNodeType"),
            "at_rest_encryption_enabled": bool(group.get("AtRestEncryptionEnabled")),
            "transit_encryption_enabled": bool(group.get("TransitEncryptionEnabled")),
            "auth_token_enabled": bool(group.get("AuthTokenEnabled")),
            "kms_key_id": group.get("KmsKeyId"),
            "automatic_failover_enabled": group.get("AutomaticFailover") in _ON,
            "multi_az_enabled": group.get("MultiAZ") in _ON,
            "cluster_mode": group.get("ClusterMode"),
            "num_cache_clusters": len(members),
            "member_clusters": members,
            "snapshot_retention_limit": group.get("SnapshotRetentionLimit"),
            **_member_facts(group, clusters),
        },
        ids=(group_id, arn),
    )


def _add_cluster(scan: Scan, cluster: dict[str, Any]) -> None:
    cluster_id, arn = cluster["CacheClusterId"], cluster.get("ARN")
    scan.add(
        "aws_elasticache_cluster",
        cluster_id,
        {
            "cluster_id": cluster_id,
            "id": cluster_id,
            "arn": arn,
            "engine": cluster.get("Engine"),
            "engine_version": cluster.get("EngineVersion"),
            "node_type": cluster.get("CacheNodeType"),
            "num_cache_nodes": cluster.get("NumCacheNodes"),
            # AWS reports "Multiple" when the nodes are spread over zones
            "az_mode": "cross-az"
            if cluster.get("PreferredAvailabilityZone") == "Multiple"
            else "single-az",
            "availability_zone": cluster.get("PreferredAvailabilityZone"),
            "subnet_group_name": cluster.get("CacheSubnetGroupName"),
            "security_group_ids": _group_ids(cluster),
            "transit_encryption_enabled": bool(cluster.get("TransitEncryptionEnabled")),
            "at_rest_encryption_enabled": bool(cluster.get("AtRestEncryptionEnabled")),
            "snapshot_retention_limit": cluster.get("SnapshotRetentionLimit"),
        },
        ids=(cluster_id, arn),
    )


def _group_ids(*clusters: dict[str, Any]) -> list[str] | Unknown:
    """The VPC security groups of cache clusters. A cluster whose description leaves
    ``SecurityGroups`` out says nothing of them (not that none guards it)."""
    if any("SecurityGroups" not in c for c in clusters):
        return Unknown("DescribeCacheClusters did not report the cluster's security groups")
    return sorted({g["SecurityGroupId"] for c in clusters for g in c["SecurityGroups"]})
