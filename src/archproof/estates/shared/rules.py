"""Rule and policy helpers the reference estates share."""

from __future__ import annotations

import json
from typing import Any

from archproof.estates.model import Ref, ref

ANYWHERE = "0.0.0.0/0"


def policy(document: dict[str, Any]) -> str:
    """A policy document as Terraform holds a heredoc: indented JSON ending in a newline."""
    return json.dumps(document, indent=2) + "\n"


def trust(service: str) -> dict[str, Any]:
    """The assume-role policy document of a role ``service`` (``ec2.amazonaws.com``) takes."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
            }
        ],
    }


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
