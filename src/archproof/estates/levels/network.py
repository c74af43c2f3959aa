"""The production network module: a VPC over four zones with public, private and data
subnets per zone, an internet gateway, a NAT gateway per zone, routes and ACLs; and the
non-production VPC, which production neither peers with nor routes to."""

from __future__ import annotations

from archproof.estates.levels.common import NAME, NONPROD_CIDR
from archproof.estates.model import EstateResource, Module, ref
from archproof.estates.shared import vpc

MODULE = vpc.MODULE
TIERS = vpc.THREE_TIERS

# Replies to connections made inside.
REPLIES = [(1024, 65535)]
_named = vpc.namer(environment=True)


def network_module(vpc_cidr: str, admin_cidr: str, zones: tuple[str, ...]) -> Module:
    inputs = {
        "name": NAME,
        "environment": "production",
        "vpc_cidr": vpc_cidr,
        "azs": list(zones),
        "admin_cidr": admin_cidr,
        **vpc.subnet_cidrs(vpc_cidr, len(zones), {s: base for s, (_t, base) in TIERS.items()}),
    }
    descriptions = {
        "environment": "The environment this VPC holds (its Environment tag).",
        "admin_cidr": "The IP allow-list admitted to the bastion.",
        "public_subnet_cidrs": "Public subnets (load balancer, NAT, bastion), one per zone.",
        "private_subnet_cidrs": "Private subnets (API servers, workers), one per zone.",
        "data_subnet_cidrs": "Isolated subnets (Aurora), one per zone, no route out.",
    }
    return vpc.module(inputs, TIERS, descriptions)


def network_resources() -> list[EstateResource]:
    return [
        *vpc.vpc_and_gateway(_named),
        *vpc.subnets(_named, {subnet: tier for subnet, (tier, _base) in TIERS.items()}),
        *vpc.routing(_named, isolated=True),
        *vpc.network_acls(_named, REPLIES),
        *vpc.default_deny(_named, acl=True),
    ]


def nonprod_vpc() -> list[EstateResource]:
    """The VPC development, testing and QA share: only its edge matters to production."""
    tags = {"Name": f"{NAME}-nonprod-vpc", "Environment": "non-production"}
    return [
        EstateResource(
            "aws_vpc",
            "nonprod",
            {
                "cidr_block": NONPROD_CIDR,
                "enable_dns_support": True,
                "enable_dns_hostnames": True,
                "tags": tags,
            },
        ),
        EstateResource(
            "aws_default_security_group",
            "nonprod",
            {
                "vpc_id": ref("aws_vpc.nonprod.id"),
                "ingress": [],
                "egress": [],
                "tags": {"Name": f"{NAME}-nonprod-default-deny-all"},
            },
        ),
    ]
