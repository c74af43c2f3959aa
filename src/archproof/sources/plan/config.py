"""Plan-time relations: resolve ``configuration`` references to planned resource addresses.

Ids are unknown before apply, so a plan says "this subnet's vpc_id is aws_vpc.main.id"
only in its configuration. References are followed through module inputs (``var.x``),
module outputs (``module.net.private_subnet_ids``), ``for_each`` (``each.value``) and —
when the configuration's HCL is at hand — locals, per module instance.

What cannot be followed is kept as a *dead end* (``local.this_sg_id`` in
``module.security_group``): the inventory later narrows it to the resources of the kind
a control asks for in that module instance. What can be followed only broadly (``each.value``
over a map of settings) is kept as *broad* targets: candidates, not facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from archproof.sources.plan.address import ANY_KEY, Address, split_steps

Scope = tuple[tuple[str, str], ...]
_NOT_RESOURCES = {"count", "path", "terraform", "self"}
_MAX_DEPTH = 16


class LocalsSource(Protocol):
    def references(self, module: tuple[str, ...], name: str) -> list[str] | None: ...

    def items(self, module: tuple[str, ...], name: str) -> list[list[str]] | None: ...

    def blocks(self, module: tuple[str, ...], kind: str, name: str, block: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class DeadEnd:
    """A reference the plan does not let us follow, and the module instance it is in."""

    expression: str
    scope: Scope


@dataclass(slots=True)
class Resolution:
    exact: dict[Address, None] = field(default_factory=dict)
    broad: dict[Address, None] = field(default_factory=dict)
    dead_ends: dict[DeadEnd, None] = field(default_factory=dict)

    def add(self, other: Resolution, exact: bool = True) -> None:
        (self.exact if exact else self.broad).update(other.exact)
        self.broad.update(other.broad)
        self.dead_ends.update(other.dead_ends)


@dataclass(frozen=True, slots=True)
class Context:
    """Where an expression sits: its module instance, instance key and ``for_each``."""

    scope: Scope
    key: str = ""
    each: tuple[str, ...] = ()
    """References of the enclosing block's ``for_each`` expression (for ``each.value``)."""
    element: str = ""
    """The index the referring expression takes of the value (``var.ids[count.index]``)."""
    siblings: int = 0
    """How many instances the referring block has: an index correlates only with a
    collection of as many (``count.index + 1`` is not told apart in plan JSON)."""


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _refs_of(expression: Any) -> list[str]:
    return [r for r in _as_dict(expression).get("references") or [] if isinstance(r, str)]


class ConfigIndex:
    """Looks up configuration modules/resources and resolves references."""

    def __init__(
        self,
        configuration: Any,
        planned: Iterable[Address],
        locals_: LocalsSource | None = None,
        variables: Any = None,
    ) -> None:
        self._root = _as_dict(_as_dict(configuration).get("root_module"))
        self._locals = locals_
        self._root_values = _as_dict(variables)
        self._keyed: dict[tuple[tuple[str, ...], str], dict[str, list[Address]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for address in planned:
            part = f"{address.type}.{address.name}"
            if address.mode == "data":
                part = "data." + part
            self._keyed[(address.config_module_path, part)][address.key].append(address)
        self._config_resources: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}

    @property
    def reads_locals(self) -> bool:
        return self._locals is not None

    def written_blocks(self, address: Address, block: str) -> Any:
        """A resource's nested blocks as its HCL writes them (``HclBlock``s), when at hand."""
        if self._locals is None or address.mode != "managed":
            return None
        return self._locals.blocks(address.config_module_path, address.type, address.name, block)

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

    def is_null(self, expression: Any, scope: Scope, depth: int = 0) -> bool:
        """Does an expression only pass on a variable nobody set (``internal = var.internal``
        with ``default = null``)? Then the provider decides the attribute, as if unset."""
        refs = set(_refs_of(expression))
        if len(refs) != 1 or depth > _MAX_DEPTH or _as_dict(expression).get("constant_value"):
            return False
        steps = split_steps(next(iter(refs)))
        if len(steps) != 2 or steps[0][0] != "var":
            return False
        name = steps[1][0]
        if not scope:
            value = _as_dict(self._root_values.get(name))
            return "value" in value and value["value"] is None
        parent = scope[:-1]
        call = _as_dict(
            _as_dict(self.module(tuple(n for n, _ in parent)).get("module_calls")).get(scope[-1][0])
        )
        given = _as_dict(call.get("expressions")).get(name)
        if given is not None:
            if "constant_value" in _as_dict(given):
                return _as_dict(given)["constant_value"] is None
            return self.is_null(given, parent, depth + 1)
        declared = _as_dict(_as_dict(_as_dict(call.get("module")).get("variables")).get(name))
        return "default" in declared and declared["default"] is None

    def context_of(self, address: Address) -> Context:
        """The context of a resource's own expressions."""
        each = tuple(_refs_of(self.resource_config(address).get("for_each_expression")))
        part = f"{address.type}.{address.name}"
        if address.mode == "data":
            part = "data." + part
        by_key = self._keyed.get((address.config_module_path, part), {})
        siblings = sum(
            1 for group in by_key.values() for a in group if a.modules == address.modules
        )
        return Context(address.modules, address.key, each, siblings=siblings)

    def resolve_attribute(self, refs: list[str], context: Context) -> Resolution:
        """An attribute's references: correlated with the block's own instance key only when
        it indexes one collection (``element(concat(a, b), count.index)`` indexes none of
        them); what cannot be correlated is a candidate, not a fact."""
        correlate = correlated(refs)
        if not correlate:
            return self.resolve(refs, context, False)
        indexed = [
            r
            for r in dict.fromkeys(most_specific(refs))
            if not r.startswith(("count.", "each."))
            and self._leads_somewhere(self.resolve([r], context, False))
        ]
        if len(indexed) > 1:
            found = self.resolve(refs, context, False)
            return Resolution({}, {**found.broad, **found.exact}, found.dead_ends)
        return self.resolve(refs, context, True)

    @staticmethod
    def _leads_somewhere(found: Resolution) -> bool:
        return bool(found.exact or found.broad or found.dead_ends)

    def resolve(
        self, refs: Iterable[str], context: Context, correlate: bool = False, depth: int = 0
    ) -> Resolution:
        result = Resolution()
        for ref in most_specific([r for r in refs if isinstance(r, str)]):
            result.add(self._resolve_one(ref, context, correlate, depth))
        return result

    def _resolve_one(self, ref: str, context: Context, correlate: bool, depth: int) -> Resolution:
        if depth > _MAX_DEPTH:
            return Resolution(dead_ends={DeadEnd(ref, context.scope): None})
        steps = split_steps(ref)
        if len(steps) < 2 or steps[0][0] in _NOT_RESOURCES:
            return Resolution()
        head = steps[0][0]
        if head == "var":
            return self._variable(steps[1][0], context, correlate, depth)
        if head == "local":
            return self._local(ref, steps[1][0], context, correlate, depth)
        if head == "each":
            return self._each(ref, context, depth)
        if head == "module":
            return self._output(steps, context, depth)
        if head == "data":
            if len(steps) < 3:
                return Resolution()
            part, explicit = f"data.{steps[1][0]}.{steps[2][0]}", steps[2][1]
        else:
            part, explicit = f"{head}.{steps[1][0]}", steps[1][1]
        return Resolution(exact=dict.fromkeys(self._instances(part, explicit, context, correlate)))

    def _instances(
        self, part: str, explicit: str, context: Context, correlate: bool
    ) -> list[Address]:
        scope = context.scope
        by_key = self._keyed.get((tuple(n for n, _ in scope), part))
        if by_key is None:
            return []
        if explicit and not explicit.startswith("[count") and not explicit.startswith("[each"):
            return [a for a in by_key.get(explicit, ()) if _in_scope(a, scope)]
        every = [a for group in by_key.values() for a in group if _in_scope(a, scope)]
        if correlate and context.key and _aligned(context, len(every)):
            same = [a for a in by_key.get(context.key, ()) if _in_scope(a, scope)]
            if same:
                return same
        return every

    def _variable(self, name: str, context: Context, correlate: bool, depth: int) -> Resolution:
        """``var.x`` in a module instance: the caller's expression for ``x``."""
        scope = context.scope
        if not scope:
            return Resolution()  # a root variable holds a value, not a resource
        parent, (call, instance) = scope[:-1], scope[-1]
        module_call = _as_dict(
            _as_dict(self.module(tuple(n for n, _ in parent)).get("module_calls")).get(call)
        )
        expr = _as_dict(_as_dict(module_call.get("expressions")).get(name))
        caller = Context(
            parent,
            instance if instance != ANY_KEY else "",
            tuple(_refs_of(module_call.get("for_each_expression"))),
            context.key if correlate else "",
            context.siblings,
        )
        refs = _refs_of(expr)
        return self.resolve(refs, caller, correlated(refs), depth + 1)

    def _local(
        self, ref: str, name: str, context: Context, correlate: bool, depth: int
    ) -> Resolution:
        found = (
            self._locals.references(tuple(n for n, _ in context.scope), name)
            if self._locals is not None
            else None
        )
        if found is None:
            return Resolution(dead_ends={DeadEnd(f"local.{name}", context.scope): None})
        explicit = split_steps(ref)[1][1]
        if explicit.strip("[]").isdigit():  # local.ids[0]: that item
            picked = self._list_item(context.scope, name, explicit, None)
        else:
            element = context.element or (context.key if correlate else "")
            picked = self._list_item(context.scope, name, element, context)
        if picked is not None:  # local.ids[count.index] of a list literal: that item
            return self.resolve(picked, Context(context.scope), False, depth + 1)
        inner = self.resolve(found, Context(context.scope), False, depth + 1)
        collections = {(a.modules, a.type, a.name) for a in inner.exact}
        single = len(collections) == 1 and _aligned(context, len(inner.exact))
        if correlate and context.key and single:
            return _correlate(inner, context.key)  # local.ids (one splat)[count.index]
        if explicit.strip("[]").isdigit() or (correlate and context.key):
            # an index into something that is not a plain list: any of it, as a candidate
            return Resolution({}, {**inner.broad, **inner.exact}, inner.dead_ends)
        return inner

    def _list_item(
        self, scope: Scope, name: str, element: str, correlating: Context | None
    ) -> list[str] | None:
        """An item of a local written as a list: at a literal index, or at the referring
        block's own index when the list has as many items as the block has instances."""
        if self._locals is None or not element.strip("[]").isdigit():
            return None
        items = self._locals.items(tuple(n for n, _ in scope), name)
        if items is None or (correlating is not None and not _aligned(correlating, len(items))):
            return None
        index = int(element.strip("[]"))
        return items[index] if index < len(items) else None

    def _each(self, ref: str, context: Context, depth: int) -> Resolution:
        """``each.value`` / ``each.key``: the enclosing block's ``for_each`` collection."""
        if not context.each:
            return Resolution(dead_ends={DeadEnd(ref, context.scope): None})
        inner = self.resolve(context.each, Context(context.scope), False, depth + 1)
        if context.key and inner.exact:
            return _correlate(inner, context.key)
        return Resolution({}, {**inner.broad, **inner.exact}, inner.dead_ends)

    def _output(self, steps: list[tuple[str, str]], context: Context, depth: int) -> Resolution:
        name, index = steps[1]
        if len(steps) < 3:
            return Resolution()
        child: Scope = (*context.scope, (name, index or ANY_KEY))
        outputs = _as_dict(self.module(tuple(n for n, _ in child)).get("outputs"))
        refs = _refs_of(_as_dict(outputs.get(steps[2][0])).get("expression"))
        found = self.resolve(refs, Context(child), False, depth + 1)
        element = steps[2][1]  # module.net.private_subnet_ids[0]: one element of a splat
        if element and len({(t.type, t.name) for t in found.exact}) == 1:
            picked = [t for t in found.exact if t.key == element]
            if picked:
                found.exact = dict.fromkeys(picked)
        return found


def _aligned(context: Context, size: int) -> bool:
    """Whether the referring block has exactly as many instances as the collection."""
    return context.siblings == size


def _correlate(inner: Resolution, key: str) -> Resolution:
    """Instances keyed like the referring block are exact when one collection is named;
    otherwise every instance is only a candidate."""
    collections = {(a.modules, a.type, a.name) for a in inner.exact}
    same = [a for a in inner.exact if a.key == key]
    if len(collections) == 1 and same:
        return Resolution(dict.fromkeys(same), inner.broad, inner.dead_ends)
    return Resolution({}, {**inner.broad, **inner.exact}, inner.dead_ends)


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
