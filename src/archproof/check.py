"""``archproof check``: prepare the run, let pytest judge every control, write the reports."""

from __future__ import annotations

import datetime as dt
import io
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from archproof.controls.catalogue import checks_dirs
from archproof.errors import EXIT_BAD_INPUT, UsageError
from archproof.plugin import RunProvider
from archproof.results import all_records, build_results, exit_code_for, write_results
from archproof.run import Run
from archproof.scanners import ScanOutcome, ScanRequest, scan_for_run
from archproof.session import SourceRequest, prepare_run

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
    exit_code = exit_code_for(all_records(run))
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
    verdict = {0: "COMPLIANT", 1: "NOT COMPLIANT", 3: "EVIDENCE MISSING"}.get(
        int(str(results["exit_code"])), "?"
    )
    requirements = results["requirements"]
    assert isinstance(requirements, list)
    statuses = [str(r["status"]) for r in requirements]
    open_reqs = {
        s: statuses.count(s)
        for s in ("awaiting_proof", "not_provable", "unproven")
        if s in statuses
    }
    print(f"archproof {run.spec.system} [{run.environment}]: {verdict} — {shown}", file=sys.stdout)
    if open_reqs:
        shown_open = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in open_reqs.items())
        print(f"requirements not judged by these controls: {shown_open} (never counted as pass)")
    print(
        f"reports: {reports / 'results.json'}, {reports / 'junit.xml'}, {reports / 'checks.html'}"
    )


__all__ = ["EXIT_BAD_INPUT", "CheckOutcome", "CheckRequest", "build_results", "judge", "run_check"]
