"""Names and numbers the LEVELS estate's parts share."""

from __future__ import annotations

from archproof.estates.shared.rules import nacl_rule, policy, sg_rule

NAME = "levels"
REGION = "us-west-2"  # four availability zones, as the document's VPC spans
ZONES = ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d")
VPC_CIDR = "10.0.0.0/16"
NONPROD_CIDR = "10.1.0.0/16"  # development, testing and QA share this VPC
ADMIN_CIDR = "198.51.100.0/24"  # the IP allow-list admitted to the bastion
ANYWHERE = "0.0.0.0/0"
API_PORT = 8080
WORKER_PORT = 8081  # the workers' health endpoint
DB_PORT = 3306
DOMAIN = "api.levels.example"
ASSETS_DOMAIN = "assets.levels.example"
AMI = "ami-0a1b2c3d4e5f60718"  # the immutable server image (pinned, built elsewhere)
ENVIRONMENT = "production"
# CloudFront takes certificates from us-east-1 only; that one is managed outside this estate.
CDN_CERTIFICATE = (
    "arn:aws:acm:us-east-1:123456789012:certificate/7d3c0f5e-2b1a-4c8e-9f60-1a2b3c4d5e6f"
)
BUCKET_SUFFIX = "usw2"

__all__ = [
    "ADMIN_CIDR",
    "AMI",
    "ANYWHERE",
    "API_PORT",
    "ASSETS_DOMAIN",
    "BUCKET_SUFFIX",
    "CDN_CERTIFICATE",
    "DB_PORT",
    "DOMAIN",
    "ENVIRONMENT",
    "NAME",
    "NONPROD_CIDR",
    "REGION",
    "VPC_CIDR",
    "WORKER_PORT",
    "ZONES",
    "nacl_rule",
    "policy",
    "sg_rule",
]
