"""The normalized inventory: resources keyed by Terraform type and attribute names.

A plan and a live account fill the same shape, so one control runs on both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from archproof.inventory.resource import (
    UNKNOWN,
    UNSET_REASON,
    Loose,
    ModuleInstance,
    Relation,
    Resource,
    Unknown,
    first_block,
    first_unknown,
    is_unknown,
    is_unset,
    own_reason,
    values_at,
)
from archproof.inventory.source_kinds import can_hold

__all__ = [
    "UNKNOWN",
    "UNSET_REASON",
    "CollectionError",
    "Inventory",
    "Loose",
    "ModuleInstance",
    "Relation",
    "Resource",
    "Unknown",
    "first_block",
    "first_unknown",
    "is_unknown",
    "is_unset",
    "own_reason",
    "strip_indexes",
    "values_at",
]


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
        self._reverse: dict[
            tuple[str, str, tuple[str, ...]],
            tuple[dict[int, list[Resource]], dict[int, list[Resource]]],
        ] = {}
        self.memo: dict[str, Any] = {}  # inventory-wide derived facts
        self._nearest_cache: dict[
            tuple[ModuleInstance, frozenset[str]], tuple[list[Resource], bool]
        ] = {}
        for resource in resources:
            self.add(resource)

    def add(self, resource: Resource) -> None:
        self._reverse.clear()
        self.memo.clear()
        self._nearest_cache.clear()
        self._resources.append(resource)
        self._by_kind[resource.kind].append(resource)
        self._by_address[resource.address] = resource
        self._by_stripped[strip_indexes(resource.address)].append(resource)
        for ident in resource.ids:
            if isinstance(ident, str) and ident:
                self._by_id[ident].append(resource)

    def could_hold(self, kinds: Iterable[str]) -> bool:
        """Whether any of ``kinds`` is of a sort this source records (no kinds: yes)."""
        return can_hold(kinds, self.provides, self.never)

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
        A reference the plan could not follow links when exactly one resource of ``kinds``
        could be meant (see ``relation``).
        """
        return list(self.relation(resource, path, kinds, widen).targets)

    def relation(
        self, resource: Resource, path: str, kinds: Iterable[str] = (), widen: bool = False
    ) -> Relation:
        """What ``path`` points at, with candidates and the reason when a plan cannot say.

        References through locals (without the configuration) or ``each.value`` over a map
        are narrowed to the resources of ``kinds`` in the module instance they sit in: the
        one such resource there is the target; several are candidates; none there makes the
        resources of the enclosing instances candidates (never a link); none at all leaves
        the relation unresolved, naming the expression — also beside exact targets, which
        the loose part may add to.
        """
        wanted = set(kinds)
        exact = self._related(resource, path, wanted)
        at = path
        if not exact and widen and wanted and not self._references_here(resource, path):
            exact, at = self._widened(resource, path, wanted)
        loose = _loose_for(resource, at)
        if loose is None or not wanted or not is_unknown(values_at(resource, at)):
            return Relation(tuple(exact))
        found, own = self._narrowed(loose, frozenset(wanted))
        pool = [r for r in found if r not in exact]
        named = ", ".join(loose.expressions) or "a reference"
        if any(e.startswith("local.") for e in loose.expressions) and not self.scope.get(
            "configuration"
        ):
            named += "; --tf-dir lets archproof read locals from the configuration"
        if not pool:
            lead = "may also hold what" if exact else "comes from"
            return Relation(tuple(exact), (), Unknown(f"{at} {lead} {named}"))
        if len(pool) == 1 and not exact and own:
            return Relation(tuple(pool))
        listed = ", ".join(r.address for r in pool)
        lead = "may also be" if exact else ("is one of" if len(pool) > 1 else "may be")
        return Relation(
            tuple(exact),
            tuple(pool),
            Unknown(f"{at} {lead} {listed} (through {named})"),
        )

    def _references_here(self, resource: Resource, path: str) -> bool:
        """Does ``path`` itself reference something (of any kind, or loosely)? Then the
        enclosing attribute's references are not its own: widening would borrow a sibling's."""
        return bool(resource.refs.get(path)) or path in resource.loose

    def _widened(
        self, resource: Resource, path: str, wanted: set[str]
    ) -> tuple[list[Resource], str]:
        parts = path.split(".")
        while len(parts) > 1:
            parts.pop()
            if parts[-1].isdigit():
                continue
            shorter = ".".join(parts)
            found = self._related(resource, shorter, wanted)
            if found or shorter in resource.loose:
                return found, shorter
        return [], path

    def _narrowed(self, loose: Loose, wanted: frozenset[str]) -> tuple[list[Resource], bool]:
        """Candidates of ``wanted`` kinds, and whether all are the loose part's own: named
        broadly by it, or sitting in its own module instance (not a child or a parent)."""
        found: dict[int, Resource] = {}
        own = True
        for address in loose.addresses:
            target = self._by_address.get(address)
            if target is not None and target.kind in wanted:
                found.setdefault(id(target), target)
        for scope in loose.scopes:
            targets, here = self._nearest(scope, wanted)
            own = own and here
            for target in targets:
                found.setdefault(id(target), target)
        return list(found.values()), own

    def _nearest(
        self, scope: ModuleInstance, wanted: frozenset[str]
    ) -> tuple[list[Resource], bool]:
        """Resources of ``wanted`` kinds directly in a module instance; else in it and its
        children, or in the nearest enclosing instance that has any (``False``: not its own)."""
        key = (scope, wanted)
        cached = self._nearest_cache.get(key)
        if cached is None:
            pool = self.of_kind(*sorted(wanted))
            inside = _module_prefix(scope)
            direct = [
                r
                for r in pool
                if (m := inside.match(r.address)) and not r.address[m.end() :].startswith("module.")
            ]
            cached = (direct, True)
            level = scope
            while not cached[0]:
                inside = _module_prefix(level)
                cached = ([r for r in pool if inside.match(r.address)], False)
                if not level:
                    break
                level = level[:-1]
            self._nearest_cache[key] = cached
        return list(cached[0]), cached[1]

    def _related(self, resource: Resource, path: str, wanted: set[str]) -> list[Resource]:
        found: dict[int, Resource] = {}  # by identity: live addresses may repeat across kinds
        for value in _leaf_values(values_at(resource, path)):
            if isinstance(value, str):
                for target in self._by_id.get(value, ()):
                    found.setdefault(id(target), target)
        for address in resource.refs.get(path, ()):
            pointed = self._by_address.get(address)
            if pointed is not None:
                found.setdefault(id(pointed), pointed)
        return [r for r in found.values() if not wanted or r.kind in wanted]

    def referring(
        self, target: Resource, kind: str, path: str, target_kinds: Iterable[str] = ()
    ) -> list[Resource]:
        """Resources of ``kind`` whose ``path`` points at ``target`` (indexed on first use).

        ``target_kinds``: the kinds ``path`` can point at (default: the target's own), used
        to narrow references a plan could not follow.
        """
        return list(self._reverse_index(kind, path, target, target_kinds)[0].get(id(target), ()))

    def maybe_referring(
        self, target: Resource, kind: str, path: str, target_kinds: Iterable[str] = ()
    ) -> list[Resource]:
        """Resources of ``kind`` whose ``path`` may point at ``target``: it is one of several
        candidates a plan cannot tell apart."""
        return list(self._reverse_index(kind, path, target, target_kinds)[1].get(id(target), ()))

    def _reverse_index(
        self, kind: str, path: str, target: Resource, target_kinds: Iterable[str]
    ) -> tuple[dict[int, list[Resource]], dict[int, list[Resource]]]:
        kinds = tuple(sorted(set(target_kinds) or {target.kind}))
        key = (kind, path, kinds)
        index = self._reverse.get(key)
        if index is None:
            index = ({}, {})
            for resource in self.of_kind(kind):
                rel = self.relation(resource, path, kinds)
                for pointed in self._related(resource, path, set()):
                    index[0].setdefault(id(pointed), []).append(resource)
                for pointed in rel.targets:
                    bucket = index[0].setdefault(id(pointed), [])
                    if resource not in bucket:
                        bucket.append(resource)
                for maybe in rel.candidates:
                    index[1].setdefault(id(maybe), []).append(resource)
            self._reverse[key] = index
        return index

    def fact(self, name: str, resource: Resource) -> Any:
        return self._facts.get((name, id(resource)))

    def set_fact(self, name: str, resource: Resource, value: Any) -> None:
        self._facts[(name, id(resource))] = value


def _module_prefix(level: ModuleInstance) -> re.Pattern[str]:
    """Addresses inside a module instance; a key ``*`` stands for every instance."""
    parts = [
        re.escape(f"module.{name}") + (r"(\[[^\]]*\])?" if key == "*" else re.escape(key))
        for name, key in level
    ]
    return re.compile("".join(f"{part}\\." for part in parts))


def _loose_for(resource: Resource, path: str) -> Loose | None:
    """Loose references recorded at ``path``, its item-less form, or an enclosing attribute."""
    if not resource.loose:
        return None
    parts = [p for p in path.split(".") if not p.isdigit()]
    for candidate in (path, *(".".join(parts[:n]) for n in range(len(parts), 0, -1))):
        found = resource.loose.get(candidate)
        if found is not None:
            return found
    return None


def _leaf_values(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaf_values(item)
    elif value is not None:
        yield value
