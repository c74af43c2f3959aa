"""The edge: security groups, the internet-facing load balancer, its certificate and listeners."""

from __future__ import annotations

from functools import partial

from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import edge
from archproof.estates.video_conference.common import (
    ADMIN_CIDR,
    APP_PORT,
    CACHE_PORT,
    DB_PORT,
    DOMAIN,
    NAME,
    sg_rule,
)

_group = partial(edge.security_group, NAME)


def security_groups() -> list[EstateResource]:
    """The groups, then one resource per rule (as the AWS provider v5 recommends)."""
    lb, app = ref("aws_security_group.lb.id"), ref("aws_security_group.app.id")
    return [
        _group("lb", "Load balancer: HTTPS and HTTP from the internet"),
        _group("bastion", "Bastion: SSH from the administrators' range only", Role="bastion"),
        _group("app", "EKS worker nodes: application port from the load balancer only"),
        _group("db", "Database: MySQL from the worker nodes only"),
        _group("cache", "Redis: from the worker nodes only"),
        _group("warehouse", "Redshift: no inbound rule; reached through the console and APIs"),
        *edge.load_balancer_rules(
            "HTTP from clients, redirected to HTTPS", "lb_to_nodes", APP_PORT, "To the nodes"
        ),
        *edge.bastion_rules(ADMIN_CIDR, "SSH from administrators", "SSH to the nodes"),
        edge.ingress(
            "app_from_lb",
            sg_rule(
                "app",
                APP_PORT,
                source=lb,
                description="Application traffic from the load balancer",
            ),
        ),
        edge.node_ssh("app", "SSH from the bastion"),
        edge.node_egress("app", "Updates and APIs via NAT"),
        edge.ingress(
            "db_mysql",
            sg_rule("db", DB_PORT, source=app, description="MySQL from the nodes"),
        ),
        edge.ingress(
            "cache_redis",
            sg_rule("cache", CACHE_PORT, source=app, description="Redis from the nodes"),
        ),
    ]


def load_balancer() -> list[EstateResource]:
    return [
        *edge.certificate(NAME, "app", DOMAIN),
        edge.public_load_balancer(NAME, "app", "alb"),
        edge.target_group(NAME, "app", APP_PORT, label="nodes"),
        *edge.https_listeners(NAME, "app", "app", certificate="app"),
    ]
