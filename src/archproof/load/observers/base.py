"""The observer contract: one capacity sample per call, on the wall clock locust also uses."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol


class ObserverError(Exception):
    """The observer could not read capacity (permission, missing API, unreachable)."""


@dataclass(frozen=True, slots=True)
class CapacitySample:
    """Capacity of the scaled tier at wall-clock time ``t`` (epoch seconds, as locust's CSV).

    ``None`` means the target does not report that figure; it never means zero.
    """

    t: float
    desired: int | None
    """What the autoscaler wants (ASG desired, HPA desired replicas, lab autoscaler target)."""
    healthy: int | None
    """Capacity that serves traffic now (in-service and healthy, ready pods, servers UP)."""
    detail: dict[str, object] = field(default_factory=dict)
    """Observer-specific figures (per target group, node counts, last decision …)."""
    error: str = ""
    """Set when this sample could not be taken; the other fields are then ``None``."""

    def as_json(self) -> dict[str, object]:
        return {
            "t": round(self.t, 3),
            "desired": self.desired,
            "healthy": self.healthy,
            "detail": self.detail,
            "error": self.error,
        }


class Observer(Protocol):
    """Reads the capacity of one scaled tier. Read-only."""

    @property
    def name(self) -> str:
        """Short label for reports: ``aws-asg:web``, ``k8s:default/web``, ``lab``."""
        ...

    def sample(self) -> CapacitySample:
        """One reading now. Raises ``ObserverError`` when it cannot be read."""
        ...


def failed_sample(reason: str) -> CapacitySample:
    return CapacitySample(t=time.time(), desired=None, healthy=None, error=reason)
