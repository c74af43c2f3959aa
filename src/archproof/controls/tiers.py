"""The tier a subnet is *meant* to be, as teams write it down.

A tier tag says it outright (``Tier = private``). Without one, module code says it by
resource address (``module.vpc.aws_subnet.database[0]``), by Name (``shop-public-eu-west-1a``)
or by the subnet groups a subnet serves (an RDS subnet group holds data subnets). The spec
may choose the evidence with ``tier_from`` (default: all of them, in that order).

Names that say what a subnet hosts rather than how it routes (``database``, ``cache``) mean
"not public": private or isolated, whichever the routes make it (``INTERNAL``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from typing import Any

from archproof.controls.api import Subject
from archproof.inventory.model import Inventory, Resource, Unknown
from archproof.inventory.network import ISOLATED, PRIVATE, PUBLIC, subnet_tier

INTERNAL = "internal"
"""Meant to be out of the internet's reach: private or isolated."""
SOURCES = ("tag", "address", "name", "subnet_group")
TIER_PARAMS: dict[str, Any] = {"tier_tag": "Tier", "tier_names": {}, "tier_from": list(SOURCES)}
DEFAULT_TIER_NAMES = {
    "public": PUBLIC,
    "private": PRIVATE,
    "app": PRIVATE,
    "application": PRIVATE,
    "isolated": ISOLATED,
    "data": ISOLATED,
    "database": ISOLATED,
    "db": ISOLATED,
}
"""What a tier *tag* value means: a declaration of the tier."""
WORDS = {
    "public": PUBLIC,
    "pub": PUBLIC,
    "dmz": PUBLIC,
    "private": PRIVATE,
    "priv": PRIVATE,
    "app": PRIVATE,
    "application": PRIVATE,
    "intra": ISOLATED,
    "isolated": ISOLATED,
    "database": INTERNAL,
    "db": INTERNAL,
    "data": INTERNAL,
    "rds": INTERNAL,
    "elasticache": INTERNAL,
    "cache": INTERNAL,
    "redshift": INTERNAL,
}
"""What a word in an address or Name says of the tier meant."""
ROUTING = (
    "aws_route_table",
    "aws_route_table_association",
    "aws_route",
    "aws_internet_gateway",
    "aws_nat_gateway",
)
"""Kinds whose collection failures leave a subnet's tier undecided."""
GROUP_KINDS = ("aws_db_subnet_group", "aws_elasticache_subnet_group", "aws_redshift_subnet_group")


def intended_tier(
    resource: Resource, params: Mapping[str, Any], inv: Inventory | None = None
) -> str | None:
    """``public``, ``private``, ``isolated``, ``internal`` — or ``None`` when nothing says."""
    found = tier_intent(resource, params, inv)
    return found[0] if found else None


def tier_intent(
    resource: Resource, params: Mapping[str, Any], inv: Inventory | None = None
) -> tuple[str, str] | None:
    """The tier meant, and the evidence that says so (``tag Tier=db``, ``address …``)."""
    custom = dict(params.get("tier_names") or {})
    for source in params.get("tier_from") or SOURCES:
        found = _EVIDENCE[source](resource, params, custom, inv)
        if found is not None:
            return found
    return None


def matches(tier: str | None, actual: str) -> bool:
    """Does a subnet routed as ``actual`` serve the tier it is meant to be?"""
    if tier == INTERNAL:
        return actual in (PRIVATE, ISOLATED)
    return tier == actual


def describe_evidence(params: Mapping[str, Any]) -> str:
    """What was looked for, for a message when no subnet declares its tier."""
    labels = {
        "tag": f"tag {params.get('tier_tag', 'Tier')}",
        "address": "address names (public, private, database, intra …)",
        "name": "Name tag words",
        "subnet_group": "DB/cache subnet groups",
    }
    return ", ".join(labels[s] for s in params.get("tier_from") or SOURCES if s in labels)


def _from_tag(
    resource: Resource, params: Mapping[str, Any], custom: dict[str, Any], inv: Inventory | None
) -> tuple[str, str] | None:
    tag = str(params.get("tier_tag", "Tier"))
    value = resource.tags.get(tag)
    if value is None:
        return None
    names = {**DEFAULT_TIER_NAMES, **custom}
    return str(names.get(value.lower(), _glob(custom, value) or value.lower())), f"tag {tag}"


def _from_address(
    resource: Resource, params: Mapping[str, Any], custom: dict[str, Any], inv: Inventory | None
) -> tuple[str, str] | None:
    if resource.source.startswith("live"):
        return None  # a live address is an id, not a name
    steps = re.sub(r"\[[^\]]*\]", "", resource.address).split(".")
    names = [
        steps[-1],
        *reversed([s for i, s in enumerate(steps) if i and steps[i - 1] == "module"]),
    ]
    for name in names:
        tier = _glob(custom, name) or _words(name, custom)
        if tier is not None:
            return tier, f"address {resource.address}"
    return None


def _from_name(
    resource: Resource, params: Mapping[str, Any], custom: dict[str, Any], inv: Inventory | None
) -> tuple[str, str] | None:
    name = resource.tags.get("Name")
    if not name:
        return None
    tier = _glob(custom, name) or _words(name, custom)
    return (tier, f"Name {name!r}") if tier is not None else None


def _from_groups(
    resource: Resource, params: Mapping[str, Any], custom: dict[str, Any], inv: Inventory | None
) -> tuple[str, str] | None:
    if inv is None:
        return None
    for kind in GROUP_KINDS:
        groups = inv.referring(resource, kind, "subnet_ids")
        if groups:
            return INTERNAL, f"member of {groups[0].address}"
    return None


_EVIDENCE = {
    "tag": _from_tag,
    "address": _from_address,
    "name": _from_name,
    "subnet_group": _from_groups,
}


def _glob(custom: Mapping[str, Any], text: str) -> str | None:
    for pattern, tier in custom.items():
        if _is_glob(pattern) and fnmatch.fnmatchcase(text.lower(), pattern.lower()):
            return str(tier)
    return None


def _words(text: str, custom: Mapping[str, Any]) -> str | None:
    """The one tier the words of a name point at (none, or two that disagree: ``None``);
    the spec's own ``tier_names`` words count too."""
    words = {**WORDS, **{k.lower(): str(v) for k, v in custom.items() if not _is_glob(k)}}
    tiers = {words[w] for w in re.split(r"[^a-z0-9]+", text.lower()) if w in words}
    if len(tiers) > 1 and tiers <= {PRIVATE, ISOLATED, INTERNAL}:
        return INTERNAL  # "private_db": not public, whichever way its routes go
    return tiers.pop() if len(tiers) == 1 else None


def _is_glob(pattern: str) -> bool:
    return any(c in pattern for c in "*?[")


# --- what a control says when no subnet is meant to be what it judges ----------------------


def effective_tiers(inv: Inventory) -> str:
    counts: dict[str, int] = {}
    for subnet in inv.of_kind("aws_subnet"):
        tier = subnet_tier(inv, subnet)
        name = "undecided" if isinstance(tier, Unknown) else tier
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def no_declared_tier(subject: Subject) -> str:
    return (
        f"no subnet declares its tier ({describe_evidence(subject.params)});"
        f" effective tiers from routes: {effective_tiers(subject.inventory)}"
    )


def no_intended(tier: str) -> Callable[[Subject], str]:
    def explain(subject: Subject) -> str:
        declared = [
            i
            for s in subject.inventory.of_kind("aws_subnet")
            if (i := intended_tier(s, subject.params, subject.inventory)) is not None
        ]
        if not declared:
            return no_declared_tier(subject)
        meant = ", ".join(sorted(set(declared)))
        return (
            f"no subnet is meant to be {tier} (meant: {meant}); effective tiers from"
            f" routes: {effective_tiers(subject.inventory)}"
        )

    return explain
