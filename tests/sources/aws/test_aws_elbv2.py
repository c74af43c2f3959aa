"""Load balancers, listeners, target groups and ACM certificates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3

from support.aws_estate import vpc_with_two_subnets


def _estate(aws: boto3.Session) -> dict[str, str]:
    ec2, elb, acm = aws.client("ec2"), aws.client("elbv2"), aws.client("acm")
    vpc, subnets = vpc_with_two_subnets(ec2)
    sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    lb = elb.create_load_balancer(
        Name="web", Subnets=subnets, SecurityGroups=[sg], Scheme="internet-facing"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": "alb-logs"},
        ],
    )
    elb.add_tags(ResourceArns=[lb], Tags=[{"Key": "Name", "Value": "public-web"}])
    tg = elb.create_target_group(
        Name="web-tg",
        Protocol="HTTP",
        Port=8080,
        VpcId=vpc,
        HealthCheckPath="/health",
        HealthCheckProtocol="HTTP",
    )["TargetGroups"][0]["TargetGroupArn"]
    cert = acm.request_certificate(DomainName="shop.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    extra = acm.request_certificate(DomainName="api.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    https = elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )["Listeners"][0]["ListenerArn"]
    elb.add_listener_certificates(ListenerArn=https, Certificates=[{"CertificateArn": extra}])
    http = elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    return {
        "lb": lb,
        "tg": tg,
        "cert": cert,
        "extra": extra,
        "https": https,
        "http": http,
        "sg": sg,
    }


def test_load_balancer_listeners_and_target_groups(
    aws: boto3.Session, collect: Any, one: Any
) -> None:
    ids = _estate(aws)
    inv = collect("elbv2", "acm", "ec2")
    assert inv.errors == []
    lb = one(inv, "aws_lb", ids["lb"])
    # its DNS name too: CloudFront origins and Route 53 records name it so
    assert lb.ids[:2] == (ids["lb"], "web") and lb.ids[2] == lb.get("dns_name")
    assert lb.name == "public-web"
    assert (lb.get("internal"), lb.get("load_balancer_type")) == (False, "application")
    assert lb.get("access_logs") == [{"enabled": True, "bucket": "alb-logs", "prefix": None}]
    assert {s.kind for s in inv.related(lb, "subnets")} == {"aws_subnet"}
    assert len(inv.related(lb, "subnets")) == 2
    assert [g.address for g in inv.related(lb, "security_groups")] == [ids["sg"]]

    https = one(inv, "aws_lb_listener", ids["https"])
    assert (https.get("port"), https.get("protocol")) == (443, "HTTPS")
    assert https.get("ssl_policy") == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https.get("certificate_arn") == ids["cert"]
    assert inv.related(https, "load_balancer_arn") == [lb]
    tg = one(inv, "aws_lb_target_group", ids["tg"])
    assert inv.related(https, "default_action.0.target_group_arn") == [tg]
    cert = one(inv, "aws_acm_certificate", ids["cert"])
    assert inv.related(https, "certificate_arn") == [cert]
    extra = one(inv, "aws_lb_listener_certificate")
    assert (extra.get("listener_arn"), extra.get("certificate_arn")) == (ids["https"], ids["extra"])

    http = one(inv, "aws_lb_listener", ids["http"])
    assert http.get("default_action.0.type") == "redirect"
    redirect = http.get("default_action.0.redirect.0")
    assert (redirect["protocol"], redirect["port"], redirect["status_code"]) == (
        "HTTPS",
        "443",
        "HTTP_301",
    )

    assert tg.ids == (ids["tg"], "web-tg")
    assert (tg.get("port"), tg.get("protocol")) == (8080, "HTTP")
    assert tg.get("health_check.0.path") == "/health"
    assert tg.get("health_check.0.protocol") == "HTTP"
    assert inv.related(tg, "vpc_id", kinds=("aws_vpc",))


def test_acm_certificate_status_and_expiry(aws: boto3.Session, collect: Any, one: Any) -> None:
    arn = aws.client("acm").request_certificate(
        DomainName="shop.example.com",
        ValidationMethod="DNS",
        Tags=[{"Key": "Name", "Value": "shop"}],
    )["CertificateArn"]
    inv = collect("acm")
    assert inv.errors == []
    cert = one(inv, "aws_acm_certificate", arn)
    assert cert.name == "shop"
    assert cert.get("domain_name") == "shop.example.com"
    assert (cert.get("status"), cert.get("type")) == ("ISSUED", "AMAZON_ISSUED")
    assert cert.get("validation_method") == "DNS"
    assert datetime.fromisoformat(cert.get("not_after")) > datetime.fromisoformat(
        cert.get("not_before")
    )
