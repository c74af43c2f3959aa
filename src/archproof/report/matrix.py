"""The traceability matrix: per system and environment, requirement → controls → evidence per
source → verdict; and the summaries per system and environment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from archproof.coverage import Gap, Standing, decide, proof_ran
from archproof.report.inputs import RunInput
from archproof.report.records import ORDER, Record, source_rank, source_type, worst


@dataclass(frozen=True)
class Cell:
    verdict: str
    counts: dict[str, int]
    anchor: str = ""
    """The first non-compliant finding behind the cell (a link into the findings)."""

    @property
    def label(self) -> str:
        total = sum(self.counts.values())
        bad = self.counts.get(self.verdict, 0)
        return f"{self.verdict} {bad}/{total}" if bad != total else f"{self.verdict} {total}"


@dataclass(frozen=True)
class ControlRow:
    control: str
    title: str
    severity: str
    verdict: str
    cells: dict[str, Cell]


@dataclass(frozen=True)
class RequirementRow:
    id: str
    claim: str
    section: str
    status: str
    reason: str
    proofs: list[str]
    controls: list[ControlRow]
    missing: list[str] = field(default_factory=list)
    """Controls no run judged, each with the source it needs."""
    proofs_pending: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Matrix:
    system: str
    environment: str
    document: str
    sources: list[str]
    rows: list[RequirementRow]

    @property
    def anchor(self) -> str:
        name = f"{self.system}-{self.environment}"
        return "m-" + "".join(c if c.isalnum() else "-" for c in name)


@dataclass(frozen=True)
class Summary:
    system: str
    environment: str
    counts: dict[str, int]
    requirements: dict[str, int]
    """Requirement statuses → how many."""
    sources: list[str]
    runs: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return worst(v for v, n in self.counts.items() if n)


def _requirement_specs(runs: list[RunInput]) -> dict[str, dict[str, Any]]:
    """Requirements of one system/environment as the runs listed them, first listing wins;
    controls and proofs are the union."""
    merged: dict[str, dict[str, Any]] = {}
    for run in runs:
        for req in run.data.get("requirements", []):
            if not isinstance(req, dict) or "id" not in req:
                continue
            rid = str(req["id"])
            into = merged.setdefault(rid, {**req, "controls": [], "proofs": [], "missing": []})
            for name in ("controls", "proofs", "missing"):
                for item in req.get(name) or []:
                    if item not in into[name]:
                        into[name].append(item)
    return merged


def _cell(records: list[Record]) -> Cell:
    verdict = worst(r.verdict for r in records)
    counts = dict(Counter(r.verdict for r in records))
    bad = next((r.anchor for r in records if r.verdict == verdict and verdict != "pass"), "")
    return Cell(verdict, {v: counts[v] for v in ORDER if v in counts}, bad)


def _standing(records: list[Record], spec: dict[str, Any]) -> Standing:
    """The requirement's status over every run of the report: a control no run judged leaves
    it unproven (or not judged), a proof that did not run leaves it awaiting proof."""
    judged = {r.control for r in records}
    needs: dict[str, tuple[str, ...]] = {}
    for gap in spec.get("missing") or []:
        if isinstance(gap, dict) and gap.get("control"):
            needs.setdefault(str(gap["control"]), tuple(gap.get("needs") or ()))
    gaps = [
        Gap(c, needs.get(c, ()), "needs " + " or ".join(needs[c]) if needs.get(c) else "not run")
        for c in spec["controls"]
        if c not in judged
    ]
    pending = [p for p in spec["proofs"] if not proof_ran(p, judged)]
    return decide(
        (r.verdict for r in records), gaps, pending, not_provable=str(spec.get("not_provable", ""))
    )


def build_matrix(
    system: str, environment: str, runs: list[RunInput], records: list[Record]
) -> Matrix:
    specs = _requirement_specs(runs)
    by_req: dict[str, list[Record]] = {}
    for record in records:
        by_req.setdefault(record.requirement, []).append(record)
    listed = [str(i) for run in runs for i in run.data.get("spec_requirements") or []]
    for rid in [*by_req, *listed]:  # a requirement no run listed (--requirement): not judged
        specs.setdefault(rid, {"id": rid, "claim": "", "controls": [], "proofs": [], "missing": []})
    sources = sorted({source_type(r.source) for r in records}, key=source_rank)
    rows = []
    for rid, spec in specs.items():
        mine = by_req.get(rid, [])
        order = list(spec["controls"]) + [r.control for r in mine]
        controls = []
        for control in dict.fromkeys(order):
            of_control = [r for r in mine if r.control == control]
            per_source: dict[str, list[Record]] = {}
            for record in of_control:
                per_source.setdefault(source_type(record.source), []).append(record)
            first = of_control[0] if of_control else None
            controls.append(
                ControlRow(
                    control=control,
                    title=first.title if first else "",
                    severity=first.severity if first else "",
                    verdict=worst(r.verdict for r in of_control) or "unjudged",
                    cells={s: _cell(rs) for s, rs in per_source.items()},
                )
            )
        document = spec.get("document") if isinstance(spec.get("document"), dict) else {}
        standing = _standing(mine, spec)
        rows.append(
            RequirementRow(
                id=rid,
                claim=str(spec.get("claim", "")),
                section=str((document or {}).get("section", "")),
                status=standing.status,
                reason=str(spec.get("not_provable", "")),
                proofs=[str(p) for p in spec["proofs"]],
                controls=controls,
                missing=[f"{g.control} ({g.reason})" for g in standing.gaps],
                proofs_pending=list(standing.proofs_pending),
            )
        )
    title = ""
    for spec in specs.values():
        document = spec.get("document")
        if isinstance(document, dict) and document.get("system"):
            title = str(document["system"])
            break
    return Matrix(system, environment, title, sources, rows)


def build_summary(matrix: Matrix, runs: list[RunInput], records: list[Record]) -> Summary:
    counts = Counter(r.verdict for r in records)
    statuses = Counter(row.status for row in matrix.rows)
    return Summary(
        system=matrix.system,
        environment=matrix.environment,
        counts={v: counts.get(v, 0) for v in ORDER},
        requirements=dict(sorted(statuses.items())),
        sources=matrix.sources,
        runs=[str(r.path) for r in runs],
    )
