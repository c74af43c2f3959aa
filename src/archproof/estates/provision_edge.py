"""Provisioners for the edge: certificates, load balancers, target groups, listeners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import (
    Context,
    Provisioner,
    ProvisionError,
    drop_none,
    first,
    tag_list,
)


def certificate(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    """Request an ACM certificate, or import one when the PEM body and key are given."""
    if values.get("certificate_body"):
        arn = context.client("acm").import_certificate(
            **drop_none(
                Certificate=values["certificate_body"].encode(),
                PrivateKey=values["private_key"].encode(),
                CertificateChain=(values.get("certificate_chain") or "").encode() or None,
                Tags=tag_list(values) or None,
            )
        )["CertificateArn"]
        return {"id": arn, "arn": arn}
    arn = context.client("acm").request_certificate(
        **drop_none(
            DomainName=values["domain_name"],
            ValidationMethod=values.get("validation_method"),
            SubjectAlternativeNames=values.get("subject_alternative_names"),
            Tags=tag_list(values) or None,
        )
    )["CertificateArn"]
    return {"id": arn, "arn": arn}


def certificate_validation(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    """Terraform waits for the certificate to be issued; so do we (without waiting)."""
    arn = values["certificate_arn"]
    status = context.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    if status != "ISSUED":
        raise ProvisionError(
            f"certificate {arn} is {status}, not ISSUED (a moto server needs "
            "MOTO_ACM_VALIDATION_WAIT=0 to issue DNS-validated certificates)"
        )
    return {"id": arn, "certificate_arn": arn}


def load_balancer(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    elb = context.client("elbv2")
    created = elb.create_load_balancer(
        **drop_none(
            Name=values["name"],
            Subnets=list(values.get("subnets") or []) or None,
            SecurityGroups=list(values.get("security_groups") or []) or None,
            Scheme="internal" if values.get("internal") else "internet-facing",
            Type=values.get("load_balancer_type", "application"),
            Tags=tag_list(values) or None,
        )
    )["LoadBalancers"][0]
    logs = first(values, "access_logs")
    attributes = {
        "deletion_protection.enabled": values.get("enable_deletion_protection"),
        "routing.http.drop_invalid_header_fields.enabled": values.get("drop_invalid_header_fields"),
        "access_logs.s3.enabled": logs.get("enabled") if logs else None,
        "access_logs.s3.bucket": logs.get("bucket"),
        "access_logs.s3.prefix": logs.get("prefix"),
    }
    chosen = [
        {"Key": k, "Value": str(v).lower() if isinstance(v, bool) else str(v)}
        for k, v in attributes.items()
        if v is not None
    ]
    if chosen:
        elb.modify_load_balancer_attributes(
            LoadBalancerArn=created["LoadBalancerArn"], Attributes=chosen
        )
    arn = created["LoadBalancerArn"]
    return {
        "id": arn,
        "arn": arn,
        "arn_suffix": arn.split(":loadbalancer/", 1)[1],
        "dns_name": created["DNSName"],
        "zone_id": created.get("CanonicalHostedZoneId"),
    }


def target_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    check = first(values, "health_check")
    created = context.client("elbv2").create_target_group(
        **drop_none(
            Name=values["name"],
            Protocol=values.get("protocol"),
            Port=values.get("port"),
            VpcId=values.get("vpc_id"),
            TargetType=values.get("target_type"),
            HealthCheckEnabled=check.get("enabled"),
            HealthCheckPath=check.get("path"),
            HealthCheckProtocol=check.get("protocol"),
            HealthCheckPort=check.get("port"),
            Matcher={"HttpCode": check["matcher"]} if check.get("matcher") else None,
            HealthCheckIntervalSeconds=check.get("interval"),
            HealthCheckTimeoutSeconds=check.get("timeout"),
            HealthyThresholdCount=check.get("healthy_threshold"),
            UnhealthyThresholdCount=check.get("unhealthy_threshold"),
            Tags=tag_list(values) or None,
        )
    )["TargetGroups"][0]
    arn = created["TargetGroupArn"]
    return {"id": arn, "arn": arn, "arn_suffix": arn.split(":", 5)[5]}


def _action(action: Mapping[str, Any]) -> dict[str, Any]:
    if action["type"] == "forward":
        return {"Type": "forward", "TargetGroupArn": action["target_group_arn"]}
    if action["type"] == "redirect":
        redirect = first(action, "redirect")
        return {
            "Type": "redirect",
            "RedirectConfig": drop_none(
                Protocol=redirect.get("protocol"),
                Port=redirect.get("port"),
                Host=redirect.get("host"),
                Path=redirect.get("path"),
                Query=redirect.get("query"),
                StatusCode=redirect["status_code"],
            ),
        }
    raise ProvisionError(f"listener action {action['type']!r} is not supported")


def listener(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    certificate_arn = values.get("certificate_arn")
    created = context.client("elbv2").create_listener(
        **drop_none(
            LoadBalancerArn=values["load_balancer_arn"],
            Protocol=values.get("protocol"),
            Port=values.get("port"),
            SslPolicy=values.get("ssl_policy"),
            Certificates=[{"CertificateArn": certificate_arn}] if certificate_arn else None,
            DefaultActions=[_action(a) for a in values["default_action"]],
            Tags=tag_list(values) or None,
        )
    )["Listeners"][0]
    return {"id": created["ListenerArn"], "arn": created["ListenerArn"]}


PROVISIONERS: dict[str, Provisioner] = {
    "aws_acm_certificate": certificate,
    "aws_acm_certificate_validation": certificate_validation,
    "aws_lb": load_balancer,
    "aws_lb_target_group": target_group,
    "aws_lb_listener": listener,
}
