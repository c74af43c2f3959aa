"""Paths between two groups of VPCs: peerings, routes and transit gateways.

A path is named with whether it surely carries traffic (``True``) or may (``Unknown``, with
the reason). Routes count from the first group's route tables: one whose destination lies
inside the other VPC's range names that VPC, whatever its target; one whose destination only
holds that range (``10.0.0.0/8``, ``0.0.0.0/0``) reaches it through a transit gateway that
joins the two, or through a target not yet known. Internet, NAT and endpoint targets carry
no traffic to another VPC's private addresses; VPN gateways and appliances (instances,
interfaces) are not followed beyond the VPC.
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.inventory.routes import TABLE_KINDS, Route, routes_of
from archproof.inventory.transit import (
    GATEWAY_KINDS,
    Reach,
    both,
    either,
    joins,
    overlaps,
    resource_key,
    show_cidrs,
    vpc_cidrs,
)


@dataclass(frozen=True, slots=True)
class Path:
    """One way traffic does or may pass between the groups."""

    what: str  # the resource (or pair) that makes it
    how: str  # what it does, in words
    reach: bool | Unknown  # True, or the Unknown that leaves it open


def paths_between(inv: Inventory, group: list[Resource], others: list[Resource]) -> list[Path]:
    """Every peering, route and transit gateway path between a VPC of ``group`` and one of
    ``others`` that does or may carry traffic."""
    found = _peerings(inv, group, others)
    for vpc in group:
        for other in others:
            found.extend(_routes(inv, vpc, other))
            for pair, reach in joins(inv, vpc, other):
                how = f"a transit gateway joins {vpc.address} and {other.address}"
                found.append(Path(pair, how, reach))
    return found


def _peerings(inv: Inventory, group: list[Resource], others: list[Resource]) -> list[Path]:
    found: list[Path] = []
    for peering in inv.of_kind("aws_vpc_peering_connection"):
        answers: list[Reach] = []
        for vpc in group:
            for other in others:
                answers.append(
                    either(
                        both(
                            _end(inv, peering, "vpc_id", vpc),
                            _end(inv, peering, "peer_vpc_id", other),
                        ),
                        both(
                            _end(inv, peering, "vpc_id", other),
                            _end(inv, peering, "peer_vpc_id", vpc),
                        ),
                    )
                )
        reach = either(*answers)
        if reach is not False:
            found.append(Path(peering.address, "peers production with non-production", reach))
    return found


def _end(inv: Inventory, peering: Resource, path: str, vpc: Resource) -> Reach:
    """Is ``vpc`` this end of the peering? Candidates the plan cannot tell apart: maybe."""
    relation = inv.relation(peering, path, ("aws_vpc",))
    if vpc in relation.targets:
        return True
    if vpc in relation.candidates:
        return _open(relation.unresolved, f"{path} may be {vpc.address}")
    if relation.candidates:
        return False  # one of several others, none of them this VPC
    if relation.targets:  # the loose part of the reference may add to them
        return relation.unresolved if relation.unresolved is not None else False
    value = peering.get(path)
    if isinstance(value, str) and value:
        return False  # a VPC outside this source, or one of its own by id
    return _open(relation.unresolved, f"{path} is known only after apply")


def _open(reason: Unknown | None, otherwise: str) -> Unknown:
    return reason if reason is not None else Unknown(otherwise)


def _tables(inv: Inventory, vpc: Resource) -> list[tuple[Resource, Reach]]:
    """Route tables in ``vpc`` (True) or maybe in it, and the VPC itself: the routes added
    to its main table by reference (``aws_vpc.x.main_route_table_id``) hang off it."""
    found: list[tuple[Resource, Reach]] = [(vpc, True)]
    for table in inv.of_kind(*TABLE_KINDS):
        for path in ("vpc_id", "default_route_table_id"):
            relation = inv.relation(table, path, ("aws_vpc",))
            if vpc in relation.targets:
                found.append((table, True))
                break
            if vpc in relation.candidates:
                found.append((table, _open(relation.unresolved, "its VPC is not known")))
                break
    return found


def _routes(inv: Inventory, vpc: Resource, other: Resource) -> list[Path]:
    found: list[Path] = []
    cidrs = vpc_cidrs(inv, other)
    for table, held in _tables(inv, vpc):
        for route in routes_of(inv, table):
            if route.target == "local":
                continue
            reach = both(held, _reaches(inv, route, vpc, other, cidrs))
            if reach is not False:
                what = f"{table.address} route {route.destination}"
                to = route.target_resource.address if route.target_resource else route.target
                how = f"sends {other.address}'s addresses ({show_cidrs(cidrs)}) to {to}"
                found.append(Path(what, how, reach))
    return found


def _reaches(
    inv: Inventory,
    route: Route,
    vpc: Resource,
    other: Resource,
    cidrs: list[tuple[int, str | Unknown]],
) -> Reach:
    named = overlaps(route.destination, cidrs, within=True)
    if named is True:
        return True  # a route to (part of) the other VPC
    if route.target == "unknown":
        return both(overlaps(route.destination, cidrs), Unknown("the route's target is not known"))
    if route.target != "transit":
        return False
    covers = overlaps(route.destination, cidrs)
    if covers is False:
        return False
    return both(covers, _gateway_carries(inv, route, vpc, other))


def _gateway_carries(inv: Inventory, route: Route, vpc: Resource, other: Resource) -> Reach:
    gateway = route.target_resource
    if gateway is None or gateway.kind not in GATEWAY_KINDS:
        return Unknown("the transit gateway is not in this source: what it joins cannot be read")
    key = resource_key(gateway)
    paths = [reach for _, reach in joins(inv, vpc, other, gateway=key)]
    if paths:
        return either(*paths)
    if gateway.kind.startswith("data."):
        return Unknown(
            f"{gateway.address} is looked up, not managed here: attachments made elsewhere"
            f" may join {other.address}"
        )
    return False
