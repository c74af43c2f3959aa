"""The edge: security groups, the public ALB terminating TLS for the API, and the internal
ALB that health-checks the workers."""

from __future__ import annotations

from functools import partial

from archproof.estates.levels.common import (
    ADMIN_CIDR,
    API_PORT,
    DB_PORT,
    DOMAIN,
    NAME,
    WORKER_PORT,
    sg_rule,
)
from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import edge

_group = partial(edge.security_group, NAME)
_ingress = edge.ingress


def security_groups() -> list[EstateResource]:
    lb, internal, app, worker = (
        ref(f"aws_security_group.{g}.id") for g in ("lb", "internal_lb", "app", "worker")
    )
    return [
        _group("lb", "API load balancer: HTTPS and HTTP from the internet"),
        _group("internal_lb", "Worker health checks: from inside the VPC only"),
        _group("bastion", "Bastion: SSH from the allow-list only", Role="bastion"),
        _group("app", "API servers: API port from the load balancer", Role="app"),
        _group("worker", "Workers: health port from the internal load balancer", Role="worker"),
        _group("db", "Aurora: MySQL from the API servers and workers only"),
        *edge.load_balancer_rules(
            "HTTP from clients, redirected", "lb_to_api", API_PORT, "To the API"
        ),
        _ingress(
            "internal_lb_http",
            sg_rule("internal_lb", 80, cidr=edge.VPC_CIDR, description="HTTP from inside the VPC"),
        ),
        edge.egress(
            "internal_lb_to_workers",
            sg_rule("internal_lb", WORKER_PORT, cidr=edge.VPC_CIDR, description="To the workers"),
        ),
        *edge.bastion_rules(ADMIN_CIDR, "SSH from the allow-list", "SSH to the servers"),
        _ingress("app_from_lb", sg_rule("app", API_PORT, source=lb, description="API traffic")),
        edge.node_ssh("app", "SSH from bastion"),
        edge.node_egress("app", "Out via NAT"),
        _ingress(
            "worker_health",
            sg_rule("worker", WORKER_PORT, source=internal, description="Health checks"),
        ),
        edge.node_ssh("worker", "SSH from bastion"),
        edge.node_egress("worker", "Out via NAT"),
        _ingress(
            "db_from_app", sg_rule("db", DB_PORT, source=app, description="MySQL from the API")
        ),
        _ingress(
            "db_from_worker",
            sg_rule("db", DB_PORT, source=worker, description="MySQL from the workers"),
        ),
    ]


def load_balancers() -> list[EstateResource]:
    return [
        *edge.certificate(NAME, "api", DOMAIN),
        edge.public_load_balancer(NAME, "api", "api"),
        edge.target_group(NAME, "api", API_PORT),
        *edge.https_listeners(NAME, "api", "api", certificate="api"),
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
        edge.target_group(NAME, "worker", WORKER_PORT),
        EstateResource(
            "aws_lb_listener",
            "workers",
            {
                "load_balancer_arn": ref("aws_lb.workers.arn"),
                "port": 80,
                "protocol": "HTTP",
                "default_action": [edge.forward("worker")],
                "tags": {"Name": f"{NAME}-workers"},
            },
        ),
    ]
