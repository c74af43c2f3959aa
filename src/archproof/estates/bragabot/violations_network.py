"""Bragabot's seeded violations of the network controls that the first set left unseeded."""

from __future__ import annotations

from archproof.estates.bragabot.common import ANYWHERE, nacl_rule
from archproof.estates.model import Estate, ref
from archproof.estates.violations import Violation

NETWORK = "module.network"
PRIVATE_SUBNETS = f"{NETWORK}.aws_subnet.private"


def _nat_in_private_subnets(estate: Estate) -> Estate:
    return estate.with_value(
        f"{NETWORK}.aws_nat_gateway.main", "subnet_id", ref("aws_subnet.private[count.index].id")
    )


def _private_ssh_from_anywhere(estate: Estate) -> Estate:
    acl = f"{NETWORK}.aws_network_acl.private"
    rules = list(estate.resource(acl).values["ingress"])
    return estate.with_value(acl, "ingress", [*rules, nacl_rule(120, ANYWHERE, ports=(22, 22))])


def _private_subnets_one_zone(estate: Estate) -> Estate:
    return estate.with_value(PRIVATE_SUBNETS, "availability_zone", ref("var.azs[0]"))


def _private_routes_dropped(estate: Estate) -> Estate:
    return estate.with_value(f"{NETWORK}.aws_route_table.private", "route", [])


NETWORK_VIOLATIONS = (
    Violation(
        "nat-in-private-subnets",
        "The NAT gateways sit in the private subnets, so private egress has no way out "
        "through the internet gateway.",
        "Private resources reach the internet through a NAT gateway in a public subnet",
        "private-egress-via-nat",
        _nat_in_private_subnets,
    ),
    Violation(
        "private-subnets-public-ips",
        "The private subnets give every instance launched in them a public IP address.",
        "EC2 instances in private subnets are not reachable from the internet",
        "no-public-ip-in-private-tiers",
        lambda e: e.with_value(PRIVATE_SUBNETS, "map_public_ip_on_launch", True),
    ),
    Violation(
        "private-acl-ssh-from-anywhere",
        "The private subnets' network ACL admits SSH (22) from anywhere.",
        "Network ACLs isolate the internal parts of the infrastructure",
        "nacl-guards-private-subnets",
        _private_ssh_from_anywhere,
    ),
    # Compound by nature: the zones of the private tier are the zones of what runs in it.
    Violation(
        "private-tier-one-zone",
        "Every private subnet is placed in the first availability zone.",
        "The infrastructure spans several availability zones",
        "tier-zone-spread",
        _private_subnets_one_zone,
        also_breaks=("zone-spread",),
    ),
    # Compound by nature: subnets tagged private whose routes make them isolated are
    # mislabelled and have no NAT egress; the tier they were meant to form (as routed) is
    # gone, and with it its zones.
    Violation(
        "private-tier-without-egress",
        "The private route tables lose their default route, so no subnet is private any more.",
        "The VPC has public and private subnets",
        "subnet-tiers-present",
        _private_routes_dropped,
        also_breaks=("subnet-tier-matches-intent", "private-egress-via-nat", "tier-zone-spread"),
    ),
)
