"""Provisioners for data and operations: KMS, S3, RDS, CloudTrail, SNS, CloudWatch, Backup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import Context, Provisioner, drop_none, first, tag_list


def kms_key(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    kms = context.client("kms")
    tags = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tag_list(values)]
    metadata = kms.create_key(
        **drop_none(
            Description=values.get("description"),
            KeyUsage=values.get("key_usage"),
            Policy=values.get("policy"),
            Tags=tags or None,
        )
    )["KeyMetadata"]
    if values.get("enable_key_rotation"):
        kms.enable_key_rotation(KeyId=metadata["KeyId"])
    return {"id": metadata["KeyId"], "key_id": metadata["KeyId"], "arn": metadata["Arn"]}


def kms_alias(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("kms").create_alias(
        AliasName=values["name"], TargetKeyId=values["target_key_id"]
    )
    return {"id": values["name"], "arn": context.arn("kms", values["name"])}


def bucket(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    s3 = context.client("s3")
    name = values["bucket"]
    location = (
        {}
        if context.region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": context.region}}
    )
    s3.create_bucket(Bucket=name, **location)
    if tag_list(values):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(values)})
    return {"id": name, "arn": f"arn:aws:s3:::{name}"}


def bucket_encryption(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in values["rule"]:
        default = first(rule, "apply_server_side_encryption_by_default")
        rules.append(
            drop_none(
                ApplyServerSideEncryptionByDefault=drop_none(
                    SSEAlgorithm=default["sse_algorithm"],
                    KMSMasterKeyID=default.get("kms_master_key_id"),
                ),
                BucketKeyEnabled=rule.get("bucket_key_enabled"),
            )
        )
    context.client("s3").put_bucket_encryption(
        Bucket=values["bucket"], ServerSideEncryptionConfiguration={"Rules": rules}
    )
    return {"id": values["bucket"]}


def bucket_versioning(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    status = first(values, "versioning_configuration")["status"]
    context.client("s3").put_bucket_versioning(
        Bucket=values["bucket"], VersioningConfiguration={"Status": status}
    )
    return {"id": values["bucket"]}


def _block_configuration(values: Mapping[str, Any]) -> Any:
    """The four block-public-access flags (one shape for S3 and S3 Control)."""
    return {
        api: bool(values.get(key, False))
        for key, api in (
            ("block_public_acls", "BlockPublicAcls"),
            ("block_public_policy", "BlockPublicPolicy"),
            ("ignore_public_acls", "IgnorePublicAcls"),
            ("restrict_public_buckets", "RestrictPublicBuckets"),
        )
    }


def bucket_public_access_block(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("s3").put_public_access_block(
        Bucket=values["bucket"], PublicAccessBlockConfiguration=_block_configuration(values)
    )
    return {"id": values["bucket"]}


def bucket_policy(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("s3").put_bucket_policy(Bucket=values["bucket"], Policy=values["policy"])
    return {"id": values["bucket"]}


def _strip_account_prefix(context: Context, client: Any) -> None:
    """botocore puts the account id in front of a custom endpoint's host
    (``123456789012.127.0.0.1``), which a local control plane does not answer; undo that."""
    if "amazonaws.com" in client.meta.endpoint_url:
        return
    prefix = f"://{context.account}."

    def strip(request: Any, **_: Any) -> None:
        request.url = request.url.replace(prefix, "://", 1)

    client.meta.events.register("before-sign.s3-control.*", strip)


def account_public_access_block(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    client = context.session.client("s3control", region_name=context.region)
    _strip_account_prefix(context, client)
    client.put_public_access_block(
        AccountId=context.account, PublicAccessBlockConfiguration=_block_configuration(values)
    )
    return {"id": context.account}


def ebs_encryption_by_default(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    ec2 = context.client("ec2")
    if values.get("enabled", True):
        ec2.enable_ebs_encryption_by_default()
    else:
        ec2.disable_ebs_encryption_by_default()
    return {"id": context.region}


def db_subnet_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("rds").create_db_subnet_group(
        DBSubnetGroupName=values["name"],
        DBSubnetGroupDescription=values.get("description", "Managed by Terraform"),
        SubnetIds=list(values["subnet_ids"]),
        Tags=tag_list(values),
    )["DBSubnetGroup"]
    return {"id": values["name"], "arn": created["DBSubnetGroupArn"]}


def db_instance(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("rds").create_db_instance(
        **drop_none(
            DBInstanceIdentifier=values["identifier"],
            Engine=values["engine"],
            EngineVersion=values.get("engine_version"),
            DBInstanceClass=values["instance_class"],
            AllocatedStorage=values.get("allocated_storage"),
            StorageType=values.get("storage_type"),
            DBName=values.get("db_name"),
            MasterUsername=values.get("username"),
            ManageMasterUserPassword=values.get("manage_master_user_password"),
            Port=values.get("port"),
            MultiAZ=values.get("multi_az"),
            StorageEncrypted=values.get("storage_encrypted"),
            KmsKeyId=values.get("kms_key_id"),
            BackupRetentionPeriod=values.get("backup_retention_period"),
            PreferredBackupWindow=values.get("backup_window"),
            PubliclyAccessible=values.get("publicly_accessible"),
            DBSubnetGroupName=values.get("db_subnet_group_name"),
            VpcSecurityGroupIds=list(values.get("vpc_security_group_ids") or []) or None,
            DeletionProtection=values.get("deletion_protection"),
            CopyTagsToSnapshot=values.get("copy_tags_to_snapshot"),
            AutoMinorVersionUpgrade=values.get("auto_minor_version_upgrade"),
            EnableIAMDatabaseAuthentication=values.get("iam_database_authentication_enabled"),
            EnableCloudwatchLogsExports=values.get("enabled_cloudwatch_logs_exports"),
            Tags=tag_list(values) or None,
        )
    )["DBInstance"]
    return {
        "id": created["DbiResourceId"],
        "arn": created["DBInstanceArn"],
        "address": created.get("Endpoint", {}).get("Address"),
    }


def trail(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    cloudtrail = context.client("cloudtrail")
    created = cloudtrail.create_trail(
        **drop_none(
            Name=values["name"],
            S3BucketName=values["s3_bucket_name"],
            S3KeyPrefix=values.get("s3_key_prefix"),
            IsMultiRegionTrail=values.get("is_multi_region_trail"),
            IncludeGlobalServiceEvents=values.get("include_global_service_events"),
            EnableLogFileValidation=values.get("enable_log_file_validation"),
            KmsKeyId=values.get("kms_key_id"),
            TagsList=tag_list(values) or None,
        )
    )
    if values.get("enable_logging", True):
        cloudtrail.start_logging(Name=values["name"])
    return {"id": created["TrailARN"], "arn": created["TrailARN"]}


def topic(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    attributes = drop_none(KmsMasterKeyId=values.get("kms_master_key_id"))
    arn = context.client("sns").create_topic(
        **drop_none(
            Name=values["name"], Attributes=attributes or None, Tags=tag_list(values) or None
        )
    )["TopicArn"]
    return {"id": arn, "arn": arn}


def metric_alarm(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    cloudwatch = context.client("cloudwatch")
    dimensions = [{"Name": k, "Value": str(v)} for k, v in (values.get("dimensions") or {}).items()]
    cloudwatch.put_metric_alarm(
        **drop_none(
            AlarmName=values["alarm_name"],
            AlarmDescription=values.get("alarm_description"),
            Namespace=values.get("namespace"),
            MetricName=values.get("metric_name"),
            Dimensions=dimensions or None,
            Statistic=values.get("statistic"),
            Period=values.get("period"),
            EvaluationPeriods=values["evaluation_periods"],
            Threshold=values.get("threshold"),
            ComparisonOperator=values["comparison_operator"],
            TreatMissingData=values.get("treat_missing_data"),
            AlarmActions=list(values.get("alarm_actions") or []) or None,
            OKActions=list(values.get("ok_actions") or []) or None,
            Tags=tag_list(values) or None,
        )
    )
    alarm = cloudwatch.describe_alarms(AlarmNames=[values["alarm_name"]])["MetricAlarms"][0]
    return {"id": values["alarm_name"], "arn": alarm["AlarmArn"]}


def backup_vault(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("backup").create_backup_vault(
        **drop_none(
            BackupVaultName=values["name"],
            EncryptionKeyArn=values.get("kms_key_arn"),
            BackupVaultTags=values.get("tags") or None,
        )
    )
    return {"id": values["name"], "arn": created["BackupVaultArn"]}


def backup_plan(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in values["rule"]:
        lifecycle = first(rule, "lifecycle")
        rules.append(
            drop_none(
                RuleName=rule["rule_name"],
                TargetBackupVaultName=rule["target_vault_name"],
                ScheduleExpression=rule.get("schedule"),
                Lifecycle=drop_none(
                    DeleteAfterDays=lifecycle.get("delete_after"),
                    MoveToColdStorageAfterDays=lifecycle.get("cold_storage_after"),
                )
                if lifecycle
                else None,
            )
        )
    created = context.client("backup").create_backup_plan(
        **drop_none(
            BackupPlan={"BackupPlanName": values["name"], "Rules": rules},
            BackupPlanTags=values.get("tags") or None,
        )
    )
    return {
        "id": created["BackupPlanId"],
        "arn": created["BackupPlanArn"],
        "version": created["VersionId"],
    }


PROVISIONERS: dict[str, Provisioner] = {
    "aws_kms_key": kms_key,
    "aws_kms_alias": kms_alias,
    "aws_s3_bucket": bucket,
    "aws_s3_bucket_server_side_encryption_configuration": bucket_encryption,
    "aws_s3_bucket_versioning": bucket_versioning,
    "aws_s3_bucket_public_access_block": bucket_public_access_block,
    "aws_s3_bucket_policy": bucket_policy,
    "aws_s3_account_public_access_block": account_public_access_block,
    "aws_ebs_encryption_by_default": ebs_encryption_by_default,
    "aws_db_subnet_group": db_subnet_group,
    "aws_db_instance": db_instance,
    "aws_cloudtrail": trail,
    "aws_sns_topic": topic,
    "aws_cloudwatch_metric_alarm": metric_alarm,
    "aws_backup_vault": backup_vault,
    "aws_backup_plan": backup_plan,
}
