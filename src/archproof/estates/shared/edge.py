"""Edge builders the reference estates share: security groups with their rules as separate
resources, and an application load balancer with its certificate, target groups and
listeners. ``estate`` is the estate's name, the prefix of every name and Name tag."""

from __future__ import annotations

from typing import Any

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared.rules import ANYWHERE, sg_rule

VPC_ID = ref("module.network.vpc_id")
VPC_CIDR = ref("module.network.vpc_cidr_block")
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
HEALTH_CHECK = {
    "enabled": True,
    "path": "/healthz",
    "protocol": "HTTP",
    "port": "traffic-port",
    "matcher": "200",
    "interval": 15,
    "timeout": 5,
    "healthy_threshold": 3,
    "unhealthy_threshold": 3,
}


def security_group(estate: str, name: str, description: str, **tags: str) -> EstateResource:
    """A security group whose rules are separate resources (none written inline)."""
    return EstateResource(
        "aws_security_group",
        name,
        {
            "name": f"{estate}-{name}",
            "description": description,
            "vpc_id": VPC_ID,
            "tags": {"Name": f"{estate}-{name}", **tags},
        },
    )


def ingress(name: str, values: dict[str, Any]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_ingress_rule", name, values)


def egress(name: str, values: dict[str, Any]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_egress_rule", name, values)


def load_balancer_rules(
    http: str, upstream: str, port: int, upstream_description: str
) -> list[EstateResource]:
    """The ``lb`` group: HTTPS and HTTP (described ``http``) from anywhere, and out to
    ``port`` in the VPC (rule ``upstream``)."""
    return [
        ingress("lb_https", sg_rule("lb", 443, cidr=ANYWHERE, description="HTTPS from clients")),
        ingress("lb_http", sg_rule("lb", 80, cidr=ANYWHERE, description=http)),
        egress(upstream, sg_rule("lb", port, cidr=VPC_CIDR, description=upstream_description)),
    ]


def bastion_rules(admin_cidr: str, admitted: str, reaches: str) -> list[EstateResource]:
    """The ``bastion`` group: SSH in from ``admin_cidr`` (described ``admitted``) and out to
    the VPC (described ``reaches``)."""
    return [
        ingress("bastion_ssh", sg_rule("bastion", 22, cidr=admin_cidr, description=admitted)),
        egress("bastion_ssh_out", sg_rule("bastion", 22, cidr=VPC_CIDR, description=reaches)),
    ]


def node_ssh(group: str, description: str) -> EstateResource:
    """SSH into ``group`` from the bastion only."""
    bastion = ref("aws_security_group.bastion.id")
    return ingress(f"{group}_ssh", sg_rule(group, 22, source=bastion, description=description))


def node_egress(group: str, description: str) -> EstateResource:
    """Everything out of ``group`` (through the NAT gateways)."""
    rule = sg_rule(group, None, protocol="-1", cidr=ANYWHERE, description=description)
    return egress(f"{group}_out", rule)


def certificate(estate: str, name: str, domain: str) -> list[EstateResource]:
    """An ACM certificate validated by DNS, and its validation."""
    return [
        EstateResource(
            "aws_acm_certificate",
            name,
            {
                "domain_name": domain,
                "validation_method": "DNS",
                "tags": {"Name": f"{estate}-{name}"},
            },
        ),
        EstateResource(
            "aws_acm_certificate_validation",
            name,
            {"certificate_arn": ref(f"aws_acm_certificate.{name}.arn")},
        ),
    ]


def public_load_balancer(estate: str, name: str, label: str) -> EstateResource:
    """The internet-facing ALB ``name`` (called ``<estate>-<label>``) in the public subnets,
    behind the ``lb`` group, logging to the ``logs`` bucket."""
    return EstateResource(
        "aws_lb",
        name,
        {
            "name": f"{estate}-{label}",
            "internal": False,
            "load_balancer_type": "application",
            "subnets": ref("module.network.public_subnet_ids"),
            "security_groups": [ref("aws_security_group.lb.id")],
            "drop_invalid_header_fields": True,
            "enable_deletion_protection": True,
            "access_logs": [
                {"bucket": ref("aws_s3_bucket.logs.id"), "prefix": "alb", "enabled": True}
            ],
            "tags": {"Name": f"{estate}-{label}"},
        },
        depends_on=("aws_s3_bucket_policy.logs",),
    )


def target_group(estate: str, name: str, port: int, label: str = "") -> EstateResource:
    """HTTP instances on ``port``, health-checked on ``/healthz``; called ``<estate>-<label>``
    (``label`` defaults to ``name``)."""
    label = label or name
    return EstateResource(
        "aws_lb_target_group",
        name,
        {
            "name": f"{estate}-{label}",
            "port": port,
            "protocol": "HTTP",
            "target_type": "instance",
            "vpc_id": VPC_ID,
            "health_check": [dict(HEALTH_CHECK)],
            "tags": {"Name": f"{estate}-{label}"},
        },
    )


def forward(group: str) -> dict[str, Any]:
    return {"type": "forward", "target_group_arn": ref(f"aws_lb_target_group.{group}.arn")}


def https_listeners(estate: str, lb: str, group: str, certificate: str) -> list[EstateResource]:
    """HTTPS on 443 forwarding to ``group`` with ``certificate``; HTTP on 80 redirected."""
    redirect = {
        "type": "redirect",
        "redirect": [{"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}],
    }
    return [
        EstateResource(
            "aws_lb_listener",
            "https",
            {
                "load_balancer_arn": ref(f"aws_lb.{lb}.arn"),
                "port": 443,
                "protocol": "HTTPS",
                "ssl_policy": TLS_POLICY,
                "certificate_arn": ref(
                    f"aws_acm_certificate_validation.{certificate}.certificate_arn"
                ),
                "default_action": [forward(group)],
                "tags": {"Name": f"{estate}-https"},
            },
        ),
        EstateResource(
            "aws_lb_listener",
            "http",
            {
                "load_balancer_arn": ref(f"aws_lb.{lb}.arn"),
                "port": 80,
                "protocol": "HTTP",
                "default_action": [redirect],
                "tags": {"Name": f"{estate}-http"},
            },
        ),
    ]
