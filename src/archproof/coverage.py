"""A requirement's status from complete evidence: what was judged, what was not, and why.

A requirement passes only when every control it names was judged (on at least one subject, by a
source able to hold its kinds), every proof it names ran, and every verdict is ``pass`` or a
current ``waived``. The statuses, worst first:

- ``fail``, ``error``, ``inconclusive``: the worst verdict among what was judged;
- ``unproven``: judged in part — some named control (or a proof of the run's own kind) gave no
  verdict; the gaps name each and the source it needs;
- ``not_judged``: nothing the requirement names could be judged by the sources given;
- ``awaiting_proof``: every control judged and passed, load or failure proofs still to run;
- ``awaiting_check``: in a load or chaos run, its proofs passed; its controls are judged by
  ``archproof check``;
- ``not_provable``: the spec says why (part of) it cannot be proven yet — never a pass, even
  when the controls it also names passed;
- ``waived``, ``pass``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archproof.inventory.source_kinds import SOURCE_KINDS

if TYPE_CHECKING:  # the report reads statuses without the run's machinery
    from archproof.controls.api import ControlInfo
    from archproof.run import Run
    from archproof.spec.model import Requirement
    from archproof.verdict import VerdictRecord

UNPROVEN = "unproven"
NOT_JUDGED = "not_judged"
AWAITING_PROOF = "awaiting_proof"
AWAITING_CHECK = "awaiting_check"
NOT_PROVABLE = "not_provable"
OPEN_STATUSES = (UNPROVEN, NOT_JUDGED, AWAITING_PROOF, AWAITING_CHECK, NOT_PROVABLE)
"""Statuses that are never a pass, most telling first."""
_DECIDING = ("fail", "error", "inconclusive")


@dataclass(frozen=True, slots=True)
class Gap:
    """A control the requirement names that gave no verdict."""

    control: str
    needs: tuple[str, ...]
    """Options that give a source able to judge it (any one of them)."""
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"control": self.control, "needs": list(self.needs), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Standing:
    status: str
    gaps: tuple[Gap, ...] = ()
    proofs_pending: tuple[str, ...] = ()


def proof_ran(proof: str, judged: Iterable[str]) -> bool:
    """Whether any verdict came from ``proof`` (its records are ``<proof>/<check>``)."""
    return any(c == proof or c.startswith(proof + "/") for c in judged)


def decide(
    verdicts: Iterable[str],
    gaps: Sequence[Gap],
    proofs_pending: Sequence[str],
    proofs_missing: Sequence[str] = (),
    not_provable: str = "",
    controls_elsewhere: Sequence[str] = (),
) -> Standing:
    """The status of one requirement (see the module's docstring).

    ``proofs_pending``: proofs that did not run (judged by another command);
    ``proofs_missing``: proofs this run was to judge that gave no verdict;
    ``controls_elsewhere``: controls a proof run leaves to ``archproof check``."""
    seen = {str(v) for v in verdicts}
    pending = tuple(proofs_pending)
    for status in _DECIDING:
        if status in seen:
            return Standing(status, tuple(gaps), pending)
    if not seen:
        if not_provable:
            return Standing(NOT_PROVABLE, tuple(gaps), pending)
        if proofs_missing:
            return Standing(UNPROVEN, tuple(gaps), pending)
        if gaps or not (pending or controls_elsewhere):
            return Standing(NOT_JUDGED, tuple(gaps), pending)
        return Standing(AWAITING_PROOF if pending else AWAITING_CHECK, (), pending)
    if gaps or proofs_missing:
        return Standing(UNPROVEN, tuple(gaps), pending)
    if not_provable:
        return Standing(NOT_PROVABLE, (), pending)  # what is not provable is never passed
    if pending:
        return Standing(AWAITING_PROOF, (), pending)
    if controls_elsewhere:
        return Standing(AWAITING_CHECK, (), ())
    return Standing("waived" if "waived" in seen else "pass", (), ())


def able_options(info: ControlInfo, cloud: str = "") -> tuple[str, ...]:
    """The options giving a source this control runs on and whose kinds it could hold (of
    the spec's ``cloud``: an Azure system never needs ``--aws``)."""
    return tuple(
        kind.option
        for kind in SOURCE_KINDS
        if info.runs_on(kind.name)
        and kind.could_hold(info.evidence_kinds)
        and (not kind.cloud or not cloud or kind.cloud == cloud)
    )


def control_gaps(
    req: Requirement,
    judged: set[str],
    catalogue: Mapping[str, ControlInfo],
    given: set[str],
    selected: Any = None,
    cloud: str = "",
) -> list[Gap]:
    """Controls of ``req`` without a verdict, each with the sources that would judge it.

    ``given``: source types of the run; ``selected(control_id)``: whether the run chose it."""
    gaps: list[Gap] = []
    for use in req.controls:
        if use.id in judged:
            continue
        if selected is not None and not selected(use.id):
            gaps.append(Gap(use.id, (), "not selected (--control)"))
            continue
        info = catalogue.get(use.id)
        needs = able_options(info, cloud) if info is not None else ()
        able = {k.name for k in SOURCE_KINDS if k.option in needs}
        if able & given:
            reason = "no verdict although a source able to judge it was given"
        elif needs:
            reason = "needs " + " or ".join(needs)
        else:
            reason = "no source archproof reads can judge it"
        gaps.append(Gap(use.id, needs, reason))
    if not req.controls:  # scanner checks alone prove it: each must have judged something
        for tool, check in req.scanners.items():
            name = f"{tool}:{check.id}"
            if name not in judged:
                gaps.append(Gap(name, (f"--{tool}",), f"no finding of {name} in this run"))
    return gaps


def needs_summary(gaps: Iterable[Gap]) -> list[str]:
    """The options that would judge the gaps, each once, in the table's order."""
    wanted = {n for g in gaps for n in g.needs}
    order = [k.option for k in SOURCE_KINDS] + sorted(wanted)
    return [o for o in dict.fromkeys(order) if o in wanted]


def requirement_standing(run: Run, req: Requirement, records: Iterable[VerdictRecord]) -> Standing:
    """The requirement's status in ``run``: a check judges controls (proofs are pending), a
    proof run judges the proofs of its kind (controls and other proofs are judged elsewhere)."""
    mine = list(records)
    judged = {r.control for r in mine}
    gaps: list[Gap] = []
    elsewhere: list[str] = []
    if "controls" in run.judges:
        given = {inv.source.split(":", 1)[0] for inv in run.inventories}
        gaps = control_gaps(req, judged, run.catalogue, given, run.wanted, run.spec.cloud)
    else:
        elsewhere = [use.id for use in req.controls]
    pending = [p for p in req.proofs if not proof_ran(p, judged)]
    missing = [p for p in pending if any(p == j or p.startswith(j + "/") for j in run.judges)]
    return decide(
        (str(r.verdict) for r in mine),
        gaps,
        [p for p in pending if p not in missing],
        missing,
        req.not_provable,
        elsewhere,
    )
