"""The ``archproof report`` command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_report_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="write the audit report (HTML, PDF, SARIF, OCSF) from the results of check, load,"
        " chaos and demo",
        description="Collect every results.json under the --from folders (seeded-violation and"
        " history folders skipped) into one audit report: audit.html (self-contained), audit.pdf"
        " (headless Chromium), plan.sarif, live.ocsf.json, report.json, and a snapshot in"
        " <out>/history/ for the next run's comparison. Exit codes: 0 compliant and every"
        " artefact written, 1 any fail, 2 unreadable input, 3 evidence missing or undecided,"
        " a requirement judged only in part (unproven), or the PDF not produced; with"
        " --require-all also a requirement not judged or awaiting its load/chaos proofs.",
    )
    report.add_argument(
        "--from",
        dest="inputs",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a reports folder or a results.json (repeatable; default: reports)",
    )
    report.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="default: reports"
    )
    report.add_argument(
        "--previous",
        type=Path,
        metavar="FILE|DIR",
        help="compare with this snapshot, results.json or reports folder"
        " (default: the latest snapshot in <out>/history)",
    )
    report.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print audit.pdf with headless Chromium (default: yes)",
    )
    report.add_argument(
        "--no-history", action="store_true", help="do not keep a snapshot of this run"
    )
    report.add_argument(
        "--require-all",
        action="store_true",
        help="audit: every requirement must be judged in full, proofs included (else exit 3)",
    )
    report.add_argument("-q", "--quiet", action="store_true")
    report.set_defaults(handler=run_report_command)


def run_report_command(args: argparse.Namespace) -> int:
    from archproof.report.write import write_report

    outcome = write_report(
        list(args.inputs) or [Path("reports")],
        args.out,
        args.previous,
        pdf=args.pdf,
        keep_history=not args.no_history,
        require_all=args.require_all,
    )
    lines = outcome.lines()
    if args.quiet:
        lines = [line for line in lines if "NOT PRODUCED" in line]
    for line in lines:
        print(line)
    return outcome.exit_code
