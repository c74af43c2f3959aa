"""Verdicts of a load run, from its timeline: SLO held, scaled out in time, capacity floor,
scaled back in. Missing evidence is ``error``; a run that could not exercise the claim is
``inconclusive``; neither is ever a pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from archproof.load.observers.base import CapacitySample
from archproof.load.timeline import Timeline
from archproof.spec.load_profile import ScalingBounds, Slo
from archproof.verdict import Verdict


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    message: str
    evidence: dict[str, object] = field(default_factory=dict)


def _fmt(value: float | None, unit: str = "") -> str:
    return "unknown" if value is None else f"{value:g}{unit}"


def slo_held(timeline: Timeline, slo: Slo) -> Judgement:
    """p95 and p99 latency and the error ratio of the whole run within the SLO."""
    totals = timeline.totals
    if totals is None or totals.requests == 0:
        reason = timeline.locust.get("problem") or "locust recorded no requests"
        return Judgement(Verdict.ERROR, f"{timeline.target}: no load statistics — {reason}")
    required = {
        "p95_ms": slo.p95_ms,
        "p99_ms": slo.p99_ms,
        "max_error_ratio": slo.max_error_ratio,
    }
    seen = {
        "requests": totals.requests,
        "failures": totals.failures,
        "p95_ms": totals.p95_ms,
        "p99_ms": totals.p99_ms,
        "error_ratio": round(totals.error_ratio, 6),
    }
    evidence: dict[str, object] = {"seen": seen, "required": required}
    if totals.p95_ms is None or totals.p99_ms is None:
        return Judgement(
            Verdict.INCONCLUSIVE, f"{timeline.target}: locust reported no percentiles", evidence
        )
    broken = []
    if totals.p95_ms > slo.p95_ms:
        broken.append(f"p95 {totals.p95_ms:g} ms > {slo.p95_ms:g} ms")
    if totals.p99_ms > slo.p99_ms:
        broken.append(f"p99 {totals.p99_ms:g} ms > {slo.p99_ms:g} ms")
    if totals.error_ratio > slo.max_error_ratio:
        broken.append(
            f"error ratio {totals.error_ratio:.2%} ({totals.failures} of {totals.requests})"
            f" > {slo.max_error_ratio:.2%}"
        )
    summary = (
        f"{totals.requests} requests, p95 {_fmt(totals.p95_ms, ' ms')}, "
        f"p99 {_fmt(totals.p99_ms, ' ms')}, errors {totals.error_ratio:.2%}"
    )
    if broken:
        return Judgement(
            Verdict.FAIL, f"{timeline.target}: SLO broken — {'; '.join(broken)}", evidence
        )
    return Judgement(Verdict.PASS, f"{timeline.target}: SLO held — {summary}", evidence)


def _unreadable(timeline: Timeline) -> Judgement | None:
    """``error`` when the observer gave no usable capacity or failed in places."""
    if not timeline.capacity:
        return Judgement(
            Verdict.ERROR,
            f"{timeline.target}: no capacity samples from observer {timeline.observer!r}"
            " — scaling cannot be judged",
        )
    failed = [s for s in timeline.capacity if s.error]
    if failed:
        return Judgement(
            Verdict.ERROR,
            f"{timeline.target}: {len(failed)} of {len(timeline.capacity)} capacity samples"
            f" from {timeline.observer} could not be read — first: {failed[0].error}",
            {"failed_samples": len(failed)},
        )
    if all(s.healthy is None for s in timeline.capacity):
        return Judgement(
            Verdict.ERROR,
            f"{timeline.target}: observer {timeline.observer} reports no healthy capacity",
        )
    return None


def _healthy(samples: Sequence[CapacitySample]) -> list[tuple[float, int]]:
    return [(s.t, s.healthy) for s in samples if s.healthy is not None]


def threshold_crossed(timeline: Timeline, threshold_rps: float) -> float | None:
    for point in timeline.load:
        if point.rps >= threshold_rps:
            return point.t
    return None


def scaled_out(timeline: Timeline, bounds: ScalingBounds) -> Judgement:
    """More healthy capacity within the bound after the load crossed the threshold."""
    problem = _unreadable(timeline)
    if problem is not None:
        return problem
    healthy = _healthy(timeline.capacity)
    crossed = threshold_crossed(timeline, bounds.threshold_rps)
    peak_rps = max((p.rps for p in timeline.load), default=0.0)
    evidence: dict[str, object] = {
        "threshold_rps": bounds.threshold_rps,
        "peak_rps": round(peak_rps, 1),
        "bound_s": bounds.scale_out_within_s,
    }
    baseline = healthy[0][1]
    evidence.update({"crossed_at": crossed, "baseline_healthy": baseline})
    grown = next(((t, h) for t, h in healthy if h > baseline), None)
    if grown is not None and crossed is None:
        return Judgement(
            Verdict.PASS,
            f"{timeline.target}: healthy capacity {baseline} → {grown[1]} under load"
            f" (peak {peak_rps:.1f} req/s, below the {bounds.threshold_rps:g} req/s threshold)",
            evidence,
        )
    if crossed is None:
        return Judgement(
            Verdict.INCONCLUSIVE,
            f"{timeline.target}: load peaked at {peak_rps:.1f} req/s, under the scaling threshold"
            f" {bounds.threshold_rps:g} req/s — scale-out was not exercised (raise the users)",
            evidence,
        )
    if grown is not None:
        t, value = grown
        delay = t - crossed
        evidence.update({"scaled_at": t, "delay_s": round(delay, 1), "healthy_after": value})
        when = (
            f"{delay:.1f} s after the load crossed {bounds.threshold_rps:g} req/s"
            if delay >= 0
            else f"before the load reached {bounds.threshold_rps:g} req/s"
        )
        if delay <= bounds.scale_out_within_s:
            return Judgement(
                Verdict.PASS,
                f"{timeline.target}: healthy capacity {baseline} → {value} {when}"
                f" (bound {bounds.scale_out_within_s:g} s)",
                evidence,
            )
        return Judgement(
            Verdict.FAIL,
            f"{timeline.target}: healthy capacity grew {baseline} → {value} only {when}"
            f" (bound {bounds.scale_out_within_s:g} s)",
            evidence,
        )
    watched = healthy[-1][0] - crossed
    desired = [s.desired for s in timeline.capacity if s.desired is not None]
    wanted = f", desired peaked at {max(desired)}" if desired else ""
    if watched < bounds.scale_out_within_s:
        return Judgement(
            Verdict.INCONCLUSIVE,
            f"{timeline.target}: no scale-out seen, but capacity was watched only {watched:.0f} s"
            f" after the load crossed {bounds.threshold_rps:g} req/s"
            f" (bound {bounds.scale_out_within_s:g} s) — lengthen the run",
            evidence,
        )
    disabled = [s for s in timeline.capacity if s.detail.get("autoscaler_enabled") is False]
    hint = " — the autoscaler reported itself disabled" if disabled else ""
    return Judgement(
        Verdict.FAIL,
        f"{timeline.target}: no scale-out — healthy capacity stayed at {baseline}{wanted} for"
        f" {watched:.0f} s after the load crossed {bounds.threshold_rps:g} req/s"
        f" (peak {peak_rps:.1f} req/s; bound {bounds.scale_out_within_s:g} s){hint}",
        evidence,
    )


def capacity_floor(timeline: Timeline, bounds: ScalingBounds) -> Judgement:
    """Healthy capacity never under the floor while the load ran."""
    problem = _unreadable(timeline)
    if problem is not None:
        return problem
    end = timeline.load_ended or timeline.finished
    during = [(t, h) for t, h in _healthy(timeline.capacity) if t <= end] or _healthy(
        timeline.capacity
    )
    lowest_t, lowest = min(during, key=lambda pair: pair[1])
    evidence: dict[str, object] = {
        "floor": bounds.capacity_floor,
        "lowest_healthy": lowest,
        "at": lowest_t,
        "samples": len(during),
    }
    if lowest < bounds.capacity_floor:
        return Judgement(
            Verdict.FAIL,
            f"{timeline.target}: healthy capacity fell to {lowest} at"
            f" +{lowest_t - timeline.started:.0f} s, under the floor {bounds.capacity_floor}",
            evidence,
        )
    return Judgement(
        Verdict.PASS,
        f"{timeline.target}: healthy capacity never under {bounds.capacity_floor}"
        f" (lowest {lowest}, {len(during)} samples)",
        evidence,
    )


def scaled_in(timeline: Timeline, bounds: ScalingBounds) -> Judgement:
    """Capacity back down after the load, within the bound."""
    problem = _unreadable(timeline)
    if problem is not None:
        return problem
    end = timeline.load_ended
    healthy = _healthy(timeline.capacity)
    if end is None:
        return Judgement(Verdict.ERROR, f"{timeline.target}: the run has no load end time")
    during = [h for t, h in healthy if t <= end]
    after = [(t, h) for t, h in healthy if t > end]
    peak = max(during, default=0)
    evidence: dict[str, object] = {"peak_healthy": peak, "bound_s": bounds.scale_in_within_s}
    for t, value in after:
        if value < peak:
            delay = t - end
            evidence.update({"scaled_in_at": t, "delay_s": round(delay, 1), "healthy": value})
            verdict = Verdict.PASS if delay <= bounds.scale_in_within_s else Verdict.FAIL
            return Judgement(
                verdict,
                f"{timeline.target}: capacity {peak} → {value} {delay:.1f} s after the load"
                f" ended (bound {bounds.scale_in_within_s:g} s)",
                evidence,
            )
    watched = (after[-1][0] - end) if after else 0.0
    if watched < bounds.scale_in_within_s:
        return Judgement(
            Verdict.INCONCLUSIVE,
            f"{timeline.target}: capacity watched only {watched:.0f} s after the load ended"
            f" (bound {bounds.scale_in_within_s:g} s) — raise scaling.observe_after_s",
            evidence,
        )
    return Judgement(
        Verdict.FAIL,
        f"{timeline.target}: capacity stayed at {peak} for {watched:.0f} s after the load ended"
        f" (bound {bounds.scale_in_within_s:g} s)",
        evidence,
    )
