"""``archproof check``: prepare the run, let pytest judge every control, write the reports."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from archproof.controls.catalogue import checks_dirs
from archproof.coverage import (
    AWAITING_CHECK,
    AWAITING_PROOF,
    NOT_JUDGED,
    NOT_PROVABLE,
    OPEN_STATUSES,
    UNPROVEN,
    Gap,
    needs_summary,
)
from archproof.errors import EXIT_BAD_INPUT, UsageError
from archproof.plugin import RunProvider
from archproof.results import build_results, write_results
from archproof.run import Run
from archproof.scanners import ScanOutcome, ScanRequest, scan_for_run
from archproof.session import SourceRequest, prepare_run
from archproof.waivers import unmatched_lines

PYTEST_INI = Path(__file__).with_name("checks.ini")


@dataclass(frozen=True)
class CheckRequest:
    spec_path: str
    environment: str | None = None
    sources: SourceRequest = field(default_factory=SourceRequest)
    only_controls: tuple[str, ...] = ()
    only_requirements: tuple[str, ...] = ()
    extra_checks: list[str] = field(default_factory=list)
    reports: Path = Path("reports")
    today: dt.date | None = None
    quiet: bool = False
    pytest_output: bool = True
    group_above: int = 500
    require_all: bool = False
    """A requirement no given source could judge makes the evidence incomplete (exit 3)."""
    scanners: ScanRequest = field(default_factory=ScanRequest)


@dataclass(frozen=True)
class CheckOutcome:
    run: Run
    exit_code: int
    results: dict[str, object]
    scans: ScanOutcome = field(default_factory=ScanOutcome)


def run_check(request: CheckRequest) -> CheckOutcome:
    run = prepare_run(
        spec_path=request.spec_path,
        environment=request.environment,
        sources=request.sources,
        only_controls=request.only_controls,
        only_requirements=request.only_requirements,
        extra_checks=request.extra_checks,
        today=request.today,
        require_all=request.require_all,
    )
    run.group_above = request.group_above
    scans = scan_for_run(run, request.scanners, request.sources)
    return judge(run, request, scans)


def judge(run: Run, request: CheckRequest, scans: ScanOutcome | None = None) -> CheckOutcome:
    """Run the controls of an already prepared run through pytest and write the reports;
    the scanners' verdicts (``scans``) join the controls' before the results are written."""
    reports = request.reports
    reports.mkdir(parents=True, exist_ok=True)
    args = [
        *(str(d) for d in checks_dirs(request.extra_checks)),
        "-c",
        str(PYTEST_INI),
        "--rootdir",
        str(checks_dirs()[0].parent),
        "-p",
        "no:cacheprovider",
        "--import-mode=importlib",
        "-q",
        "--no-header",
        "-rN",
        "--tb=no",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "--capture=no",
        "-p",
        "no:logging",
        f"--junitxml={reports / 'junit.xml'}",
        "-o",
        "junit_suite_name=archproof",
        f"--html={reports / 'checks.html'}",
        "--self-contained-html",
    ]
    sink = io.StringIO()
    if request.quiet or not request.pytest_output:
        with redirect_stdout(sink):
            code = pytest.main(args, plugins=[RunProvider(run)])
    else:
        code = pytest.main(args, plugins=[RunProvider(run)])
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        detail = sink.getvalue().strip().splitlines()
        raise UsageError(detail[-1] if detail else f"pytest stopped with exit code {int(code)}")
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    scans = scans if scans is not None else ScanOutcome()
    run.records.extend(scans.records)
    results = write_results(run, reports / "results.json", scans.as_json())
    exit_code = int(str(results["exit_code"]))
    if not request.quiet:
        print_findings(run)
        print_summary(run, results, reports)
        for line in scans.summary_lines():
            print(line)
    return CheckOutcome(run, exit_code, results, scans)


def print_findings(run: Run, limit: int = 40) -> None:
    """Every verdict that is not compliant, one line each (the rest is in the reports)."""
    shown = [r for r in run.records if not r.verdict.compliant]
    for record in shown[:limit]:
        print(f"{record.verdict.upper():13} {record.control}: {record.message}")
    if len(shown) > limit:
        print(f"… and {len(shown) - limit} more in results.json")


def print_summary(run: Run, results: dict[str, object], reports: Path) -> None:
    summary = results["summary"]
    assert isinstance(summary, dict)
    shown = "  ".join(f"{k} {v}" for k, v in summary.items())
    requirements = results["requirements"]
    assert isinstance(requirements, list)
    headline = _headline(int(str(results["exit_code"])), requirements)
    print(f"archproof {run.spec.system} [{run.environment}]: {headline} — {shown}", file=sys.stdout)
    for line in open_requirement_lines(requirements):
        print(line)
    print(scope_line(run, results))
    waivers = results.get("waivers")
    for line in unmatched_lines(waivers if isinstance(waivers, list) else []):
        print(line)
    print(
        f"reports: {reports / 'results.json'}, {reports / 'junit.xml'}, {reports / 'checks.html'}"
    )


_OPEN_WORDS = {
    UNPROVEN: "judged in part",
    NOT_JUDGED: "not judged",
    AWAITING_PROOF: "awaiting load/chaos proofs",
    AWAITING_CHECK: "awaiting their controls (archproof check)",
    NOT_PROVABLE: "not provable yet",
}


def _headline(code: int, requirements: list[Any]) -> str:
    """``COMPLIANT`` only when every requirement passed; else how many of how many did, and
    what the rest are (never a bare ``COMPLIANT`` over requirements nothing judged)."""
    word = {0: "COMPLIANT", 1: "NOT COMPLIANT", 3: "EVIDENCE MISSING"}.get(code, "?")
    statuses = Counter(str(r["status"]) for r in requirements)
    open_parts = [f"{statuses[s]} {_OPEN_WORDS[s]}" for s in OPEN_STATUSES if statuses.get(s)]
    if not open_parts:
        return word
    needs = needs_summary(
        Gap(str(m["control"]), tuple(m["needs"]), str(m["reason"]))
        for r in requirements
        if r["status"] in (UNPROVEN, NOT_JUDGED)
        for m in r["missing"]
    )
    tail = f" (need {', '.join(needs)})" if needs else ""
    done = statuses.get("pass", 0) + statuses.get("waived", 0)
    if code == 0:
        word = f"COMPLIANT for {done} of {len(requirements)} requirements"
    return f"{word}; " + ", ".join(open_parts) + tail


def scope_line(run: Run, results: dict[str, object]) -> str:
    """What was judged as the system: its scope's members, or everything (no scope)."""
    sources = results["sources"]
    assert isinstance(sources, list)
    cuts = [s["system_scope"] for s in sources if s.get("system_scope")]
    if not cuts:
        return (
            f"scope: none in the spec — every resource of the sources judged as {run.spec.system}'s"
        )
    inside = sum(int(c["in_scope"]) for c in cuts)
    outside = sum(int(c["out_of_scope"]) for c in cuts)
    described = run.spec.scope_for(run.environment).describe()
    return (
        f"scope: {described} — {inside} resources judged, {outside} outside (counted, not judged)"
    )


def open_requirement_lines(requirements: list[Any], limit: int = 20) -> list[str]:
    """One line per requirement judged in part or not at all: what is missing and its source."""
    lines = []
    for req in requirements:
        if req["status"] not in (UNPROVEN, NOT_JUDGED):
            continue
        missing = "; ".join(f"{m['control']} ({m['reason']})" for m in req["missing"])
        lines.append(f"{str(req['status']).upper():13} {req['id']}: {missing or 'nothing judged'}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit} more in results.json"]
    return lines


__all__ = ["EXIT_BAD_INPUT", "CheckOutcome", "CheckRequest", "build_results", "judge", "run_check"]
