"""Names and numbers the AeroFS estate's parts share."""

from __future__ import annotations

import base64

from archproof.estates.shared.rules import policy, sg_rule

__all__ = [
    "ADMIN_CIDR",
    "AMI",
    "ANYWHERE",
    "LOG_BUCKET",
    "NAME",
    "REGION",
    "VPC_CIDR",
    "ZONES",
    "policy",
    "sg_rule",
    "user_data",
]

NAME = "aerofs"
REGION = "us-west-2"
ZONES = ("us-west-2a", "us-west-2b", "us-west-2c")
VPC_CIDR = "10.30.0.0/16"
ADMIN_CIDR = "198.51.100.0/24"  # the office range allowed to reach the bastion
ANYWHERE = "0.0.0.0/0"
AMI = "ami-0a7f3e9c1d2b4e5f6"  # the Packer-built Docker host image (pinned, not looked up)
LOG_BUCKET = "aerofs-audit-usw2"
SWARM_PORTS = (2377, 7946, 4789)  # cluster management, node gossip, overlay network


def user_data(script: str) -> str:
    """A boot script as a launch template holds it: base64 text."""
    return base64.b64encode(script.encode()).decode()
