"""The network module: a VPC with one public and one private subnet per zone, NAT egress."""

from __future__ import annotations

from archproof.estates.aerofs.common import ZONES
from archproof.estates.model import EstateResource, Module
from archproof.estates.shared import vpc

MODULE = vpc.MODULE
TIERS = {"public": 0, "private": 10}

_named = vpc.namer()


def network_module(name: str, vpc_cidr: str, zones: int) -> Module:
    inputs = {
        "name": name,
        "vpc_cidr": vpc_cidr,
        "azs": vpc.first_zones(ZONES, zones),
        **vpc.subnet_cidrs(vpc_cidr, zones, TIERS),
    }
    descriptions = {
        "public_subnet_cidrs": "Public subnets (bastion, NAT gateways), one per zone.",
        "private_subnet_cidrs": "Private subnets (Swarm managers and workers), one per zone.",
    }
    return vpc.module(inputs, TIERS, descriptions)


def network_resources() -> list[EstateResource]:
    return [
        *vpc.vpc_and_gateway(_named),
        *vpc.subnets(_named, {tier: tier for tier in TIERS}),
        *vpc.routing(_named, isolated=False),
        *vpc.default_deny(_named, acl=False),
    ]
