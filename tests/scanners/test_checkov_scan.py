"""Real checkov on the reference estates: plan JSON, HCL and manifests; mapped checks become
verdicts, unmapped failures are listed apart, and a second run on the same input is cached."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scanner_support import EXAMPLES, POLICIES, FakeScanner

from archproof.estates import build, find_violation, plan_document, reference
from archproof.results import build_results
from archproof.run import Run
from archproof.scanners import ScanOutcome, ScanRequest, scan_for_run
from archproof.scanners.mapping import judge_scanners
from archproof.scanners.tools import ScannerTool
from archproof.session import SourceRequest, prepare_run
from archproof.spec.model import Waiver
from archproof.verdict import Verdict

SPEC = str(POLICIES / "bragabot.yaml")


@pytest.fixture(scope="module")
def bragabot(
    checkov_tool: ScannerTool, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Run, ScanOutcome]:
    sources = SourceRequest(
        plans=(str(EXAMPLES / "bragabot" / "plan.json"),),
        manifests=(str(EXAMPLES / "bragabot" / "manifests"),),
    )
    run = prepare_run(SPEC, None, sources)
    request = ScanRequest(
        checkov=True,
        hcl_dirs=(str(EXAMPLES / "bragabot" / "hcl"),),
        cache_dir=tmp_path_factory.mktemp("scanner-cache"),
    )
    return run, scan_for_run(run, request, sources)


def test_checkov_runs_on_plan_hcl_and_manifests(
    bragabot: tuple[Run, ScanOutcome], checkov_tool: ScannerTool
) -> None:
    _, outcome = bragabot
    assert [(r.input.kind, r.ran, r.cached) for r in outcome.reports] == [
        ("plan", True, False),
        ("manifests", True, False),
        ("hcl", True, False),
    ]
    for report in outcome.reports:
        assert report.version == checkov_tool.version == "3.3.30"
        counts = report.counts()
        assert counts["pass"] > 100 and counts["fail"] > 0, counts  # passes are kept too


def test_mapped_checks_pass_on_the_compliant_estate(bragabot: tuple[Run, ScanOutcome]) -> None:
    _, outcome = bragabot
    multi_az = [r for r in outcome.records if r.control == "checkov:CKV_AWS_157"]
    assert {(r.source, r.resource, r.verdict) for r in multi_az} == {
        ("checkov:plan", "aws_db_instance.main", Verdict.PASS),
        ("checkov:hcl", "aws_db_instance.main", Verdict.PASS),
    }
    assert all(r.requirement == "BRG-AVL-1" for r in multi_az)
    assert "Multi-AZ" in multi_az[0].message and "(bragabot BRG-AVL-1)" in multi_az[0].message
    privileged = [r for r in outcome.records if r.control == "checkov:CKV_K8S_16"]
    assert len(privileged) >= 2 and {r.source for r in privileged} == {"checkov:manifests"}
    assert {r.verdict for r in privileged} == {Verdict.PASS}
    # Cloud checks are not judged on manifests, nor Kubernetes checks on the plan.
    assert not [r for r in outcome.records if r.source == "checkov:plan" and "K8S" in r.control]
    off_plan = [r for r in outcome.records if r.source != "checkov:hcl"]
    assert {r.verdict for r in off_plan} == {Verdict.PASS}, [
        r.message for r in off_plan if r.verdict is not Verdict.PASS
    ]


def test_unmapped_failures_are_listed_apart(bragabot: tuple[Run, ScanOutcome]) -> None:
    run, outcome = bragabot
    run.records.extend(outcome.records)
    results = build_results(run, outcome.as_json())
    plan = next(s for s in results["scanners"] if s["kind"] == "plan")
    assert plan["ran"] and not plan["failed"] and plan["version"] == "3.3.30"
    assert plan["verdicts"] > 0
    unmapped = {(f["check_id"], f["resource"]) for f in plan["unmapped_failures"]}
    assert ("CKV_AWS_260", "aws_vpc_security_group_ingress_rule.lb_http") in unmapped
    assert all(f["status"] == "fail" for f in plan["unmapped_failures"])
    assert not {c for c, _ in unmapped} & {"CKV_AWS_157", "CKV_AWS_16"}
    avl = next(r for r in results["requirements"] if r["id"] == "BRG-AVL-1")
    assert avl["scanner_checks"] == ["checkov:CKV_AWS_157", "prowler:rds_instance_multi_az"]
    assert "checkov:CKV_AWS_157" in {r["control"] for r in results["results"]}
    json.dumps(results, default=str)


def test_violation_fails_and_a_second_run_is_cached(
    checkov_tool: ScannerTool, fake_scanner: FakeScanner, tmp_path: Path
) -> None:
    system = reference("bragabot")
    single_az = find_violation(system.violations, "database-single-az")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_document(single_az(build("bragabot")))))
    runs = tmp_path / "runs"
    counting = fake_scanner(f'echo run >> {runs}\nexec {checkov_tool.executable} "$@"')
    sources = SourceRequest(plans=(str(plan),))
    run = prepare_run(SPEC, None, sources, only_requirements=("BRG-AVL-1",))
    request = ScanRequest(
        checkov=True, checkov_executable=str(counting), cache_dir=tmp_path / "cache"
    )

    first = scan_for_run(run, request, sources)
    (record,) = first.records
    assert record.verdict is Verdict.FAIL and record.control == "checkov:CKV_AWS_157"
    assert record.resource == "aws_db_instance.main" and record.source == "checkov:plan"
    assert "FAIL" in record.message and "Multi-AZ" in record.message

    second = scan_for_run(run, request, sources)
    assert runs.read_text().count("run") == 1  # not rerun
    assert second.reports[0].cached and not first.reports[0].cached
    assert [(r.verdict, r.message) for r in second.records] == [(record.verdict, record.message)]

    plan.write_text(json.dumps(plan_document(build("bragabot"))))
    third = scan_for_run(run, request, sources)
    assert runs.read_text().count("run") == 2  # a changed input is scanned again
    assert [r.verdict for r in third.records] == [Verdict.PASS]

    # A waiver names the scanner control like any other.
    waiver = Waiver(
        control="checkov:CKV_AWS_157",
        resource="aws_db_instance.*",
        owner="platform",
        reason="standby during migration",
        expires=run.today.replace(year=run.today.year + 1),
    )
    run.spec = run.spec.model_copy(update={"waivers": [waiver]})
    (waived,), _ = judge_scanners(run, first.reports)
    assert waived.verdict is Verdict.WAIVED and "standby during migration" in waived.message
