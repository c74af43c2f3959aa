"""The same Terraform planned and applied: plan and live verdicts agree, resource by resource.

Each case with a recording was applied with terraform into a local control plane whose
requests were recorded (seed 42, one request at a time); replaying the recording into a fresh
moto server seeded alike rebuilds the estate with the same ids (state_ids.json maps each
planned address to them). Verdicts on the plan and on the rebuilt account must agree, except
where moto cannot represent what AWS does (a verdict naming the moto gap) or where the plan
alone cannot say (expected.yaml: undecided by the code too, or ``plan_cannot_say``)."""

from __future__ import annotations

import gzip
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_realworld_plans import expected, plan_of

from archproof.moto_server import MotoServer, start_moto_server
from archproof.sources.aws import AwsOptions, collect_aws
from archproof.spec.load import load_spec
from archproof.verdict import Verdict
from support.in_process import CATALOGUE, judge_requirements

CASES = Path(__file__).resolve().parent / "cases"
APPLIED = sorted(p.name for p in CASES.iterdir() if (p / "recording.jsonl.gz").is_file())
# The settings the recordings were made with: replayed requests must meet the same server.
RECORDED_WITH = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "true", "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
# Judged live through other resources: an instance's disks are its aws_ebs_volume resources.
JUDGED_ELSEWHERE_LIVE = {("ebs-encrypted", "aws_instance")}


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[MotoServer]:
    """A fresh server per case: a reset one creates default VPCs before the seed takes
    effect, so the replayed ids would not be the recorded ones."""
    server = start_moto_server(
        settings={**RECORDED_WITH, "MOTO_RECORDER_FILEPATH": str(tmp_path / "recording")}
    )
    try:
        yield server
    finally:
        server.stop()


def _post(server: MotoServer, path: str, body: bytes | None = None) -> None:
    request = urllib.request.Request(server.endpoint + path, data=body, method="POST")
    if body is not None:  # without it the body is taken for a form and nothing is stored
        request.add_header("Content-Type", "application/octet-stream")
    with urllib.request.urlopen(request, timeout=600):
        pass


def rebuild(server: MotoServer, case: str) -> None:
    _post(server, "/moto-api/seed?a=42")
    recording = gzip.decompress((CASES / case / "recording.jsonl.gz").read_bytes())
    _post(server, "/moto-api/recorder/upload-recording", recording)
    _post(server, "/moto-api/recorder/replay-recording")


def verdicts_by_id(records: list[tuple[str, str, str, Verdict, str]]) -> dict[Any, Any]:
    return {(r, c, s.split(":", 1)[1]): (v, m) for r, c, s, v, m in records}


@pytest.mark.slow
@pytest.mark.parametrize("case", APPLIED)
def test_plan_and_live_agree_but_for_named_moto_gaps(
    case: str, recorder: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    region = str(yaml.safe_load((CASES / case / "provenance.yaml").read_text())["region"])
    rebuild(recorder, case)
    for key, value in recorder.client_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    spec = load_spec(CASES / case / "spec.yaml", CATALOGUE)
    plan = plan_of(case, tmp_path)
    planned = judge_requirements(spec, [plan])
    live = verdicts_by_id(judge_requirements(spec, [collect_aws(AwsOptions(regions=(region,)))]))
    ids: dict[str, list[str]] = json.loads((CASES / case / "state_ids.json").read_text())
    limits = expected(case)
    disagreements, unmatched = [], []
    for requirement, control, subject, verdict, _ in planned:
        address = subject.split(":", 1)[1]
        if address.startswith("<"):
            counterparts = [v for (r, c, s), v in live.items() if (r, c) == (requirement, control)]
        else:
            counterparts = [
                live[(requirement, control, i)]
                for i in ids.get(address, ())
                if (requirement, control, i) in live
            ]
        if not counterparts:
            resource = plan.by_address(address)
            if resource is None or (control, resource.kind) not in JUDGED_ELSEWHERE_LIVE:
                unmatched.append(f"{control} {address}")
            continue
        seen, message = counterparts[0]
        if seen is verdict:
            continue
        if seen is Verdict.INCONCLUSIVE and "moto gap" in message:
            continue  # the local control plane cannot show it: named, not judged
        key = (requirement, control, "<plan>" if address.startswith("<") else address)
        entry = limits.get(key, {})
        if verdict is Verdict.INCONCLUSIVE and (
            "plan_cannot_say" in entry or "terraform" not in entry
        ):
            continue  # the plan alone cannot say (nor can its code): the account can
        disagreements.append(f"{control} {address}: plan {verdict}, live {seen} — {message}")
    assert not disagreements, "\n".join(disagreements)
    assert not unmatched, "planned subjects with no live counterpart: " + ", ".join(unmatched)
