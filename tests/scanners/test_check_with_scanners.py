"""``archproof check`` with scanners: their verdicts join the controls' in results.json and the
exit code; a scanner that cannot run makes the evidence incomplete (exit 3), never a pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanner_support import POLICIES

from archproof.check import CheckRequest, run_check
from archproof.errors import EXIT_EVIDENCE_MISSING, EXIT_NOT_COMPLIANT
from archproof.estates import build, find_violation, plan_document, reference
from archproof.scanners import ScanRequest
from archproof.scanners.tools import ScannerTool
from archproof.session import SourceRequest

SPEC = str(POLICIES / "bragabot.yaml")


def check(tmp_path: Path, plan: Path, scanners: ScanRequest) -> dict[str, Any]:
    request = CheckRequest(
        spec_path=SPEC,
        sources=SourceRequest(plans=(str(plan),)),
        only_requirements=("BRG-AVL-1",),
        reports=tmp_path / "reports",
        quiet=True,
        scanners=scanners,
    )
    outcome = run_check(request)
    written = json.loads((tmp_path / "reports" / "results.json").read_text())
    assert written["exit_code"] == outcome.exit_code
    return dict(written)


def test_a_scanner_failure_joins_the_controls(checkov_tool: ScannerTool, tmp_path: Path) -> None:
    system = reference("bragabot")
    single_az = find_violation(system.violations, "database-single-az")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_document(single_az(build("bragabot")))))
    results = check(tmp_path, plan, ScanRequest(checkov=True, cache_dir=tmp_path / "cache"))
    assert results["exit_code"] == EXIT_NOT_COMPLIANT
    failing = {(r["control"], r["source"]) for r in results["results"] if r["verdict"] == "fail"}
    assert failing == {("database-multi-az", "plan"), ("checkov:CKV_AWS_157", "checkov:plan")}
    (scanner,) = results["scanners"]
    assert scanner["tool"] == "checkov" and scanner["ran"] and scanner["unmapped_failures"]


def test_a_scanner_that_cannot_run_leaves_evidence_missing(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_document(build("bragabot"))))
    scanners = ScanRequest(checkov=True, checkov_executable=str(tmp_path / "missing"))
    results = check(tmp_path, plan, scanners)
    assert results["exit_code"] == EXIT_EVIDENCE_MISSING
    errors = [r for r in results["results"] if r["verdict"] == "error"]
    assert [e["control"] for e in errors] == ["checkov:CKV_AWS_157"]
    assert "not installed" in errors[0]["message"]
    requirement = results["requirements"][0]
    assert requirement["status"] == "error"
