"""WAFv2 web ACLs of both scopes, and their load balancer associations.

moto does not implement ListResourcesForWebACL (HTTP 500), so associations come from the
resource side (GetWebACLForResource per application load balancer): the fallback path.
"""

from __future__ import annotations

from typing import Any

import boto3

from support.aws_estate import vpc_with_two_subnets

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"}


def balancer(aws: boto3.Session, name: str) -> str:
    ec2 = aws.client("ec2")
    _, subnets = vpc_with_two_subnets(ec2)
    lb = aws.client("elbv2").create_load_balancer(Name=name, Subnets=subnets)
    return str(lb["LoadBalancers"][0]["LoadBalancerArn"])


def test_web_acls_and_associations(aws: boto3.Session, collect: Any, one: Any) -> None:
    waf = aws.client("wafv2")
    regional = waf.create_web_acl(
        Name="app",
        Scope="REGIONAL",
        DefaultAction={"Block": {}},
        VisibilityConfig=VISIBILITY,
        Tags=[{"Key": "Name", "Value": "app-acl"}],
    )["Summary"]
    edge = waf.create_web_acl(
        Name="edge", Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY
    )["Summary"]
    protected, bare = balancer(aws, "protected"), balancer(aws, "bare")
    waf.associate_web_acl(WebACLArn=regional["ARN"], ResourceArn=protected)
    inv = collect("wafv2", "elbv2", "ec2")
    assert inv.errors == []

    acl = one(inv, "aws_wafv2_web_acl", regional["ARN"])
    assert (acl.get("scope"), acl.get("name"), acl.name) == ("REGIONAL", "app", "app-acl")
    assert acl.get("default_action") == [{"allow": [], "block": [{}]}]
    assert one(inv, "aws_wafv2_web_acl", edge["ARN"]).get("scope") == "CLOUDFRONT"

    [association] = inv.of_kind("aws_wafv2_web_acl_association")
    assert association.get("web_acl_arn") == regional["ARN"]
    assert association.get("found_by") == "GetWebACLForResource"
    lb = one(inv, "aws_lb", protected)
    assert inv.referring(lb, "aws_wafv2_web_acl_association", "resource_arn") == [association]
    assert (
        inv.referring(one(inv, "aws_lb", bare), "aws_wafv2_web_acl_association", "resource_arn")
        == []
    )


def test_no_regional_acl_means_no_association_calls(aws: boto3.Session, collect: Any) -> None:
    balancer(aws, "alone")
    inv = collect("wafv2", regions=("us-east-1", "eu-west-1"))
    assert inv.errors == [] and inv.of_kind("aws_wafv2_web_acl_association") == []
