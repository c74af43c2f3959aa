"""The production network module: a VPC over four zones with public, private and data
subnets per zone, an internet gateway, a NAT gateway per zone, routes and ACLs; and the
non-production VPC, which production neither peers with nor routes to."""

from __future__ import annotations

from archproof.estates.levels.common import ANYWHERE, NAME, NONPROD_CIDR, nacl_rule
from archproof.estates.model import EstateResource, Module, Output, fn, ref, tpl

MODULE = "network"
PER_ZONE = fn("length", ref("var.azs"))
TIERS = {"public": ("public", 0), "private": ("private", 10), "data": ("isolated", 20)}


def network_module(vpc_cidr: str, admin_cidr: str, zones: tuple[str, ...]) -> Module:
    prefix = ".".join(vpc_cidr.split(".")[:2])
    inputs = {
        "name": NAME,
        "environment": "production",
        "vpc_cidr": vpc_cidr,
        "azs": list(zones),
        "admin_cidr": admin_cidr,
        **{
            f"{subnet}_subnet_cidrs": [f"{prefix}.{base + i}.0/24" for i in range(len(zones))]
            for subnet, (_tier, base) in TIERS.items()
        },
    }
    descriptions = {
        "name": "Prefix of every Name tag.",
        "environment": "The environment this VPC holds (its Environment tag).",
        "vpc_cidr": "Address range of the VPC.",
        "azs": "Availability zones, one subnet of each tier per zone.",
        "admin_cidr": "The IP allow-list admitted to the bastion.",
        "public_subnet_cidrs": "Public subnets (load balancer, NAT, bastion), one per zone.",
        "private_subnet_cidrs": "Private subnets (API servers, workers), one per zone.",
        "data_subnet_cidrs": "Isolated subnets (Aurora), one per zone, no route out.",
    }
    outputs = {
        "vpc_id": Output(ref("aws_vpc.main.id"), "The VPC."),
        "vpc_cidr_block": Output(ref("aws_vpc.main.cidr_block"), "Address range of the VPC."),
        **{
            f"{subnet}_subnet_ids": Output(
                ref(f"aws_subnet.{subnet}[*].id"), f"The {subnet} subnets, in zone order."
            )
            for subnet in TIERS
        },
    }
    return Module(MODULE, "./modules/network", inputs, outputs, descriptions)


def _named(suffix: str, **extra: str) -> dict[str, object]:
    return {"Name": tpl(f"${{var.name}}-{suffix}"), "Environment": ref("var.environment"), **extra}


def _subnets() -> list[EstateResource]:
    found = []
    for subnet, (tier, _base) in TIERS.items():
        values = {
            "vpc_id": ref("aws_vpc.main.id"),
            "cidr_block": ref(f"var.{subnet}_subnet_cidrs[count.index]"),
            "availability_zone": ref("var.azs[count.index]"),
            "map_public_ip_on_launch": subnet == "public",
            "tags": _named(f"{subnet}-${{var.azs[count.index]}}", Tier=tier),
        }
        found.append(EstateResource("aws_subnet", subnet, values, MODULE, count=PER_ZONE))
    return found


def _routing() -> list[EstateResource]:
    vpc = ref("aws_vpc.main.id")
    internet = {"cidr_block": ANYWHERE, "gateway_id": ref("aws_internet_gateway.main.id")}
    nat = {"cidr_block": ANYWHERE, "nat_gateway_id": ref("aws_nat_gateway.main[count.index].id")}
    zone_name = "nat-${var.azs[count.index]}"
    found = [
        EstateResource(
            "aws_eip",
            "nat",
            {"domain": "vpc", "tags": _named(zone_name)},
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
                "tags": _named(zone_name),
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
        EstateResource(
            "aws_route_table",
            "data",
            {"vpc_id": vpc, "route": [], "tags": _named("data", Tier="isolated")},
            MODULE,
        ),
    ]
    for subnet, table in (
        ("public", "aws_route_table.public.id"),
        ("private", "aws_route_table.private[count.index].id"),
        ("data", "aws_route_table.data.id"),
    ):
        found.append(
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
        )
    return found


def _acls() -> list[EstateResource]:
    vpc_cidr = ref("var.vpc_cidr")
    public_in = [
        nacl_rule(100, ANYWHERE, ports=(443, 443)),
        nacl_rule(110, ANYWHERE, ports=(80, 80)),
        nacl_rule(120, ref("var.admin_cidr"), ports=(22, 22)),
        nacl_rule(130, vpc_cidr, protocol="-1"),
        nacl_rule(140, ANYWHERE, ports=(1024, 65535)),  # replies to connections made inside
    ]
    private_in = [
        nacl_rule(100, vpc_cidr, protocol="-1"),
        nacl_rule(110, ANYWHERE, ports=(32768, 65535)),  # replies through the NAT gateways
    ]
    out = [nacl_rule(100, ANYWHERE, protocol="-1")]
    vpc = ref("aws_vpc.main.id")
    return [
        EstateResource(
            "aws_network_acl",
            "public",
            {
                "vpc_id": vpc,
                "subnet_ids": ref("aws_subnet.public[*].id"),
                "ingress": public_in,
                "egress": out,
                "tags": _named("public", Tier="public"),
            },
            MODULE,
        ),
        EstateResource(
            "aws_network_acl",
            "private",
            {
                "vpc_id": vpc,
                "subnet_ids": fn(
                    "concat", ref("aws_subnet.private[*].id"), ref("aws_subnet.data[*].id")
                ),
                "ingress": private_in,
                "egress": out,
                "tags": _named("private"),
            },
            MODULE,
        ),
        EstateResource(
            "aws_default_network_acl",
            "default",
            {
                "default_network_acl_id": ref("aws_vpc.main.default_network_acl_id"),
                "ingress": [],
                "egress": [],
                "tags": _named("default-deny-all"),
            },
            MODULE,
        ),
        EstateResource(
            "aws_default_security_group",
            "default",
            {"vpc_id": vpc, "ingress": [], "egress": [], "tags": _named("default-deny-all")},
            MODULE,
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
        *_acls(),
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
