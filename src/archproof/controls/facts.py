"""Judgement helpers shared by controls: unknown values, load balancer schemes, CIDRs.

Which roles a security group stands for is ``archproof.controls.group_roles``."""

from __future__ import annotations

import ipaddress
from typing import Any

from archproof.controls.api import Subject
from archproof.inventory.defaults import LB_INTERNAL, value_or_default
from archproof.inventory.model import Resource, Unknown, is_unset

ANYWHERE = ("0.0.0.0/0", "::/0")


def cidr_within(cidr: str, allowed: list[str]) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    for item in allowed:
        try:
            other = ipaddress.ip_network(item, strict=False)
        except ValueError:
            continue
        if network.version == other.version and network.subnet_of(other):  # type: ignore[arg-type]
            return True
    return False


def unknown_reason(value: Any) -> str:
    return value.reason if isinstance(value, Unknown) else "known only after apply"


def is_set(subject: Subject, resource: Resource, attribute: str, *ref_paths: str) -> bool | Unknown:
    """Is the attribute given a value? In a plan, a reference to a planned resource counts.

    ``kms_master_key_id = aws_kms_key.main.arn`` is unknown before apply, yet certainly set.
    ``ref_paths``: further attribute paths whose references also say it is set (a nested
    block written as an attribute records its references on the enclosing attribute).
    """
    value = resource.get(attribute)
    if is_unset(value):
        return False  # left out of the configuration: nothing sets it
    if isinstance(value, Unknown):
        if any(resource.refs.get(p) for p in (attribute, *ref_paths)):
            return True
        if subject.inventory.related(resource, attribute):
            return True
        return value
    return value not in (None, "", [], {})


def not_collected(subject: Subject, service: str) -> str | None:
    """Why a live source has no evidence of a service it was told not to read; else ``None``."""
    services = subject.inventory.scope.get("services")
    if isinstance(services, list) and service not in services:
        return f"the {service} service was not collected from {subject.source}"
    return None


def internet_facing(lb: Resource) -> bool | Unknown:
    """Is a load balancer internet-facing? (``internal`` unset means internet-facing.)"""
    internal, _ = value_or_default(lb, "internal", LB_INTERNAL)
    if isinstance(internal, Unknown):
        return internal
    return internal is not True


def scheme_note(lb: Resource) -> str | None:
    """Says so when the load balancer is internet-facing because ELB's default decided it."""
    _, decided_by = value_or_default(lb, "internal", LB_INTERNAL)
    return None if decided_by is None else f"internet-facing (unset: {decided_by})"
