"""The edge: security groups, the public ALB terminating TLS for the API, and the internal
ALB that health-checks the workers."""

from __future__ import annotations

from typing import Any

from archproof.estates.levels.common import (
    ADMIN_CIDR,
    ANYWHERE,
    API_PORT,
    DB_PORT,
    DOMAIN,
    NAME,
    WORKER_PORT,
    sg_rule,
)
from archproof.estates.model import EstateResource, ref

VPC_ID = ref("module.network.vpc_id")
VPC_CIDR = ref("module.network.vpc_cidr_block")
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def _group(name: str, description: str, **tags: str) -> EstateResource:
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


def _ingress(name: str, values: dict[str, Any]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_ingress_rule", name, values)


def _egress(name: str, values: dict[str, Any]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_egress_rule", name, values)


def security_groups() -> list[EstateResource]:
    lb, internal, bastion, app, worker = (
        ref(f"aws_security_group.{g}.id") for g in ("lb", "internal_lb", "bastion", "app", "worker")
    )
    return [
        _group("lb", "API load balancer: HTTPS and HTTP from the internet"),
        _group("internal_lb", "Worker health checks: from inside the VPC only"),
        _group("bastion", "Bastion: SSH from the allow-list only", Role="bastion"),
        _group("app", "API servers: API port from the load balancer", Role="app"),
        _group("worker", "Workers: health port from the internal load balancer", Role="worker"),
        _group("db", "Aurora: MySQL from the API servers and workers only"),
        _ingress("lb_https", sg_rule("lb", 443, cidr=ANYWHERE, description="HTTPS from clients")),
        _ingress(
            "lb_http",
            sg_rule("lb", 80, cidr=ANYWHERE, description="HTTP from clients, redirected"),
        ),
        _egress("lb_to_api", sg_rule("lb", API_PORT, cidr=VPC_CIDR, description="To the API")),
        _ingress(
            "internal_lb_http",
            sg_rule("internal_lb", 80, cidr=VPC_CIDR, description="HTTP from inside the VPC"),
        ),
        _egress(
            "internal_lb_to_workers",
            sg_rule("internal_lb", WORKER_PORT, cidr=VPC_CIDR, description="To the workers"),
        ),
        _ingress(
            "bastion_ssh",
            sg_rule("bastion", 22, cidr=ADMIN_CIDR, description="SSH from the allow-list"),
        ),
        _egress(
            "bastion_ssh_out",
            sg_rule("bastion", 22, cidr=VPC_CIDR, description="SSH to the servers"),
        ),
        _ingress("app_from_lb", sg_rule("app", API_PORT, source=lb, description="API traffic")),
        _ingress("app_ssh", sg_rule("app", 22, source=bastion, description="SSH from bastion")),
        _egress(
            "app_out",
            sg_rule("app", None, protocol="-1", cidr=ANYWHERE, description="Out via NAT"),
        ),
        _ingress(
            "worker_health",
            sg_rule("worker", WORKER_PORT, source=internal, description="Health checks"),
        ),
        _ingress(
            "worker_ssh", sg_rule("worker", 22, source=bastion, description="SSH from bastion")
        ),
        _egress(
            "worker_out",
            sg_rule("worker", None, protocol="-1", cidr=ANYWHERE, description="Out via NAT"),
        ),
        _ingress(
            "db_from_app", sg_rule("db", DB_PORT, source=app, description="MySQL from the API")
        ),
        _ingress(
            "db_from_worker",
            sg_rule("db", DB_PORT, source=worker, description="MySQL from the workers"),
        ),
    ]


def _target_group(name: str, port: int) -> EstateResource:
    return EstateResource(
        "aws_lb_target_group",
        name,
        {
            "name": f"{NAME}-{name}",
            "port": port,
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
            "tags": {"Name": f"{NAME}-{name}"},
        },
    )


def load_balancers() -> list[EstateResource]:
    def forward(group: str) -> dict[str, Any]:
        return {"type": "forward", "target_group_arn": ref(f"aws_lb_target_group.{group}.arn")}

    redirect = {
        "type": "redirect",
        "redirect": [{"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}],
    }
    return [
        EstateResource(
            "aws_acm_certificate",
            "api",
            {"domain_name": DOMAIN, "validation_method": "DNS", "tags": {"Name": f"{NAME}-api"}},
        ),
        EstateResource(
            "aws_acm_certificate_validation",
            "api",
            {"certificate_arn": ref("aws_acm_certificate.api.arn")},
        ),
        EstateResource(
            "aws_lb",
            "api",
            {
                "name": f"{NAME}-api",
                "internal": False,
                "load_balancer_type": "application",
                "subnets": ref("module.network.public_subnet_ids"),
                "security_groups": [ref("aws_security_group.lb.id")],
                "drop_invalid_header_fields": True,
                "enable_deletion_protection": True,
                "access_logs": [
                    {"bucket": ref("aws_s3_bucket.logs.id"), "prefix": "alb", "enabled": True}
                ],
                "tags": {"Name": f"{NAME}-api"},
            },
            depends_on=("aws_s3_bucket_policy.logs",),
        ),
        _target_group("api", API_PORT),
        EstateResource(
            "aws_lb_listener",
            "https",
            {
                "load_balancer_arn": ref("aws_lb.api.arn"),
                "port": 443,
                "protocol": "HTTPS",
                "ssl_policy": TLS_POLICY,
                "certificate_arn": ref("aws_acm_certificate_validation.api.certificate_arn"),
                "default_action": [forward("api")],
                "tags": {"Name": f"{NAME}-https"},
            },
        ),
        EstateResource(
            "aws_lb_listener",
            "http",
            {
                "load_balancer_arn": ref("aws_lb.api.arn"),
                "port": 80,
                "protocol": "HTTP",
                "default_action": [redirect],
                "tags": {"Name": f"{NAME}-http"},
            },
        ),
        EstateResource(
            "aws_lb",
            "workers",
            {
                "name": f"{NAME}-workers",
                "internal": True,
                "load_balancer_type": "application",
                "subnets": ref("module.network.private_subnet_ids"),
                "security_groups": [ref("aws_security_group.internal_lb.id")],
                "drop_invalid_header_fields": True,
                "tags": {"Name": f"{NAME}-workers"},
            },
        ),
        _target_group("worker", WORKER_PORT),
        EstateResource(
            "aws_lb_listener",
            "workers",
            {
                "load_balancer_arn": ref("aws_lb.workers.arn"),
                "port": 80,
                "protocol": "HTTP",
                "default_action": [forward("worker")],
                "tags": {"Name": f"{NAME}-workers"},
            },
        ),
    ]
