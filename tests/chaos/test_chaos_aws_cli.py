"""``archproof chaos --aws`` against the moto server: the opt-in refusal before anything is
touched, an explicitly named target, and verdicts from a control-plane-only run."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from test_chaos_aws import provision

from archproof.cli import main
from archproof.moto_server import MotoServer

LEVELS = str(Path(__file__).resolve().parents[2] / "policies" / "levels.yaml")
FAST = {
    "ARCHPROOF_CHAOS_POLL": "0.05",
    "ARCHPROOF_CHAOS_RECOVERY_TIMEOUT": "2",
    "AWS_MAX_ATTEMPTS": "1",
}


def _instances(aws: boto3.Session) -> set[str]:
    groups = aws.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["web"])
    return {i["InstanceId"] for i in groups["AutoScalingGroups"][0]["Instances"]}


def _chaos(tmp_path: Path, *args: str) -> int:
    return main(
        [
            "chaos",
            "--spec",
            LEVELS,
            "--aws",
            "--aws-region",
            "us-east-1",
            "--experiment",
            "aws-instance-loss",
            "--set",
            "ARCHPROOF_CHAOS_ASG=web",
            "--reports",
            str(tmp_path),
            "-q",
            *args,
        ]
    )


def test_untagged_target_is_refused_before_anything_changes(
    moto: MotoServer,
    aws: boto3.Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    provision(aws, tagged=False)
    before = _instances(aws)
    assert _chaos(tmp_path, "--allow-chaos") == 2
    err = capsys.readouterr().err
    assert "refusing to mutate AWS targets without opt-in" in err and "web" in err
    assert _instances(aws) == before
    assert _chaos(tmp_path, "--dry-run") == 0
    assert "asg=web" in capsys.readouterr().out
    assert _instances(aws) == before


def test_named_target_runs_and_is_judged(
    moto: MotoServer, aws: boto3.Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    provision(aws, tagged=False)
    before = _instances(aws)
    code = _chaos(tmp_path, "--allow-chaos", "--target", "web")
    assert len(before - _instances(aws)) == 1, "one instance terminated"
    results = json.loads((tmp_path / "results.json").read_text())
    verdicts = {r["control"].rsplit("/", 1)[1]: r for r in results["results"]}
    assert verdicts["experiment-completed"]["verdict"] == "pass"
    assert verdicts["recovery-time"]["verdict"] == "pass"
    assert "recovery waits" in verdicts["recovery-time"]["message"]
    # no writer against a managed database here: lost writes are not shown, never passed
    assert verdicts["data-loss"]["verdict"] == "error"
    assert code == 3
    journal = json.loads((tmp_path / "aws-instance-loss" / "journal.json").read_text())
    assert journal["archproof"]["measures"]["faults"]
