"""What an attribute links to, and why the answer may be incomplete: shared by the facts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from archproof.inventory.model import (
    Inventory,
    Resource,
    Unknown,
    first_unknown,
    is_unknown,
    own_reason,
)
from archproof.inventory.resource import values_at


def linked(
    inv: Inventory,
    resource: Resource,
    path: str,
    kinds: Iterable[str],
    what: str,
    widen: bool = False,
) -> tuple[list[Resource], Unknown | None]:
    """The resources ``path`` points at, and why that list may be incomplete or undecided.

    ``what`` names the kind of thing for messages ("security group", "subnet group").
    A known id that is not in this source is named as such; a reference the plan could
    not follow names its expression; a value nothing decides yet says so.
    """
    wanted = tuple(kinds)
    relation = inv.relation(resource, path, wanted, widen)
    targets = list(relation.targets)
    if relation.unresolved is not None:
        return targets, relation.unresolved
    value = values_at(resource, path)
    if is_unknown(value) and not targets:
        reason = own_reason(value) if isinstance(value, Unknown) else None
        return [], first_unknown(
            reason, Unknown(f"{path} is known only after apply and names no {what} of {inv.source}")
        )
    absent = [
        v
        for v in _strings(value)
        if not any(v in t.ids or v == t.address for t in targets) and not inv.by_id(v)
    ]
    if absent:
        return targets, Unknown(f"{path} names {', '.join(absent)}, not in {inv.source}")
    return targets, None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []
