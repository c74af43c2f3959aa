"""The Auto Scaling group observer against a real moto server."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
import pytest

from archproof.load.observers.aws import AutoScalingGroupObserver, discover_groups
from archproof.load.observers.base import ObserverError
from archproof.moto_server import free_port


@dataclass(frozen=True)
class WebTier:
    group: str
    target_group_arn: str
    subnets: tuple[str, ...]


def make_tier(
    aws: boto3.Session, name: str = "web", desired: int = 2, tier: str = "web"
) -> WebTier:
    """VPC, two subnets, a launch template, an ASG attached to an ALB target group."""
    ec2, asg, elb = aws.client("ec2"), aws.client("autoscaling"), aws.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = tuple(
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    )
    tg_arn = elb.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{name}-lt",
        LaunchTemplateData={"ImageId": "ami-12345678", "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=1,
        MaxSize=6,
        DesiredCapacity=desired,
        VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[tg_arn],
        Tags=[{"Key": "tier", "Value": tier, "PropagateAtLaunch": True}],
    )
    return WebTier(group=name, target_group_arn=tg_arn, subnets=subnets)


def test_sample_follows_desired_capacity(aws: boto3.Session) -> None:
    tier = make_tier(aws)
    observer = AutoScalingGroupObserver(aws, "web", target_groups=("web-tg",))
    assert observer.name == "aws-asg:web"

    first = observer.sample()
    assert (first.desired, first.healthy, first.error) == (2, 2, "")
    assert first.detail["region"] == "us-east-1"
    assert (first.detail["min_size"], first.detail["max_size"]) == (1, 6)
    assert first.detail["instances"] == 2
    assert first.detail["instances_by_state"] == {"InService": 2}
    assert first.detail["instances_by_health"] == {"Healthy": 2}
    assert first.detail["instances_by_az"] == {"us-east-1a": 2}  # moto: first subnet only
    assert first.detail["target_groups"] == {
        "web-tg": {
            "arn": tier.target_group_arn,
            "healthy": 2,
            "unhealthy": 0,
            "other": 0,
            "states": {"healthy": 2},
        }
    }
    assert first.detail["healthy_in_service_and_targets"] == 2
    assert first.detail["latest_activity"] is None  # moto records no scaling activities

    aws.client("autoscaling").set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=4)
    second = observer.sample()
    assert (second.desired, second.healthy) == (4, 4)
    assert second.detail["instances_by_state"] == {"InService": 4}
    assert second.t >= first.t
    groups = second.detail["target_groups"]
    assert isinstance(groups, dict) and groups["web-tg"]["healthy"] == 4
    assert second.detail["healthy_in_service_and_targets"] == 4


def test_unhealthy_instances_and_targets_are_not_counted(aws: boto3.Session) -> None:
    tier = make_tier(aws, desired=3)
    autoscaling, ec2 = aws.client("autoscaling"), aws.client("ec2")
    instances = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])[
        "AutoScalingGroups"
    ][0]["Instances"]
    sick, stopped = instances[0]["InstanceId"], instances[1]["InstanceId"]
    # moto does not replace an unhealthy instance: it stays InService and Unhealthy
    autoscaling.set_instance_health(InstanceId=sick, HealthStatus="Unhealthy")
    # a stopped instance is the one state moto's target health reflects ("unused")
    ec2.stop_instances(InstanceIds=[stopped])

    sample = AutoScalingGroupObserver(aws, "web", target_groups=(tier.target_group_arn,)).sample()
    assert (sample.desired, sample.healthy) == (3, 2)
    assert sample.detail["instances_by_health"] == {"Healthy": 2, "Unhealthy": 1}
    groups = sample.detail["target_groups"]
    assert isinstance(groups, dict)
    counts = groups[tier.target_group_arn]
    assert (counts["healthy"], counts["unhealthy"], counts["other"]) == (2, 0, 1)
    assert counts["states"] == {"healthy": 2, "unused": 1}
    # in service, healthy in the group and healthy in the target group: only the third one
    assert sample.detail["healthy_in_service_and_targets"] == 1


def test_without_target_groups_no_target_detail(aws: boto3.Session) -> None:
    make_tier(aws)
    sample = AutoScalingGroupObserver(aws, "web", region="us-east-1").sample()
    assert (sample.desired, sample.healthy) == (2, 2)
    assert "target_groups" not in sample.detail
    assert "healthy_in_service_and_targets" not in sample.detail


def test_missing_group_is_an_observer_error(aws: boto3.Session) -> None:
    make_tier(aws)
    with pytest.raises(ObserverError, match=r"^Auto Scaling group 'api' not found in us-east-1$"):
        AutoScalingGroupObserver(aws, "api").sample()


def test_missing_target_group_names_the_call(aws: boto3.Session) -> None:
    make_tier(aws)
    observer = AutoScalingGroupObserver(aws, "web", target_groups=("no-such-tg",))
    with pytest.raises(ObserverError) as caught:
        observer.sample()
    message = str(caught.value)
    assert message.startswith("elbv2 DescribeTargetGroups in us-east-1: ")
    assert "no-such-tg" in message or "TargetGroupNotFound" in message


def test_unreachable_endpoint_is_an_observer_error(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    observer = AutoScalingGroupObserver(boto3.Session(region_name="eu-west-1"), "web")
    with pytest.raises(ObserverError) as caught:
        observer.sample()
    message = str(caught.value)
    assert message.startswith("autoscaling DescribeAutoScalingGroups in eu-west-1: ")
    assert "EndpointConnectionError" in message and "Could not connect" in message


def test_discover_groups_by_tag(aws: boto3.Session) -> None:
    make_tier(aws, name="web", tier="web")
    make_tier(aws, name="api", tier="api")
    aws.client("autoscaling").create_or_update_tags(
        Tags=[
            {
                "ResourceId": "api",
                "ResourceType": "auto-scaling-group",
                "Key": "load-test",
                "Value": "yes",
                "PropagateAtLaunch": False,
            }
        ]
    )
    assert discover_groups(aws, "us-east-1") == ["api", "web"]
    assert discover_groups(aws, "us-east-1", tag_key="tier", tag_value="web") == ["web"]
    assert discover_groups(aws, "us-east-1", tag_key="tier") == ["api", "web"]
    assert discover_groups(aws, "us-east-1", tag_key="load-test") == ["api"]
    assert discover_groups(aws, "us-east-1", tag_value="api") == ["api"]
    assert discover_groups(aws, "us-east-1", tag_key="tier", tag_value="db") == []
    assert discover_groups(aws, "eu-west-1", tag_key="tier") == []


def test_discover_groups_reads_every_page(aws: boto3.Session) -> None:
    ec2, autoscaling = aws.client("ec2"), aws.client("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="empty", LaunchTemplateData={"ImageId": "ami-12345678"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    names = [f"worker-{i:02d}" for i in range(55)]  # DescribeAutoScalingGroups pages hold 50
    for name in names:
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
            MinSize=0,
            MaxSize=1,
            DesiredCapacity=0,
            VPCZoneIdentifier=subnet,
            Tags=[{"Key": "pool", "Value": "batch", "PropagateAtLaunch": False}],
        )
    assert discover_groups(aws, "us-east-1", tag_key="pool", tag_value="batch") == names
