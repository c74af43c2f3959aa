"""Transit gateways: whether one carries traffic between two VPCs.

An attachment's traffic is routed by the gateway route table it is associated with; that
table reaches a VPC through the routes the VPC's attachment propagates into it, or through a
static route to that attachment. Without an association of its own an attachment uses the
gateway's default table when the gateway (``default_route_table_association = "enable"``,
AWS's default) and the attachment (``transit_gateway_default_route_table_association``,
default true) both say so; propagation alike. Every answer is ``True``, ``False`` or the
``Unknown`` that leaves it open; blackhole routes are not taken to cut a path.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from archproof.inventory.links import linked
from archproof.inventory.model import Inventory, Resource, Unknown, first_unknown, is_unset

Reach = bool | Unknown
GATEWAY_KINDS = ("aws_ec2_transit_gateway", "data.aws_ec2_transit_gateway")
VPC_ATTACHMENT = "aws_ec2_transit_gateway_vpc_attachment"
PEERING_ATTACHMENT = "aws_ec2_transit_gateway_peering_attachment"
ROUTE_TABLE = "aws_ec2_transit_gateway_route_table"
ASSOCIATION = "aws_ec2_transit_gateway_route_table_association"
PROPAGATION = "aws_ec2_transit_gateway_route_table_propagation"
STATIC_ROUTE = "aws_ec2_transit_gateway_route"
TRANSIT_KINDS = (
    GATEWAY_KINDS[0],
    VPC_ATTACHMENT,
    PEERING_ATTACHMENT,
    ROUTE_TABLE,
    ASSOCIATION,
    PROPAGATION,
    STATIC_ROUTE,
)
"""Kinds whose collection failures leave a transit gateway's reach undecided."""
_ATTACHMENT = "transit_gateway_attachment_id"


def either(*values: Reach) -> Reach:
    """True when any is; else the first unknown; else False."""
    if any(v is True for v in values):
        return True
    undecided = first_unknown(*values)
    return undecided if undecided is not None else False


def both(*values: Reach) -> Reach:
    """False when any is; else the first unknown; else True."""
    if any(v is False for v in values):
        return False
    undecided = first_unknown(*values)
    return undecided if undecided is not None else True


def vpc_cidrs(inv: Inventory, vpc: Resource) -> list[tuple[int, str | Unknown]]:
    """A VPC's address ranges with their IP version: its own and those associated with it;
    one known only after apply stays ``Unknown``, one left unset is none."""
    fields: list[tuple[int, Any]] = [(4, vpc.get("cidr_block")), (6, vpc.get("ipv6_cidr_block"))]
    for version, kind in (
        (4, "aws_vpc_ipv4_cidr_block_association"),
        (6, "aws_vpc_ipv6_cidr_block_association"),
    ):
        for extra in inv.referring(vpc, kind, "vpc_id"):
            fields.append((version, extra.get("cidr_block") or extra.get("ipv6_cidr_block")))
    return [
        (version, value)
        for version, value in fields
        if (isinstance(value, Unknown) and not is_unset(value))
        or (isinstance(value, str) and value)
    ]


def show_cidrs(cidrs: list[tuple[int, str | Unknown]]) -> str:
    return ", ".join(c if isinstance(c, str) else "one known only after apply" for _, c in cidrs)


def overlaps(
    destination: Any, cidrs: Iterable[tuple[int, str | Unknown]], *, within: bool = False
) -> Reach:
    """Does a route's destination share addresses with any of ``cidrs`` (``within``: lie
    inside one of them)? An unknown destination or range, or a prefix list, leaves it open."""
    if not isinstance(destination, str) or not destination:
        return Unknown("the route's destination is known only after apply")
    try:
        route = ipaddress.ip_network(destination, strict=False)
    except ValueError:
        return Unknown(f"the route's destination {destination} is not an address range")
    answers: list[Reach] = []
    for version, cidr in cidrs:
        if version != route.version:
            continue
        if not isinstance(cidr, str):
            answers.append(Unknown("the VPC's address range is known only after apply"))
            continue
        network = ipaddress.ip_network(cidr, strict=False)
        answers.append(
            route.subnet_of(network)  # type: ignore[arg-type]
            if within
            else route.overlaps(network)  # type: ignore[arg-type]
        )
    return either(*answers)


def gateway_key(inv: Inventory, holder: Resource) -> tuple[str, Resource | None] | Unknown:
    """The transit gateway a resource names: its id (or address before apply) and resource."""
    found, gap = linked(inv, holder, "transit_gateway_id", GATEWAY_KINDS, "transit gateway")
    if len(found) == 1 and gap is None:
        return resource_key(found[0]), found[0]
    value = holder.get("transit_gateway_id")
    if not found and isinstance(value, str) and value:
        return value, None  # a gateway outside this source
    return gap if gap is not None else Unknown(f"{holder.address} names several transit gateways")


def resource_key(resource: Resource) -> str:
    """How a gateway or table is told apart: its id, or its address before apply."""
    ident = resource.get("id")
    return ident if isinstance(ident, str) and ident else resource.address


def attachments(inv: Inventory, vpc: Resource) -> list[tuple[Resource, Reach]]:
    """The VPC attachments that hold the VPC (True) or may (Unknown)."""
    found: list[tuple[Resource, Reach]] = [
        (a, True) for a in inv.referring(vpc, VPC_ATTACHMENT, "vpc_id")
    ]
    for maybe in inv.maybe_referring(vpc, VPC_ATTACHMENT, "vpc_id"):
        found.append((maybe, Unknown(f"{maybe.address} may attach {vpc.address}")))
    for attachment in inv.of_kind(VPC_ATTACHMENT):
        relation = inv.relation(attachment, "vpc_id", ("aws_vpc",))
        if not relation.targets and not relation.candidates and relation.unresolved is not None:
            found.append((attachment, relation.unresolved))
    return found


def _default_table(inv: Inventory, attachment: Resource, which: str) -> tuple[set[str], Reach]:
    """The gateway's default table, when the attachment uses it for ``which`` (association
    or propagation): ({key}, True), (set(), False), or ({key}, Unknown) when it may."""
    own = attachment.get(f"transit_gateway_default_route_table_{which}")
    if own is False:
        return set(), False
    gateway = gateway_key(inv, attachment)
    if isinstance(gateway, Unknown):
        return set(), gateway
    key, resource = gateway
    setting = resource.get(f"default_route_table_{which}") if resource is not None else None
    if setting == "disable":
        return set(), False
    ident = resource.get(f"{which}_default_route_table_id") if resource is not None else None
    table = ident if isinstance(ident, str) and ident else f"{key}:default"
    decided: Reach = True
    if resource is None:
        decided = Unknown(
            f"the transit gateway {key} is not in this source: whether it uses a default"
            f" route table for {which} cannot be read"
        )
    elif not (setting == "enable" or setting is None or is_unset(setting)):
        decided = Unknown(f"{resource.address}: default_route_table_{which} is not known")
    elif not (own is True or own is None or is_unset(own)):
        decided = Unknown(f"{attachment.address}: default route table {which} is not known")
    return {table}, decided


def _tables(inv: Inventory, holder: Resource) -> tuple[set[str], Unknown | None]:
    """The gateway route tables an association, propagation or static route names."""
    found, gap = linked(
        inv, holder, "transit_gateway_route_table_id", (ROUTE_TABLE, *GATEWAY_KINDS), "table"
    )
    keys = set()
    for table in found:
        if table.kind == ROUTE_TABLE:
            keys.add(resource_key(table))
        else:  # the gateway's association_default_route_table_id
            ident = table.get("association_default_route_table_id")
            keys.add(
                ident if isinstance(ident, str) and ident else f"{resource_key(table)}:default"
            )
    return keys, gap


def _linked_tables(inv: Inventory, attachment: Resource, kind: str, which: str) -> dict[str, Reach]:
    """Tables an attachment is associated with / propagates into: True, or Unknown if may."""
    keys, decided = _default_table(inv, attachment, which)
    tables: dict[str, Reach] = dict.fromkeys(keys, decided)
    for holder in inv.referring(attachment, kind, _ATTACHMENT):
        found, gap = _tables(inv, holder)
        for key in found:
            tables[key] = True
        if gap is not None:
            tables[f"? {holder.address}"] = gap
    for holder in inv.maybe_referring(attachment, kind, _ATTACHMENT):
        for key in _tables(inv, holder)[0] or {f"? {holder.address}"}:
            tables.setdefault(key, Unknown(f"{holder.address} may name {attachment.address}"))
    return tables


def routes_to(
    inv: Inventory, source: Resource, target: Resource, vpc: Resource, seen: frozenset[int]
) -> Reach:
    """Does the table ``source`` is associated with send ``vpc``'s addresses to ``target``?"""
    tables = _linked_tables(inv, source, ASSOCIATION, "association")
    propagated = _linked_tables(inv, target, PROPAGATION, "propagation")
    answers: list[Reach] = []
    for key, associated in tables.items():
        if key.startswith("? "):
            answers.append(associated)  # a table outside the source: its routes are unread
            continue
        if key in propagated:
            answers.append(both(associated, propagated[key]))
        for route in inv.of_kind(STATIC_ROUTE):
            keys, gap = _tables(inv, route)
            held: Reach = True if key in keys else (gap if gap is not None else False)
            if held is False or route.get("blackhole") is True:
                continue
            covers = overlaps(route.get("destination_cidr_block"), vpc_cidrs(inv, vpc))
            via = _via(inv, route, target, vpc, seen | {id(source)})
            answers.append(both(associated, held, covers, via))
    return either(*answers)


def _via(
    inv: Inventory, route: Resource, target: Resource, vpc: Resource, seen: frozenset[int]
) -> Reach:
    """Does a static route's attachment lead to ``target``: it is ``target`` (True); another
    VPC whose own table routes on to ``target`` (that VPC may hairpin it: unknown); else no."""
    found, gap = linked(inv, route, _ATTACHMENT, (VPC_ATTACHMENT, PEERING_ATTACHMENT), "attachment")
    answers: list[Reach] = [gap] if gap is not None else []
    for hop in found:
        if hop is target:
            answers.append(True)
        elif hop.kind == PEERING_ATTACHMENT:
            answers.append(Unknown(f"{route.address} leaves through {hop.address} for a peer"))
        elif id(hop) not in seen and routes_to(inv, hop, target, vpc, seen) is not False:
            answers.append(
                Unknown(f"{route.address} sends it to {hop.address}, whose VPC may send it on")
            )
    return either(*answers)


def joins(
    inv: Inventory, a: Resource, b: Resource, gateway: str | None = None
) -> list[tuple[str, Reach]]:
    """Each transit gateway path between VPCs ``a`` and ``b`` (either way), named, that does
    (True) or may (Unknown) carry traffic; ``gateway``: only paths through that gateway."""
    found: list[tuple[str, Reach]] = []
    for left, left_sure in attachments(inv, a):
        for right, right_sure in attachments(inv, b):
            if left is right:
                continue
            same = _same_gateway(inv, left, right, gateway)
            if same is False:
                continue
            there = routes_to(inv, left, right, b, frozenset())
            back = routes_to(inv, right, left, a, frozenset())
            reach = both(left_sure, right_sure, same, either(there, back))
            if reach is not False:
                found.append((f"{left.address} and {right.address}", reach))
    return found


def _same_gateway(inv: Inventory, left: Resource, right: Resource, only: str | None) -> Reach:
    """Are two attachments on one gateway (``only``: on that one)? Attachments on two
    gateways that a peering attachment may join leave it open."""
    ends = [gateway_key(inv, left), gateway_key(inv, right)]
    keys = {end[0] for end in ends if not isinstance(end, Unknown)}
    if only is not None and keys and only not in keys:
        return False
    undecided = first_unknown(*ends)
    if undecided is not None:
        return undecided
    if len(keys) == 1:
        return True
    for peering in inv.of_kind(PEERING_ATTACHMENT):
        named = {
            str(v)
            for path in ("transit_gateway_id", "peer_transit_gateway_id")
            for v in [*(resource_key(r) for r in inv.related(peering, path)), peering.get(path)]
            if not isinstance(v, Unknown) and v
        }
        if keys & named:
            return Unknown(
                f"{peering.address} may peer the transit gateways {' and '.join(sorted(keys))}:"
                " routes across gateways are not judged"
            )
    return False
