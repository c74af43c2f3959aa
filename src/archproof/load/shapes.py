"""Load shapes as pure functions of elapsed time: how many users should run at ``t`` seconds.

The locustfile's ``LoadTestShape`` asks these every second; tests and the chart use them too.
"""

from __future__ import annotations

import math

from archproof.spec.load_profile import LoadShape


def users_at(shape: LoadShape, elapsed: float) -> int | None:
    """Users wanted ``elapsed`` seconds into the run; ``None`` once the run is over."""
    if elapsed >= shape.duration_s:
        return None
    if shape.kind == "soak":
        return shape.users
    if shape.kind == "ramp":
        share = min(1.0, elapsed / shape.ramp_s)
        return max(1, math.ceil(shape.users * share))
    if shape.kind == "step":
        steps = int(elapsed // shape.step_s) + 1
        return min(shape.users, steps * shape.step_users)
    in_spike = shape.spike_at_s <= elapsed < shape.spike_at_s + shape.spike_s
    return shape.users if in_spike else max(1, shape.base_users)


def spawn_rate_at(shape: LoadShape, elapsed: float) -> float:
    """How fast users start: a spike arrives at once; other shapes at their spawn rate."""
    if shape.kind == "spike":
        return float(max(shape.users, 1))
    if shape.kind == "ramp":
        return max(shape.spawn_rate, shape.users / shape.ramp_s)
    return shape.spawn_rate


def peak_users(shape: LoadShape) -> int:
    return max(users_at(shape, float(t)) or 0 for t in range(shape.duration_s))
