"""Which resources a security group guards: those it certainly does, and those it may.

A group's reach is the union of what it is attached to. A resource whose group list a plan
cannot pin down (a reference through ``each.value`` or a local naming several groups)
*may* be guarded by each candidate: that is no attachment, and no proof of its absence.
"""

from __future__ import annotations

from dataclasses import dataclass

from archproof.inventory.access import (
    SG_KINDS,
    SG_PATHS,
    in_replication_group,
    launch_templates_of,
    security_groups_of,
)
from archproof.inventory.model import Inventory, Resource

TEMPLATE_KINDS = ("aws_launch_template", "aws_launch_configuration")


@dataclass(frozen=True, slots=True)
class Guarded:
    """The workloads behind one security group."""

    certain: tuple[Resource, ...]
    maybe: tuple[Resource, ...] = ()
    """Resources a plan cannot say are (or are not) behind the group."""


def guarded_by(inv: Inventory, group: Resource) -> Guarded:
    """What the group guards. A launch template an Auto Scaling group starts from stands
    behind that group (the group is listed, not the template); a cluster member, or a cache
    node of a replication group, behind its cluster (the cluster is listed)."""
    index: dict[int, tuple[list[Resource], list[Resource]]] | None = inv.memo.get("sg-guarded")
    if index is None:
        index = _index(inv)
        inv.memo["sg-guarded"] = index
    certain, maybe = index.get(id(group), ([], []))
    return Guarded(tuple(certain), tuple(m for m in maybe if m not in certain))


def _index(inv: Inventory) -> dict[int, tuple[list[Resource], list[Resource]]]:
    index: dict[int, tuple[list[Resource], list[Resource]]] = {}
    started_from: set[int] = set()
    for asg in inv.of_kind("aws_autoscaling_group"):
        started_from.update(id(t) for t in launch_templates_of(inv, asg)[0])
    for kind in (*SG_PATHS, "aws_autoscaling_group"):
        for resource in inv.of_kind(kind):
            if kind in TEMPLATE_KINDS and id(resource) in started_from:
                continue  # its Auto Scaling group stands for it
            if kind == "aws_elasticache_cluster" and in_replication_group(resource):
                continue  # its replication group stands for it
            for group in security_groups_of(inv, resource)[0]:
                index.setdefault(id(group), ([], []))[0].append(resource)
            for group in _candidate_groups(inv, resource):
                index.setdefault(id(group), ([], []))[1].append(resource)
    return index


def _candidate_groups(inv: Inventory, resource: Resource) -> list[Resource]:
    """Groups a plan names only as one of several possibilities for this resource."""
    if resource.kind == "aws_autoscaling_group":
        templates = launch_templates_of(inv, resource)[0]
        return _candidate_groups(inv, templates[0]) if templates else []
    found: list[Resource] = []
    for path in SG_PATHS.get(resource.kind, ()):
        for group in inv.relation(resource, path, SG_KINDS).candidates:
            if group not in found:
                found.append(group)
    return found
