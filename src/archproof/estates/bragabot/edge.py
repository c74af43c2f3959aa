"""The edge: security groups, the internet-facing load balancer, its certificate and listeners."""

from __future__ import annotations

from archproof.estates.bragabot.common import (
    ADMIN_CIDR,
    ANYWHERE,
    APP_PORT,
    DB_PORT,
    DOMAIN,
    NAME,
    sg_rule,
)
from archproof.estates.model import EstateResource, ref

VPC_ID = ref("module.network.vpc_id")
VPC_CIDR = ref("module.network.vpc_cidr_block")
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def _group(name: str, description: str, **tags: str) -> EstateResource:
    """A security group whose rules are separate resources (none written inline)."""
    return EstateResource(
        "aws_security_group",
        name,
        {
            "name": f"{NAME}-{name}",
            "description": description,
            "vpc_id": VPC_ID,
            "tags": {"Name": f"{NAME}-{name}", **tags},
        },
    )


def _ingress(name: str, values: dict[str, object]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_ingress_rule", name, values)


def _egress(name: str, values: dict[str, object]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_egress_rule", name, values)


def security_groups() -> list[EstateResource]:
    """The groups, then one resource per rule (as the AWS provider v5 recommends)."""
    lb, bastion, app = (ref(f"aws_security_group.{g}.id") for g in ("lb", "bastion", "app"))
    return [
        _group("lb", "Load balancer: HTTPS and HTTP from the internet"),
        _group("bastion", "Bastion: SSH from the administrators' range only", Role="bastion"),
        _group("app", "Cluster nodes: application port from the load balancer only"),
        _group("db", "Database: PostgreSQL from the cluster nodes only"),
        _ingress("lb_https", sg_rule("lb", 443, cidr=ANYWHERE, description="HTTPS from clients")),
        _ingress(
            "lb_http",
            sg_rule("lb", 80, cidr=ANYWHERE, description="HTTP from clients, redirected to HTTPS"),
        ),
        _egress("lb_to_nodes", sg_rule("lb", APP_PORT, cidr=VPC_CIDR, description="To the nodes")),
        _ingress(
            "bastion_ssh",
            sg_rule("bastion", 22, cidr=ADMIN_CIDR, description="SSH from administrators"),
        ),
        _egress(
            "bastion_ssh_out",
            sg_rule("bastion", 22, cidr=VPC_CIDR, description="SSH to the nodes"),
        ),
        _ingress(
            "app_from_lb",
            sg_rule(
                "app",
                APP_PORT,
                source=lb,
                description="Application traffic from the load balancer",
            ),
        ),
        _ingress(
            "app_ssh",
            sg_rule("app", 22, source=bastion, description="SSH from the bastion"),
        ),
        _egress(
            "app_out",
            sg_rule(
                "app", None, protocol="-1", cidr=ANYWHERE, description="Updates and APIs via NAT"
            ),
        ),
        _ingress(
            "db_postgres",
            sg_rule("db", DB_PORT, source=app, description="PostgreSQL from the nodes"),
        ),
    ]


def load_balancer() -> list[EstateResource]:
    forward = {"type": "forward", "target_group_arn": ref("aws_lb_target_group.app.arn")}
    redirect = {
        "type": "redirect",
        "redirect": [{"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}],
    }
    return [
        EstateResource(
            "aws_acm_certificate",
            "app",
            {
                "domain_name": DOMAIN,
                "validation_method": "DNS",
                "tags": {"Name": f"{NAME}-app"},
            },
        ),
        EstateResource(
            "aws_acm_certificate_validation",
            "app",
            {
                "certificate_arn": ref("aws_acm_certificate.app.arn"),
            },
        ),
        EstateResource(
            "aws_lb",
            "app",
            {
                "name": f"{NAME}-alb",
                "internal": False,
                "load_balancer_type": "application",
                "subnets": ref("module.network.public_subnet_ids"),
                "security_groups": [ref("aws_security_group.lb.id")],
                "drop_invalid_header_fields": True,
                "enable_deletion_protection": True,
                "access_logs": [
                    {"bucket": ref("aws_s3_bucket.logs.id"), "prefix": "alb", "enabled": True}
                ],
                "tags": {"Name": f"{NAME}-alb"},
            },
            depends_on=("aws_s3_bucket_policy.logs",),
        ),
        EstateResource(
            "aws_lb_target_group",
            "app",
            {
                "name": f"{NAME}-nodes",
                "port": APP_PORT,
                "protocol": "HTTP",
                "target_type": "instance",
                "vpc_id": VPC_ID,
                "health_check": [
                    {
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
                ],
                "tags": {"Name": f"{NAME}-nodes"},
            },
        ),
        EstateResource(
            "aws_lb_listener",
            "https",
            {
                "load_balancer_arn": ref("aws_lb.app.arn"),
                "port": 443,
                "protocol": "HTTPS",
                "ssl_policy": TLS_POLICY,
                "certificate_arn": ref("aws_acm_certificate_validation.app.certificate_arn"),
                "default_action": [forward],
                "tags": {"Name": f"{NAME}-https"},
            },
        ),
        EstateResource(
            "aws_lb_listener",
            "http",
            {
                "load_balancer_arn": ref("aws_lb.app.arn"),
                "port": 80,
                "protocol": "HTTP",
                "default_action": [redirect],
                "tags": {"Name": f"{NAME}-http"},
            },
        ),
    ]
