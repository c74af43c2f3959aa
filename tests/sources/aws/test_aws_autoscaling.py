"""Auto Scaling groups, policies, launch templates, and the moto gaps marked Unknown."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from archproof.inventory.model import Resource, Unknown, is_unknown
from archproof.sources.aws import gaps
from support.aws_estate import vpc_with_two_subnets


@pytest.fixture
def web_asg(aws: boto3.Session) -> dict[str, Any]:
    ec2, asg, elb = aws.client("ec2"), aws.client("autoscaling"), aws.client("elbv2")
    vpc, subnets = vpc_with_two_subnets(ec2)
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)
    tg_arn = tg["TargetGroups"][0]["TargetGroupArn"]
    template = ec2.create_launch_template(
        LaunchTemplateName="web",
        LaunchTemplateData={
            "ImageId": "ami-12345678",
            "InstanceType": "t3.micro",
            "MetadataOptions": {"HttpTokens": "required"},
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeSize": 8}}
            ],
        },
    )["LaunchTemplate"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
        MinSize=2,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[tg_arn],
        HealthCheckType="ELB",
        Tags=[{"Key": "Name", "Value": "web", "PropagateAtLaunch": False}],
    )
    asg.put_scaling_policy(
        AutoScalingGroupName="web-asg",
        PolicyName="cpu50",
        PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            "TargetValue": 50.0,
        },
    )
    return {"subnets": subnets, "tg": tg_arn, "template": template["LaunchTemplateId"]}


def test_group_policy_and_template(collect: Any, one: Any, web_asg: dict[str, Any]) -> None:
    inv = collect("autoscaling", "elbv2", "ec2")
    assert inv.errors == []
    group = one(inv, "aws_autoscaling_group", "web-asg")
    assert group.ids[0] == "web-asg" and group.ids[1].startswith("arn:aws:autoscaling:")
    assert group.name == "web"
    assert (group.get("min_size"), group.get("max_size"), group.get("desired_capacity")) == (
        2,
        4,
        2,
    )
    assert group.get("health_check_type") == "ELB"
    assert group.get("vpc_zone_identifier") == web_asg["subnets"]
    assert len(inv.related(group, "vpc_zone_identifier")) == 2
    assert [t.kind for t in inv.related(group, "target_group_arns")] == ["aws_lb_target_group"]
    assert group.get("launch_template.0.version") == "$Latest"
    template = one(inv, "aws_launch_template", web_asg["template"])
    assert inv.related(group, "launch_template.0.id") == [template]
    assert template.get("metadata_options.0.http_tokens") == "required"
    assert template.get("block_device_mappings.0.ebs.0.encrypted") is True
    assert template.get("latest.metadata_options.0.http_tokens") == "required"
    policy = one(inv, "aws_autoscaling_policy")
    assert policy.get("autoscaling_group_name") == "web-asg"
    assert policy.get("policy_type") == "TargetTrackingScaling"
    tracking = policy.get("target_tracking_configuration.0")
    assert tracking["target_value"] == 50.0
    assert tracking["predefined_metric_specification"][0]["predefined_metric_type"] == (
        "ASGAverageCPUUtilization"
    )
    assert inv.related(policy, "autoscaling_group_name") == [group]


def _members(inv: Any) -> list[Resource]:
    return [i for i in inv.of_kind("aws_instance") if i.tags.get(gaps.ASG_TAG) == "web-asg"]


def test_moto_gaps_become_unknown(collect: Any, one: Any, web_asg: dict[str, Any]) -> None:
    inv = collect("autoscaling", "ec2")
    assert inv.scope["gaps"] == sorted([gaps.EXTRA_VOLUME, gaps.PLACEMENT, gaps.METADATA])
    members = _members(inv)
    assert len(members) == 2
    for instance in members:
        assert isinstance(instance.get("availability_zone"), Unknown)
        assert "first subnet" in instance.get("availability_zone").reason
        assert is_unknown(instance.get("metadata_options.0.http_tokens"))
        root = instance.get("root_block_device.0")
        assert root["device_name"] == "/dev/sda1"  # moto's extra volume
        assert isinstance(root["encrypted"], Unknown)
        declared = instance.get("ebs_block_device.0")
        assert (declared["device_name"], declared["encrypted"]) == ("/dev/xvda", True)
        extra = one(inv, "aws_ebs_volume", root["volume_id"])
        assert isinstance(extra.get("encrypted"), Unknown)
        assert one(inv, "aws_ebs_volume", declared["volume_id"]).get("encrypted") is True
    group = one(inv, "aws_autoscaling_group", "web-asg")
    assert all(isinstance(m["availability_zone"], Unknown) for m in group.get("instances"))


def test_gaps_only_on_a_loopback_endpoint(
    collect: Any, web_asg: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from archproof.sources.aws.session import AwsSession

    monkeypatch.setattr(AwsSession, "endpoint_is_local", lambda self, service, region: False)
    inv = collect("autoscaling", "ec2")
    assert inv.scope["gaps"] == []
    members = _members(inv)
    # what moto reports, unmarked: a wrong zone spread, optional IMDS, an unencrypted root
    assert {m.get("availability_zone") for m in members} == {"us-east-1a"}
    assert {m.get("metadata_options.0.http_tokens") for m in members} == {"optional"}
    assert {m.get("root_block_device.0.encrypted") for m in members} == {False}


def test_gap_without_template_marks_every_volume(collect: Any, aws: boto3.Session) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    asg = aws.client("autoscaling")
    asg.create_launch_configuration(
        LaunchConfigurationName="old", ImageId="ami-12345678", InstanceType="t3.micro"
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        LaunchConfigurationName="old",
        MinSize=1,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    inv = collect("autoscaling", "ec2")
    [member] = _members(inv)
    blocks = member.get("root_block_device") + member.get("ebs_block_device")
    assert blocks and all(isinstance(b["encrypted"], Unknown) for b in blocks)
