"""The network module: VPC, public/private/data subnets per zone, gateways, routes, ACLs."""

from __future__ import annotations

from archproof.estates.model import EstateResource, Module
from archproof.estates.shared import vpc

MODULE = vpc.MODULE
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f")
TIERS = vpc.THREE_TIERS

# Replies to connections made from inside (NAT, load balancer), minus RDP's 3389.
REPLIES = [(1024, 3388), (3390, 65535)]
_named = vpc.namer()


def network_module(name: str, vpc_cidr: str, admin_cidr: str, zones: int) -> Module:
    inputs = {
        "name": name,
        "vpc_cidr": vpc_cidr,
        "azs": vpc.first_zones(ZONES, zones),
        "admin_cidr": admin_cidr,
        **vpc.subnet_cidrs(vpc_cidr, zones, {s: base for s, (_tier, base) in TIERS.items()}),
    }
    descriptions = {
        "admin_cidr": "Range administrators reach the bastion from.",
        "public_subnet_cidrs": "Public subnets (load balancer, NAT, bastion), one per zone.",
        "private_subnet_cidrs": "Private subnets (cluster nodes), one per zone.",
        "data_subnet_cidrs": "Isolated subnets (database), one per zone, no route out.",
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
