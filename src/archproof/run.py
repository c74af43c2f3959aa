"""One archproof run: spec + environment + inventories → subjects for controls, and verdicts."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from archproof.controls.api import ControlInfo, Subject
from archproof.inventory.model import Inventory, Resource
from archproof.scoping import ScopeCut, cut
from archproof.spec.model import Requirement, Spec
from archproof.verdict import Verdict, VerdictRecord
from archproof.waivers import WaiverLedger


def source_type(source: str) -> str:
    return source.split(":", 1)[0]


@dataclass
class Run:
    spec: Spec
    environment: str
    inventories: list[Inventory]
    spec_path: str = ""
    only_controls: tuple[str, ...] = ()
    only_requirements: tuple[str, ...] = ()
    today: dt.date = field(default_factory=dt.date.today)
    group_above: int = 500
    """Controls with more subjects than this judge them in one pytest test per requirement."""
    catalogue: Mapping[str, ControlInfo] = field(default_factory=dict)
    """Every control known to the run (to name the sources a control that did not run needs)."""
    judges: tuple[str, ...] = ("controls",)
    """What this run judges: ``controls`` (a check), or proofs: a kind (``load``) or named
    proofs (``chaos/zone-loss``)."""
    require_all: bool = False
    """A requirement no given source could judge makes the run's evidence incomplete (exit 3)."""
    records: list[VerdictRecord] = field(default_factory=list)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    _cuts: dict[int, ScopeCut | None] = field(default_factory=dict, repr=False)
    waivers: WaiverLedger = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.waivers = WaiverLedger(list(self.spec.waivers))

    def scope_cut(self, inventory: Inventory) -> ScopeCut | None:
        """The documented system's resources in ``inventory`` (None: no scope, all of them)."""
        key = id(inventory)
        if key not in self._cuts:
            self._cuts[key] = cut(inventory, self.spec.scope_for(self.environment))
        return self._cuts[key]

    def requirements(self) -> list[Requirement]:
        chosen = []
        for req in self.spec.requirements:
            if req.environments and self.environment not in req.environments:
                continue
            if self.only_requirements and not any(
                fnmatch.fnmatchcase(req.id, p) for p in self.only_requirements
            ):
                continue
            chosen.append(req)
        return chosen

    def wanted(self, control_id: str) -> bool:
        return not self.only_controls or any(
            fnmatch.fnmatchcase(control_id, p) for p in self.only_controls
        )

    def control_ids(self) -> set[str]:
        return {use.id for req in self.requirements() for use in req.controls}

    def subjects_for(self, info: ControlInfo) -> list[Subject]:
        if not self.wanted(info.id):
            return []
        subjects: list[Subject] = []
        for req in self.requirements():
            for use in req.controls:
                if use.id != info.id:
                    continue
                params: dict[str, Any] = dict(info.params)
                params.update(
                    {
                        k: v
                        for k, v in self.spec.params_for(req, use, self.environment).items()
                        if k in info.params
                    }
                )
                for inventory in self.inventories:
                    if info.runs_on(source_type(inventory.source)) and inventory.could_hold(
                        info.evidence_kinds
                    ):
                        subjects.extend(self._subjects(info, req, use.absent, params, inventory))
        return subjects

    def _subjects(
        self,
        info: ControlInfo,
        req: Requirement,
        absent: str,
        params: dict[str, Any],
        inv: Inventory,
    ) -> Iterable[Subject]:
        scope = self.scope_cut(inv)

        def subject(resource: Resource | None = None, special: str = "", note: str = "") -> Subject:
            return Subject(
                info, req, self.spec, self.environment, inv, resource, params, special, note, scope
            )

        base = subject()
        if scope is not None and not scope.judged:
            note = (
                f"the scope {scope.scope.describe()} matches no resource of {inv.source}"
                f" ({scope.total} there): nothing here is {self.spec.system}'s to judge"
            )
            yield subject(None, "absent:inconclusive", note)
            return
        errors = inv.errors_for(info.evidence_kinds)
        for error in errors:
            yield subject(None, "error", error.describe())
        if not info.kinds:
            if not errors:  # a listing that failed is no evidence of absence: error, never fail
                yield base
            return
        resources: list[Resource] = []
        outside = 0
        for resource in inv.of_kind(*info.kinds):
            if scope is not None and not scope.holds(resource):
                outside += 1
                continue
            try:
                chosen = info.select is None or info.select(base, resource)
            except Exception as exc:  # a selector that crashes could not judge: error
                note = (
                    f"{resource.address}: the control could not judge whether it applies:"
                    f" {type(exc).__name__}: {exc}"
                )
                yield subject(None, "error", note)
                continue
            if chosen:
                resources.append(resource)
        for resource in resources:
            yield subject(resource)
        if not resources and not errors:
            yield subject(None, "absent:" + absent, self._absent_note(info, base, outside))

    def _absent_note(self, info: ControlInfo, base: Subject, outside: int) -> str:
        inv = base.inventory
        kinds = ", ".join(info.kinds)
        collected = inv.scope.get("services")
        where = f" (services collected: {', '.join(collected)})" if collected else ""
        note = f"no {kinds} in {inv.source}{where}: nothing here proves the requirement"
        present = len(inv.of_kind(*info.kinds)) - outside
        if present:
            note = (
                f"{present} {kinds} in {inv.source}, none a subject of this control"
                f" ({_why_none(info, base)}): nothing here proves the requirement"
            )
        elif outside and base.scope is not None:
            note = (
                f"no {kinds} of {self.spec.system} in {inv.source} ({outside} outside its scope"
                f" {base.scope.scope.describe()}): nothing here proves the requirement"
            )
        return note

    def judge(self, subject: Subject, verdict: Verdict, message: str) -> VerdictRecord:
        """Apply waivers and record the verdict of one subject."""
        evidence: dict[str, object] = {}
        waiver = self.waivers.find(subject, self.environment)
        if verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE) and waiver is not None:
            self.waivers.applied_to(waiver)
            evidence["waiver"] = waiver.model_dump(mode="json")
            if waiver.expired(self.today):
                verdict = Verdict.FAIL
                message = (
                    f"waiver by {waiver.owner} expired on {waiver.expires}"
                    f" ({waiver.reason}); {message}"
                )
            else:
                verdict = Verdict.WAIVED
                message = (
                    f"waived until {waiver.expires} by {waiver.owner}: {waiver.reason}; {message}"
                )
        record = VerdictRecord(
            control=subject.control.id,
            requirement=subject.requirement.id,
            system=self.spec.system,
            environment=self.environment,
            source=subject.source,
            resource=subject.address,
            kind=subject.kind,
            verdict=verdict,
            message=f"{message} ({self.spec.system} {subject.requirement.id})",
            title=subject.control.title,
            severity=subject.control.severity,
            evidence=evidence,
        )
        self.records.append(record)
        return record


def _why_none(info: ControlInfo, base: Subject) -> str:
    if info.unselected is not None:
        try:
            return info.unselected(base)
        except Exception as exc:  # the explanation is a courtesy: never a crash
            return f"(no explanation: {type(exc).__name__})"
    doc = (getattr(info.select, "__doc__", None) or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else "its selection leaves every one out"
