"""What a control is written with: the ``@control`` decorator, its subject, and verdict helpers.

A control is a pytest test function in ``checks/``. The archproof plugin runs it once per
subject (a resource of the control's kinds, or the whole source for source-wide controls)
and turns its outcome into a verdict: returning is ``pass``; ``Failed``, ``Inconclusive``
and ``EvidenceMissing`` end it otherwise.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from archproof.inventory.model import Inventory, Resource, Unknown, is_unknown
from archproof.scoping import ScopeCut
from archproof.spec.model import Requirement, Spec
from archproof.verdict import Failed, Inconclusive, Passed

F = TypeVar("F", bound=Callable[..., Any])
Selector = Callable[["Subject", Resource], bool]
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class ControlInfo:
    id: str
    title: str
    kinds: tuple[str, ...]
    needs: tuple[str, ...]
    severity: str
    frameworks: Mapping[str, str]
    params: Mapping[str, Any]
    sources: tuple[str, ...]
    select: Selector | None
    function: Callable[..., Any] = field(repr=False)
    unselected: Callable[[Subject], str] | None = field(default=None, repr=False)
    """Says why nothing was selected when the source holds the kinds but none is a subject."""

    @property
    def evidence_kinds(self) -> tuple[str, ...]:
        return (*self.kinds, *self.needs)

    def runs_on(self, source: str) -> bool:
        return not self.sources or source in self.sources


def control(
    control_id: str,
    *,
    kinds: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    severity: str = "medium",
    frameworks: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    sources: tuple[str, ...] = (),
    select: Selector | None = None,
    unselected: Callable[[Subject], str] | None = None,
) -> Callable[[F], F]:
    """Mark a test function as the control ``control_id``.

    ``kinds``: resource kinds it judges one by one (empty: once per source).
    ``needs``: further kinds whose collection failures make its verdict ``error``.
    ``params``: parameter names with defaults; their types are what a spec must give.
    ``sources``: source kinds it can judge (``plan``, ``live``); empty means all.
    ``select``: which resources of ``kinds`` are subjects; ``unselected`` says why none is,
    when the source holds resources of ``kinds`` (default: the selector's docstring).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")

    def mark(function: F) -> F:
        doc = (function.__doc__ or "").strip().splitlines()
        info = ControlInfo(
            id=control_id,
            title=doc[0].strip() if doc else control_id,
            kinds=tuple(kinds),
            needs=tuple(needs),
            severity=severity,
            frameworks=dict(frameworks or {}),
            params=dict(params or {}),
            sources=tuple(sources),
            select=select,
            function=function,
            unselected=unselected,
        )
        function.__archproof_control__ = info  # type: ignore[attr-defined]
        return function

    return mark


def control_info(obj: object) -> ControlInfo | None:
    info = getattr(obj, "__archproof_control__", None)
    return info if isinstance(info, ControlInfo) else None


@dataclass(frozen=True, slots=True)
class Subject:
    """One thing a control judges: a resource (or a whole source) under one requirement."""

    control: ControlInfo
    requirement: Requirement
    spec: Spec
    environment: str
    inventory: Inventory
    resource: Resource | None
    params: Mapping[str, Any]
    special: str = ""  # "", "absent" or "error"
    note: str = ""
    scope: ScopeCut | None = None
    """The documented system's resources in this source (None: every resource)."""

    def in_scope(self, resource: Resource) -> bool:
        """Whether the resource is the documented system's (always, without a scope)."""
        return self.scope is None or self.scope.holds(resource)

    def scoped(self, *kinds: str) -> list[Resource]:
        """The source's resources of ``kinds`` that are the documented system's: what an
        estate-wide control pools (its alarms, its tiers), never another system's."""
        return [r for r in self.inventory.of_kind(*kinds) if self.in_scope(r)]

    @property
    def source(self) -> str:
        return self.inventory.source

    @property
    def address(self) -> str:
        if self.resource is not None:
            return self.resource.address
        return self.note if self.special == "error" else f"<{self.inventory.origin or self.source}>"

    @property
    def kind(self) -> str:
        return self.resource.kind if self.resource is not None else "source"

    @property
    def test_id(self) -> str:
        return f"{self.source}:{self.address}"

    def in_role(self, resource: Resource, role: str) -> bool:
        """Whether the resource is one of the system's ``role`` (another system's resource,
        outside the scope, never is — whatever its name)."""
        return self.in_scope(resource) and self._matches_role(resource, role)

    def role_members(self, role: str, kinds: tuple[str, ...] = ()) -> list[Resource]:
        """Every resource the role's selector matches, in scope or not (a role may name what
        the system must be kept apart from: the non-production VPCs)."""
        pool = self.inventory.of_kind(*kinds) if kinds else list(self.inventory)
        return [r for r in pool if self._matches_role(r, role)]

    def _matches_role(self, resource: Resource, role: str) -> bool:
        selector = self.spec.roles.get(role)
        if selector is None:
            return False
        return selector.matches(resource.kind, resource.address, resource.name, dict(resource.tags))

    def param(self, name: str) -> Any:
        return self.params[name]


def show(value: Any) -> str:
    if isinstance(value, Unknown):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    return str(value)


def describe(resource: Resource | None, subject_label: str = "") -> str:
    if resource is None:
        return subject_label
    return f"{resource.label} ({resource.kind})"


class Findings:
    """Collects problems about one subject; ``close()`` raises the verdict they add up to.

    Any failure makes the verdict ``fail``; else any unknown value makes it
    ``inconclusive``; else the control passes.
    """

    def __init__(self, resource: Resource | None, label: str = "") -> None:
        self.resource = resource
        self.label = label
        self.failures: list[str] = []
        self.unknowns: list[str] = []
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        """Something a pass should say (a service default decided a value)."""
        self.notes.append(text)

    def fail(self, what: str, seen: Any, required: str, decided_by: str | None = None) -> None:
        by = f" (unset: {decided_by})" if decided_by else ""
        self.failures.append(f"{what}={show(seen)}{by}, required {required}")

    def note_failure(self, text: str) -> None:
        self.failures.append(text)

    def unknown(self, what: str, reason: Unknown | str) -> None:
        text = reason.reason if isinstance(reason, Unknown) else reason
        self.unknowns.append(f"{what} unknown ({text})")

    def check(
        self,
        what: str,
        seen: Any,
        ok: bool | Unknown,
        required: str,
        decided_by: str | None = None,
    ) -> None:
        """Judge one value; ``decided_by`` names the service default that gave ``seen``."""
        if isinstance(ok, Unknown):
            self.unknown(what, ok)
        elif is_unknown(seen):
            self.unknown(
                what, seen if isinstance(seen, Unknown) else "part is known only after apply"
            )
        elif not ok:
            self.fail(what, seen, required, decided_by)
        elif decided_by is not None:
            self.note(f"{what}={show(seen)} (unset: {decided_by})")

    def close(self) -> None:
        where = describe(self.resource, self.label)
        if self.failures:
            raise Failed(f"{where}: " + "; ".join(self.failures))
        if self.unknowns:
            raise Inconclusive(f"{where}: " + "; ".join(self.unknowns))
        if self.notes:
            raise Passed(f"{where}: as documented; " + "; ".join(self.notes))


def expect(
    resource: Resource,
    attribute: str,
    *,
    equals: Any = ...,
    at_least: float | None = None,
    one_of: tuple[Any, ...] | None = None,
    not_empty: bool = False,
) -> Any:
    """Judge one attribute; an unknown or unrecorded value is ``inconclusive``, never ``pass``."""
    value = resource.get(attribute)
    findings = Findings(resource)
    if isinstance(value, Unknown):
        findings.unknown(attribute, value)
    elif equals is not ...:
        findings.check(attribute, value, value == equals, show(equals))
    elif at_least is not None:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= at_least
        findings.check(attribute, value, ok, f"≥ {at_least:g}")
    elif one_of is not None:
        findings.check(attribute, value, value in one_of, f"one of {list(one_of)}")
    elif not_empty:
        findings.check(attribute, value, bool(value), "set")
    findings.close()
    return value


def glob_any(patterns: list[str], *values: str) -> bool:
    return any(fnmatch.fnmatchcase(v, p) for p in patterns for v in values if v)
