"""``write_report``: collect the runs, build the report, write every artefact, compare with
the previous run and keep a snapshot for the next one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archproof.coverage import AWAITING_CHECK, AWAITING_PROOF, NOT_JUDGED, UNPROVEN
from archproof.errors import EXIT_COMPLIANT, EXIT_EVIDENCE_MISSING, EXIT_NOT_COMPLIANT
from archproof.report.history import diff, latest_snapshot, load_previous, write_snapshot
from archproof.report.inputs import read_inputs
from archproof.report.model import AuditReport, build_report
from archproof.report.ocsf import build_ocsf
from archproof.report.pdf import chromium_binary, chromium_version, print_pdf
from archproof.report.render import render_html
from archproof.report.sarif import build_sarif

HTML, PDF, SARIF, OCSF, MODEL = (
    "audit.html",
    "audit.pdf",
    "plan.sarif",
    "live.ocsf.json",
    ("report.json"),
)


@dataclass(frozen=True)
class ReportOutcome:
    out: Path
    html: Path
    pdf: Path | None
    pdf_reason: str
    """Why there is no PDF ("" when written; "not asked" with --no-pdf)."""
    sarif: Path
    ocsf: Path
    model: Path
    snapshot: Path | None
    previous: str
    counts: dict[str, int]
    exit_code: int
    """0 compliant and every artefact written; 1 any fail; 3 evidence missing or undecided,
    or the PDF asked for and not produced."""
    seconds: float
    requirements: dict[str, int] = dataclasses.field(default_factory=dict)
    """Requirement statuses over every run → how many."""

    def lines(self) -> list[str]:
        shown = "  ".join(f"{k} {v}" for k, v in self.counts.items())
        lines = [f"audit report: {self.html}", f"  verdicts: {shown}"]
        if self.requirements:
            statuses = "  ".join(f"{k} {v}" for k, v in self.requirements.items())
            lines.append(f"  requirements: {statuses}")
        if self.pdf is not None:
            lines.append(f"  pdf: {self.pdf}")
        else:
            lines.append(f"  pdf: NOT PRODUCED — {self.pdf_reason}")
        lines.append(f"  sarif (plan findings): {self.sarif}; ocsf (live findings): {self.ocsf}")
        if self.previous:
            lines.append(f"  compared with: {self.previous}")
        return lines


def _json_default(value: object) -> Any:
    if isinstance(value, Path):
        return str(value)
    return str(value)


def model_json(report: AuditReport) -> dict[str, Any]:
    data = {
        f.name: getattr(report, f.name)
        for f in dataclasses.fields(report)
        if f.name not in ("records", "findings", "mappings", "recovery_svg", "load_charts")
    }
    out: dict[str, Any] = json.loads(json.dumps(_plain(data), default=_json_default))
    out["counts"] = report.counts
    out["findings"] = [r.as_json() for r in report.findings]
    out["load_charts"] = [c.path for c in report.load_charts]
    return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def exit_code(
    counts: dict[str, int],
    pdf_missing: bool,
    statuses: Iterable[str] = (),
    require_all: bool = False,
) -> int:
    """As for check, over every run; ``statuses``: the requirements' statuses in the report."""
    if counts.get("fail"):
        return EXIT_NOT_COMPLIANT
    if not sum(counts.values()) or counts.get("error") or counts.get("inconclusive"):
        return EXIT_EVIDENCE_MISSING
    open_statuses = set(statuses)
    every = {UNPROVEN, NOT_JUDGED, AWAITING_PROOF, AWAITING_CHECK}
    incomplete = every if require_all else {UNPROVEN}
    if open_statuses & incomplete:
        return EXIT_EVIDENCE_MISSING
    return EXIT_EVIDENCE_MISSING if pdf_missing else EXIT_COMPLIANT


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=1, default=_json_default) + "\n", encoding="utf-8")
    return path


def write_report(
    inputs: list[Path],
    out: Path,
    previous: Path | None,
    *,
    pdf: bool = True,
    keep_history: bool = True,
    now: dt.datetime | None = None,
    require_all: bool = False,
) -> ReportOutcome:
    """Collect every results.json under ``inputs`` and write ``out``/audit.html (+ audit.pdf,
    plan.sarif, live.ocsf.json, report.json, history/<time>.json). ``previous``: a snapshot,
    results.json or folder to compare with; None: the latest snapshot in ``out``/history.

    Raises ReportInputError (exit 2) when an input cannot be read."""
    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    runs, skipped = read_inputs(inputs)
    out.mkdir(parents=True, exist_ok=True)
    binary = chromium_binary() if pdf else None
    report = build_report(
        runs, now, [str(s) for s in skipped], chromium_version(binary) if binary else ""
    )
    history = out / "history"
    before = previous if previous is not None else latest_snapshot(history)
    if before is not None:
        old, when = load_previous(before)
        report.diff = diff(old, report.records, str(before), when)
    html = out / HTML
    html.write_text(render_html(report), encoding="utf-8")
    _write_json(out / MODEL, model_json(report))
    sarif = _write_json(out / SARIF, build_sarif(report.records, runs, report.mappings, Path.cwd()))
    ocsf = _write_json(out / OCSF, build_ocsf(report.records, runs, report.mappings, now))
    snapshot = write_snapshot(history, report.records, now) if keep_history else None
    pdf_path: Path | None = None
    reason = "not asked for (--no-pdf)"
    if pdf:
        printed = print_pdf(html, out / PDF)
        pdf_path, reason = printed.path, printed.reason
    else:
        (out / PDF).unlink(missing_ok=True)
    counts = report.counts
    statuses = Counter(row.status for m in report.matrices for row in m.rows)
    return ReportOutcome(
        out=out,
        html=html,
        pdf=pdf_path,
        pdf_reason=reason if pdf_path is None else "",
        sarif=sarif,
        ocsf=ocsf,
        model=out / MODEL,
        snapshot=snapshot,
        previous=str(before) if before is not None else "",
        counts=counts,
        exit_code=exit_code(
            counts,
            pdf and pdf_path is None,
            statuses,
            require_all,
        ),
        requirements=dict(sorted(statuses.items())),
        seconds=round(time.monotonic() - started, 2),
    )
