"""Names and numbers the video-conference estate's parts share."""

from __future__ import annotations

from archproof.estates.shared.rules import nacl_rule, policy, sg_rule

__all__ = [
    "ADMIN_CIDR",
    "AMI",
    "ANYWHERE",
    "APP_PORT",
    "BACKUP_REGION",
    "CACHE_PORT",
    "DATA_BUCKET",
    "DB_PORT",
    "DOMAIN",
    "LOG_BUCKET",
    "NAME",
    "REDSHIFT_PORT",
    "REGION",
    "VPC_CIDR",
    "nacl_rule",
    "policy",
    "sg_rule",
]

NAME = "videoconf"
REGION = "us-east-1"
VPC_CIDR = "10.30.0.0/16"
ADMIN_CIDR = "203.0.113.0/24"  # where administrators reach the bastion from
ANYWHERE = "0.0.0.0/0"
APP_PORT = 8080  # the PHP application behind the load balancer
DB_PORT = 3306
CACHE_PORT = 6379
REDSHIFT_PORT = 5439
BACKUP_REGION = "us-west-2"  # where database backups are copied for disaster recovery
DOMAIN = "app.videoconf.example"
AMI = "ami-0c1a2b3c4d5e6f708"  # the node/bastion image (pinned, not looked up)
DATA_BUCKET = "videoconf-data-use1"
LOG_BUCKET = "videoconf-logs-use1"
