"""Requirement status from complete evidence: a requirement passes only when every control it
names was judged and passed and its proofs ran; the exit code and the summary say the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archproof.cli import main
from archproof.coverage import Gap, decide
from archproof.estates import build
from archproof.estates.plan_json import render_plan
from archproof.estates.workloads import reference_objects, write_manifests
from archproof.report import write_report

POLICIES = Path(__file__).resolve().parents[1] / "policies"
AWS_ONLY = Gap("root-account-mfa", ("--aws",), "needs --aws")


@pytest.mark.parametrize(
    ("verdicts", "gaps", "pending", "missing", "expected"),
    [
        (["pass"], [], [], [], "pass"),
        (["pass", "waived"], [], [], [], "waived"),
        (["pass"], [AWS_ONLY], [], [], "unproven"),  # judged in part is never a pass
        (["fail"], [AWS_ONLY], [], [], "fail"),  # a failure outranks what is missing
        (["inconclusive", "pass"], [AWS_ONLY], [], [], "inconclusive"),
        ([], [AWS_ONLY], [], [], "not_judged"),
        (["pass"], [], ["chaos/instance-loss"], [], "awaiting_proof"),
        ([], [], ["load/autoscaling"], [], "awaiting_proof"),
        (["pass"], [], [], ["chaos/zone-loss"], "unproven"),  # the run's own proof gave nothing
        ([], [], [], [], "not_judged"),
    ],
)
def test_status_from_what_was_judged(
    verdicts: list[str], gaps: list[Gap], pending: list[str], missing: list[str], expected: str
) -> None:
    assert decide(verdicts, gaps, pending, missing).status == expected


def test_not_provable_is_said_when_nothing_judged() -> None:
    assert decide([], [], [], not_provable="no API reads it").status == "not_provable"


def _check(tmp_path: Path, *args: str) -> tuple[int, dict[str, object], str]:
    reports = tmp_path / "reports"
    code = main(["check", *args, "--reports", str(reports), "--no-report"])
    return code, json.loads((reports / "results.json").read_text()), str(reports)


def _statuses(results: dict[str, object]) -> dict[str, str]:
    requirements = results["requirements"]
    assert isinstance(requirements, list)
    return {r["id"]: r["status"] for r in requirements}


@pytest.fixture(scope="module")
def bragabot_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bragabot") / "plan.json"
    path.write_text(render_plan(build("bragabot")), encoding="utf-8")
    return path


def test_bragabot_from_its_plan_alone_is_never_a_bare_compliant(
    tmp_path: Path, bragabot_plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = str(POLICIES / "bragabot.yaml")
    code, results, _ = _check(tmp_path, "--spec", spec, "--plan", str(bragabot_plan))
    printed = capsys.readouterr().out
    statuses = _statuses(results)
    # root-account-mfa judges only a live account: the rest of BRG-SEC-2 passing is not enough
    assert statuses["BRG-SEC-2"] == "unproven"
    by_id = {r["id"]: r for r in results["requirements"]}  # type: ignore[attr-defined]
    assert by_id["BRG-SEC-2"]["missing"] == [
        {"control": "root-account-mfa", "needs": ["--aws"], "reason": "needs --aws"}
    ]
    # the Kubernetes requirements: nothing in a plan judges them
    for rid in ("BRG-K8S-1", "BRG-K8S-2", "BRG-K8S-3"):
        assert statuses[rid] == "not_judged"
        assert all(m["needs"] == ["--manifests", "--k8s"] for m in by_id[rid]["missing"])
    # instance loss has a failure proof: configuration alone does not pass it
    assert statuses["BRG-AVL-2"] == "awaiting_proof"
    assert by_id["BRG-AVL-2"]["proofs_pending"] == ["chaos/instance-loss"]
    assert code == 3 and results["compliant"] is False
    coverage = results["coverage"]
    assert isinstance(coverage, dict)
    assert coverage["unproven"] == ["BRG-SEC-2"]
    assert coverage["needs"] == ["--aws", "--manifests", "--k8s"]
    headline = next(line for line in printed.splitlines() if line.startswith("archproof "))
    assert "EVIDENCE MISSING; 1 judged in part, 3 not judged" in headline
    assert "(need --aws, --manifests, --k8s)" in headline
    assert "UNPROVEN      BRG-SEC-2: root-account-mfa (needs --aws)" in printed


def test_requirements_judged_in_full_are_compliant_and_the_rest_listed(
    tmp_path: Path, bragabot_plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = str(POLICIES / "bragabot.yaml")
    args = ["--spec", spec, "--plan", str(bragabot_plan), "--requirement", "BRG-NET-*"]
    args += ["--requirement", "BRG-K8S-*"]
    code, results, _ = _check(tmp_path, *args)
    headline = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("archproof ")
    )
    assert code == 0
    assert "COMPLIANT for 5 of 8 requirements; 3 not judged (need --manifests, --k8s)" in headline
    # an audit run asks for everything: not judged is missing evidence then
    code, results, _ = _check(tmp_path, *args, "--require-all")
    assert code == 3 and results["require_all"] is True


def test_libertum_from_its_manifests_alone_proves_no_cluster_claim(tmp_path: Path) -> None:
    objects = reference_objects("libertum")
    manifests = write_manifests(objects, tmp_path / "manifests")
    spec = str(POLICIES / "libertum.yaml")
    code, results, _ = _check(tmp_path, "--spec", spec, "--manifests", str(manifests))
    statuses = _statuses(results)
    # the workloads' controls pass on the manifests; the cluster's own need a plan or Azure
    assert statuses["LIB-AKS-1"] == "unproven"
    by_id = {r["id"]: r for r in results["requirements"]}  # type: ignore[attr-defined]
    missing = {m["control"]: m["needs"] for m in by_id["LIB-AKS-1"]["missing"]}
    assert missing["cluster-nodes-across-zones"] == ["--plan", "--azure"]
    assert sum(1 for s in statuses.values() if s == "not_judged") >= 9
    assert code == 3 and results["compliant"] is False


def test_audit_report_marks_partly_proven_requirements(tmp_path: Path, bragabot_plan: Path) -> None:
    spec = str(POLICIES / "bragabot.yaml")
    _, _, reports = _check(tmp_path, "--spec", spec, "--plan", str(bragabot_plan))
    outcome = write_report([Path(reports)], tmp_path / "audit", None, pdf=False)
    html = outcome.html.read_text()
    assert outcome.requirements["unproven"] == 1 and outcome.requirements["awaiting_proof"] >= 1
    assert "not judged: root-account-mfa (needs --aws)" in html
    assert "proofs pending: chaos/instance-loss" in html
    assert "PARTLY PROVEN" in html and ">COMPLIANT<" not in html
    assert outcome.exit_code == 3


def test_what_is_not_provable_is_never_passed_by_the_controls_it_also_names() -> None:
    standing = decide(["pass"], [], [], not_provable="the drill is not automated")
    assert standing.status == "not_provable"
    assert decide(["fail"], [], [], not_provable="x").status == "fail"


def test_a_proof_run_leaves_its_requirements_awaiting_their_check() -> None:
    # load proofs passed; the controls are judged by archproof check, never passed here
    assert decide(["pass"], [], [], controls_elsewhere=["asg-capacity-floor"]).status == (
        "awaiting_check"
    )


def test_scanner_checks_alone_must_each_have_judged_something() -> None:
    from archproof.coverage import control_gaps
    from archproof.spec.model import Requirement

    req = Requirement.model_validate(
        {
            "id": "SCN-1",
            "claim": "c",
            "source": {"system": "s", "section": "s"},
            "scanners": {"checkov": ["CKV_AWS_157", "CKV_K8S_16"]},
        }
    )
    gaps = control_gaps(req, {"checkov:CKV_AWS_157"}, {}, {"plan"})
    assert [g.control for g in gaps] == ["checkov:CKV_K8S_16"]
    assert decide(["pass"], gaps, []).status == "unproven"
