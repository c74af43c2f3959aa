"""A small typed language for describing a reference estate once.

An :class:`Estate` is a set of :class:`EstateResource` blocks (Terraform resource
types and attribute names), optionally grouped into :class:`Module` calls. Values
are JSON-like trees (dicts are map attributes, lists of dicts are nested blocks)
whose leaves may be Terraform expressions:

- :class:`Ref` — a reference, written as Terraform writes it:
  ``ref("aws_vpc.main.id")``, ``ref("aws_subnet.private[count.index].id")``,
  ``ref("aws_subnet.private[*].id")``, ``ref("module.network.vpc_id")``,
  ``ref("var.azs[count.index]")``;
- :class:`Template` — a string with ``${...}`` interpolations: ``tpl("x-${var.name}")``;
- :class:`Call` — a function call: ``fn("length", ref("var.azs"))`` for ``count``,
  ``fn("concat", ref("aws_subnet.a[*].id"), ref("aws_subnet.b[*].id"))``.

Plan JSON, HCL and provisioning are all derived from this description; edits
(seeded violations) return modified copies and never change the original.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from archproof.estates.expressions import (
    Call,
    Ref,
    Step,
    Template,
    fn,
    iter_refs,
    ref,
    tpl,
)

__all__ = [
    "Call",
    "Estate",
    "EstateResource",
    "Module",
    "Output",
    "Ref",
    "Step",
    "Template",
    "fn",
    "iter_refs",
    "ref",
    "tpl",
]


@dataclass(frozen=True, slots=True)
class EstateResource:
    """One ``resource "type" "name"`` block, in the root module or in ``module``."""

    type: str
    name: str
    values: Mapping[str, Any]
    module: str = ""
    count: int | Call | None = None
    for_each: Mapping[str, Any] | None = None
    depends_on: tuple[str, ...] = ()
    unknown_after_apply: frozenset[str] = frozenset()
    """Attributes known only after apply, beyond those the provider schema marks computed."""

    @property
    def local_address(self) -> str:
        return f"{self.type}.{self.name}"

    @property
    def module_address(self) -> str:
        return f"module.{self.module}" if self.module else ""

    @property
    def address(self) -> str:
        """The address without an instance key: ``module.network.aws_subnet.private``."""
        prefix = f"{self.module_address}." if self.module else ""
        return prefix + self.local_address

    def instance_address(self, key: int | str | None) -> str:
        if key is None:
            return self.address
        return f"{self.address}[{key}]" if isinstance(key, int) else f'{self.address}["{key}"]'

    @property
    def refs(self) -> dict[str, tuple[str, ...]]:
        """Attribute path (``route.gateway_id``) → the references written there."""
        found: dict[str, tuple[str, ...]] = {}

        def walk(value: Any, path: str) -> None:
            if isinstance(value, Mapping) and not isinstance(value, Template):
                for key, item in value.items():
                    walk(item, f"{path}.{key}" if path else str(key))
            elif isinstance(value, list | tuple) and any(isinstance(i, Mapping) for i in value):
                for item in value:
                    walk(item, path)
            else:
                texts = tuple(r.text for r in iter_refs(value))
                if texts:
                    found[path] = found.get(path, ()) + texts

        walk(self.values, "")
        return found


@dataclass(frozen=True, slots=True)
class Output:
    value: Any
    description: str = ""


@dataclass(frozen=True, slots=True)
class Module:
    """A ``module "name"`` call: its inputs (root expressions) and its outputs."""

    name: str
    source: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Output]
    descriptions: Mapping[str, str] = field(default_factory=dict)
    """Input variable → description, for the module's ``variables.tf``."""


_DELETE = object()


@dataclass(frozen=True, slots=True)
class Estate:
    """A reference estate: everything one documented system runs on, described once."""

    name: str
    region: str
    resources: tuple[EstateResource, ...]
    modules: tuple[Module, ...] = ()
    outputs: Mapping[str, Output] = field(default_factory=dict)
    account_id: str = "123456789012"
    provider_version: str = "~> 5.0"

    def resource(self, address: str) -> EstateResource:
        for resource in self.resources:
            if resource.address == address:
                return resource
        raise KeyError(f"{self.name}: no resource {address}")

    def find(self, module: str, local_address: str) -> EstateResource:
        for resource in self.resources:
            if resource.module == module and resource.local_address == local_address:
                return resource
        where = f"module.{module}" if module else "the root module"
        raise KeyError(f"{self.name}: no resource {local_address} in {where}")

    def module(self, name: str) -> Module:
        for module in self.modules:
            if module.name == name:
                return module
        raise KeyError(f"{self.name}: no module {name}")

    def has(self, address: str) -> bool:
        return any(r.address == address for r in self.resources)

    # --- edits: each returns a modified copy -------------------------------------------

    def replace_resource(self, address: str, **changes: Any) -> Estate:
        self.resource(address)  # raises when absent
        return replace(
            self,
            resources=tuple(
                replace(r, **changes) if r.address == address else r for r in self.resources
            ),
        )

    def with_value(self, address: str, path: str, value: Any) -> Estate:
        """Set ``path`` (``default_action.0.type``) in a resource's values."""
        values = _set_path(self.resource(address).values, path.split("."), value)
        return self.replace_resource(address, values=values)

    def without_value(self, address: str, path: str) -> Estate:
        return self.with_value(address, path, _DELETE)

    def without(self, *addresses: str) -> Estate:
        for address in addresses:
            self.resource(address)
        kept = tuple(r for r in self.resources if r.address not in addresses)
        return replace(self, resources=kept)

    def with_input(self, module: str, name: str, value: Any) -> Estate:
        call = self.module(module)
        changed = replace(call, inputs={**call.inputs, name: value})
        modules = tuple(changed if m.name == module else m for m in self.modules)
        return replace(self, modules=modules)


def _set_path(tree: Any, path: list[str], value: Any) -> Any:
    """A deep copy of ``tree`` with ``path`` set to ``value`` (or removed for ``_DELETE``)."""
    head, rest = path[0], path[1:]
    if isinstance(tree, Mapping):
        result = {k: copy.deepcopy(v) for k, v in tree.items()}
        if not rest:
            if value is _DELETE:
                result.pop(head, None)
            else:
                result[head] = value
        else:
            result[head] = _set_path(result[head], rest, value)
        return result
    if isinstance(tree, list | tuple):
        items = [copy.deepcopy(v) for v in tree]
        index = int(head)
        if not rest:
            if value is _DELETE:
                del items[index]
            else:
                items[index] = value
        else:
            items[index] = _set_path(items[index], rest, value)
        return items
    raise KeyError(f"cannot descend into {tree!r} at {head!r}")
