"""The CLI contract: exit codes, one-line errors, and the files written under reports/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archproof.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "terraform-plans"
VPC_PLAN = CORPUS / "aws-vpc-module-nat-igw-routes.json"

SPEC = """\
system: demo
cloud: aws
document: Demo
requirements:
  - id: NET-1
    claim: Public and private tiers exist.
    source: {system: Demo, section: Network}
    controls: [subnet-tiers-present]
"""


def spec_with(tmp_path: Path, *controls: str, extra: str = "") -> Path:
    text = SPEC.replace("[subnet-tiers-present]", "[" + ", ".join(controls) + "]") + extra
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "-m", "archproof.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def check(tmp_path: Path, spec: Path, *extra: str) -> tuple[int, dict[str, object]]:
    reports = tmp_path / "reports"
    code = main(
        [
            "check",
            "--spec",
            str(spec),
            "--plan",
            str(VPC_PLAN),
            "--reports",
            str(reports),
            "-q",
            *extra,
        ]
    )
    return code, json.loads((reports / "results.json").read_text())


def test_compliant_plan_exits_0_and_writes_every_report(tmp_path: Path) -> None:
    code, results = check(tmp_path, spec_with(tmp_path, "subnet-tiers-present"))
    assert code == 0
    assert results["compliant"] is True and results["exit_code"] == 0
    entry = results["results"][0]  # type: ignore[index]
    for key in ("control", "requirement", "source", "resource", "kind", "verdict", "message"):
        assert key in entry
    assert entry["verdict"] == "pass" and entry["source"] == "plan"
    for name in ("results.json", "junit.xml", "checks.html"):
        assert (tmp_path / "reports" / name).stat().st_size > 0
    junit = (tmp_path / "reports" / "junit.xml").read_text()
    assert "subnet-tiers-present" in junit


def test_failing_control_exits_1_and_says_what_is_wrong(tmp_path: Path) -> None:
    code, results = check(tmp_path, spec_with(tmp_path, "cloudtrail-multi-region"))
    assert code == 1
    entry = results["results"][0]  # type: ignore[index]
    assert entry["verdict"] == "fail"
    assert "required a multi-region trail" in entry["message"] and "demo NET-1" in entry["message"]


def test_nothing_to_judge_is_inconclusive_and_exits_3(tmp_path: Path) -> None:
    code, results = check(tmp_path, spec_with(tmp_path, "database-multi-az"))
    assert code == 3
    assert results["summary"] == {"pass": 0, "fail": 0, "error": 0, "inconclusive": 1, "waived": 0}


def test_current_waiver_turns_a_failure_into_waived(tmp_path: Path) -> None:
    waiver = (
        "waivers:\n  - {control: cloudtrail-multi-region, owner: platform, reason: org trail,"
        " expires: 2030-01-01}\n"
    )
    code, results = check(tmp_path, spec_with(tmp_path, "cloudtrail-multi-region", extra=waiver))
    assert code == 0
    entry = results["results"][0]  # type: ignore[index]
    assert entry["verdict"] == "waived" and "platform" in entry["message"]


def test_expired_waiver_is_a_failure(tmp_path: Path) -> None:
    waiver = (
        "waivers:\n  - {control: cloudtrail-multi-region, owner: platform, reason: org trail,"
        " expires: 2024-01-01}\n"
    )
    code, results = check(tmp_path, spec_with(tmp_path, "cloudtrail-multi-region", extra=waiver))
    assert code == 1
    assert "expired on 2024-01-01" in results["results"][0]["message"]  # type: ignore[index]


def test_control_filter_runs_less_and_leaves_the_requirement_unproven(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, "subnet-tiers-present", "cloudtrail-multi-region")
    code, results = check(tmp_path, spec, "--control", "subnet-*")
    assert {r["control"] for r in results["results"]} == {"subnet-tiers-present"}  # type: ignore[union-attr,index]
    # the passing control alone does not prove a requirement that names two
    assert code == 3
    (requirement,) = results["requirements"]  # type: ignore[misc]
    assert requirement["status"] == "unproven"
    assert requirement["missing"] == [
        {"control": "cloudtrail-multi-region", "needs": [], "reason": "not selected (--control)"}
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--plan", str(CORPUS / "corrupted-state-shaped.json")], "not a Terraform plan"),
        (["--plan", "missing.json"], "missing.json: file not found"),
        ([], "nothing to check: give --plan FILE"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    spec = spec_with(tmp_path, "subnet-tiers-present")
    done = run_cli("check", "--spec", str(spec), "--reports", str(tmp_path / "r"), *args)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_unknown_control_in_spec_exits_2(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, "no-such-control")
    done = run_cli("check", "--spec", str(spec), "--plan", str(VPC_PLAN))
    assert done.returncode == 2
    assert f"{spec}:8" in done.stderr and "unknown control 'no-such-control'" in done.stderr
    assert "Traceback" not in done.stderr


def test_truncated_plan_exits_2(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text(VPC_PLAN.read_text()[:5000])
    done = run_cli(
        "check", "--spec", str(spec_with(tmp_path, "subnet-tiers-present")), "--plan", str(cut)
    )
    assert done.returncode == 2 and "looks truncated" in done.stderr


def test_spec_validate_and_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "validate", str(spec_with(tmp_path, "subnet-tiers-present"))]) == 0
    assert "valid — demo, 1 requirements" in capsys.readouterr().out
    assert main(["spec", "schema", "-o", str(tmp_path / "schema.json")]) == 0
    schema = json.loads((tmp_path / "schema.json").read_text())
    assert "requirements" in schema["properties"]


def test_shipped_schema_is_current(tmp_path: Path) -> None:
    main(["spec", "schema", "-o", str(tmp_path / "schema.json")])
    shipped = Path(__file__).resolve().parents[1] / "policies" / "spec.schema.json"
    assert json.loads(shipped.read_text()) == json.loads((tmp_path / "schema.json").read_text())


def test_unreachable_endpoint_is_one_line_and_exit_3(tmp_path: Path) -> None:
    from archproof.moto_server import FAKE_CREDENTIALS, free_port

    spec = spec_with(tmp_path, "subnet-tiers-present")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(FAKE_CREDENTIALS, AWS_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "archproof.cli",
            "check",
            "--spec",
            str(spec),
            "--aws",
            "--reports",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "sts" in done.stderr and "GetCallerIdentity" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_unprovable_spec_is_never_compliant(tmp_path: Path) -> None:
    """A spec whose claims nothing can prove yet: reported as such, exit 3, no pass."""
    spec = tmp_path / "unprovable.yaml"
    spec.write_text(
        "system: unprovable\ncloud: azure\ndocument: D\nrequirements:\n"
        "  - id: U-1\n    claim: A claim no control judges.\n"
        "    source: {system: D, section: S}\n    not_provable: nothing reads it yet\n"
    )
    reports = tmp_path / "reports"
    plan = CORPUS / "azurerm-vnet-subnet-nsg-vm-modules.json"
    code = main(
        ["check", "--spec", str(spec), "--plan", str(plan), "--reports", str(reports), "-q"]
    )
    results = json.loads((reports / "results.json").read_text())
    assert code == 3 and results["compliant"] is False
    assert {r["status"] for r in results["requirements"]} == {"not_provable"}
    # the audit report is written for a run without a single verdict too
    assert "U-1" in (reports / "audit.html").read_text()


def test_libertum_refutes_a_foreign_azure_plan(tmp_path: Path) -> None:
    """Libertum's spec on someone else's azurerm plan (a VM with a public IP, SSH open):
    the Azure controls fail it; what the plan cannot show is never a pass."""
    libertum = Path(__file__).resolve().parents[1] / "policies" / "libertum.yaml"
    plan = CORPUS / "azurerm-vnet-subnet-nsg-vm-modules.json"
    reports = tmp_path / "reports"
    code = main(
        ["check", "--spec", str(libertum), "--plan", str(plan), "--reports", str(reports), "-q"]
    )
    results = json.loads((reports / "results.json").read_text())
    assert code == 1 and results["compliant"] is False
    failing = {r["control"] for r in results["results"] if r["verdict"] == "fail"}
    assert "azure-vm-no-public-ip" in failing
    statuses = {r["id"]: r["status"] for r in results["requirements"]}
    assert "pass" not in {statuses["LIB-AKS-2"], statuses["LIB-BAK-1"]}
