"""The normalized inventory: resources keyed by Terraform type and attribute names.

A plan and a live account fill the same shape, so one control runs on both.
Values the source does not know (Terraform's "known after apply") are ``Unknown``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
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


@dataclass(frozen=True, slots=True)
class CollectionError:
    """Evidence a source could not gather; controls that need these kinds report ``error``."""

    source: str
    service: str
    region: str
    call: str
    message: str
    kinds: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.service} {self.call} in {self.region or 'global'} failed: {self.message}"


_INDEX = re.compile(r"\[[^\]]*\]")


def strip_indexes(address: str) -> str:
    """``module.a["x"].aws_subnet.b[0]`` → ``module.a.aws_subnet.b``."""
    return _INDEX.sub("", address)


class Inventory:
    """All resources of one source, with lookups by kind, address and id."""

    def __init__(
        self,
        source: str,
        resources: Iterable[Resource] = (),
        errors: Iterable[CollectionError] = (),
        origin: str = "",
        scope: Mapping[str, Any] | None = None,
        provides: tuple[str, ...] = (),
        never: tuple[str, ...] = (),
    ) -> None:
        self.source = source
        self.provides = provides
        """Kind prefixes this source can hold (``k8s_``); empty: any kind."""
        self.never = never
        """Kind prefixes this source cannot hold (a plan holds no ``k8s_`` objects)."""
        self.origin = origin  # plan file, account id, ...
        self.scope: dict[str, Any] = dict(scope or {})  # what was looked at: regions, services
        self.errors: list[CollectionError] = list(errors)
        self._resources: list[Resource] = []
        self._by_kind: dict[str, list[Resource]] = defaultdict(list)
        self._by_address: dict[str, Resource] = {}
        self._by_id: dict[str, list[Resource]] = defaultdict(list)
        self._by_stripped: dict[str, list[Resource]] = defaultdict(list)
        self._facts: dict[tuple[str, int], Any] = {}
        self._reverse: dict[tuple[str, str], dict[int, list[Resource]]] = {}
        self.memo: dict[str, Any] = {}  # inventory-wide derived facts
        for resource in resources:
            self.add(resource)

    def add(self, resource: Resource) -> None:
        self._reverse.clear()
        self.memo.clear()
        self._resources.append(resource)
        self._by_kind[resource.kind].append(resource)
        self._by_address[resource.address] = resource
        self._by_stripped[strip_indexes(resource.address)].append(resource)
        for ident in resource.ids:
            if isinstance(ident, str) and ident:
                self._by_id[ident].append(resource)

    def could_hold(self, kinds: Iterable[str]) -> bool:
        """Whether any of ``kinds`` is of a sort this source records (no kinds: yes)."""
        wanted = list(kinds)
        if not wanted:
            return True
        return any(
            (not self.provides or k.startswith(self.provides))
            and not (self.never and k.startswith(self.never))
            for k in wanted
        )

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)

    def of_kind(self, *kinds: str) -> list[Resource]:
        found: list[Resource] = []
        for kind in kinds:
            found.extend(self._by_kind.get(kind, ()))
        return found

    def kinds(self) -> set[str]:
        return set(self._by_kind)

    def by_address(self, address: str) -> Resource | None:
        return self._by_address.get(address)

    def by_id(self, ident: str) -> list[Resource]:
        return list(self._by_id.get(ident, ()))

    def by_stripped_address(self, address: str) -> list[Resource]:
        return list(self._by_stripped.get(strip_indexes(address), ()))

    def errors_for(self, kinds: Iterable[str]) -> list[CollectionError]:
        wanted = set(kinds)
        return [e for e in self.errors if wanted.intersection(e.kinds) or "*" in e.kinds]

    def related(
        self, resource: Resource, path: str, kinds: Iterable[str] = (), widen: bool = False
    ) -> list[Resource]:
        """Resources an attribute points at, by id (known values) or by plan reference.

        ``path`` is a dotted attribute path; list values are followed item by item.
        With ``widen`` (and ``kinds``), when nothing is found at ``path`` the references
        of its enclosing attribute are used: ``route = [{...}]`` written as an attribute
        records its references on ``route``, not on ``route.0.nat_gateway_id``.
        """
        wanted = set(kinds)
        found_here = self._related(resource, path, wanted)
        if found_here or not (widen and wanted):
            return found_here
        parts = path.split(".")
        while len(parts) > 1:
            parts.pop()
            if parts[-1].isdigit():
                continue
            found = self._related(resource, ".".join(parts), wanted)
            if found:
                return found
        return []

    def _related(self, resource: Resource, path: str, wanted: set[str]) -> list[Resource]:
        found: dict[int, Resource] = {}  # by identity: live addresses may repeat across kinds
        for value in _leaf_values(resource.get(path)):
            if isinstance(value, str):
                for target in self._by_id.get(value, ()):
                    found.setdefault(id(target), target)
        for address in resource.refs.get(path, ()):
            pointed = self._by_address.get(address)
            if pointed is not None:
                found.setdefault(id(pointed), pointed)
        return [r for r in found.values() if not wanted or r.kind in wanted]

    def referring(self, target: Resource, kind: str, path: str) -> list[Resource]:
        """Resources of ``kind`` whose ``path`` points at ``target`` (indexed on first use)."""
        key = (kind, path)
        index = self._reverse.get(key)
        if index is None:
            index = defaultdict(list)
            for resource in self.of_kind(kind):
                for pointed in self.related(resource, path):
                    index[id(pointed)].append(resource)
            self._reverse[key] = index
        return list(index.get(id(target), ()))

    def fact(self, name: str, resource: Resource) -> Any:
        return self._facts.get((name, id(resource)))

    def set_fact(self, name: str, resource: Resource, value: Any) -> None:
        self._facts[(name, id(resource))] = value


def _leaf_values(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaf_values(item)
    elif value is not None:
        yield value
