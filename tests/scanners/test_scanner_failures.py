"""Every way a scanner can fail gives an ``error`` verdict with the reason, for every check
mapped to it; never a pass, never a traceback, never a cached answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanner_support import EXAMPLES, POLICIES, FakeScanner

from archproof.errors import UsageError
from archproof.run import Run
from archproof.scanners import INSTALL_HINT, ScanOutcome, ScanRequest, scan_for_run
from archproof.scanners import tools as scanner_tools
from archproof.scanners.tools import ScannerTool
from archproof.session import SourceRequest, prepare_run
from archproof.verdict import Verdict

SOURCES = SourceRequest(plans=(str(EXAMPLES / "bragabot" / "plan.json"),))
ENCRYPTION = {"CKV_AWS_16", "CKV_AWS_145", "CKV_AWS_106", "CKV_AWS_7"}


@pytest.fixture(scope="module")
def run() -> Run:
    return prepare_run(
        str(POLICIES / "bragabot.yaml"), None, SOURCES, only_requirements=("BRG-SEC-3",)
    )


def assert_errors(outcome: ScanOutcome, reason: str) -> None:
    (report,) = outcome.reports
    assert not report.ran and reason in report.failure
    assert {r.control.removeprefix("checkov:") for r in outcome.records} == ENCRYPTION
    for record in outcome.records:
        assert record.verdict is Verdict.ERROR and record.requirement == "BRG-SEC-3"
        assert reason in record.message and record.source == "checkov:plan"
    (entry,) = outcome.as_json()
    assert entry["failed"] and not entry["ran"] and reason in entry["reason"]


def scan(run: Run, tmp_path: Path, **options: object) -> ScanOutcome:
    request = ScanRequest(checkov=True, cache_dir=tmp_path / "cache", **options)  # type: ignore[arg-type]
    return scan_for_run(run, request, SOURCES)


def test_an_executable_that_does_not_exist(run: Run, tmp_path: Path) -> None:
    outcome = scan(run, tmp_path, checkov_executable=str(tmp_path / "no" / "checkov"))
    assert_errors(outcome, "not installed")


def test_not_installed_names_the_install_step(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHPROOF_CHECKOV", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(scanner_tools, "default_executable", lambda name: tmp_path / name)
    outcome = scan(run, tmp_path)
    assert_errors(outcome, "not installed")
    assert INSTALL_HINT in outcome.reports[0].failure


def test_a_time_limit_it_cannot_meet(run: Run, tmp_path: Path, checkov_tool: ScannerTool) -> None:
    outcome = scan(run, tmp_path, timeout_s=0.01)
    assert_errors(outcome, "timed out after 0.01 s")
    assert outcome.reports[0].seconds < 5


def test_unparsable_output(run: Run, tmp_path: Path, fake_scanner: FakeScanner) -> None:
    garbage = fake_scanner("echo 'Loading checks… {not json'")
    outcome = scan(run, tmp_path, checkov_executable=str(garbage))
    assert_errors(outcome, "unparsable output")
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_a_report_of_another_shape(run: Run, tmp_path: Path, fake_scanner: FakeScanner) -> None:
    odd = fake_scanner('echo \'{"check_type": "terraform_plan", "summary": {}}\'')
    assert_errors(scan(run, tmp_path, checkov_executable=str(odd)), "unparsable output")


def test_a_crash(run: Run, tmp_path: Path, fake_scanner: FakeScanner) -> None:
    crash = fake_scanner("echo 'Traceback: boom' >&2\nexit 2")
    assert_errors(scan(run, tmp_path, checkov_executable=str(crash)), "crashed: exit code 2")


def test_a_parsing_error_in_the_input(run: Run, tmp_path: Path, fake_scanner: FakeScanner) -> None:
    report = (
        '{"check_type": "terraform_plan", "results": {"passed_checks": [], "failed_checks": [],'
        ' "skipped_checks": [], "parsing_errors": ["/plan.json"]}}'
    )
    partial = fake_scanner(f"echo '{report}'")
    assert_errors(scan(run, tmp_path, checkov_executable=str(partial)), "could not parse 1 file")


def test_prowler_that_writes_no_findings(
    run: Run, tmp_path: Path, fake_scanner: FakeScanner
) -> None:
    silent = fake_scanner("exit 0")
    sources = SourceRequest(aws=True, aws_regions=("us-east-1",))
    request = ScanRequest(prowler=True, prowler_executable=str(silent), cache_dir=tmp_path)
    outcome = scan_for_run(run, request, sources)
    (report,) = outcome.reports
    assert "wrote no json-ocsf file" in report.failure
    assert report.input.services == ("rds",)
    assert {(r.control, r.verdict) for r in outcome.records} == {
        ("prowler:rds_instance_storage_encrypted", Verdict.ERROR),
    }


def test_requests_that_cannot_run(run: Run, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="add --aws"):
        scan_for_run(run, ScanRequest(prowler=True), SOURCES)
    with pytest.raises(UsageError, match="not a folder"):
        scan_for_run(run, ScanRequest(hcl_dirs=(str(tmp_path / "none"),)), SOURCES)
    with pytest.raises(UsageError, match="none given"):
        scan_for_run(run, ScanRequest(checkov=True), SourceRequest(aws=True))
    assert scan_for_run(run, ScanRequest(), SOURCES) == ScanOutcome()
