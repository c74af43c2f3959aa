"""Provisioners for compute and identity: instances, launch templates, scaling, IAM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from archproof.estates.provision_base import (
    Context,
    Provisioner,
    Skip,
    drop_none,
    first,
    tag_list,
)


def _volume(device: str, ebs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "DeviceName": device,
        "Ebs": drop_none(
            Encrypted=ebs.get("encrypted"),
            KmsKeyId=ebs.get("kms_key_id"),
            VolumeType=ebs.get("volume_type"),
            VolumeSize=ebs.get("volume_size"),
            DeleteOnTermination=ebs.get("delete_on_termination", True),
        ),
    }


def _metadata(values: Mapping[str, Any]) -> dict[str, Any] | None:
    options = first(values, "metadata_options")
    return (
        drop_none(HttpTokens=options.get("http_tokens"), HttpEndpoint=options.get("http_endpoint"))
        if options
        else None
    )


def instance(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    groups = list(values.get("vpc_security_group_ids") or [])
    if "associate_public_ip_address" in values:
        placement: dict[str, Any] = {
            "NetworkInterfaces": [
                {
                    "DeviceIndex": 0,
                    "SubnetId": values["subnet_id"],
                    "Groups": groups,
                    "AssociatePublicIpAddress": bool(values["associate_public_ip_address"]),
                }
            ]
        }
    else:
        placement = drop_none(SubnetId=values.get("subnet_id"), SecurityGroupIds=groups or None)
    root = first(values, "root_block_device")
    tags = tag_list(values)
    created = context.client("ec2").run_instances(
        **drop_none(
            ImageId=values["ami"],
            InstanceType=values["instance_type"],
            MinCount=1,
            MaxCount=1,
            BlockDeviceMappings=[_volume("/dev/xvda", root)] if root else None,
            MetadataOptions=_metadata(values),
            Monitoring={"Enabled": bool(values["monitoring"])} if "monitoring" in values else None,
            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}] if tags else None,
            **placement,
        )
    )["Instances"][0]
    return {
        "id": created["InstanceId"],
        "arn": context.arn("ec2", f"instance/{created['InstanceId']}"),
        "private_ip": created.get("PrivateIpAddress"),
        "public_ip": created.get("PublicIpAddress"),
        "availability_zone": created["Placement"]["AvailabilityZone"],
    }


def role(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    created = context.client("iam").create_role(
        **drop_none(
            RoleName=values["name"],
            AssumeRolePolicyDocument=values["assume_role_policy"],
            Tags=tag_list(values) or None,
        )
    )["Role"]
    return {
        "id": created["RoleName"],
        "name": created["RoleName"],
        "arn": created["Arn"],
        "unique_id": created["RoleId"],
    }


def role_policy(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    context.client("iam").put_role_policy(
        RoleName=values["role"], PolicyName=values["name"], PolicyDocument=values["policy"]
    )
    return {"id": f"{values['role']}:{values['name']}"}


def role_policy_attachment(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    iam = context.client("iam")
    try:
        iam.get_policy(PolicyArn=values["policy_arn"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise
        raise Skip(
            f"{values['policy_arn']} is not loaded in this control plane (moto loads "
            "AWS-managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES=true)"
        ) from error
    iam.attach_role_policy(RoleName=values["role"], PolicyArn=values["policy_arn"])
    return {"id": f"{values['role']}-{values['policy_arn']}"}


def instance_profile(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    iam = context.client("iam")
    created = iam.create_instance_profile(
        **drop_none(InstanceProfileName=values["name"], Tags=tag_list(values) or None)
    )["InstanceProfile"]
    if values.get("role"):
        iam.add_role_to_instance_profile(
            InstanceProfileName=values["name"], RoleName=values["role"]
        )
    return {"id": values["name"], "name": values["name"], "arn": created["Arn"]}


def launch_template(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    profile = first(values, "iam_instance_profile")
    data = drop_none(
        ImageId=values.get("image_id"),
        InstanceType=values.get("instance_type"),
        SecurityGroupIds=list(values.get("vpc_security_group_ids") or []) or None,
        IamInstanceProfile={"Name": profile["name"]} if profile else None,
        MetadataOptions=_metadata(values),
        BlockDeviceMappings=[
            _volume(m["device_name"], first(m, "ebs"))
            for m in values.get("block_device_mappings") or []
        ]
        or None,
    )
    tags = tag_list(values)
    created = context.client("ec2").create_launch_template(
        **drop_none(
            LaunchTemplateName=values["name"],
            LaunchTemplateData=data,
            TagSpecifications=[{"ResourceType": "launch-template", "Tags": tags}] if tags else None,
        )
    )["LaunchTemplate"]
    template_id = created["LaunchTemplateId"]
    return {
        "id": template_id,
        "arn": context.arn("ec2", f"launch-template/{template_id}"),
        "latest_version": created["LatestVersionNumber"],
    }


def autoscaling_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    autoscaling = context.client("autoscaling")
    name = values["name"]
    template = first(values, "launch_template")
    tags = [
        {
            "Key": t["key"],
            "Value": str(t["value"]),
            "PropagateAtLaunch": bool(t.get("propagate_at_launch")),
            "ResourceId": name,
            "ResourceType": "auto-scaling-group",
        }
        for t in values.get("tag") or []
    ]
    autoscaling.create_auto_scaling_group(
        **drop_none(
            AutoScalingGroupName=name,
            MinSize=values["min_size"],
            MaxSize=values["max_size"],
            DesiredCapacity=values.get("desired_capacity"),
            VPCZoneIdentifier=",".join(values.get("vpc_zone_identifier") or []) or None,
            HealthCheckType=values.get("health_check_type"),
            HealthCheckGracePeriod=values.get("health_check_grace_period"),
            TargetGroupARNs=list(values.get("target_group_arns") or []) or None,
            LaunchTemplate={
                "LaunchTemplateId": template["id"],
                "Version": template.get("version", "$Default"),
            }
            if template
            else None,
            Tags=tags or None,
        )
    )
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return {"id": name, "name": name, "arn": group["AutoScalingGroups"][0]["AutoScalingGroupARN"]}


def scaling_policy(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    tracking = first(values, "target_tracking_configuration")
    metric = first(tracking, "predefined_metric_specification")
    configuration = drop_none(
        PredefinedMetricSpecification={"PredefinedMetricType": metric["predefined_metric_type"]}
        if metric
        else None,
        TargetValue=tracking.get("target_value"),
    )
    autoscaling = context.client("autoscaling")
    group = values["autoscaling_group_name"]
    autoscaling.put_scaling_policy(
        **drop_none(
            AutoScalingGroupName=group,
            PolicyName=values["name"],
            PolicyType=values.get("policy_type"),
            TargetTrackingConfiguration=configuration if tracking else None,
        )
    )
    # read back: moto answers PutScalingPolicy with "PolicyArn", not the API's "PolicyARN"
    policy = autoscaling.describe_policies(
        AutoScalingGroupName=group, PolicyNames=[values["name"]]
    )["ScalingPolicies"][0]
    return {"id": values["name"], "arn": policy["PolicyARN"]}


PROVISIONERS: dict[str, Provisioner] = {
    "aws_instance": instance,
    "aws_iam_role": role,
    "aws_iam_role_policy": role_policy,
    "aws_iam_role_policy_attachment": role_policy_attachment,
    "aws_iam_instance_profile": instance_profile,
    "aws_launch_template": launch_template,
    "aws_autoscaling_group": autoscaling_group,
    "aws_autoscaling_policy": scaling_policy,
}
