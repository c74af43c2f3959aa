"""Names and numbers the Bragabot estate's parts share."""

from __future__ import annotations

import json
from typing import Any

from archproof.estates.model import Ref, ref

NAME = "bragabot"
REGION = "us-east-1"
VPC_CIDR = "10.20.0.0/16"
ADMIN_CIDR = "203.0.113.0/24"  # where administrators reach the bastion from
ANYWHERE = "0.0.0.0/0"
APP_PORT = 8080
DB_PORT = 5432
DOMAIN = "app.bragabot.example"
AMI = "ami-0c1a2b3c4d5e6f708"  # the node/bastion image (pinned, not looked up)
DATA_BUCKET = "bragabot-data-use1"
LOG_BUCKET = "bragabot-logs-use1"


def policy(document: dict[str, Any]) -> str:
    """A policy document as Terraform holds a heredoc: indented JSON ending in a newline."""
    return json.dumps(document, indent=2) + "\n"


def sg_rule(
    group: str,
    port: int | tuple[int, int] | None,
    *,
    protocol: str = "tcp",
    cidr: str | Ref | None = None,
    source: Ref | None = None,
    description: str = "",
) -> dict[str, Any]:
    """The values of one ``aws_vpc_security_group_ingress_rule``/``…_egress_rule`` of the
    security group ``aws_security_group.<group>``: one port range, one CIDR or one group."""
    rule: dict[str, Any] = {
        "security_group_id": ref(f"aws_security_group.{group}.id"),
        "description": description,
        "ip_protocol": protocol,
    }
    if port is not None:
        low, high = port if isinstance(port, tuple) else (port, port)
        rule.update(from_port=low, to_port=high)
    if cidr is not None:
        rule["cidr_ipv4"] = cidr
    if source is not None:
        rule["referenced_security_group_id"] = source
    return rule


def nacl_rule(
    rule_no: int,
    cidr: Any,
    *,
    protocol: str = "tcp",
    ports: tuple[int, int] = (0, 0),
    action: str = "allow",
) -> dict[str, Any]:
    """One ``ingress``/``egress`` entry of an ``aws_network_acl``."""
    return {
        "rule_no": rule_no,
        "action": action,
        "protocol": protocol,
        "cidr_block": cidr,
        "from_port": ports[0],
        "to_port": ports[1],
    }
