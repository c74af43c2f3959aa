"""RDS: DB instances, clusters (Aurora, and DocumentDB/Neptune under their own kinds),
cluster members with their writer flag, DB subnet groups."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, tag_dict

KINDS = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_db_subnet_group",
    "aws_docdb_cluster",
    "aws_docdb_cluster_instance",
    "aws_neptune_cluster",
    "aws_neptune_cluster_instance",
)
_FAMILY = {"docdb": "docdb", "neptune": "neptune"}  # engine → Terraform kind family


def _cluster_kind(engine: str | None) -> str:
    family = _FAMILY.get(engine or "")
    return f"aws_{family}_cluster" if family else "aws_rds_cluster"


def collect(scan: Scan) -> None:
    rds = scan.client("rds")
    cluster_kinds = tuple(k for k in KINDS if "cluster" in k)
    clusters = scan.items(rds, "describe_db_clusters", "DBClusters[]", cluster_kinds)
    writers: dict[str, bool] = {}
    for cluster in clusters or ():
        _add_cluster(scan, cluster)
        for member in cluster.get("DBClusterMembers", ()):
            writers[member["DBInstanceIdentifier"]] = bool(member.get("IsClusterWriter"))
    instance_kinds = ("aws_db_instance", *(k for k in cluster_kinds if k.endswith("_instance")))
    for instance in scan.items(rds, "describe_db_instances", "DBInstances[]", instance_kinds) or ():
        if instance.get("DBClusterIdentifier"):
            why = (
                "the DB clusters could not be read" if clusters is None else "not a cluster member"
            )
            writer = writers.get(instance["DBInstanceIdentifier"], Unknown(why))
            _add_member(scan, instance, writer)
        else:
            _add_instance(scan, instance)
    op = "describe_db_subnet_groups"
    for group in scan.items(rds, op, "DBSubnetGroups[]", ("aws_db_subnet_group",)) or ():
        name = group["DBSubnetGroupName"]
        scan.add(
            "aws_db_subnet_group",
            name,
            {
                "name": name,
                "id": name,
                "arn": group.get("DBSubnetGroupArn"),
                "description": group.get("DBSubnetGroupDescription"),
                "vpc_id": group.get("VpcId"),
                "subnet_ids": [s["SubnetIdentifier"] for s in group.get("Subnets", ())],
                "availability_zones": sorted(
                    {
                        s.get("SubnetAvailabilityZone", {}).get("Name")
                        for s in group.get("Subnets", ())
                    }
                    - {None}
                ),
            },
            ids=(name, group.get("DBSubnetGroupArn")),
        )


def _common(db: dict[str, Any]) -> dict[str, Any]:
    endpoint = db.get("Endpoint") or {}
    return {
        "identifier": db["DBInstanceIdentifier"],
        "id": db["DBInstanceIdentifier"],
        "arn": db.get("DBInstanceArn"),
        "resource_id": db.get("DbiResourceId"),
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "instance_class": db.get("DBInstanceClass"),
        "availability_zone": db.get("AvailabilityZone"),
        "publicly_accessible": bool(db.get("PubliclyAccessible")),
        "db_subnet_group_name": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "auto_minor_version_upgrade": db.get("AutoMinorVersionUpgrade"),
        "performance_insights_enabled": bool(db.get("PerformanceInsightsEnabled")),
        "monitoring_interval": db.get("MonitoringInterval"),
        "ca_cert_identifier": db.get("CACertificateIdentifier"),
        "address": endpoint.get("Address"),
        "port": endpoint.get("Port"),
        "status": db.get("DBInstanceStatus"),
    }


def _add_instance(scan: Scan, db: dict[str, Any]) -> None:
    attributes = {
        **_common(db),
        "multi_az": bool(db.get("MultiAZ")),
        "secondary_availability_zone": db.get("SecondaryAvailabilityZone"),
        "storage_encrypted": bool(db.get("StorageEncrypted")),
        "kms_key_id": db.get("KmsKeyId"),
        "storage_type": db.get("StorageType"),
        "allocated_storage": db.get("AllocatedStorage"),
        "backup_retention_period": db.get("BackupRetentionPeriod"),
        "vpc_security_group_ids": [
            g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", ())
        ],
        "replicate_source_db": db.get("ReadReplicaSourceDBInstanceIdentifier"),
        "deletion_protection": bool(db.get("DeletionProtection")),
        "iam_database_authentication_enabled": bool(db.get("IAMDatabaseAuthenticationEnabled")),
        "copy_tags_to_snapshot": bool(db.get("CopyTagsToSnapshot")),
        "enabled_cloudwatch_logs_exports": list(db.get("EnabledCloudwatchLogsExports", ())),
    }
    ids = (db["DBInstanceIdentifier"], db.get("DBInstanceArn"), db.get("DbiResourceId"))
    scan.add(
        "aws_db_instance",
        db["DBInstanceIdentifier"],
        attributes,
        ids=ids,
        tags=tag_dict(db.get("TagList")),
    )


def _add_member(scan: Scan, db: dict[str, Any], writer: bool | Unknown) -> None:
    kind = f"{_cluster_kind(db.get('Engine'))}_instance"
    attributes = {**_common(db), "cluster_identifier": db["DBClusterIdentifier"], "writer": writer}
    ids = (db["DBInstanceIdentifier"], db.get("DBInstanceArn"), db.get("DbiResourceId"))
    scan.add(
        kind, db["DBInstanceIdentifier"], attributes, ids=ids, tags=tag_dict(db.get("TagList"))
    )


def _add_cluster(scan: Scan, cluster: dict[str, Any]) -> None:
    name = cluster["DBClusterIdentifier"]
    members = cluster.get("DBClusterMembers", ())
    scan.add(
        _cluster_kind(cluster.get("Engine")),
        name,
        {
            "cluster_identifier": name,
            "id": name,
            "arn": cluster.get("DBClusterArn"),
            "cluster_resource_id": cluster.get("DbClusterResourceId"),
            "engine": cluster.get("Engine"),
            "engine_version": cluster.get("EngineVersion"),
            "engine_mode": cluster.get("EngineMode"),
            "storage_encrypted": bool(cluster.get("StorageEncrypted")),
            "kms_key_id": cluster.get("KmsKeyId"),
            "backup_retention_period": cluster.get("BackupRetentionPeriod"),
            "db_subnet_group_name": cluster.get("DBSubnetGroup"),
            "vpc_security_group_ids": [
                g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups", ())
            ],
            "availability_zones": list(cluster.get("AvailabilityZones", ())),
            "deletion_protection": bool(cluster.get("DeletionProtection")),
            "iam_database_authentication_enabled": bool(
                cluster.get("IAMDatabaseAuthenticationEnabled")
            ),
            "multi_az": bool(cluster.get("MultiAZ")),
            "cluster_members": [m["DBInstanceIdentifier"] for m in members],
            "endpoint": cluster.get("Endpoint"),
            "reader_endpoint": cluster.get("ReaderEndpoint"),
            "status": cluster.get("Status"),
        },
        ids=(name, cluster.get("DBClusterArn"), cluster.get("DbClusterResourceId")),
        tags=tag_dict(cluster.get("TagList")),
    )
