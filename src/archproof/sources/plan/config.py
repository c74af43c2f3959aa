"""Plan-time relations: resolve ``configuration`` references to planned resource addresses.

Ids are unknown before apply, so a plan says "this subnet's vpc_id is aws_vpc.main.id"
only in its configuration. References are followed through module inputs (``var.x``)
and module outputs (``module.net.private_subnet_ids``), per module instance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from archproof.sources.plan.address import ANY_KEY, Address, split_steps

Scope = tuple[tuple[str, str], ...]
_NOT_RESOURCES = {"local", "count", "each", "path", "terraform", "self"}
_MAX_DEPTH = 12


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class ConfigIndex:
    """Looks up configuration modules/resources and resolves references."""

    def __init__(self, configuration: Any, planned: Iterable[Address]) -> None:
        self._root = _as_dict(_as_dict(configuration).get("root_module"))
        self._keyed: dict[tuple[tuple[str, ...], str], dict[str, list[Address]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for address in planned:
            part = f"{address.type}.{address.name}"
            if address.mode == "data":
                part = "data." + part
            self._keyed[(address.config_module_path, part)][address.key].append(address)
        self._config_resources: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}

    def module(self, path: tuple[str, ...]) -> dict[str, Any]:
        node = self._root
        for name in path:
            call = _as_dict(_as_dict(node.get("module_calls")).get(name))
            node = _as_dict(call.get("module"))
        return node

    def resource_config(self, address: Address) -> dict[str, Any]:
        path = address.config_module_path
        if path not in self._config_resources:
            table: dict[str, dict[str, Any]] = {}
            for item in self.module(path).get("resources") or []:
                if isinstance(item, dict) and isinstance(item.get("address"), str):
                    table[item["address"]] = item
            self._config_resources[path] = table
        part = f"{address.type}.{address.name}"
        if address.mode == "data":
            part = "data." + part
        return self._config_resources[path].get(part, {})

    def resolve(
        self,
        refs: Iterable[str],
        scope: Scope,
        key: str = "",
        correlate: bool = False,
        depth: int = 0,
    ) -> list[Address]:
        found: dict[Address, None] = {}
        for ref in most_specific([r for r in refs if isinstance(r, str)]):
            for target in self._resolve_one(ref, scope, key, correlate, depth):
                found[target] = None
        return list(found)

    def _resolve_one(
        self, ref: str, scope: Scope, key: str, correlate: bool, depth: int
    ) -> list[Address]:
        if depth > _MAX_DEPTH:
            return []
        steps = split_steps(ref)
        if len(steps) < 2 or steps[0][0] in _NOT_RESOURCES:
            return []
        head = steps[0][0]
        if head == "var":
            if not scope:
                return []
            parent, call = scope[:-1], scope[-1][0]
            module_call = _as_dict(
                _as_dict(self.module(tuple(n for n, _ in parent)).get("module_calls")).get(call)
            )
            expr = _as_dict(_as_dict(module_call.get("expressions")).get(steps[1][0]))
            return self.resolve(expr.get("references") or [], parent, "", False, depth + 1)
        if head == "module":
            name, index = steps[1]
            if len(steps) < 3:
                return []
            child: Scope = (*scope, (name, index or ANY_KEY))
            outputs = _as_dict(self.module(tuple(n for n, _ in child)).get("outputs"))
            expr = _as_dict(_as_dict(outputs.get(steps[2][0])).get("expression"))
            targets = self.resolve(expr.get("references") or [], child, "", False, depth + 1)
            element = steps[2][1]  # module.net.private_subnet_ids[0]: one element of a splat
            if element and len({(t.type, t.name) for t in targets}) == 1:
                picked = [t for t in targets if t.key == element]
                return picked or targets
            return targets
        if head == "data":
            if len(steps) < 3:
                return []
            part, explicit = f"data.{steps[1][0]}.{steps[2][0]}", steps[2][1]
        else:
            part, explicit = f"{head}.{steps[1][0]}", steps[1][1]
        by_key = self._keyed.get((tuple(n for n, _ in scope), part))
        if by_key is None:
            return []
        if explicit and not explicit.startswith("[count") and not explicit.startswith("[each"):
            return [a for a in by_key.get(explicit, ()) if _in_scope(a, scope)]
        if correlate and key:
            same = [a for a in by_key.get(key, ()) if _in_scope(a, scope)]
            if same:
                return same
        return [a for group in by_key.values() for a in group if _in_scope(a, scope)]


def _in_scope(address: Address, scope: Scope) -> bool:
    if len(address.modules) != len(scope):
        return False
    return all(
        name == want_name and (want_key in (ANY_KEY, key))
        for (name, key), (want_name, want_key) in zip(address.modules, scope, strict=True)
    )


def is_expression(node: Any) -> bool:
    return isinstance(node, dict) and bool(node) and set(node) <= {"references", "constant_value"}


def walk_expressions(
    expressions: Any, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Yield (path, expression) for every leaf expression; block items get their index."""
    if not isinstance(expressions, dict):
        return
    for attr, node in expressions.items():
        path = (*prefix, attr)
        if is_expression(node):
            yield path, node
        elif isinstance(node, list):
            for position, item in enumerate(node):
                yield from walk_expressions(item, (*path, str(position)))
        elif isinstance(node, dict):
            yield from walk_expressions(node, (*path, "0"))


def correlated(refs: list[str]) -> bool:
    return any(r in ("count.index", "each.key", "each.value") for r in refs)


def most_specific(refs: list[str]) -> list[str]:
    """Terraform also lists shorter traversals (``aws_subnet.a[0]``, ``aws_subnet.a``); keep
    only the longest, so an indexed reference does not widen to every instance."""
    return [
        ref
        for ref in refs
        if not any(other != ref and other.startswith((ref + ".", ref + "[")) for other in refs)
    ]
