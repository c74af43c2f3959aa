"""The traceability matrix: per system and environment, requirement → controls → evidence per
source → verdict; and the summaries per system and environment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from archproof.report.inputs import RunInput
from archproof.report.records import ORDER, Record, source_rank, source_type, worst

STATUS_RANK = ("not_provable", "awaiting_proof", "unproven")
"""When no verdict judged a requirement: the reason, most telling first."""


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
            into = merged.setdefault(rid, {**req, "controls": [], "proofs": [], "statuses": []})
            for name in ("controls", "proofs"):
                for item in req.get(name) or []:
                    if item not in into[name]:
                        into[name].append(item)
            into["statuses"].append(str(req.get("status", "")))
    return merged


def _cell(records: list[Record]) -> Cell:
    verdict = worst(r.verdict for r in records)
    counts = dict(Counter(r.verdict for r in records))
    bad = next((r.anchor for r in records if r.verdict == verdict and verdict != "pass"), "")
    return Cell(verdict, {v: counts[v] for v in ORDER if v in counts}, bad)


def _status(records: list[Record], statuses: list[str], not_provable: str) -> str:
    if records:
        return worst(r.verdict for r in records)
    for status in STATUS_RANK:
        if status in statuses:
            return status
    return "not_provable" if not_provable else "unproven"


def build_matrix(
    system: str, environment: str, runs: list[RunInput], records: list[Record]
) -> Matrix:
    specs = _requirement_specs(runs)
    by_req: dict[str, list[Record]] = {}
    for record in records:
        by_req.setdefault(record.requirement, []).append(record)
    for rid in by_req:
        specs.setdefault(rid, {"id": rid, "claim": "", "controls": [], "proofs": []})
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
        rows.append(
            RequirementRow(
                id=rid,
                claim=str(spec.get("claim", "")),
                section=str((document or {}).get("section", "")),
                status=_status(mine, spec.get("statuses", []), str(spec.get("not_provable", ""))),
                reason=str(spec.get("not_provable", "")),
                proofs=[str(p) for p in spec["proofs"]],
                controls=controls,
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
