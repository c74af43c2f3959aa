"""Live kinds and moto gaps that module code brought up: flow logs, listener rules, launch
templates that say ``no_device`` or put instances in interface groups, RDS without a retention,
buckets without S3's default Block Public Access. On the real moto server."""

from __future__ import annotations

from typing import Any

import boto3

from archproof.inventory.model import Resource, Unknown
from archproof.sources.aws import gaps
from archproof.verdict import Verdict
from support.aws_estate import verdicts, vpc_with_two_subnets


def test_flow_logs_are_read_and_judged(collect: Any, aws: boto3.Session) -> None:
    ec2 = aws.client("ec2")
    logged, _ = vpc_with_two_subnets(ec2)
    unlogged = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    aws.client("s3").create_bucket(Bucket="flow-logs")
    ec2.create_flow_logs(
        ResourceIds=[logged],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs",
    )
    inv = collect("ec2")
    [log] = inv.of_kind("aws_flow_log")
    assert (log.get("vpc_id"), log.get("traffic_type")) == (logged, "REJECT")
    found = verdicts(inv, "vpc-flow-logs")
    assert found[("vpc-flow-logs", logged)][0] is Verdict.PASS
    assert found[("vpc-flow-logs", unlogged)][0] is Verdict.FAIL
    assert not [k for k in found if k[1].startswith("vpc-") and k[1] not in (logged, unlogged)]


def test_listener_rules_are_read_and_judged(collect: Any, aws: boto3.Session) -> None:
    ec2, elb = aws.client("ec2"), aws.client("elbv2")
    _, subnets = vpc_with_two_subnets(ec2)
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    redirect = {
        "Type": "redirect",
        "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
    }
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=[redirect]
    )["Listeners"][0]
    elb.create_rule(
        ListenerArn=listener["ListenerArn"],
        Priority=10,
        Conditions=[{"Field": "path-pattern", "Values": ["/health"]}],
        Actions=[
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"},
            }
        ],
    )
    inv = collect("elbv2")
    [rule] = inv.of_kind("aws_lb_listener_rule")
    assert rule.get("listener_arn") == listener["ListenerArn"]
    verdict, message = verdicts(inv, "http-redirects-to-https")[
        ("http-redirects-to-https", listener["ListenerArn"])
    ]
    assert verdict is Verdict.FAIL and "action.type='fixed-response'" in message


def test_instances_outside_the_templates_interface_groups(collect: Any, aws: boto3.Session) -> None:
    ec2, asg = aws.client("ec2"), aws.client("autoscaling")
    vpc, subnets = vpc_with_two_subnets(ec2)
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    template = ec2.create_launch_template(
        LaunchTemplateName="app",
        LaunchTemplateData={
            "ImageId": "ami-12345678",
            "InstanceType": "t3.micro",
            "NetworkInterfaces": [{"DeviceIndex": 0, "Groups": [group]}],
        },
    )["LaunchTemplate"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="app-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
        MinSize=1,
        MaxSize=1,
        VPCZoneIdentifier=subnets[0],
    )
    inv = collect("autoscaling", "ec2")
    assert gaps.INSTANCE_GROUPS in inv.scope["gaps"]
    [member] = [i for i in inv.of_kind("aws_instance") if i.tags.get(gaps.ASG_TAG) == "app-asg"]
    groups = member.get("vpc_security_group_ids")
    assert isinstance(groups, Unknown) and "network-interface security groups" in groups.reason


def test_a_volume_the_template_says_no_device_for_is_moto_s_extra() -> None:
    """(moto cannot start a group from such a template at all: answers 500; judged on the
    resources as the live source would give them.)"""
    template = Resource(
        "aws_launch_template",
        "lt-1",
        "live",
        {
            "id": "lt-1",
            "latest_version": 1,
            "latest": {"block_device_mappings": [{"device_name": "/dev/sda1", "no_device": ""}]},
        },
        ids=("lt-1",),
    )
    group = Resource(
        "aws_autoscaling_group",
        "app-asg",
        "live",
        {"launch_template": [{"id": "lt-1", "version": "$Latest"}], "instances": []},
    )
    root = {"device_name": "/dev/sda1", "encrypted": False, "volume_id": "vol-1"}
    instance = Resource(
        "aws_instance",
        "i-1",
        "live",
        {"root_block_device": [root], "ebs_block_device": []},
        tags={gaps.ASG_TAG: "app-asg"},
    )
    found, applied = gaps.apply([template, group, instance])
    patched = next(r for r in found if r.kind == "aws_instance")
    assert isinstance(patched.get("root_block_device.0.encrypted"), Unknown)
    assert gaps.EXTRA_VOLUME in applied


def test_rds_without_retention_is_a_named_gap(collect: Any, aws: boto3.Session) -> None:
    rds = aws.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="plain",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        BackupRetentionPeriod=0,  # what moto shows for a database terraform made without one
    )
    inv = collect("rds")
    verdict, message = verdicts(inv, "database-backup-retention")[
        ("database-backup-retention", "plain")
    ]
    assert verdict is Verdict.INCONCLUSIVE and "moto gap" in message


def test_bucket_without_a_block_is_a_named_gap_not_a_fail(collect: Any, aws: boto3.Session) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="plain")
    s3.create_bucket(Bucket="blocked")
    s3.put_public_access_block(
        Bucket="blocked",
        PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
            True,
        ),
    )
    inv = collect("s3")
    found = verdicts(inv, "s3-not-public")
    verdict, message = found[("s3-not-public", "plain")]
    assert verdict is Verdict.INCONCLUSIVE and "moto gap" in message
    assert found[("s3-not-public", "blocked")][0] is Verdict.PASS


def test_the_account_default_does_not_encrypt_a_volume_that_exists(
    collect: Any, aws: boto3.Session
) -> None:
    """Encryption by default applies to volumes created from then on; one that exists
    unencrypted stays so (a fixed defect: the default was taken for every live volume)."""
    ec2 = aws.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=False)
    ec2.enable_ebs_encryption_by_default()
    inv = collect("ec2")
    verdict, message = verdicts(inv, "ebs-encrypted")[("ebs-encrypted", volume["VolumeId"])]
    assert verdict is Verdict.FAIL and "encrypted=False" in message


def test_classic_load_balancers_are_read_and_judged(collect: Any, aws: boto3.Session) -> None:
    ec2 = aws.client("ec2")
    _, subnets = vpc_with_two_subnets(ec2)
    elb = aws.client("elb")
    elb.create_load_balancer(
        LoadBalancerName="classic",
        Listeners=[
            {
                "Protocol": "HTTP",
                "LoadBalancerPort": 80,
                "InstanceProtocol": "HTTP",
                "InstancePort": 8080,
            }
        ],
        Subnets=subnets,
    )
    inv = collect("elb", "ec2")
    [balancer] = inv.of_kind("aws_elb")
    assert balancer.get("listener.0.lb_protocol") == "HTTP"
    assert balancer.get("internal") is False
    found = verdicts(
        inv,
        "https-listener-on-public-lb",
        "http-redirects-to-https",
        "waf-on-public-entry",
        "zone-spread",
    )
    for control in (
        "https-listener-on-public-lb",
        "http-redirects-to-https",
        "waf-on-public-entry",
    ):
        assert found[(control, "classic")][0] is Verdict.FAIL, found[(control, "classic")]
    assert found[("zone-spread", "classic")][0] is Verdict.PASS
