"""A seeded violation provisions as the same edit in the live account."""

from __future__ import annotations

import boto3

from archproof.estates import build
from archproof.estates.provision import provision


def test_public_database_is_public_in_the_account(aws: boto3.Session) -> None:
    provision(build("bragabot", "database-public"), aws)
    db = aws.client("rds").describe_db_instances(DBInstanceIdentifier="bragabot-db")
    assert db["DBInstances"][0]["PubliclyAccessible"] is True


def test_plaintext_http_forwards_in_the_account(aws: boto3.Session) -> None:
    done = provision(build("bragabot", "http-forwards-plaintext"), aws)
    listeners = aws.client("elbv2").describe_listeners(LoadBalancerArn=done.id("aws_lb.app"))
    http = next(lis for lis in listeners["Listeners"] if lis["Port"] == 80)
    assert http["DefaultActions"][0]["Type"] == "forward"


def test_one_zone_node_group_spans_one_subnet(aws: boto3.Session) -> None:
    done = provision(build("bragabot", "nodes-in-one-zone"), aws)
    group = aws.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=["bragabot-k8s-nodes"]
    )["AutoScalingGroups"][0]
    assert group["VPCZoneIdentifier"] == done.id("module.network.aws_subnet.private[0]")


def test_missing_alarm_is_missing_in_the_account(aws: boto3.Session) -> None:
    provision(build("bragabot", "no-cpu-alarm"), aws)
    metrics = {a["MetricName"] for a in aws.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert "CPUUtilization" not in metrics and "UnHealthyHostCount" in metrics
