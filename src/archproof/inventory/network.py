"""Derived network facts: routes, subnet tiers, zones. Computed once per inventory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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

PUBLIC, PRIVATE, ISOLATED = "public", "private", "isolated"
DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
_TARGET_ATTRS = {
    "gateway_id": "gateway",
    "nat_gateway_id": "nat",
    "transit_gateway_id": "transit",
    "vpc_peering_connection_id": "peering",
    "network_interface_id": "nat",
    "instance_id": "nat",
    "egress_only_gateway_id": "egress-only",
    "vpc_endpoint_id": "endpoint",
    "local_gateway_id": "gateway",
    "carrier_gateway_id": "gateway",
}
_ATTR_KINDS = {
    "gateway_id": (
        "aws_internet_gateway",
        "aws_vpn_gateway",
        "data.aws_internet_gateway",
        "data.aws_vpn_gateway",
    ),
    "nat_gateway_id": ("aws_nat_gateway", "data.aws_nat_gateway"),
    "transit_gateway_id": ("aws_ec2_transit_gateway", "data.aws_ec2_transit_gateway"),
    "vpc_peering_connection_id": ("aws_vpc_peering_connection",),
    "network_interface_id": ("aws_network_interface",),
    "instance_id": ("aws_instance",),
    "egress_only_gateway_id": ("aws_egress_only_internet_gateway",),
    "vpc_endpoint_id": ("aws_vpc_endpoint",),
}
_TARGET_KINDS = {
    "aws_internet_gateway": "igw",
    "aws_nat_gateway": "nat",
    "aws_ec2_transit_gateway": "transit",
    "aws_vpc_peering_connection": "peering",
    "aws_vpn_gateway": "vgw",
    "aws_egress_only_internet_gateway": "egress-only",
}
_TARGET_KINDS.update({f"data.{kind}": name for kind, name in list(_TARGET_KINDS.items())})
"""A data source read for a gateway names the same kind of target as the resource."""
_ID_PREFIXES = {"igw-": "igw", "nat-": "nat", "tgw-": "transit", "pcx-": "peering", "vgw-": "vgw"}


@dataclass(frozen=True, slots=True)
class Route:
    destination: Any
    target: str  # igw, nat, transit, peering, vgw, endpoint, local, unknown
    target_resource: Resource | None
    table: Resource


def _target_of(
    inv: Inventory, holder: Resource, prefix: str, item: dict[str, Any]
) -> tuple[str, Resource | None]:
    """What a route sends traffic to; unknown only when no target attribute decides it."""
    undecided = False
    for attr, generic in _TARGET_ATTRS.items():
        value = item.get(attr)
        if value in (None, "", []):
            continue
        kinds = _ATTR_KINDS.get(attr, ())
        targets = inv.related(holder, f"{prefix}{attr}", kinds=kinds, widen=is_unknown(value))
        names = {_TARGET_KINDS.get(target.kind, generic) for target in targets}
        if len(names) > 1:
            return "unknown", None  # widened candidates disagree on where traffic goes
        if targets:
            return names.pop(), targets[0]
        if isinstance(value, str):
            if value == "local":
                return "local", None
            for id_prefix, name in _ID_PREFIXES.items():
                if value.startswith(id_prefix):
                    return name, None
            return generic, None
        if is_unknown(value):
            undecided = True
    return ("unknown", None) if undecided else ("local", None)


def _destination(*values: Any) -> Any:
    """The first destination a route block sets; an unknown one stays unknown."""
    for value in values:
        if isinstance(value, Unknown) or value not in (None, ""):
            return value
    return None


def routes_of(inv: Inventory, table: Resource) -> list[Route]:
    cached = inv.fact("routes", table)
    if cached is not None:
        return list(cached)
    routes: list[Route] = []
    inline = table.get("route")
    if isinstance(inline, list):
        for position, item in enumerate(inline):
            if not isinstance(item, dict):
                continue
            dest = _destination(
                item.get("cidr_block"),
                item.get("ipv6_cidr_block"),
                item.get("destination_prefix_list_id"),
            )
            target, resource = _target_of(inv, table, f"route.{position}.", item)
            if target == "unknown" and inline and len(inline) == 1:
                target, resource = _target_of(inv, table, "route.", item)
            routes.append(Route(dest, target, resource, table))
    separate = inv.referring(table, "aws_route", "route_table_id")
    for maybe in inv.maybe_referring(table, "aws_route", "route_table_id"):
        dest = _destination(
            maybe.get("destination_cidr_block"), maybe.get("destination_ipv6_cidr_block")
        )
        if isinstance(dest, Unknown) or dest in DEFAULT_ROUTES:
            routes.append(Route(dest, "unknown", None, table))  # it may be this table's
    if isinstance(inline, Unknown) and not separate:
        # A computed, unconfigured route set mirrors the aws_route resources; with none, unknown.
        routes.append(Route(inline, "unknown", None, table))
    for route in separate:
        dest = _destination(
            route.get("destination_cidr_block"), route.get("destination_ipv6_cidr_block")
        )
        attrs = {k: route.get(k) for k in _TARGET_ATTRS}
        target, resource = _target_of(inv, route, "", attrs)
        routes.append(Route(dest, target, resource, table))
    inv.set_fact("routes", table, tuple(routes))
    return routes


def vpc_of(inv: Inventory, resource: Resource) -> Resource | None:
    found = inv.related(resource, "vpc_id", kinds=("aws_vpc",))
    return found[0] if found else None


def route_tables_of(inv: Inventory, subnet: Resource) -> list[Resource] | Unknown:
    """The route tables that decide a subnet's routing (explicit association, else the main)."""
    explicit = [
        table
        for assoc in inv.referring(subnet, "aws_route_table_association", "subnet_id")
        for table in inv.related(
            assoc, "route_table_id", kinds=("aws_route_table", "aws_default_route_table")
        )
    ]
    if explicit:
        return explicit
    dangling = [
        a
        for a in inv.of_kind("aws_route_table_association")
        if is_unknown(a.get("subnet_id")) and not inv.related(a, "subnet_id")
    ]
    if dangling:
        return Unknown(
            f"{len(dangling)} route table association(s) point at subnets the plan cannot name"
        )
    vpc = vpc_of(inv, subnet)
    if vpc is None:
        if is_unknown(subnet.get("vpc_id")) or subnet.source == "live":
            return Unknown("the subnet's VPC cannot be resolved")
        return []
    mains = [
        t
        for a in inv.referring(vpc, "aws_main_route_table_association", "vpc_id")
        for t in inv.related(a, "route_table_id", kinds=("aws_route_table",))
    ]
    mains += [
        t
        for t in inv.of_kind("aws_route_table")
        if t.get("main") is True and vpc in inv.related(t, "vpc_id")
    ]
    mains += [t for t in inv.of_kind("aws_default_route_table") if vpc in inv.related(t, "vpc_id")]
    return mains


def default_route_targets(inv: Inventory, subnet: Resource) -> list[Route] | Unknown:
    tables = route_tables_of(inv, subnet)
    if isinstance(tables, Unknown):
        return tables
    found: list[Route] = []
    for table in tables:
        for route in routes_of(inv, table):
            if isinstance(route.destination, Unknown):
                return Unknown(f"a route destination in {table.address} is known only after apply")
            if route.destination in DEFAULT_ROUTES:
                found.append(route)
    return found


def subnet_tier(inv: Inventory, subnet: Resource) -> str | Unknown:
    """public: default route to an internet gateway; private: via NAT/transit; isolated: none."""
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
        elif targets & {"nat", "transit", "vgw", "egress-only", "peering", "gateway"}:
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
