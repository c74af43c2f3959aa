"""Auto Scaling: groups, scaling policies, and the launch templates and configurations they
launch from."""

from __future__ import annotations

from typing import Any

from archproof.inventory.secrets import redact_user_data
from archproof.sources.aws.base import Scan, iso, tag_dict

KINDS = (
    "aws_autoscaling_group",
    "aws_autoscaling_policy",
    "aws_launch_template",
    "aws_launch_configuration",
)


def collect(scan: Scan) -> None:
    asg = scan.client("autoscaling")
    op, key = "describe_auto_scaling_groups", "AutoScalingGroups[]"
    for group in scan.items(asg, op, key, ("aws_autoscaling_group",)) or ():
        _add_group(scan, group)
    for policy in (
        scan.items(asg, "describe_policies", "ScalingPolicies[]", ("aws_autoscaling_policy",)) or ()
    ):
        _add_policy(scan, policy)
    _launch_templates(scan)
    op, key = "describe_launch_configurations", "LaunchConfigurations[]"
    for config in scan.items(asg, op, key, ("aws_launch_configuration",)) or ():
        _add_launch_configuration(scan, config)


def _add_launch_configuration(scan: Scan, config: dict[str, Any]) -> None:
    name = config["LaunchConfigurationName"]
    arn = config.get("LaunchConfigurationARN")
    devices = config.get("BlockDeviceMappings") or ()
    metadata = config.get("MetadataOptions")

    def volumes(root: bool) -> list[dict[str, Any]]:
        return [
            {"device_name": m.get("DeviceName"), "encrypted": (m.get("Ebs") or {}).get("Encrypted")}
            for m in devices
            if m.get("Ebs") and (m.get("DeviceName") in ("/dev/xvda", "/dev/sda1")) == root
        ]

    scan.add(
        "aws_launch_configuration",
        name,
        {
            "name": name,
            "arn": arn,
            "image_id": config.get("ImageId"),
            "security_groups": list(config.get("SecurityGroups") or ()),
            "associate_public_ip_address": config.get("AssociatePublicIpAddress"),
            "root_block_device": volumes(root=True),
            "ebs_block_device": volumes(root=False),
            "metadata_options": [
                {
                    "http_tokens": metadata.get("HttpTokens"),
                    "http_endpoint": metadata.get("HttpEndpoint"),
                }
            ]
            if metadata
            else [],
        },
        ids=(name, arn),
    )


def _template_ref(ref: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not ref:
        return []
    return [
        {
            "id": ref.get("LaunchTemplateId"),
            "name": ref.get("LaunchTemplateName"),
            "version": ref.get("Version"),
        }
    ]


def _add_group(scan: Scan, group: dict[str, Any]) -> None:
    name = group["AutoScalingGroupName"]
    mixed = group.get("MixedInstancesPolicy") or {}
    mixed_template = (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    subnets = [s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s]
    scan.add(
        "aws_autoscaling_group",
        name,
        {
            "name": name,
            "id": name,
            "arn": group.get("AutoScalingGroupARN"),
            "min_size": group.get("MinSize"),
            "max_size": group.get("MaxSize"),
            "desired_capacity": group.get("DesiredCapacity"),
            "vpc_zone_identifier": subnets,
            "availability_zones": list(group.get("AvailabilityZones", ())),
            "health_check_type": group.get("HealthCheckType"),
            "health_check_grace_period": group.get("HealthCheckGracePeriod"),
            "target_group_arns": list(group.get("TargetGroupARNs", ())),
            "load_balancers": list(group.get("LoadBalancerNames", ())),
            "launch_template": _template_ref(group.get("LaunchTemplate")),
            "mixed_instances_policy": [{"launch_template": _template_ref(mixed_template)}]
            if mixed
            else [],
            "launch_configuration": group.get("LaunchConfigurationName"),
            "suspended_processes": [p["ProcessName"] for p in group.get("SuspendedProcesses", ())],
            "instances": [
                {
                    "instance_id": i.get("InstanceId"),
                    "availability_zone": i.get("AvailabilityZone"),
                    "lifecycle_state": i.get("LifecycleState"),
                    "health_status": i.get("HealthStatus"),
                }
                for i in group.get("Instances", ())
            ],
        },
        ids=(name, group.get("AutoScalingGroupARN")),
        tags=tag_dict(group.get("Tags")),
    )


def _add_policy(scan: Scan, policy: dict[str, Any]) -> None:
    arn = policy.get("PolicyARN") or f"{policy.get('AutoScalingGroupName')}/{policy['PolicyName']}"
    tracking = policy.get("TargetTrackingConfiguration")
    predefined = (tracking or {}).get("PredefinedMetricSpecification")
    scan.add(
        "aws_autoscaling_policy",
        arn,
        {
            "name": policy.get("PolicyName"),
            "arn": policy.get("PolicyARN"),
            "autoscaling_group_name": policy.get("AutoScalingGroupName"),
            "policy_type": policy.get("PolicyType"),
            "adjustment_type": policy.get("AdjustmentType"),
            "scaling_adjustment": policy.get("ScalingAdjustment"),
            "enabled": policy.get("Enabled"),
            "step_adjustment": [
                {
                    "scaling_adjustment": s.get("ScalingAdjustment"),
                    "metric_interval_lower_bound": s.get("MetricIntervalLowerBound"),
                    "metric_interval_upper_bound": s.get("MetricIntervalUpperBound"),
                }
                for s in policy.get("StepAdjustments", ())
            ],
            "target_tracking_configuration": [
                {
                    "target_value": tracking.get("TargetValue"),
                    "disable_scale_in": bool(tracking.get("DisableScaleIn")),
                    "predefined_metric_specification": [
                        {
                            "predefined_metric_type": predefined.get("PredefinedMetricType"),
                            "resource_label": predefined.get("ResourceLabel"),
                        }
                    ]
                    if predefined
                    else [],
                    "customized_metric_specification": [tracking["CustomizedMetricSpecification"]]
                    if tracking.get("CustomizedMetricSpecification")
                    else [],
                }
            ]
            if tracking
            else [],
            "alarms": [a.get("AlarmName") for a in policy.get("Alarms") or ()],
        },
        ids=(arn,),
    )


def _launch_templates(scan: Scan) -> None:
    ec2 = scan.client("ec2")
    kinds = ("aws_launch_template",)
    templates = scan.items(ec2, "describe_launch_templates", "LaunchTemplates[]", kinds)
    for template in templates or ():
        template_id = template["LaunchTemplateId"]
        versions = scan.items(
            ec2,
            "describe_launch_template_versions",
            "LaunchTemplateVersions[]",
            kinds,
            LaunchTemplateId=template_id,
            Versions=["$Default", "$Latest"],
        )
        if versions is None:
            continue
        default = next(
            (v for v in versions if v.get("DefaultVersion")), versions[0] if versions else {}
        )
        latest: dict[str, Any] = max(versions, key=lambda v: v.get("VersionNumber", 0), default={})
        arn = scan.arn("ec2", f"launch-template/{template_id}")
        scan.add(
            "aws_launch_template",
            template_id,
            {
                "id": template_id,
                "arn": arn,
                "name": template.get("LaunchTemplateName"),
                "default_version": template.get("DefaultVersionNumber"),
                "latest_version": template.get("LatestVersionNumber"),
                "created_time": iso(template.get("CreateTime")),
                **_version_data(default.get("LaunchTemplateData", {})),
                "latest": _version_data(latest.get("LaunchTemplateData", {})),
            },
            ids=(template_id, template.get("LaunchTemplateName"), arn),
            tags=tag_dict(template.get("Tags")),
        )


def _version_data(data: dict[str, Any]) -> dict[str, Any]:
    metadata = data.get("MetadataOptions")
    profile = data.get("IamInstanceProfile") or {}
    return {
        "image_id": data.get("ImageId"),
        "instance_type": data.get("InstanceType"),
        "user_data": redact_user_data(data.get("UserData")),  # names kept, never values
        "vpc_security_group_ids": list(data.get("SecurityGroupIds", ())),
        "iam_instance_profile": [{"arn": profile.get("Arn"), "name": profile.get("Name")}]
        if profile
        else [],
        "metadata_options": [
            {
                "http_tokens": metadata.get("HttpTokens"),
                "http_endpoint": metadata.get("HttpEndpoint"),
                "http_put_response_hop_limit": metadata.get("HttpPutResponseHopLimit"),
                "instance_metadata_tags": metadata.get("InstanceMetadataTags"),
            }
        ]
        if metadata
        else [],
        "block_device_mappings": [
            {
                "device_name": m.get("DeviceName"),
                "no_device": m.get("NoDevice"),
                "ebs": [
                    {
                        "encrypted": m["Ebs"].get("Encrypted"),
                        "kms_key_id": m["Ebs"].get("KmsKeyId"),
                        "volume_size": m["Ebs"].get("VolumeSize"),
                        "volume_type": m["Ebs"].get("VolumeType"),
                        "delete_on_termination": m["Ebs"].get("DeleteOnTermination"),
                    }
                ]
                if m.get("Ebs")
                else [],
            }
            for m in data.get("BlockDeviceMappings", ())
        ],
        "network_interfaces": [
            {
                "associate_public_ip_address": n.get("AssociatePublicIpAddress"),
                "subnet_id": n.get("SubnetId"),
                "security_groups": list(n.get("Groups", ())),
            }
            for n in data.get("NetworkInterfaces", ())
        ],
    }
