"""The VPC module the reference estates share: a VPC with an internet gateway, one subnet
of each tier per zone, a NAT gateway per zone, route tables, ACLs and the adopted defaults.

Every builder takes ``named``, the estate's tagger (``named(suffix, **extra)`` gives the
tags of one resource), because the estates tag alike but not identically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from archproof.estates.model import EstateResource, Module, Output, fn, ref, tpl
from archproof.estates.shared.rules import ANYWHERE, nacl_rule

Named = Callable[..., dict[str, object]]

MODULE = "network"
SOURCE = "./modules/network"
PER_ZONE = fn("length", ref("var.azs"))
VPC = ref("aws_vpc.main.id")
ISOLATED = "data"  # the tier with a route table of its own and no route out
# Public, private and isolated data subnets: name to (Tier tag, base of the third octet).
THREE_TIERS = {"public": ("public", 0), "private": ("private", 10), ISOLATED: ("isolated", 20)}


def namer(*, environment: bool = False) -> Named:
    """The tagger of a module whose resources are named ``${var.name}-<suffix>``, with an
    ``Environment`` tag from ``var.environment`` when ``environment``."""

    def named(suffix: str, **extra: str) -> dict[str, object]:
        tags: dict[str, object] = {"Name": tpl(f"${{var.name}}-{suffix}")}
        if environment:
            tags["Environment"] = ref("var.environment")
        return {**tags, **extra}

    return named


def first_zones(zones: tuple[str, ...], count: int) -> list[str]:
    """The first ``count`` of ``zones``, refusing a count the region cannot hold."""
    if not 1 <= count <= len(zones):
        raise ValueError(f"zones must be between 1 and {len(zones)}")
    return list(zones[:count])


def subnet_cidrs(vpc_cidr: str, zones: int, bases: Mapping[str, int]) -> dict[str, list[str]]:
    """The ``<subnet>_subnet_cidrs`` inputs: ``/24``s numbered from each subnet's base."""
    prefix = ".".join(vpc_cidr.split(".")[:2])  # 10.20
    return {
        f"{subnet}_subnet_cidrs": [f"{prefix}.{base + i}.0/24" for i in range(zones)]
        for subnet, base in bases.items()
    }


DESCRIPTIONS = {
    "name": "Prefix of every Name tag.",
    "vpc_cidr": "Address range of the VPC.",
    "azs": "Availability zones, one subnet of each tier per zone.",
}


def module(inputs: dict[str, Any], tiers: Iterable[str], descriptions: Mapping[str, str]) -> Module:
    """The call of the network module with ``inputs``, described by ``descriptions`` (on
    top of :data:`DESCRIPTIONS`), giving the VPC and the subnets of each of ``tiers``."""
    return Module(MODULE, SOURCE, inputs, vpc_outputs(tiers), {**DESCRIPTIONS, **descriptions})


def vpc_outputs(subnets: Iterable[str]) -> dict[str, Output]:
    return {
        "vpc_id": Output(ref("aws_vpc.main.id"), "The VPC."),
        "vpc_cidr_block": Output(ref("aws_vpc.main.cidr_block"), "Address range of the VPC."),
        **{
            f"{subnet}_subnet_ids": Output(
                ref(f"aws_subnet.{subnet}[*].id"), f"The {subnet} subnets, in zone order."
            )
            for subnet in subnets
        },
    }


def vpc_and_gateway(named: Named) -> list[EstateResource]:
    return [
        EstateResource(
            "aws_vpc",
            "main",
            {
                "cidr_block": ref("var.vpc_cidr"),
                "enable_dns_support": True,
                "enable_dns_hostnames": True,
                "tags": named("vpc"),
            },
            MODULE,
        ),
        EstateResource(
            "aws_internet_gateway", "main", {"vpc_id": VPC, "tags": named("igw")}, MODULE
        ),
    ]


def subnets(named: Named, tiers: Mapping[str, str]) -> list[EstateResource]:
    """One subnet per zone of each of ``tiers`` (subnet name to its ``Tier`` tag)."""
    return [
        EstateResource(
            "aws_subnet",
            subnet,
            {
                "vpc_id": VPC,
                "cidr_block": ref(f"var.{subnet}_subnet_cidrs[count.index]"),
                "availability_zone": ref("var.azs[count.index]"),
                "map_public_ip_on_launch": subnet == "public",
                "tags": named(f"{subnet}-${{var.azs[count.index]}}", Tier=tier),
            },
            MODULE,
            count=PER_ZONE,
        )
        for subnet, tier in tiers.items()
    ]


def routing(named: Named, *, isolated: bool) -> list[EstateResource]:
    """A NAT gateway per zone; public subnets route to the internet gateway, private ones
    to their zone's NAT gateway and, when ``isolated``, the data subnets nowhere."""
    internet = {"cidr_block": ANYWHERE, "gateway_id": ref("aws_internet_gateway.main.id")}
    nat = {"cidr_block": ANYWHERE, "nat_gateway_id": ref("aws_nat_gateway.main[count.index].id")}
    zone_name = "nat-${var.azs[count.index]}"
    tables = {
        "public": "aws_route_table.public.id",
        "private": "aws_route_table.private[count.index].id",
    }
    found = [
        EstateResource(
            "aws_eip",
            "nat",
            {"domain": "vpc", "tags": named(zone_name)},
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
                "tags": named(zone_name),
            },
            MODULE,
            count=PER_ZONE,
            depends_on=("aws_internet_gateway.main",),
        ),
        EstateResource(
            "aws_route_table",
            "public",
            {"vpc_id": VPC, "route": [internet], "tags": named("public", Tier="public")},
            MODULE,
        ),
        EstateResource(
            "aws_route_table",
            "private",
            {
                "vpc_id": VPC,
                "route": [nat],
                "tags": named("private-${var.azs[count.index]}", Tier="private"),
            },
            MODULE,
            count=PER_ZONE,
        ),
    ]
    if isolated:
        found.append(
            EstateResource(
                "aws_route_table",
                ISOLATED,
                {"vpc_id": VPC, "route": [], "tags": named(ISOLATED, Tier="isolated")},
                MODULE,
            )
        )
        tables[ISOLATED] = f"aws_route_table.{ISOLATED}.id"
    found.extend(
        EstateResource(
            "aws_route_table_association",
            subnet,
            {
                "subnet_id": ref(f"aws_subnet.{subnet}[count.index].id"),
                "route_table_id": ref(table),
            },
            MODULE,
            count=PER_ZONE,
        )
        for subnet, table in tables.items()
    )
    return found


def network_acls(named: Named, replies: list[tuple[int, int]]) -> list[EstateResource]:
    """The public subnets' ACL admitting HTTPS and HTTP from anywhere, SSH from
    ``var.admin_cidr``, the VPC, and replies on the port ranges ``replies``; the private and
    data subnets' ACL admitting the VPC and replies through the NAT gateways. Both let
    everything out."""
    public_in = [
        nacl_rule(100, ANYWHERE, ports=(443, 443)),
        nacl_rule(110, ANYWHERE, ports=(80, 80)),
        nacl_rule(120, ref("var.admin_cidr"), ports=(22, 22)),
        nacl_rule(130, ref("var.vpc_cidr"), protocol="-1"),
        *(nacl_rule(140 + 10 * i, ANYWHERE, ports=ports) for i, ports in enumerate(replies)),
    ]
    private_in = [
        nacl_rule(100, ref("var.vpc_cidr"), protocol="-1"),
        nacl_rule(110, ANYWHERE, ports=(32768, 65535)),  # replies through the NAT gateways
    ]
    out = [nacl_rule(100, ANYWHERE, protocol="-1")]
    private_subnets = fn("concat", ref("aws_subnet.private[*].id"), ref("aws_subnet.data[*].id"))
    return [
        EstateResource(
            "aws_network_acl",
            "public",
            {
                "vpc_id": VPC,
                "subnet_ids": ref("aws_subnet.public[*].id"),
                "ingress": public_in,
                "egress": out,
                "tags": named("public", Tier="public"),
            },
            MODULE,
        ),
        EstateResource(
            "aws_network_acl",
            "private",
            {
                "vpc_id": VPC,
                "subnet_ids": private_subnets,
                "ingress": private_in,
                "egress": out,
                "tags": named("private"),
            },
            MODULE,
        ),
    ]


def default_deny(named: Named, *, acl: bool) -> list[EstateResource]:
    """The VPC's default security group (and, when ``acl``, its default ACL), adopted with
    no rule: nothing falls back on them."""
    found = []
    if acl:
        found.append(
            EstateResource(
                "aws_default_network_acl",
                "default",
                {
                    "default_network_acl_id": ref("aws_vpc.main.default_network_acl_id"),
                    "ingress": [],
                    "egress": [],
                    "tags": named("default-deny-all"),
                },
                MODULE,
            )
        )
    found.append(
        EstateResource(
            "aws_default_security_group",
            "default",
            {"vpc_id": VPC, "ingress": [], "egress": [], "tags": named("default-deny-all")},
            MODULE,
        )
    )
    return found
