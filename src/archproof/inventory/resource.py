"""Resources and their values: what one source records of one thing.

Values the source does not know (Terraform's "known after apply") are ``Unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final


class Unknown:
    """A value the source cannot know, with the reason (e.g. "known after apply")."""

    __slots__ = ("reason",)

    def __init__(self, reason: str = "known after apply") -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"({self.reason})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown)

    def __hash__(self) -> int:
        return hash(Unknown)

    def __bool__(self) -> bool:
        raise TypeError("an Unknown has no truth value: test it with is_unknown()")


UNKNOWN: Final = Unknown()
UNSET_REASON: Final = "not set in the configuration: the provider or the service decides it"
"""A plan's reason for an attribute its configuration leaves out and the provider computes."""


def is_unset(value: object) -> bool:
    """An attribute the configuration did not set, which the provider or service decides."""
    return isinstance(value, Unknown) and value.reason == UNSET_REASON


def first_block(value: Any) -> Mapping[str, Any] | Unknown:
    """The one block of a nested block list (``lifecycle = [{…}]``): its mapping, ``{}``
    when there is none, or the ``Unknown`` a plan holds in its place."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list) and value:
        head = value[0]
        if isinstance(head, Unknown | Mapping):
            return head
    if isinstance(value, Mapping):
        return value
    return {}


def first_unknown(*values: object) -> Unknown | None:
    """The first of ``values`` that is an ``Unknown`` (``None`` when none is)."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def own_reason(value: object) -> Unknown | None:
    """An unknown that says more than "known after apply" (a gap, a missing record)."""
    if isinstance(value, Unknown) and value.reason != UNKNOWN.reason:
        return value
    return None


def is_unknown(value: object) -> bool:
    """True when the value, or anything nested in it, is unknown."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


ModuleInstance = tuple[tuple[str, str], ...]
"""A plan's module instance: (call name, instance key) per level; ``()`` is the root."""


@dataclass(frozen=True, slots=True)
class Loose:
    """References of one attribute that a plan could not follow to exact resources.

    ``expressions``: what could not be followed (``local.this_sg_id in module.sg``);
    ``scopes``: the module instances they sit in, where the resources they name are looked
    for; ``addresses``: resources named only broadly (``each.value`` over a map of settings).
    """

    expressions: tuple[str, ...] = ()
    scopes: tuple[ModuleInstance, ...] = ()
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Relation:
    """What an attribute points at: exact targets, or candidates when the plan cannot say.

    ``unresolved`` tells why the targets may be incomplete or undecided; ``None`` when the
    targets are the whole answer.
    """

    targets: tuple[Resource, ...]
    candidates: tuple[Resource, ...] = ()
    unresolved: Unknown | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Resource:
    """One resource of a source.

    ``address`` is the Terraform address for a plan and the cloud id (or ARN/name)
    for a live account; ``refs`` maps an attribute path (``vpc_id``,
    ``route.gateway_id``) to the addresses of the resources it points at, for
    relations that cannot be read from ids (a plan, before apply).
    """

    kind: str
    address: str
    source: str
    attributes: Mapping[str, Any]
    region: str = ""
    account: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ids: tuple[str, ...] = ()
    missing: Unknown | None = None
    """When set, every attribute the source did not record reads as this ``Unknown``."""
    loose: Mapping[str, Loose] = field(default_factory=dict)
    """Per attribute path, references a plan could not follow to one resource."""
    provider: str = ""
    """A plan's provider configuration for it (``aws``, ``aws.dr``): another one may be
    another region or account."""
    change: str = ""
    """What a plan does to it (``create``, ``update``, ``no-op`` …); empty for live sources.
    A service default for *new* resources applies only to what the plan creates."""

    @property
    def created(self) -> bool:
        return self.change in ("create", "replace")

    @property
    def name(self) -> str:
        """A readable name: the Name tag when there is one, else the address."""
        tag = self.tags.get("Name") if isinstance(self.tags, Mapping) else None
        return tag if isinstance(tag, str) and tag else self.address

    @property
    def label(self) -> str:
        shown = self.address if self.name == self.address else f"{self.address} ({self.name})"
        return f"{self.source}:{shown}"

    def get(self, path: str, default: Any = None) -> Any:
        """Attribute by dotted path; list items by index (``listener.0.port``)."""
        value: Any = self.attributes
        if self.missing is not None and path.split(".", 1)[0] not in self.attributes:
            return self.missing
        for part in path.split("."):
            if isinstance(value, Unknown):
                return value
            if isinstance(value, Mapping):
                if part not in value:
                    return default
                value = value[part]
            elif isinstance(value, list | tuple) and part.isdigit():
                index = int(part)
                if index >= len(value):
                    return default
                value = value[index]
            else:
                return default
        return value


def values_at(resource: Resource, path: str) -> Any:
    """The value at a dotted path; a list met on the way is followed item by item
    (``network_interfaces.security_groups`` of every interface)."""
    value = resource.get(path)
    if value is not None or "." not in path:
        return value
    head, _, rest = path.partition(".")
    items = resource.get(head)
    if isinstance(items, list) and not rest.split(".", 1)[0].isdigit():
        return [_dig(item, rest) for item in items]
    return None


def _dig(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and not part.isdigit():
            value = [_dig(item, part) for item in value]
        else:
            return None
    return value
