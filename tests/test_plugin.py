"""Verdict semantics through the real pytest plugin: nothing that cannot see ever passes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archproof.check import CheckRequest, judge
from archproof.inventory.model import CollectionError, Inventory, Resource, Unknown
from archproof.run import Run
from archproof.spec.model import Spec
from archproof.verdict import Verdict

ROOT = Path(__file__).resolve().parents[1]
VPC_PLAN = (
    ROOT.parent / "shared" / "corpus" / "terraform-plans" / "aws-vpc-module-nat-igw-routes.json"
)


def spec(*controls: str, absent: str = "inconclusive") -> Spec:
    return Spec.model_validate(
        {
            "system": "demo",
            "cloud": "aws",
            "document": "Demo",
            "requirements": [
                {
                    "id": "REQ-1",
                    "claim": "c",
                    "source": {"system": "Demo", "section": "s"},
                    "controls": [{"id": c, "absent": absent} for c in controls],
                }
            ],
        }
    )


def db(name: str, **attributes: object) -> Resource:
    return Resource("aws_db_instance", name, "live", attributes, ids=(name,))


def verdicts(run: Run, tmp_path: Path, *checks: str) -> dict[str, Verdict]:
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=True, extra_checks=list(checks)))
    return {r.resource: r.verdict for r in run.records}


def test_known_values_pass_and_fail(tmp_path: Path) -> None:
    inv = Inventory("live", [db("good", multi_az=True), db("bad", multi_az=False)])
    run = Run(spec("database-multi-az"), "default", [inv])
    assert verdicts(run, tmp_path) == {"good": Verdict.PASS, "bad": Verdict.FAIL}
    bad = next(r for r in run.records if r.resource == "bad")
    assert "multi_az=False, required true" in bad.message and "demo REQ-1" in bad.message


def test_unknown_value_is_inconclusive_never_pass(tmp_path: Path) -> None:
    inv = Inventory("plan", [db("later", multi_az=Unknown())])
    run = Run(spec("database-multi-az"), "default", [inv])
    assert verdicts(run, tmp_path) == {"later": Verdict.INCONCLUSIVE}
    assert "known after apply" in run.records[0].message


def test_collection_error_is_an_error_verdict_naming_the_call(tmp_path: Path) -> None:
    error = CollectionError(
        "live", "rds", "eu-west-1", "DescribeDBInstances", "AccessDenied", ("aws_db_instance",)
    )
    inv = Inventory("live", [db("good", multi_az=True)], errors=[error])
    run = Run(spec("database-multi-az"), "default", [inv])
    result = verdicts(run, tmp_path)
    assert result["good"] is Verdict.PASS
    errors = [r for r in run.records if r.verdict is Verdict.ERROR]
    assert len(errors) == 1
    assert "rds DescribeDBInstances in eu-west-1 failed: AccessDenied" in errors[0].message


def test_nothing_to_judge_is_inconclusive_or_fail_as_the_spec_says(tmp_path: Path) -> None:
    empty = Inventory("live", [])
    run = Run(spec("database-multi-az"), "default", [empty])
    assert list(verdicts(run, tmp_path).values()) == [Verdict.INCONCLUSIVE]
    run = Run(spec("database-multi-az", absent="fail"), "default", [empty])
    assert list(verdicts(run, tmp_path / "b").values()) == [Verdict.FAIL]


def test_a_crashing_control_is_an_error(tmp_path: Path) -> None:
    checks = tmp_path / "mychecks"
    checks.mkdir()
    (checks / "test_broken.py").write_text(
        "from archproof.controls.api import control\n"
        "@control('broken-control', kinds=('aws_db_instance',))\n"
        "def test_broken(resource):\n"
        "    '''Always crashes.'''\n"
        "    raise KeyError('no such attribute')\n"
    )
    inv = Inventory("live", [db("x", multi_az=True)])
    run = Run(spec("broken-control"), "default", [inv])
    result = verdicts(run, tmp_path / "r", str(checks))
    assert result == {"x": Verdict.ERROR}
    assert "could not judge: KeyError" in run.records[0].message


def test_grouped_tests_give_the_same_verdicts(tmp_path: Path) -> None:
    resources = [db(f"db{i}", multi_az=i % 3 != 0) for i in range(30)]
    single = Run(spec("database-multi-az"), "default", [Inventory("live", resources)])
    grouped = Run(spec("database-multi-az"), "default", [Inventory("live", resources)])
    grouped.group_above = 0
    assert verdicts(single, tmp_path / "a") == verdicts(grouped, tmp_path / "b")
    junit = (tmp_path / "b" / "junit.xml").read_text()
    assert junit.count("<testcase") == 1 and "30 resources" in junit


def _plain_pytest(tmp_path: Path, controls: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(
        "system: demo\ncloud: aws\ndocument: d\nrequirements:\n"
        "  - {id: R1, claim: c, source: {system: s, section: s},\n"
        f"     controls: [{controls}]}}\n"
    )
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(ROOT / "checks"),
            "-q",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "--spec",
            str(spec_file),
            "--plan",
            str(VPC_PLAN),
            "--archproof-results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    return done, results


def test_controls_run_under_plain_pytest(tmp_path: Path) -> None:
    done, results = _plain_pytest(tmp_path, "subnet-tiers-present")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_documented_tiers_exist[plan:" in done.stdout or "1 passed" in done.stdout
    data = json.loads(results.read_text())
    assert data["summary"]["pass"] == 1 and data["exit_code"] == 0


def test_plain_pytest_does_not_exit_0_on_a_requirement_proven_in_part(tmp_path: Path) -> None:
    # every test passes, but root-account-mfa needs a live account: the requirement is unproven
    done, results = _plain_pytest(tmp_path, "subnet-tiers-present, root-account-mfa")
    assert "1 passed" in done.stdout
    assert done.returncode == 1, done.stdout + done.stderr
    assert "archproof: not compliant as a whole (exit 3" in done.stdout
    assert json.loads(results.read_text())["requirements"][0]["status"] == "unproven"


def test_root_mfa_judged_on_the_account_summary(tmp_path: Path) -> None:
    """moto has no root user (a named gap), so the account summary is built here by hand."""

    def summary(value: object) -> Resource:
        return Resource(
            "aws_iam_account_summary", "iam-account-summary", "live", {"account_mfa_enabled": value}
        )

    for value, verdict in (
        (True, Verdict.PASS),
        (False, Verdict.FAIL),
        (Unknown("moto gap: no root user"), Verdict.INCONCLUSIVE),
    ):
        run = Run(spec("root-account-mfa"), "default", [Inventory("live", [summary(value)])])
        assert verdicts(run, tmp_path / str(value)[:8]) == {"iam-account-summary": verdict}
    plan_only = Run(spec("root-account-mfa"), "default", [Inventory("plan", [summary(True)])])
    assert verdicts(plan_only, tmp_path / "plan") == {}, "a plan cannot show root MFA"


def test_a_plain_assert_in_a_custom_control_is_a_fail_and_its_file_may_share_a_name(
    tmp_path: Path,
) -> None:
    # a team's own folder called checks/ with a test_iam.py, like the built-in one
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "test_iam.py").write_text(
        "from archproof.controls.api import control\n"
        "@control('db-named-prod', kinds=('aws_db_instance',))\n"
        "def test_named(resource):\n"
        "    '''Databases are named prod-*.'''\n"
        "    assert resource.address.startswith('prod-'), f'{resource.address} is not prod-*'\n"
    )
    inv = Inventory("live", [db("prod-main", multi_az=True), db("scratch", multi_az=True)])
    run = Run(spec("db-named-prod", "no-admin-star-policy"), "default", [inv])
    result = verdicts(run, tmp_path / "r", str(checks))
    assert result["prod-main"] is Verdict.PASS
    assert result["scratch"] is Verdict.FAIL  # a failed assert is a finding, not a crash
    failed = next(r for r in run.records if r.resource == "scratch")
    assert "scratch is not prod-*" in failed.message


def test_a_failed_listing_is_an_error_never_absence(tmp_path: Path) -> None:
    # DescribeTrails denied: "no trail" would be an accusation archproof cannot make
    error = CollectionError(
        "live", "cloudtrail", "eu-west-1", "DescribeTrails", "AccessDenied", ("aws_cloudtrail",)
    )
    run = Run(spec("cloudtrail-multi-region"), "default", [Inventory("live", [], errors=[error])])
    judge(run, CheckRequest(spec_path="-", reports=tmp_path, quiet=True))
    assert [r.verdict for r in run.records] == [Verdict.ERROR]
    assert "DescribeTrails" in run.records[0].message
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["exit_code"] == 3
