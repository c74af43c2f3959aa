"""Evaluate an estate: expand ``count``/``for_each``, order by dependencies, resolve references.

The plan renderer and the provisioner share this walk. They differ only in what a
resource attribute is once its resource has been handled: the plan records its
planned values (unknown where Terraform cannot know them yet), the provisioner
records what the cloud returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import Any

from archproof.errors import ArchproofError
from archproof.estates.model import Call, Estate, EstateResource, Ref, Step, Template, iter_refs


class EstateError(ArchproofError):
    """An estate description that cannot be evaluated (bad reference, cycle, …)."""


class _Unknown:
    """A value Terraform knows only after apply."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(known after apply)"


UNKNOWN: Any = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


@dataclass(frozen=True, slots=True)
class Scope:
    module: str = ""
    key: int | str | None = None
    each_value: Any = None


@dataclass(frozen=True, slots=True)
class Instance:
    """One instance of a resource (``aws_subnet.private[1]``) with its evaluated values."""

    resource: EstateResource
    key: int | str | None
    values: dict[str, Any]

    @property
    def address(self) -> str:
        return self.resource.instance_address(self.key)


Missing = Callable[[str, str], Any]


class Evaluator:
    """Walks an estate's instances in dependency order.

    ``missing(address, attribute)`` answers for an attribute that was not recorded
    for a handled instance (the plan says "unknown", the provisioner raises).
    """

    def __init__(self, estate: Estate, missing: Missing) -> None:
        self.estate = estate
        self._missing = missing
        self._attributes: dict[str, Mapping[str, Any]] = {}
        self._keys: dict[str, list[int | str | None]] = {}

    # --- walking ------------------------------------------------------------------------

    def walk(self) -> Iterator[Instance]:
        """Instances in dependency order; call :meth:`record` for each before the next."""
        for resource in self.ordered():
            keys = self.keys(resource)
            self._keys[resource.address] = keys
            each = resource.for_each or {}
            for key in keys:
                scope = Scope(resource.module, key, each.get(key) if isinstance(key, str) else None)
                values = self.evaluate(resource.values, scope)
                yield Instance(resource, key, values)
                address = resource.instance_address(key)
                if address not in self._attributes:
                    raise EstateError(f"{address} was walked but not recorded")

    def record(self, address: str, attributes: Mapping[str, Any]) -> None:
        self._attributes[address] = attributes

    def keys(self, resource: EstateResource) -> list[int | str | None]:
        if resource.for_each is not None:
            return [*sorted(resource.for_each)]
        if resource.count is None:
            return [None]
        count = self.evaluate(resource.count, Scope(module=resource.module))
        if not isinstance(count, int) or isinstance(count, bool):
            raise EstateError(f"{resource.address}: count must be known before apply")
        return list(range(count))

    def ordered(self) -> list[EstateResource]:
        """Resources in dependency order (stable: estate order breaks ties)."""
        by_address = {r.address: r for r in self.estate.resources}
        sorter: TopologicalSorter[str] = TopologicalSorter()
        for resource in self.estate.resources:
            sorter.add(resource.address, *sorted(self.dependencies(resource)))
        try:
            order = list(sorter.static_order())
        except CycleError as error:
            raise EstateError(f"{self.estate.name}: dependency cycle {error.args[1]}") from error
        return [by_address[a] for a in order]

    def dependencies(self, resource: EstateResource) -> set[str]:
        refs = list(iter_refs([resource.values, resource.count, resource.for_each]))
        found: set[str] = set()
        for reference in refs:
            try:
                found |= self._targets(reference, resource.module)
            except KeyError as error:
                where = f"{resource.address}: {reference.text}"
                raise EstateError(f"{where}: {error.args[0]}") from error
        prefix = f"module.{resource.module}." if resource.module else ""
        found |= {prefix + d for d in resource.depends_on}
        found.discard(resource.address)
        return found

    def _targets(self, reference: Ref, module: str) -> set[str]:
        """Resource addresses (without keys) a reference depends on."""
        (root, _steps), kind = reference.parse(), reference.kind
        if kind == "resource":
            return {self.estate.find(module, ".".join(root)).address}
        if kind == "module":
            call = self.estate.module(root[1])
            if root[2] not in call.outputs:
                raise EstateError(f"module {root[1]} has no output {root[2]}")
            return {
                t for r in iter_refs(call.outputs[root[2]].value) for t in self._targets(r, root[1])
            }
        if kind == "var":
            if not module:
                raise EstateError(f"{reference.text}: root variables are not supported")
            value = self._input(module, root[1])
            return {t for r in iter_refs(value) for t in self._targets(r, "")}
        return set()

    # --- evaluation ---------------------------------------------------------------------

    def evaluate(self, value: Any, scope: Scope) -> Any:
        if isinstance(value, Ref):
            return self.resolve(value, scope)
        if isinstance(value, Template):
            parts = [self.resolve(p, scope) if isinstance(p, Ref) else p for p in value.parts]
            if any(p is UNKNOWN for p in parts):
                return UNKNOWN
            return "".join(_text(p) for p in parts)
        if isinstance(value, Call):
            args = [self.evaluate(a, scope) for a in value.args]
            if any(a is UNKNOWN for a in args):
                return UNKNOWN
            if value.function == "length":
                return len(args[0])
            return [item for arg in args for item in arg]  # concat
        if isinstance(value, Mapping):
            return {k: self.evaluate(v, scope) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.evaluate(v, scope) for v in value]
        return value

    def resolve(self, reference: Ref, scope: Scope) -> Any:
        root, steps = reference.parse()
        kind = reference.kind
        if kind == "count":
            return scope.key
        if kind == "each":
            base = scope.key if root[1] == "key" else scope.each_value
            return self._follow(base, steps, scope)
        if kind == "var":
            value = self.evaluate(self._input(scope.module, root[1]), Scope())
            return self._follow(value, steps, scope)
        if kind == "module":
            call = self.estate.module(root[1])
            if root[2] not in call.outputs:
                raise EstateError(f"module {root[1]} has no output {root[2]}")
            value = self.evaluate(call.outputs[root[2]].value, Scope(module=root[1]))
            return self._follow(value, steps, scope)
        return self._resource(reference, scope, steps)

    def output(self, module: str, name: str) -> Any:
        outputs = self.estate.module(module).outputs if module else self.estate.outputs
        return self.evaluate(outputs[name].value, Scope(module=module))

    def _resource(self, reference: Ref, scope: Scope, steps: tuple[Step, ...]) -> Any:
        resource = self.estate.find(scope.module, ".".join(reference.parse()[0]))
        keys = self._keys.get(resource.address)
        if keys is None:
            raise EstateError(f"{reference.text} read before {resource.address} was handled")
        first = steps[0] if steps else None
        if first is not None and first[0] == "splat":
            return [self._follow(self._attrs(resource, k), steps[1:], scope) for k in keys]
        if first is not None and first[0] in {"key", "dyn"}:
            key = scope.key if first[0] == "dyn" else first[1]
            if key not in keys:
                raise EstateError(f"{reference.text}: {resource.address} has no instance {key!r}")
            return self._follow(self._attrs(resource, key), steps[1:], scope)
        if keys != [None]:
            raise EstateError(f"{reference.text}: {resource.address} has several instances")
        return self._follow(self._attrs(resource, None), steps, scope)

    def _attrs(self, resource: EstateResource, key: int | str | None) -> _Attributes:
        address = resource.instance_address(key)
        return _Attributes(address, self._attributes[address], self._missing)

    def _follow(self, value: Any, steps: tuple[Step, ...], scope: Scope) -> Any:
        for kind, step in steps:
            if value is UNKNOWN:
                return UNKNOWN
            if isinstance(value, _Attributes):
                value = value.get(str(step))
                continue
            if kind == "dyn":  # [count.index] or [each.key]
                step = scope.key  # type: ignore[assignment]
            if kind == "splat":
                raise EstateError("a splat is only supported right after a resource")
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError) as error:
                raise EstateError(f"cannot read {step!r} from {value!r}") from error
        if isinstance(value, _Attributes):
            raise EstateError(f"{value.address}: a reference must name an attribute")
        return value

    def _input(self, module: str, name: str) -> Any:
        call = self.estate.module(module)
        if name not in call.inputs:
            raise EstateError(f"module {module} has no input {name}")
        return call.inputs[name]


@dataclass(frozen=True, slots=True)
class _Attributes:
    address: str
    values: Mapping[str, Any]
    missing: Missing

    def get(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return self.missing(self.address, name)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
