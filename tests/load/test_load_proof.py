"""``archproof load`` end to end: locust (a real subprocess) against a real local HTTP
server, capacity sampled alongside, verdicts traced to the spec's requirements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from http_target import TargetObserver, TargetState, http_target

from archproof.cli import main
from archproof.load.prove import LoadProofRequest, prove_load
from archproof.load.runner import LoadTarget
from archproof.spec.load_profile import LoadProfile

ROOT = Path(__file__).resolve().parents[2]
SPEC = str(ROOT / "policies" / "bragabot.yaml")


def _profile(threshold: float = 20, duration: int = 8) -> LoadProfile:
    return LoadProfile.model_validate(
        {
            "shape": {
                "kind": "ramp",
                "users": 4,
                "ramp_s": 2,
                "duration_s": duration,
                "wait_s": 0.05,
            },
            "slo": {"p95_ms": 800, "p99_ms": 2000, "max_error_ratio": 0.01},
            "scaling": {"threshold_rps": threshold, "scale_out_within_s": 20, "capacity_floor": 2},
        }
    )


def _prove(state: TargetState, tmp_path: Path, profile: LoadProfile, observe: bool = True):
    with http_target(state) as url:
        target = LoadTarget(url=url, observer=TargetObserver(state) if observe else None)
        return prove_load(
            LoadProofRequest(
                spec_path=SPEC,
                target=target,
                reports=tmp_path,
                profile=profile,
                quiet=True,
                probe_tls=False,
            )
        )


def _verdicts(outcome) -> dict[str, str]:
    return {r.control: str(r.verdict) for r in outcome.run.records}


def test_scaling_target_proves_autoscaling_and_slo(tmp_path: Path) -> None:
    state = TargetState(scale_every=60)
    outcome = _prove(state, tmp_path, _profile())
    verdicts = _verdicts(outcome)
    assert verdicts["load/autoscaling/slo-held"] == "pass"
    assert verdicts["load/autoscaling/scaled-out"] == "pass"
    assert verdicts["load/autoscaling/capacity-floor"] == "pass"
    assert "load/autoscaling/scaled-in" not in verdicts
    # not HTTPS: the TLS proof cannot pass
    assert verdicts["load/tls-endpoint/tls-termination"] == "error"
    results = json.loads((tmp_path / "results.json").read_text())
    by_id = {r["id"]: r for r in results["requirements"]}
    assert by_id["BRG-AVL-3"]["proofs"] == ["load/autoscaling"]
    # its proof passed here; its control (asg-capacity-floor) is archproof check's to judge
    assert by_id["BRG-AVL-3"]["status"] == "awaiting_check"
    assert by_id["BRG-TLS-1"]["status"] == "error"
    assert set(by_id) == {"BRG-AVL-3", "BRG-TLS-1"}
    timeline = json.loads((tmp_path / "timeline.json").read_text())
    assert timeline["totals"]["requests"] > 100
    assert timeline["load"] and timeline["capacity"]
    assert max(s["healthy"] for s in timeline["capacity"]) > 2
    svg = (tmp_path / "chart.svg").read_text()
    assert svg.startswith("<svg") and "Capacity (test-target)" in svg
    assert (tmp_path / "locust.html").stat().st_size > 1000
    assert (tmp_path / "junit.xml").is_file()


def test_target_that_never_scales_fails_scale_out(tmp_path: Path) -> None:
    outcome = _prove(TargetState(scale_every=0), tmp_path, _profile(duration=8))
    record = next(r for r in outcome.run.records if r.control.endswith("scaled-out"))
    # the run watched less than the 20 s bound after crossing: cannot say it never scales
    assert str(record.verdict) == "inconclusive"
    assert "watched only" in record.message
    strict = _profile(duration=8).model_copy(
        update={"scaling": _profile().scaling.model_copy(update={"scale_out_within_s": 3})}
    )
    outcome = _prove(TargetState(scale_every=0), tmp_path, strict)
    record = next(r for r in outcome.run.records if r.control.endswith("scaled-out"))
    assert str(record.verdict) == "fail"
    assert "no scale-out — healthy capacity stayed at 2" in record.message
    assert outcome.exit_code == 1


def test_errors_break_the_slo(tmp_path: Path) -> None:
    outcome = _prove(TargetState(status=503, scale_every=60), tmp_path, _profile(duration=6))
    record = next(r for r in outcome.run.records if r.control.endswith("slo-held"))
    assert str(record.verdict) == "fail"
    assert "error ratio 100.00%" in record.message


def test_no_observer_means_error_never_pass(tmp_path: Path) -> None:
    outcome = _prove(TargetState(scale_every=60), tmp_path, _profile(duration=6), observe=False)
    verdicts = _verdicts(outcome)
    assert verdicts["load/autoscaling/scaled-out"] == "error"
    assert verdicts["load/autoscaling/capacity-floor"] == "error"
    assert outcome.exit_code == 3


def test_broken_observer_is_error_with_reason(tmp_path: Path) -> None:
    state = TargetState(scale_every=60, observer_broken="AccessDenied: autoscaling:Describe*")
    outcome = _prove(state, tmp_path, _profile(duration=6))
    record = next(r for r in outcome.run.records if r.control.endswith("scaled-out"))
    assert str(record.verdict) == "error"
    assert "AccessDenied" in record.message


def test_unreachable_entry_point_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["load", "--spec", SPEC, "--url", "http://127.0.0.1:9", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "http://127.0.0.1:9" in err and "unreachable" in err


def test_distributed_run_uses_locust_master_and_workers(tmp_path: Path) -> None:
    state = TargetState(scale_every=60)
    with http_target(state) as url:
        target = LoadTarget(url=url, observer=TargetObserver(state))
        outcome = prove_load(
            LoadProofRequest(
                spec_path=SPEC,
                target=target,
                reports=tmp_path,
                profile=_profile(duration=8),
                workers=2,
                quiet=True,
                probe_tls=False,
            )
        )
    commands = outcome.timeline.locust["commands"] if outcome.timeline else []
    assert len(commands) == 3
    assert "--master" in commands[0] and "--expect-workers" in commands[0]
    assert all("--worker" in c for c in commands[1:])
    assert outcome.timeline is not None and outcome.timeline.totals is not None
    assert outcome.timeline.totals.requests > 100
    assert state.requests >= outcome.timeline.totals.requests
    verdicts = _verdicts(outcome)
    assert verdicts["load/autoscaling/slo-held"] == "pass"
    assert verdicts["load/autoscaling/scaled-out"] == "pass"


def test_lab_not_running_and_unknown_observer_are_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["load", "--spec", SPEC, "--lab", "--lab-dir", str(tmp_path), "-q"])
    assert code == 2
    assert "is not running — start it with `archproof lab up`" in capsys.readouterr().err
    with http_target(TargetState()) as url:
        code = main(["load", "--spec", SPEC, "--url", url, "--observe", "gcp-mig:web", "-q"])
    assert code == 2
    assert "--observe 'gcp-mig:web': expected lab, none" in capsys.readouterr().err
