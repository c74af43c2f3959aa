"""Routes and route tables: what a table's routes send where, and which table decides a
subnet's routing. Computed once per inventory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archproof.inventory.links import linked
from archproof.inventory.model import Inventory, Resource, Unknown, is_unknown, is_unset

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
_TARGET_ATTRS = {
    "gateway_id": "gateway",
    "nat_gateway_id": "nat",
    "transit_gateway_id": "transit",
    "vpc_peering_connection_id": "peering",
    "instance_id": "instance",
    "network_interface_id": "instance",
    "egress_only_gateway_id": "egress-only",
    "vpc_endpoint_id": "endpoint",
    "local_gateway_id": "gateway",
    "carrier_gateway_id": "gateway",
}
"""Route attributes naming a target, and what each sends traffic to. ``instance``: an EC2
instance or network interface, which forwards only when it is a NAT (or other appliance)."""
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
    # an instance's primary_network_interface_id names the instance's own interface
    "network_interface_id": ("aws_network_interface", "aws_instance"),
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
    "aws_instance": "instance",
    "aws_network_interface": "instance",
}
_TARGET_KINDS.update({f"data.{kind}": name for kind, name in list(_TARGET_KINDS.items())})
"""A data source read for a gateway names the same kind of target as the resource."""
_ID_PREFIXES = {
    "igw-": "igw",
    "nat-": "nat",
    "tgw-": "transit",
    "pcx-": "peering",
    "vgw-": "vgw",
    "eni-": "instance",
    "i-": "instance",
}
TABLE_KINDS = ("aws_route_table", "aws_default_route_table", "data.aws_route_table")
"""Kinds that hold routes; a reference to a VPC (``aws_vpc.x.main_route_table_id``) names
the VPC's main table, which a plan holds only through the routes added to it."""


@dataclass(frozen=True, slots=True)
class Route:
    destination: Any
    target: str  # igw, nat, instance, transit, peering, vgw, endpoint, local, unknown
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
    """A table's routes: its inline ``route`` blocks and the ``aws_route`` resources on it
    (for a VPC: those on its main route table)."""
    cached = inv.fact("routes", table)
    if cached is not None:
        return list(cached)
    routes: list[Route] = []
    inline = table.get("routes" if table.kind == "data.aws_route_table" else "route")
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
    """The route table that decides a subnet's routing: its explicit association; else, when
    no association may hold it, its VPC's main table. An association whose table cannot be
    named leaves the routing unknown, never "no routes"."""
    explicit: list[Resource] = []
    for assoc in inv.referring(subnet, "aws_route_table_association", "subnet_id"):
        tables, gap = linked(inv, assoc, "route_table_id", (*TABLE_KINDS, "aws_vpc"), "table")
        if gap is not None:
            return Unknown(f"{assoc.address}: {gap.reason}")
        if not tables:
            return Unknown(f"{assoc.address} names no route table of {inv.source}")
        for table in tables:
            mains = main_tables(inv, table) if table.kind == "aws_vpc" else [table]
            if isinstance(mains, Unknown):
                return mains
            explicit.extend(t for t in mains if t not in explicit)
    if explicit:
        return explicit
    maybe = inv.maybe_referring(subnet, "aws_route_table_association", "subnet_id")
    dangling = [
        a
        for a in inv.of_kind("aws_route_table_association")
        if is_unknown(a.get("subnet_id")) and not inv.related(a, "subnet_id")
    ]
    if maybe or dangling:
        named = ", ".join(a.address for a in [*maybe, *dangling][:3])
        return Unknown(
            f"route table association(s) the plan cannot tie to one subnet may hold it ({named})"
        )
    vpc = vpc_of(inv, subnet)
    if vpc is None:
        return Unknown(
            "the subnet's VPC is not in this source: the main route table it uses cannot be read"
        )
    return main_tables(inv, vpc)


def main_tables(inv: Inventory, vpc: Resource) -> list[Resource] | Unknown:
    """The VPC's main route table: the one a main association names; else the one marked
    main (live), else the default table a plan adopts and the VPC itself, whose main table a
    plan holds only through the ``aws_route`` resources added to it."""
    tables: list[Resource] = []
    for assoc in inv.referring(vpc, "aws_main_route_table_association", "vpc_id"):
        found, gap = linked(inv, assoc, "route_table_id", TABLE_KINDS, "route table")
        if gap is not None:
            return Unknown(f"{assoc.address}: {gap.reason}")
        tables.extend(t for t in found if t not in tables)
    if tables:
        return tables
    tables = [
        t for t in inv.of_kind("aws_route_table") if t.get("main") is True and _in_vpc(inv, t, vpc)
    ]
    if tables:
        return tables
    if vpc.source.startswith("live"):
        return Unknown(f"no main route table of {vpc.address} was read")
    adopted = [t for t in inv.of_kind("aws_default_route_table") if _in_vpc(inv, t, vpc)]
    return [*adopted, vpc]


def _in_vpc(inv: Inventory, table: Resource, vpc: Resource) -> bool:
    return any(
        vpc in inv.related(table, path, kinds=("aws_vpc",))
        for path in ("vpc_id", "default_route_table_id")
    )


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


def forwards(target: Resource | None) -> bool | Unknown:
    """Does an instance or network interface forward traffic not addressed to it? Only with
    ``source_dest_check`` off (true is EC2's default); one outside the source: unknown."""
    if target is None or target.kind not in ("aws_instance", "aws_network_interface"):
        return Unknown("whether it forwards traffic cannot be read")
    check = target.get("source_dest_check")
    if isinstance(check, bool):
        return not check
    if is_unset(check) or (check is None and not target.source.startswith("live")):
        return False  # left out of the configuration: EC2 keeps the check on
    return check if isinstance(check, Unknown) else Unknown("source_dest_check was not read")
