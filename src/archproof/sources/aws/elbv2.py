"""ELBv2: load balancers (+ access logs), listeners (+ certificates), target groups."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, chunks, tag_dict

KINDS = (
    "aws_lb",
    "aws_lb_listener",
    "aws_lb_listener_certificate",
    "aws_lb_listener_rule",
    "aws_lb_target_group",
)
_SECURE = frozenset({"HTTPS", "TLS"})


def collect(scan: Scan) -> None:
    elb = scan.client("elbv2")
    balancers = scan.items(elb, "describe_load_balancers", "LoadBalancers[]", ("aws_lb",)) or []
    groups = scan.items(elb, "describe_target_groups", "TargetGroups[]", ("aws_lb_target_group",))
    arns = [b["LoadBalancerArn"] for b in balancers] + [g["TargetGroupArn"] for g in groups or ()]
    tags = _tags(scan, elb, arns)
    for balancer in balancers:
        _add_balancer(scan, elb, balancer, tags)
        _listeners(scan, elb, balancer["LoadBalancerArn"])
    for group in groups or ():
        _add_target_group(scan, group, tags)


def _tags(scan: Scan, elb: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for batch in chunks(arns, 20):
        answer = scan.call(
            elb, "describe_tags", ("aws_lb", "aws_lb_target_group"), ResourceArns=batch
        )
        for item in (answer or {}).get("TagDescriptions", ()):
            found[item["ResourceArn"]] = tag_dict(item.get("Tags"))
    return found


def _add_balancer(
    scan: Scan, elb: Any, balancer: dict[str, Any], tags: dict[str, dict[str, str]]
) -> None:
    arn = balancer["LoadBalancerArn"]
    answer = scan.call(elb, "describe_load_balancer_attributes", ("aws_lb",), LoadBalancerArn=arn)
    zones = balancer.get("AvailabilityZones", ())
    scan.add(
        "aws_lb",
        arn,
        {
            "arn": arn,
            "id": arn,
            "name": balancer.get("LoadBalancerName"),
            "dns_name": balancer.get("DNSName"),
            "internal": balancer.get("Scheme") == "internal",
            "load_balancer_type": balancer.get("Type"),
            "vpc_id": balancer.get("VpcId"),
            "subnets": [z["SubnetId"] for z in zones if z.get("SubnetId")],
            "availability_zones": [z["ZoneName"] for z in zones if z.get("ZoneName")],
            "security_groups": list(balancer.get("SecurityGroups", ())),
            "ip_address_type": balancer.get("IpAddressType"),
            **_balancer_attributes(answer),
        },
        ids=(arn, balancer.get("LoadBalancerName"), balancer.get("DNSName")),  # origins name it
        tags=tags.get(arn),
    )


def _balancer_attributes(answer: dict[str, Any] | None) -> dict[str, Any]:
    if answer is None:
        unknown = Unknown("the load balancer attributes could not be read")
        names = ("access_logs", "enable_deletion_protection", "drop_invalid_header_fields")
        return dict.fromkeys(names, unknown)
    attrs = {a["Key"]: a.get("Value") for a in answer.get("Attributes", ())}
    logs = {
        "enabled": attrs.get("access_logs.s3.enabled") == "true",
        "bucket": attrs.get("access_logs.s3.bucket") or None,
        "prefix": attrs.get("access_logs.s3.prefix") or None,
    }
    drop = attrs.get("routing.http.drop_invalid_header_fields.enabled")
    return {
        "access_logs": [logs],
        "enable_deletion_protection": attrs.get("deletion_protection.enabled") == "true",
        "drop_invalid_header_fields": drop == "true",
    }


def _action(action: dict[str, Any]) -> dict[str, Any]:
    redirect = action.get("RedirectConfig")
    fixed = action.get("FixedResponseConfig")
    forward = action.get("ForwardConfig") or {}
    groups = [g["TargetGroupArn"] for g in forward.get("TargetGroups", ())]
    return {
        "type": action.get("Type"),
        "order": action.get("Order"),
        "target_group_arn": action.get("TargetGroupArn")
        or (groups[0] if len(groups) == 1 else None),
        "forward": [{"target_group": [{"arn": arn} for arn in groups]}] if groups else [],
        "redirect": [
            {
                "protocol": redirect.get("Protocol"),
                "port": redirect.get("Port"),
                "host": redirect.get("Host"),
                "path": redirect.get("Path"),
                "query": redirect.get("Query"),
                "status_code": redirect.get("StatusCode"),
            }
        ]
        if redirect
        else [],
        "fixed_response": [
            {
                "status_code": fixed.get("StatusCode"),
                "content_type": fixed.get("ContentType"),
                "message_body": fixed.get("MessageBody"),
            }
        ]
        if fixed
        else [],
    }


def _listeners(scan: Scan, elb: Any, balancer_arn: str) -> None:
    kinds = ("aws_lb_listener", "aws_lb_listener_certificate")
    listeners = scan.items(
        elb,
        "describe_listeners",
        "Listeners[]",
        kinds,
        LoadBalancerArn=balancer_arn,
    )
    for listener in listeners or ():
        arn = listener["ListenerArn"]
        certificates = [
            c["CertificateArn"] for c in listener.get("Certificates", ()) if "CertificateArn" in c
        ]
        scan.add(
            "aws_lb_listener",
            arn,
            {
                "arn": arn,
                "id": arn,
                "load_balancer_arn": listener.get("LoadBalancerArn", balancer_arn),
                "port": listener.get("Port"),
                "protocol": listener.get("Protocol"),
                "ssl_policy": listener.get("SslPolicy"),
                "certificate_arn": certificates[0] if certificates else None,
                "alpn_policy": (listener.get("AlpnPolicy") or [None])[0],
                "default_action": [_action(a) for a in listener.get("DefaultActions", ())],
            },
            ids=(arn,),
        )
        if listener.get("Protocol") in _SECURE:
            _extra_certificates(scan, elb, arn)
        _rules(scan, elb, arn)


def _rules(scan: Scan, elb: Any, listener_arn: str) -> None:
    """The listener's rules besides its default action (which answer first)."""
    kinds = ("aws_lb_listener_rule",)
    for rule in scan.items(elb, "describe_rules", "Rules[]", kinds, ListenerArn=listener_arn) or ():
        if rule.get("IsDefault") or not rule.get("RuleArn"):
            continue
        arn = rule["RuleArn"]
        attrs = {
            "arn": arn,
            "listener_arn": listener_arn,
            "priority": rule.get("Priority"),
            "action": [_action(a) for a in rule.get("Actions", ())],
        }
        scan.add("aws_lb_listener_rule", arn, attrs, ids=(arn,))


def _extra_certificates(scan: Scan, elb: Any, listener_arn: str) -> None:
    kinds = ("aws_lb_listener_certificate",)
    op = "describe_listener_certificates"
    for cert in scan.items(elb, op, "Certificates[]", kinds, ListenerArn=listener_arn) or ():
        if cert.get("IsDefault") or not cert.get("CertificateArn"):
            continue
        address = f"{listener_arn}_{cert['CertificateArn']}"
        attrs = {"listener_arn": listener_arn, "certificate_arn": cert["CertificateArn"]}
        scan.add("aws_lb_listener_certificate", address, attrs, ids=(address,))


def _add_target_group(scan: Scan, group: dict[str, Any], tags: dict[str, dict[str, str]]) -> None:
    arn = group["TargetGroupArn"]
    scan.add(
        "aws_lb_target_group",
        arn,
        {
            "arn": arn,
            "id": arn,
            "name": group.get("TargetGroupName"),
            "port": group.get("Port"),
            "protocol": group.get("Protocol"),
            "vpc_id": group.get("VpcId"),
            "target_type": group.get("TargetType"),
            "load_balancer_arns": list(group.get("LoadBalancerArns", ())),
            "health_check": [
                {
                    "enabled": group.get("HealthCheckEnabled"),
                    "path": group.get("HealthCheckPath"),
                    "protocol": group.get("HealthCheckProtocol"),
                    "port": group.get("HealthCheckPort"),
                    "interval": group.get("HealthCheckIntervalSeconds"),
                    "timeout": group.get("HealthCheckTimeoutSeconds"),
                    "healthy_threshold": group.get("HealthyThresholdCount"),
                    "unhealthy_threshold": group.get("UnhealthyThresholdCount"),
                    "matcher": (group.get("Matcher") or {}).get("HttpCode"),
                }
            ],
        },
        ids=(arn, group.get("TargetGroupName")),
        tags=tags.get(arn),
    )
