"""Derived network facts: subnet tiers, the subnets a resource sits in, zones. Computed once
per inventory; routes and route tables are in ``archproof.inventory.routes``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from archproof.inventory.links import linked
from archproof.inventory.model import (
    Inventory,
    Resource,
    Unknown,
    first_unknown,
    is_unknown,
    is_unset,
    values_at,
)
from archproof.inventory.routes import (
    DEFAULT_ROUTES,
    Route,
    default_route_targets,
    route_tables_of,
    routes_of,
    vpc_of,
)

__all__ = [
    "DEFAULT_ROUTES",
    "ISOLATED",
    "PRIVATE",
    "PUBLIC",
    "Route",
    "default_route_targets",
    "route_tables_of",
    "routes_of",
    "subnet_tier",
    "subnets_of",
    "vpc_of",
    "zones_of",
]

PUBLIC, PRIVATE, ISOLATED = "public", "private", "isolated"


def subnet_tier(inv: Inventory, subnet: Resource) -> str | Unknown:
    """public: default route to an internet gateway; private: via NAT, an instance or another
    network (transit, VPN, peering); isolated: none."""
    cached = inv.fact("tier", subnet)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    routes = default_route_targets(inv, subnet)
    tier: str | Unknown
    if isinstance(routes, Unknown):
        tier = routes
    else:
        targets = {r.target for r in routes}
        if "igw" in targets:
            tier = PUBLIC
        elif "unknown" in targets:
            tier = Unknown("the default route's target is known only after apply")
        elif targets & {"nat", "instance", "transit", "vgw", "egress-only", "peering", "gateway"}:
            tier = PRIVATE
        else:
            tier = ISOLATED
    inv.set_fact("tier", subnet, tier)
    return tier


SUBNET_PATHS = {
    "aws_instance": ("subnet_id",),
    "aws_nat_gateway": ("subnet_id",),
    "aws_lb": ("subnets", "subnet_mapping.subnet_id"),
    "aws_elb": ("subnets",),
    "aws_autoscaling_group": ("vpc_zone_identifier",),
    "aws_db_subnet_group": ("subnet_ids",),
    "aws_elasticache_subnet_group": ("subnet_ids",),
    "aws_network_acl": ("subnet_ids",),
    "aws_eks_node_group": ("subnet_ids",),
    "aws_eks_cluster": ("vpc_config.subnet_ids",),
    "aws_network_interface": ("subnet_id",),
}
SUBNET_GROUP_PATHS = {
    "aws_db_instance": ("db_subnet_group_name", ("aws_db_subnet_group",)),
    "aws_rds_cluster": ("db_subnet_group_name", ("aws_db_subnet_group",)),
    "aws_rds_cluster_instance": ("db_subnet_group_name", ("aws_db_subnet_group",)),
    "aws_elasticache_replication_group": ("subnet_group_name", ("aws_elasticache_subnet_group",)),
    "aws_elasticache_cluster": ("subnet_group_name", ("aws_elasticache_subnet_group",)),
}


def subnets_of(inv: Inventory, resource: Resource) -> tuple[list[Resource], Unknown | None]:
    """The subnets a resource sits in, and why that list may be incomplete."""
    if resource.kind in SUBNET_GROUP_PATHS:
        return _subnets_through_group(inv, resource)
    found: list[Resource] = []
    gap: Unknown | None = None
    if resource.kind == "aws_instance" and _unset(resource.get("subnet_id")):
        return _subnets_through_interfaces(inv, resource)
    for path in SUBNET_PATHS.get(resource.kind, ()):
        if found and is_unknown(resource.get(path)):
            break  # a computed alternative (subnet_mapping beside subnets) adds nothing
        value = values_at(resource, path)
        if value in (None, "", []) or is_unset(value):
            continue
        targets, missing = linked(inv, resource, path, SUBNET_KINDS, "subnet")
        found.extend(t for t in targets if t not in found)
        gap = first_unknown(gap, missing)
    return found, gap


SUBNET_KINDS = ("aws_subnet", "aws_default_subnet")


def _unset(value: Any) -> bool:
    return value in (None, "") or is_unset(value)


def _subnets_through_interfaces(
    inv: Inventory, instance: Resource
) -> tuple[list[Resource], Unknown | None]:
    """An instance launched on network interfaces sits in their subnets."""
    blocks = instance.get("network_interface")
    if not isinstance(blocks, list) or not blocks:
        return [], None
    found: list[Resource] = []
    gap: Unknown | None = None
    path = "network_interface.network_interface_id"
    enis, missing = linked(inv, instance, path, ("aws_network_interface",), "network interface")
    gap = first_unknown(gap, missing)
    for eni in enis:
        subnets, more = subnets_of(inv, eni)
        found.extend(s for s in subnets if s not in found)
        gap = first_unknown(gap, more)
    return found, gap


def _subnets_through_group(
    inv: Inventory, resource: Resource
) -> tuple[list[Resource], Unknown | None]:
    path, kinds = SUBNET_GROUP_PATHS[resource.kind]
    value = resource.get(path)
    if value in (None, "") or is_unset(value):
        if resource.kind == "aws_rds_cluster_instance":
            clusters = inv.related(resource, "cluster_identifier", kinds=("aws_rds_cluster",))
            if clusters:
                return subnets_of(inv, clusters[0])
        if resource.kind == "aws_db_instance" and not _unset(resource.get("replicate_source_db")):
            # A replica in the source's region is placed in the source's subnet group.
            sources, gap = linked(
                inv, resource, "replicate_source_db", ("aws_db_instance",), "source database"
            )
            if sources and sources[0].provider != resource.provider:
                return [], Unknown(
                    f"a replica under provider {resource.provider} (another region?) with no"
                    " db_subnet_group_name lands in that region's default VPC"
                )
            if sources:
                return subnets_of(inv, sources[0])
            return [], first_unknown(gap, Unknown("the replica's source is not in this source"))
        return [], Unknown(f"{path} is not set: the service places it in the default VPC")
    groups, gap = linked(inv, resource, path, kinds, "subnet group")
    found: list[Resource] = []
    for group in groups:
        subnets, missing = subnets_of(inv, group)
        found.extend(s for s in subnets if s not in found)
        gap = first_unknown(gap, missing)
    return found, gap


def _leaves(value: Any) -> Iterable[Any]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield value


def zones_of(inv: Inventory, resource: Resource) -> tuple[set[str], Unknown | None]:
    """Availability zones a resource spans, from its subnets (or its own zone attributes)."""
    subnets, gap = subnets_of(inv, resource)
    zones: set[str] = set()
    for subnet in subnets:
        zone = subnet.get("availability_zone")
        if zone in (None, ""):
            zone = subnet.get("availability_zone_id")
        if isinstance(zone, str) and zone:
            zones.add(zone)
        else:
            gap = first_unknown(
                gap, Unknown(f"the zone of {subnet.address} is known only after apply")
            )
    if not subnets:
        own = resource.get("availability_zones")
        if own in (None, []):
            own = resource.get("availability_zone")
        for zone in _leaves(own):
            if isinstance(zone, str):
                zones.add(zone)
            elif is_unknown(zone):
                gap = first_unknown(gap, Unknown("availability zone known only after apply"))
        if isinstance(own, Unknown):
            gap = first_unknown(gap, own)
    return zones, gap
