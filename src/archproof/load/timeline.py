"""The load run's timeline: locust's statistics and the observed capacity on one clock.

locust writes ``<prefix>_stats_history.csv`` once a second (epoch seconds) and the run's
totals to ``<prefix>_stats.csv``; observers stamp their samples with the same wall clock.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archproof.load.observers.base import CapacitySample

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class LoadPoint:
    """locust's aggregated figures at second ``t`` (rates and percentiles of the recent window)."""

    t: float
    users: int
    rps: float
    failures_per_s: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    requests: int
    failures: int

    def as_json(self) -> dict[str, object]:
        return {
            "t": self.t,
            "users": self.users,
            "rps": round(self.rps, 3),
            "failures_per_s": round(self.failures_per_s, 3),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "requests": self.requests,
            "failures": self.failures,
        }


@dataclass(frozen=True, slots=True)
class Totals:
    """The whole run, from locust's aggregated statistics."""

    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    rps: float

    @property
    def error_ratio(self) -> float:
        return self.failures / self.requests if self.requests else math.nan

    def as_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "failures": self.failures,
            "error_ratio": None if not self.requests else round(self.error_ratio, 6),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "rps": round(self.rps, 3),
        }


@dataclass
class Timeline:
    target: str
    observer: str
    started: float
    finished: float
    load: list[LoadPoint] = field(default_factory=list)
    capacity: list[CapacitySample] = field(default_factory=list)
    totals: Totals | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    """Scaling decisions the target reports (lab autoscaler, ASG activities)."""
    load_ended: float | None = None
    """When locust stopped sending (capacity may be sampled beyond it)."""
    locust: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "target": self.target,
            "observer": self.observer,
            "started": self.started,
            "finished": self.finished,
            "load_ended": self.load_ended,
            "profile": self.profile,
            "locust": self.locust,
            "totals": self.totals.as_json() if self.totals else None,
            "load": [p.as_json() for p in self.load],
            "capacity": [s.as_json() for s in self.capacity],
            "events": self.events,
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")


def _number(text: str | None) -> float | None:
    if text is None or text.strip() in ("", "N/A"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _int(text: str | None) -> int:
    value = _number(text)
    return int(value) if value is not None else 0


def read_history(path: Path) -> list[LoadPoint]:
    """The ``Aggregated`` rows of locust's ``_stats_history.csv`` (absent file: no points).

    Rates come from the change in the total counts between rows, not from locust's
    ``Requests/s`` column (a trailing 10 s average that would date the threshold late).
    """
    if not path.is_file():
        return []
    points: list[LoadPoint] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") != "Aggregated":
                continue
            t = _number(row.get("Timestamp"))
            if t is None:
                continue
            requests = _int(row.get("Total Request Count"))
            failures = _int(row.get("Total Failure Count"))
            rps = failures_per_s = 0.0
            if points and t > points[-1].t:
                elapsed = t - points[-1].t
                rps = max(0, requests - points[-1].requests) / elapsed
                failures_per_s = max(0, failures - points[-1].failures) / elapsed
            points.append(
                LoadPoint(
                    t=t,
                    users=_int(row.get("User Count")),
                    rps=rps,
                    failures_per_s=failures_per_s,
                    p50_ms=_number(row.get("50%")),
                    p95_ms=_number(row.get("95%")),
                    p99_ms=_number(row.get("99%")),
                    requests=requests,
                    failures=failures,
                )
            )
    return points


def read_totals(path: Path) -> Totals | None:
    """The ``Aggregated`` row of locust's ``_stats.csv``; ``None`` when locust wrote none."""
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") == "Aggregated":
                return Totals(
                    requests=_int(row.get("Request Count")),
                    failures=_int(row.get("Failure Count")),
                    p50_ms=_number(row.get("50%")),
                    p95_ms=_number(row.get("95%")),
                    p99_ms=_number(row.get("99%")),
                    rps=_number(row.get("Requests/s")) or 0.0,
                )
    return None


def load_timeline(path: Path) -> Timeline:
    """Read a ``timeline.json`` written by ``Timeline.write``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    totals = data.get("totals")
    return Timeline(
        target=data["target"],
        observer=data["observer"],
        started=data["started"],
        finished=data["finished"],
        load_ended=data.get("load_ended"),
        profile=data.get("profile", {}),
        locust=data.get("locust", {}),
        totals=(
            Totals(
                requests=totals["requests"],
                failures=totals["failures"],
                p50_ms=totals["p50_ms"],
                p95_ms=totals["p95_ms"],
                p99_ms=totals["p99_ms"],
                rps=totals["rps"],
            )
            if totals
            else None
        ),
        load=[LoadPoint(**{k: v for k, v in p.items()}) for p in data.get("load", [])],
        capacity=[CapacitySample(**s) for s in data.get("capacity", [])],
        events=data.get("events", []),
    )
