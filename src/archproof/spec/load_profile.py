"""The spec's ``load:`` section: how to drive the entry point and what the run must show.

Parameters of the documented system's load proof (``load/autoscaling``): the paths a user
hits, the load shape, the service-level objective, and the scaling bounds.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntryPath(_Strict):
    path: str = Field(pattern=r"^/")
    weight: int = Field(default=1, ge=1)
    method: Literal["GET", "POST", "HEAD"] = "GET"
    name: str = ""
    """Label in locust's statistics (default: the path)."""


class LoadShape(_Strict):
    """Users over time. ``ramp``: linear to ``users`` over ``ramp_s`` then hold;
    ``step``: ``step_users`` more every ``step_s``; ``spike``: ``base_users``, then
    ``users`` for ``spike_s``, then back; ``soak``: ``users`` for the whole duration."""

    kind: Literal["ramp", "step", "spike", "soak"] = "ramp"
    users: int = Field(default=20, ge=1)
    spawn_rate: float = Field(default=5.0, gt=0)
    duration_s: int = Field(default=60, ge=5)
    ramp_s: int = Field(default=30, ge=1)
    step_users: int = Field(default=5, ge=1)
    step_s: int = Field(default=10, ge=1)
    base_users: int = Field(default=2, ge=0)
    spike_at_s: int = Field(default=10, ge=0)
    spike_s: int = Field(default=20, ge=1)
    wait_s: float = Field(default=0.1, ge=0)
    """Think time between a user's requests (constant); 0 drives as fast as possible."""

    @model_validator(mode="after")
    def _fits(self) -> LoadShape:
        if self.kind == "spike" and self.spike_at_s + self.spike_s > self.duration_s:
            raise ValueError("spike_at_s + spike_s must fit in duration_s")
        return self


class Slo(_Strict):
    p95_ms: float = Field(default=500, gt=0)
    p99_ms: float = Field(default=1500, gt=0)
    max_error_ratio: float = Field(default=0.01, ge=0, le=1)


class ScalingBounds(_Strict):
    threshold_rps: float = Field(default=50, gt=0)
    """Request rate from which the documented autoscaling should add capacity."""
    scale_out_within_s: float = Field(default=60, gt=0)
    """Time allowed from the load crossing the threshold to more healthy capacity."""
    capacity_floor: int = Field(default=2, ge=0)
    """Healthy capacity never allowed below this while under test."""
    scale_in: bool = False
    """Also require capacity to return after the load (judged when true)."""
    scale_in_within_s: float = Field(default=120, gt=0)
    observe_after_s: float = Field(default=0, ge=0)
    """Keep sampling capacity this long after locust stops (scale-in needs it)."""


class TlsExpectations(_Strict):
    minimum_tls: Literal["TLSv1.2", "TLSv1.3"] = "TLSv1.2"
    min_days_valid: int = Field(default=14, ge=0)
    require_hsts: bool = True
    min_hsts_age: int = Field(default=15552000, ge=0)
    require_redirect: bool = True


class LoadProfile(_Strict):
    paths: list[EntryPath] = Field(default_factory=lambda: [EntryPath(path="/")])
    shape: LoadShape = Field(default_factory=LoadShape)
    slo: Slo = Field(default_factory=Slo)
    scaling: ScalingBounds = Field(default_factory=ScalingBounds)
    tls: TlsExpectations = Field(default_factory=TlsExpectations)
