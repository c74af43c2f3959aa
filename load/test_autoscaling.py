"""``load/autoscaling``: under real traffic the documented autoscaling adds capacity in time
and the service level holds (judged from the run's timeline, see archproof.load.judge)."""

from __future__ import annotations

from archproof.load import judge
from archproof.load.judge import Judgement
from archproof.load.proof import LoadEvidence, proof_check
from archproof.verdict import Verdict


def _timeline_missing(evidence: LoadEvidence) -> Judgement:
    return Judgement(Verdict.ERROR, f"{evidence.target}: the load run produced no timeline")


@proof_check("load/autoscaling", "slo-held")
def test_slo_held(evidence: LoadEvidence) -> Judgement:
    """The SLO (p95, p99 latency and error ratio) held under the load."""
    if evidence.timeline is None:
        return _timeline_missing(evidence)
    return judge.slo_held(evidence.timeline, evidence.profile.slo)


@proof_check("load/autoscaling", "scaled-out")
def test_scaled_out(evidence: LoadEvidence) -> Judgement:
    """Healthy capacity grew within the bound after the load crossed the threshold."""
    if evidence.timeline is None:
        return _timeline_missing(evidence)
    return judge.scaled_out(evidence.timeline, evidence.profile.scaling)


@proof_check("load/autoscaling", "capacity-floor")
def test_capacity_floor(evidence: LoadEvidence) -> Judgement:
    """Healthy capacity never fell under the documented floor while loaded."""
    if evidence.timeline is None:
        return _timeline_missing(evidence)
    return judge.capacity_floor(evidence.timeline, evidence.profile.scaling)


@proof_check("load/autoscaling", "scaled-in")
def test_scaled_in(evidence: LoadEvidence) -> Judgement | None:
    """Capacity returned after the load (only when the spec asks for scale-in)."""
    if not evidence.profile.scaling.scale_in:
        return None
    if evidence.timeline is None:
        return _timeline_missing(evidence)
    return judge.scaled_in(evidence.timeline, evidence.profile.scaling)
