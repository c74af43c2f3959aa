"""Judge a game day: the proof checks in ``chaos/`` through pytest, reports beside the journals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from archproof.chaos.evidence import ChaosEvidence
from archproof.load.plugin import ProofPlugin, run_proof_checks
from archproof.results import write_results
from archproof.run import Run

if TYPE_CHECKING:
    from archproof.chaos.run import ChaosOutcome

PROOFS_DIR = Path(__file__).resolve().parents[3] / "chaos"


def judge_chaos(run: Run, evidence: ChaosEvidence, out: Path, quiet: bool) -> ChaosOutcome:
    from archproof.chaos.run import ChaosOutcome

    run_proof_checks(PROOFS_DIR, ProofPlugin(run, evidence, source="chaos"), out, "chaos", quiet)
    results = write_results(run, out / "results.json")
    exit_code = int(str(results["exit_code"]))
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
