"""``results.json``: the machine contract users' CI parses. Extend it; never break it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archproof import __version__
from archproof.coverage import (
    AWAITING_PROOF,
    NOT_JUDGED,
    UNPROVEN,
    Gap,
    needs_summary,
    requirement_standing,
)
from archproof.errors import EXIT_COMPLIANT, EXIT_EVIDENCE_MISSING, EXIT_NOT_COMPLIANT
from archproof.inventory.model import Inventory
from archproof.run import Run
from archproof.spec.model import Requirement
from archproof.verdict import Verdict, VerdictRecord

SCHEMA_VERSION = 1
_ORDER = [Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.WAIVED, Verdict.PASS]


def exit_code_for(
    records: list[VerdictRecord], statuses: Iterable[str] = (), require_all: bool = False
) -> int:
    """0 compliant; 1 any fail; else 3 when evidence is missing or undecided (or no verdict),
    when a requirement was judged only in part (``unproven``), and with ``require_all`` when a
    requirement could not be judged at all (``not_judged``)."""
    verdicts = {r.verdict for r in records}
    if Verdict.FAIL in verdicts:
        return EXIT_NOT_COMPLIANT
    if not records or verdicts & {Verdict.ERROR, Verdict.INCONCLUSIVE}:
        return EXIT_EVIDENCE_MISSING
    open_statuses = set(statuses)
    if UNPROVEN in open_statuses or (require_all and NOT_JUDGED in open_statuses):
        return EXIT_EVIDENCE_MISSING
    return EXIT_COMPLIANT


def worst(verdicts: list[Verdict]) -> Verdict | None:
    for verdict in _ORDER:
        if verdict in verdicts:
            return verdict
    return None


def all_records(run: Run) -> list[VerdictRecord]:
    return list(run.records)


def requirement_status(run: Run, req: Requirement, records: list[VerdictRecord]) -> str:
    """The requirement's status from complete evidence (:mod:`archproof.coverage`)."""
    return requirement_standing(run, req, records).status


def _requirement_entry(run: Run, req: Requirement, mine: list[VerdictRecord]) -> dict[str, Any]:
    standing = requirement_standing(run, req, mine)
    return {
        "id": req.id,
        "claim": req.claim,
        "document": {"system": req.source.system, "section": req.source.section},
        "controls": [use.id for use in req.controls],
        "scanner_checks": [f"{tool}:{check.id}" for tool, check in req.scanners.items()],
        "proofs": req.proofs,
        "status": standing.status,
        "not_provable": req.not_provable,
        "counts": dict(Counter(str(r.verdict) for r in mine)),
        "missing": [gap.as_json() for gap in standing.gaps],
        "proofs_pending": list(standing.proofs_pending),
    }


def _coverage(requirements: list[dict[str, Any]]) -> dict[str, Any]:
    """How much of the spec this run judged, and what the rest needs."""
    statuses = Counter(str(r["status"]) for r in requirements)
    unjudged = [r for r in requirements if r["status"] in (NOT_JUDGED, UNPROVEN)]
    needs = needs_summary(
        Gap(str(m["control"]), tuple(m["needs"]), str(m["reason"]))
        for r in unjudged
        for m in r["missing"]
    )
    return {
        "requirements": len(requirements),
        "statuses": dict(sorted(statuses.items())),
        "not_judged": [r["id"] for r in requirements if r["status"] == NOT_JUDGED],
        "unproven": [r["id"] for r in requirements if r["status"] == UNPROVEN],
        "awaiting_proof": [r["id"] for r in requirements if r["status"] == AWAITING_PROOF],
        "needs": needs,
    }


def _system_scope(run: Run, inv: Inventory) -> dict[str, Any] | None:
    """Which of the source's resources were judged as the system's (None: no scope, all)."""
    found = run.scope_cut(inv)
    return found.as_json() if found is not None else None


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except OSError:
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def build_results(run: Run, scanners: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``scanners``: one entry per scanner run (``ScanOutcome.as_json()``): tool, version,
    input, ran/failed/reason, counts and the failed findings no requirement maps."""
    records = all_records(run)
    by_requirement: dict[str, list[VerdictRecord]] = {}
    for record in records:
        by_requirement.setdefault(record.requirement, []).append(record)
    requirements = [
        _requirement_entry(run, req, by_requirement.get(req.id, [])) for req in run.requirements()
    ]
    counts = Counter(str(r.verdict) for r in records)
    code = exit_code_for(records, (str(r["status"]) for r in requirements), run.require_all)
    return {
        "archproof_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "system": run.spec.system,
        "environment": run.environment,
        "spec": run.spec_path,
        "started": run.started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": os.environ.get("GITHUB_SHA") or _git_commit(),
        "sources": [
            {
                "name": inv.source,
                "origin": inv.origin,
                "resources": len(inv),
                "scope": {k: v for k, v in inv.scope.items() if k != "deleted"},
                "system_scope": _system_scope(run, inv),
                "errors": [
                    {
                        "service": e.service,
                        "region": e.region,
                        "call": e.call,
                        "message": e.message,
                        "kinds": list(e.kinds),
                    }
                    for e in inv.errors
                ],
            }
            for inv in run.inventories
        ],
        "summary": {str(v): counts.get(str(v), 0) for v in Verdict},
        "compliant": code == EXIT_COMPLIANT,
        "exit_code": code,
        "judges": list(run.judges),
        "spec_requirements": [
            req.id
            for req in run.spec.requirements
            if not req.environments or run.environment in req.environments
        ],
        "require_all": run.require_all,
        "coverage": _coverage(requirements),
        "requirements": requirements,
        "waivers": run.waivers.report(
            run.environment, {c for c in run.control_ids() if run.wanted(c)}
        ),
        "results": [r.as_json() for r in records],
        "scanners": scanners or [],
    }


def write_results(
    run: Run, path: Path, scanners: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    data = build_results(run, scanners)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return data
