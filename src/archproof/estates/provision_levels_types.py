"""Provisioners for VPC peering, Aurora clusters and their instances, SQS queues, SSM
parameters, Secrets Manager secrets and CloudFront (origin access controls, distributions)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import Context, Provisioner, drop_none, first, tag_list


def vpc_peering_connection(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = context.client("ec2")
    created = ec2.create_vpc_peering_connection(
        **drop_none(
            VpcId=values["vpc_id"],
            PeerVpcId=values["peer_vpc_id"],
            PeerOwnerId=values.get("peer_owner_id"),
            PeerRegion=values.get("peer_region"),
        )
    )["VpcPeeringConnection"]
    peering_id = created["VpcPeeringConnectionId"]
    if values.get("auto_accept"):
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering_id)
    if tag_list(values):
        ec2.create_tags(Resources=[peering_id], Tags=tag_list(values))
    return {"id": peering_id}


def rds_cluster(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("rds").create_db_cluster(
        **drop_none(
            DBClusterIdentifier=values["cluster_identifier"],
            Engine=values["engine"],
            EngineVersion=values.get("engine_version"),
            DatabaseName=values.get("database_name"),
            MasterUsername=values.get("master_username"),
            MasterUserPassword=values.get("master_password"),
            ManageMasterUserPassword=values.get("manage_master_user_password"),
            Port=values.get("port"),
            StorageEncrypted=values.get("storage_encrypted"),
            KmsKeyId=values.get("kms_key_id"),
            BackupRetentionPeriod=values.get("backup_retention_period"),
            PreferredBackupWindow=values.get("preferred_backup_window"),
            DBSubnetGroupName=values.get("db_subnet_group_name"),
            VpcSecurityGroupIds=list(values.get("vpc_security_group_ids") or []) or None,
            DeletionProtection=values.get("deletion_protection"),
            CopyTagsToSnapshot=values.get("copy_tags_to_snapshot"),
            Tags=tag_list(values) or None,
        )
    )["DBCluster"]
    return {
        "id": created["DBClusterIdentifier"],
        "arn": created["DBClusterArn"],
        "cluster_resource_id": created.get("DbClusterResourceId"),
        "endpoint": created.get("Endpoint"),
        "reader_endpoint": created.get("ReaderEndpoint"),
    }


def rds_cluster_instance(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("rds").create_db_instance(
        **drop_none(
            DBInstanceIdentifier=values["identifier"],
            DBClusterIdentifier=values["cluster_identifier"],
            Engine=values["engine"],
            DBInstanceClass=values["instance_class"],
            AvailabilityZone=values.get("availability_zone"),
            PubliclyAccessible=values.get("publicly_accessible"),
            DBSubnetGroupName=values.get("db_subnet_group_name"),
            Tags=tag_list(values) or None,
        )
    )["DBInstance"]
    return {
        "id": created["DBInstanceIdentifier"],
        "arn": created["DBInstanceArn"],
        "endpoint": created.get("Endpoint", {}).get("Address"),
    }


_QUEUE_ATTRIBUTES = {
    "sqs_managed_sse_enabled": "SqsManagedSseEnabled",
    "kms_master_key_id": "KmsMasterKeyId",
    "kms_data_key_reuse_period_seconds": "KmsDataKeyReusePeriodSeconds",
    "visibility_timeout_seconds": "VisibilityTimeout",
    "message_retention_seconds": "MessageRetentionPeriod",
    "delay_seconds": "DelaySeconds",
    "fifo_queue": "FifoQueue",
    "redrive_policy": "RedrivePolicy",
}


def _attribute(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def sqs_queue(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    sqs = context.client("sqs")
    attributes = {
        api: _attribute(values[key])
        for key, api in _QUEUE_ATTRIBUTES.items()
        if values.get(key) is not None
    }
    url = sqs.create_queue(
        **drop_none(
            QueueName=values["name"],
            Attributes=attributes or None,
            tags=dict(values.get("tags") or {}) or None,
        )
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return {"id": url, "url": url, "arn": arn["QueueArn"]}


def origin_access_control(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("cloudfront").create_origin_access_control(
        OriginAccessControlConfig=drop_none(
            Name=values["name"],
            Description=values.get("description"),
            SigningProtocol=values["signing_protocol"],
            SigningBehavior=values["signing_behavior"],
            OriginAccessControlOriginType=values["origin_access_control_origin_type"],
        )
    )["OriginAccessControl"]
    return {"id": created["Id"]}


def _listed(items: list[Any] | None) -> dict[str, Any]:
    return {"Quantity": len(items or []), "Items": list(items or [])}


def _origin(origin: Mapping[str, Any]) -> dict[str, Any]:
    s3 = first(origin, "s3_origin_config")
    custom = first(origin, "custom_origin_config")
    return drop_none(
        Id=origin["origin_id"],
        DomainName=origin["domain_name"],
        OriginPath=origin.get("origin_path"),
        OriginAccessControlId=origin.get("origin_access_control_id"),
        S3OriginConfig={"OriginAccessIdentity": s3.get("origin_access_identity", "")}
        if s3
        else None,
        CustomOriginConfig=drop_none(
            HTTPPort=custom.get("http_port"),
            HTTPSPort=custom.get("https_port"),
            OriginProtocolPolicy=custom.get("origin_protocol_policy"),
            OriginSslProtocols=_listed(custom.get("origin_ssl_protocols")),
        )
        if custom
        else None,
    )


def _behaviour(behaviour: Mapping[str, Any]) -> dict[str, Any]:
    methods = _listed(behaviour.get("allowed_methods"))
    methods["CachedMethods"] = _listed(behaviour.get("cached_methods"))
    return drop_none(
        TargetOriginId=behaviour["target_origin_id"],
        ViewerProtocolPolicy=behaviour["viewer_protocol_policy"],
        AllowedMethods=methods,
        Compress=behaviour.get("compress"),
        CachePolicyId=behaviour.get("cache_policy_id"),
    )


def _viewer_certificate(block: Mapping[str, Any]) -> dict[str, Any]:
    return drop_none(
        CloudFrontDefaultCertificate=bool(block.get("cloudfront_default_certificate")),
        ACMCertificateArn=block.get("acm_certificate_arn"),
        IAMCertificateId=block.get("iam_certificate_id"),
        SSLSupportMethod=block.get("ssl_support_method"),
        MinimumProtocolVersion=block.get("minimum_protocol_version"),
    )


def cloudfront_distribution(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    geo = first(first(values, "restrictions"), "geo_restriction")
    reference = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode())
    config = drop_none(
        CallerReference=reference.hexdigest()[:32],
        Aliases=_listed(values.get("aliases")),
        Origins=_listed([_origin(o) for o in values["origin"]]),
        DefaultCacheBehavior=_behaviour(first(values, "default_cache_behavior")),
        Comment=values.get("comment", ""),
        Enabled=bool(values["enabled"]),
        PriceClass=values.get("price_class"),
        HttpVersion=values.get("http_version"),
        IsIPV6Enabled=values.get("is_ipv6_enabled"),
        WebACLId=values.get("web_acl_id"),
        ViewerCertificate=_viewer_certificate(first(values, "viewer_certificate")),
        Restrictions={
            "GeoRestriction": {
                "RestrictionType": geo.get("restriction_type", "none"),
                **_listed(geo.get("locations")),
            }
        },
    )
    created = context.client("cloudfront").create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": config,
            "Tags": {"Items": tag_list(values)},
        }
    )["Distribution"]
    return {
        "id": created["Id"],
        "arn": created["ARN"],
        "domain_name": created["DomainName"],
        "hosted_zone_id": "Z2FDTNDATAQYW2",
    }


PROVISIONERS: dict[str, Provisioner] = {
    "aws_vpc_peering_connection": vpc_peering_connection,
    "aws_rds_cluster": rds_cluster,
    "aws_rds_cluster_instance": rds_cluster_instance,
    "aws_sqs_queue": sqs_queue,
    "aws_cloudfront_origin_access_control": origin_access_control,
    "aws_cloudfront_distribution": cloudfront_distribution,
}
