"""Every scanner check the reference policies map holds on their compliant estates, on the
plan JSON, the HCL and the manifests alike: the mappings are claims checkov can prove."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanner_support import EXAMPLES, POLICIES

from archproof.scanners import ScanRequest, scan_for_run
from archproof.scanners.tools import ScannerTool
from archproof.session import SourceRequest, prepare_run
from archproof.verdict import Verdict

SYSTEMS = ["aerofs", "levels", "libertum", "video-conference"]  # bragabot: test_checkov_scan


@pytest.mark.parametrize("system", SYSTEMS)
def test_mapped_checkov_checks_pass_on_the_reference_estate(
    system: str, checkov_tool: ScannerTool, tmp_path: Path
) -> None:
    manifests = EXAMPLES / system / "manifests"
    sources = SourceRequest(
        plans=(str(EXAMPLES / system / "plan.json"),),
        manifests=(str(manifests),) if manifests.exists() else (),
    )
    run = prepare_run(str(POLICIES / f"{system}.yaml"), None, sources)
    request = ScanRequest(
        checkov=True, hcl_dirs=(str(EXAMPLES / system / "hcl"),), cache_dir=tmp_path
    )
    outcome = scan_for_run(run, request, sources)
    assert all(r.ran for r in outcome.reports), [r.failure for r in outcome.reports]
    assert {r.source for r in outcome.records} == {r.input.source for r in outcome.reports}
    wrong = [r.message for r in outcome.records if r.verdict is not Verdict.PASS]
    assert not wrong and len(outcome.records) >= 8
