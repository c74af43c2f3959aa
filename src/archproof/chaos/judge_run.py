"""Judge a game day: the proof checks in ``chaos/`` through pytest, reports beside the journals."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from archproof.chaos.evidence import ChaosEvidence
from archproof.check import PYTEST_INI
from archproof.errors import UsageError
from archproof.load.plugin import ProofPlugin
from archproof.results import exit_code_for, write_results
from archproof.run import Run

if TYPE_CHECKING:
    from archproof.chaos.run import ChaosOutcome

PROOFS_DIR = Path(__file__).resolve().parents[3] / "chaos"


def judge_chaos(run: Run, evidence: ChaosEvidence, out: Path, quiet: bool) -> ChaosOutcome:
    from archproof.chaos.run import ChaosOutcome

    args = [
        str(PROOFS_DIR),
        "-c",
        str(PYTEST_INI),
        "--rootdir",
        str(PROOFS_DIR.parent),
        "-p",
        "no:cacheprovider",
        "--import-mode=importlib",
        "-q",
        "--no-header",
        "-rN",
        "--tb=no",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "-p",
        "no:logging",
        f"--junitxml={out / 'junit.xml'}",
        "-o",
        "junit_suite_name=archproof-chaos",
        f"--html={out / 'chaos.html'}",
        "--self-contained-html",
    ]
    sink = io.StringIO()
    with redirect_stdout(sink if quiet else sys.stdout):
        code = pytest.main(args, plugins=[ProofPlugin(run, evidence, source="chaos")])
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        raise UsageError(f"chaos proofs in {PROOFS_DIR} could not run (pytest exit {int(code)})")
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    results = write_results(run, out / "results.json")
    exit_code = exit_code_for(run.records)
    if not quiet:
        for record in run.records:
            print(
                f"{record.verdict.upper():13} {record.control} [{record.requirement}]:"
                f" {record.message}"
            )
        print(
            f"reports: {out / 'results.json'}, {out}/<experiment>/journal.json, {out / 'junit.xml'}"
        )
    return ChaosOutcome(run, evidence, exit_code, results)
