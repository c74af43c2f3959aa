"""Real prowler against the local control plane (moto) with the Bragabot estate provisioned,
plus one database that breaks the claims: the mapped checks pass on the estate's database and
fail on the other; failed findings of unmapped checks are listed apart."""

from __future__ import annotations

from pathlib import Path

import boto3
from scanner_support import EXAMPLES, POLICIES

from archproof.estates import build, provision
from archproof.moto_server import MotoServer
from archproof.results import build_results
from archproof.scanners import ScanRequest, scan_for_run
from archproof.scanners.tools import ScannerTool
from archproof.session import SourceRequest, prepare_run
from archproof.verdict import Verdict


def test_prowler_findings_judge_the_mapped_requirements(
    prowler_tool: ScannerTool, moto: MotoServer, aws: boto3.Session, tmp_path: Path
) -> None:
    provision(build("bragabot"), aws)
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="reports-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="reports",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
        MultiAZ=False,
        StorageEncrypted=False,
    )
    plan = SourceRequest(plans=(str(EXAMPLES / "bragabot" / "plan.json"),))
    run = prepare_run(
        str(POLICIES / "bragabot.yaml"),
        None,
        plan,
        only_requirements=("BRG-AVL-1", "BRG-SEC-3", "BRG-OBS-1"),
    )
    live = SourceRequest(aws=True, aws_regions=("us-east-1",))
    request = ScanRequest(prowler=True, prowler_services=("rds",), cache_dir=tmp_path)

    outcome = scan_for_run(run, request, live)

    (report,) = outcome.reports
    assert report.ran, report.failure
    assert report.version == prowler_tool.version == "5.46.0"
    assert report.input.source == "prowler:aws" and report.input.services == ("rds",)
    verdicts = {
        (r.control.removeprefix("prowler:"), r.resource.rsplit(":", 1)[-1]): r.verdict
        for r in outcome.records
        if r.resource.startswith("arn:")
    }
    assert verdicts == {
        ("rds_instance_multi_az", "bragabot-db"): Verdict.PASS,
        ("rds_instance_multi_az", "reports-db"): Verdict.FAIL,
        ("rds_instance_storage_encrypted", "bragabot-db"): Verdict.PASS,
        ("rds_instance_storage_encrypted", "reports-db"): Verdict.FAIL,
    }
    # cloudtrail was not scanned: its mapped check proves nothing here, and says so.
    (trail,) = [
        r for r in outcome.records if r.control == "prowler:cloudtrail_multi_region_enabled"
    ]
    assert trail.verdict is Verdict.INCONCLUSIVE and "reported nothing" in trail.message
    failed = next(r for r in outcome.records if r.verdict is Verdict.FAIL)
    assert "reports-db" in failed.message and "(bragabot BRG-" in failed.message
    assert failed.source == "prowler:aws" and failed.kind == "AwsRdsDbInstance"

    (entry,) = build_results(run, outcome.as_json())["scanners"]
    unmapped = entry["unmapped_failures"]
    assert unmapped and {f["status"] for f in unmapped} == {"fail"}
    checks = {f["check_id"] for f in unmapped}
    assert "rds_instance_multi_az" not in checks and "rds_instance_no_public_access" not in checks
    assert entry["counts"]["pass"] > 0 and not entry["cached"]
