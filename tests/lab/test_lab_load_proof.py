"""``archproof load`` on the real lab: locust through HAProxy's TLS entry, the lab autoscaler
observed through the runtime API. Disabled, the autoscaler fails the scale-out verdict."""

from __future__ import annotations

import json
from pathlib import Path

from archproof.lab.autoscaler import update_policy
from archproof.lab.stack import Lab
from archproof.load.prove import LoadProofOutcome, LoadProofRequest, prove_load
from archproof.load.targets import lab_target
from archproof.spec.load_profile import LoadProfile

SPEC = str(Path(__file__).resolve().parents[2] / "policies" / "bragabot.yaml")


def _profile(duration: int, bound: float) -> LoadProfile:
    return LoadProfile.model_validate(
        {
            "paths": [{"path": "/", "weight": 3}, {"path": "/api/item", "weight": 1}],
            "shape": {
                "kind": "ramp",
                "users": 30,
                "ramp_s": duration // 2,
                "duration_s": duration,
                "wait_s": 0.1,
            },
            "slo": {"p95_ms": 500, "p99_ms": 1500, "max_error_ratio": 0.01},
            "scaling": {"threshold_rps": 100, "scale_out_within_s": bound, "capacity_floor": 2},
        }
    )


def _prove(lab: Lab, reports: Path, profile: LoadProfile, tls: bool) -> LoadProofOutcome:
    return prove_load(
        LoadProofRequest(
            spec_path=SPEC,
            target=lab_target(lab.layout.lab_dir),
            reports=reports,
            profile=profile,
            quiet=True,
            probe_tls=tls,
        )
    )


def _verdicts(outcome: LoadProofOutcome) -> dict[str, tuple[str, str]]:
    return {r.control: (str(r.verdict), r.message) for r in outcome.run.records}


def test_disabled_autoscaler_fails_scale_out(running_lab: Lab, tmp_path: Path) -> None:
    update_policy(running_lab.layout, enabled=False)
    try:
        outcome = _prove(running_lab, tmp_path, _profile(duration=16, bound=5), tls=False)
    finally:
        update_policy(running_lab.layout, enabled=True)
    verdict, message = _verdicts(outcome)["load/autoscaling/scaled-out"]
    assert verdict == "fail", message
    assert "no scale-out — healthy capacity stayed at" in message
    assert "the autoscaler reported itself disabled" in message
    assert outcome.exit_code == 1


def test_lab_scales_out_under_ramp_with_slo_and_tls(running_lab: Lab, tmp_path: Path) -> None:
    outcome = _prove(running_lab, tmp_path, _profile(duration=24, bound=20), tls=True)
    verdicts = _verdicts(outcome)
    for control in (
        "load/autoscaling/slo-held",
        "load/autoscaling/scaled-out",
        "load/autoscaling/capacity-floor",
        "load/tls-endpoint/tls-termination",
    ):
        assert verdicts[control][0] == "pass", verdicts[control]
    assert outcome.exit_code == 0
    timeline = json.loads((tmp_path / "timeline.json").read_text())
    assert any(e["action"] == "scale_out" for e in timeline["events"])
    assert timeline["observer"] == "lab:haproxy/app"
    assert max(s["healthy"] for s in timeline["capacity"]) > timeline["capacity"][0]["healthy"]
    svg = (tmp_path / "chart.svg").read_text()
    assert "Capacity (lab:haproxy/app)" in svg and "scale_out" in svg
    results = json.loads((tmp_path / "results.json").read_text())
    statuses = {r["id"]: r["status"] for r in results["requirements"]}
    # the load proofs passed; the requirements' controls are judged by archproof check
    assert statuses == {"BRG-AVL-3": "awaiting_check", "BRG-TLS-1": "awaiting_check"}
