"""The load judgements on timelines built by hand: each verdict's pass, fail and the
fail-closed cases (missing or partial evidence)."""

from __future__ import annotations

from archproof.load import judge
from archproof.load.observers.base import CapacitySample
from archproof.load.timeline import LoadPoint, Timeline, Totals
from archproof.spec.load_profile import ScalingBounds, Slo
from archproof.verdict import Verdict

T0 = 1_000_000.0


def _timeline(
    rps: list[float],
    healthy: list[int | None],
    *,
    totals: Totals | None = None,
    errors: dict[int, str] | None = None,
    load_ended: float | None = None,
) -> Timeline:
    load = [
        LoadPoint(T0 + i, 10, r, 0.0, 5.0, 20.0, 40.0, int(sum(rps[: i + 1])), 0)
        for i, r in enumerate(rps)
    ]
    capacity = [
        CapacitySample(T0 + i + 0.5, h, h, error=(errors or {}).get(i, ""))
        if not (errors or {}).get(i)
        else CapacitySample(T0 + i + 0.5, None, None, error=(errors or {})[i])
        for i, h in enumerate(healthy)
    ]
    return Timeline(
        target="entry",
        observer="obs",
        started=T0,
        finished=T0 + max(len(rps), len(healthy)),
        load=load,
        capacity=capacity,
        totals=totals or Totals(1000, 0, 5.0, 20.0, 40.0, 100.0),
        load_ended=load_ended if load_ended is not None else T0 + len(rps),
    )


BOUNDS = ScalingBounds(threshold_rps=50, scale_out_within_s=5, capacity_floor=2)


def test_slo_pass_and_each_breach() -> None:
    slo = Slo(p95_ms=100, p99_ms=200, max_error_ratio=0.01)
    assert judge.slo_held(_timeline([10], [2]), slo).verdict is Verdict.PASS
    slow = judge.slo_held(_timeline([10], [2], totals=Totals(1000, 0, 5, 150, 400, 90)), slo)
    assert slow.verdict is Verdict.FAIL
    assert "p95 150 ms > 100 ms" in slow.message and "p99 400 ms > 200 ms" in slow.message
    failing = judge.slo_held(_timeline([10], [2], totals=Totals(1000, 50, 5, 20, 40, 90)), slo)
    assert failing.verdict is Verdict.FAIL and "5.00% (50 of 1000)" in failing.message
    assert failing.evidence["required"] == {
        "p95_ms": 100,
        "p99_ms": 200,
        "max_error_ratio": 0.01,
    }


def test_slo_without_requests_is_error() -> None:
    empty = _timeline([0], [2], totals=Totals(0, 0, None, None, None, 0))
    empty.locust["problem"] = "locust wrote no statistics (exit code 1): ImportError"
    result = judge.slo_held(empty, Slo())
    assert result.verdict is Verdict.ERROR and "ImportError" in result.message


def test_scaled_out_within_bound_passes() -> None:
    timeline = _timeline([10, 30, 60, 80, 80, 80], [2, 2, 2, 2, 3, 3])
    result = judge.scaled_out(timeline, BOUNDS)
    assert result.verdict is Verdict.PASS
    assert "2 → 3 2.5 s after the load crossed 50 req/s" in result.message


def test_scaled_out_too_late_fails() -> None:
    timeline = _timeline([60] * 12, [2] * 9 + [3, 3, 3])
    result = judge.scaled_out(timeline, BOUNDS)
    assert result.verdict is Verdict.FAIL and "only 9.5 s after" in result.message


def test_never_scaled_fails_when_watched_long_enough() -> None:
    timeline = _timeline([60] * 10, [2] * 10)
    result = judge.scaled_out(timeline, BOUNDS)
    assert result.verdict is Verdict.FAIL
    assert "no scale-out — healthy capacity stayed at 2, desired peaked at 2" in result.message


def test_never_scaled_but_short_run_is_inconclusive() -> None:
    timeline = _timeline([60] * 3, [2] * 3)
    assert judge.scaled_out(timeline, BOUNDS).verdict is Verdict.INCONCLUSIVE


def test_load_under_threshold_is_inconclusive() -> None:
    result = judge.scaled_out(_timeline([10] * 10, [2] * 10), BOUNDS)
    assert result.verdict is Verdict.INCONCLUSIVE and "not exercised" in result.message


def test_observer_gaps_are_errors() -> None:
    none = _timeline([60] * 10, [])
    assert judge.scaled_out(none, BOUNDS).verdict is Verdict.ERROR
    assert judge.capacity_floor(none, BOUNDS).verdict is Verdict.ERROR
    gaps = _timeline([60] * 10, [2, 3, 3, 3, 3, 3, 3, 3, 3, 3], errors={4: "Throttling: Rate"})
    result = judge.scaled_out(gaps, BOUNDS)
    assert result.verdict is Verdict.ERROR and "Throttling" in result.message
    assert judge.capacity_floor(gaps, BOUNDS).verdict is Verdict.ERROR


def test_capacity_floor() -> None:
    assert judge.capacity_floor(_timeline([60] * 5, [2, 3, 3, 2, 2]), BOUNDS).verdict is (
        Verdict.PASS
    )
    dipped = judge.capacity_floor(_timeline([60] * 5, [2, 2, 1, 2, 2]), BOUNDS)
    assert dipped.verdict is Verdict.FAIL and "fell to 1" in dipped.message


def test_scaled_in() -> None:
    bounds = ScalingBounds(scale_in=True, scale_in_within_s=5)
    came_back = _timeline([60] * 4, [2, 3, 3, 3, 3, 2, 2], load_ended=T0 + 4)
    assert judge.scaled_in(came_back, bounds).verdict is Verdict.PASS
    stayed = _timeline([60] * 4, [2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], load_ended=T0 + 4)
    assert judge.scaled_in(stayed, bounds).verdict is Verdict.FAIL
    short = _timeline([60] * 4, [2, 3, 3, 3, 3, 3], load_ended=T0 + 4)
    assert judge.scaled_in(short, bounds).verdict is Verdict.INCONCLUSIVE
