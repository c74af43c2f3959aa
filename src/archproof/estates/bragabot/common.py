"""Names and numbers the Bragabot estate's parts share."""

from __future__ import annotations

from archproof.estates.shared.rules import nacl_rule, policy, sg_rule

__all__ = [
    "ADMIN_CIDR",
    "AMI",
    "ANYWHERE",
    "APP_PORT",
    "DATA_BUCKET",
    "DB_PORT",
    "DOMAIN",
    "LOG_BUCKET",
    "NAME",
    "REGION",
    "VPC_CIDR",
    "nacl_rule",
    "policy",
    "sg_rule",
]

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
