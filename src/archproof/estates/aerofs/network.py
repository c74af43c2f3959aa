"""The network module: a VPC with one public and one private subnet per zone, NAT egress."""

from __future__ import annotations

from archproof.estates.aerofs.common import ANYWHERE, ZONES
from archproof.estates.model import EstateResource, Module, Output, fn, ref, tpl

MODULE = "network"
PER_ZONE = fn("length", ref("var.azs"))
TIERS = {"public": 0, "private": 10}


def network_module(name: str, vpc_cidr: str, zones: int) -> Module:
    if not 1 <= zones <= len(ZONES):
        raise ValueError(f"zones must be between 1 and {len(ZONES)}")
    prefix = ".".join(vpc_cidr.split(".")[:2])
    inputs = {
        "name": name,
        "vpc_cidr": vpc_cidr,
        "azs": list(ZONES[:zones]),
        **{
            f"{tier}_subnet_cidrs": [f"{prefix}.{base + i}.0/24" for i in range(zones)]
            for tier, base in TIERS.items()
        },
    }
    descriptions = {
        "name": "Prefix of every Name tag.",
        "vpc_cidr": "Address range of the VPC.",
        "azs": "Availability zones, one subnet of each tier per zone.",
        "public_subnet_cidrs": "Public subnets (bastion, NAT gateways), one per zone.",
        "private_subnet_cidrs": "Private subnets (Swarm managers and workers), one per zone.",
    }
    outputs = {
        "vpc_id": Output(ref("aws_vpc.main.id"), "The VPC."),
        "vpc_cidr_block": Output(ref("aws_vpc.main.cidr_block"), "Address range of the VPC."),
        **{
            f"{tier}_subnet_ids": Output(
                ref(f"aws_subnet.{tier}[*].id"), f"The {tier} subnets, in zone order."
            )
            for tier in TIERS
        },
    }
    return Module(MODULE, "./modules/network", inputs, outputs, descriptions)


def _named(suffix: str, **extra: str) -> dict[str, object]:
    return {"Name": tpl(f"${{var.name}}-{suffix}"), **extra}


def _subnets() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_subnet",
            tier,
            {
                "vpc_id": ref("aws_vpc.main.id"),
                "cidr_block": ref(f"var.{tier}_subnet_cidrs[count.index]"),
                "availability_zone": ref("var.azs[count.index]"),
                "map_public_ip_on_launch": tier == "public",
                "tags": _named(f"{tier}-${{var.azs[count.index]}}", Tier=tier),
            },
            MODULE,
            count=PER_ZONE,
        )
        for tier in TIERS
    ]


def _routing() -> list[EstateResource]:
    internet = {"cidr_block": ANYWHERE, "gateway_id": ref("aws_internet_gateway.main.id")}
    nat = {"cidr_block": ANYWHERE, "nat_gateway_id": ref("aws_nat_gateway.main[count.index].id")}
    vpc = ref("aws_vpc.main.id")
    per_zone_name = "nat-${var.azs[count.index]}"
    return [
        EstateResource(
            "aws_eip",
            "nat",
            {"domain": "vpc", "tags": _named(per_zone_name)},
            MODULE,
            count=PER_ZONE,
            depends_on=("aws_internet_gateway.main",),
        ),
        EstateResource(
            "aws_nat_gateway",
            "main",
            {
                "allocation_id": ref("aws_eip.nat[count.index].id"),
                "subnet_id": ref("aws_subnet.public[count.index].id"),
                "connectivity_type": "public",
                "tags": _named(per_zone_name),
            },
            MODULE,
            count=PER_ZONE,
            depends_on=("aws_internet_gateway.main",),
        ),
        EstateResource(
            "aws_route_table",
            "public",
            {"vpc_id": vpc, "route": [internet], "tags": _named("public", Tier="public")},
            MODULE,
        ),
        EstateResource(
            "aws_route_table",
            "private",
            {
                "vpc_id": vpc,
                "route": [nat],
                "tags": _named("private-${var.azs[count.index]}", Tier="private"),
            },
            MODULE,
            count=PER_ZONE,
        ),
        *(
            EstateResource(
                "aws_route_table_association",
                tier,
                {
                    "subnet_id": ref(f"aws_subnet.{tier}[count.index].id"),
                    "route_table_id": ref(table),
                },
                MODULE,
                count=PER_ZONE,
            )
            for tier, table in (
                ("public", "aws_route_table.public.id"),
                ("private", "aws_route_table.private[count.index].id"),
            )
        ),
    ]


def network_resources() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_vpc",
            "main",
            {
                "cidr_block": ref("var.vpc_cidr"),
                "enable_dns_support": True,
                "enable_dns_hostnames": True,
                "tags": _named("vpc"),
            },
            MODULE,
        ),
        EstateResource(
            "aws_internet_gateway",
            "main",
            {"vpc_id": ref("aws_vpc.main.id"), "tags": _named("igw")},
            MODULE,
        ),
        *_subnets(),
        *_routing(),
        # The VPC's default security group keeps no rule: nothing falls back on it.
        EstateResource(
            "aws_default_security_group",
            "default",
            {
                "vpc_id": ref("aws_vpc.main.id"),
                "ingress": [],
                "egress": [],
                "tags": _named("default-deny-all"),
            },
            MODULE,
        ),
    ]
