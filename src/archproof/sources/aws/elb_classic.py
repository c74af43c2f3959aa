"""Classic Load Balancers (ELB): listeners, zones, security groups, access logs."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan, chunks, tag_dict

KINDS = ("aws_elb",)


def collect(scan: Scan) -> None:
    elb = scan.client("elb")
    op, key = "describe_load_balancers", "LoadBalancerDescriptions[]"
    balancers = scan.items(elb, op, key, KINDS) or []
    tags = _tags(scan, elb, [b["LoadBalancerName"] for b in balancers])
    for balancer in balancers:
        name = balancer["LoadBalancerName"]
        answer = scan.call(elb, "describe_load_balancer_attributes", KINDS, LoadBalancerName=name)
        logs = ((answer or {}).get("LoadBalancerAttributes") or {}).get("AccessLog") or {}
        arn = scan.arn("elasticloadbalancing", f"loadbalancer/{name}")
        scan.add(
            "aws_elb",
            name,
            {
                "name": name,
                "arn": arn,
                "dns_name": balancer.get("DNSName"),
                "internal": balancer.get("Scheme") == "internal",
                "subnets": list(balancer.get("Subnets") or ()),
                "availability_zones": list(balancer.get("AvailabilityZones") or ()),
                "security_groups": list(balancer.get("SecurityGroups") or ()),
                "listener": [
                    _listener(d.get("Listener") or {})
                    for d in balancer.get("ListenerDescriptions", ())
                ],
                "access_logs": [
                    {"enabled": logs.get("Enabled"), "bucket": logs.get("S3BucketName")}
                ]
                if answer
                else [],
            },
            ids=(name, arn, balancer.get("DNSName")),
            tags=tags.get(name),
        )


def _listener(listener: dict[str, Any]) -> dict[str, Any]:
    return {
        "lb_port": listener.get("LoadBalancerPort"),
        "lb_protocol": listener.get("Protocol"),
        "instance_port": listener.get("InstancePort"),
        "instance_protocol": listener.get("InstanceProtocol"),
        "ssl_certificate_id": listener.get("SSLCertificateId"),
    }


def _tags(scan: Scan, elb: Any, names: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for batch in chunks(names, 20):
        answer = scan.call(elb, "describe_tags", KINDS, LoadBalancerNames=batch)
        for item in (answer or {}).get("TagDescriptions", ()):
            found[item["LoadBalancerName"]] = tag_dict(item.get("Tags"))
    return found
