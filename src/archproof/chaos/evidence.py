"""What a game day gathered per experiment, and the RTO/RPO measured from its records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archproof.spec.chaos_profile import ChaosProfile


@dataclass(frozen=True)
class ExperimentRun:
    proof: str
    name: str
    title: str
    journal: dict[str, Any]
    records: Path
    measures: dict[str, Any] = field(default_factory=dict)
    """``rto`` (recovery), ``rpo`` (per store), ``restore``, ``abort`` — see ``measure_run``."""


@dataclass(frozen=True)
class ChaosEvidence:
    target: str
    profile: ChaosProfile
    runs: dict[str, ExperimentRun] = field(default_factory=dict)

    def covers(self, proof: str) -> bool:
        return proof in self.runs


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def measure_run(records: Path, profile: ChaosProfile) -> dict[str, Any]:
    """RTO from the traffic record after the first fault; RPO from the writers' checks."""
    from archproof.chaos.measure import read_faults, read_jsonl, recovery_time

    measures: dict[str, Any] = {}
    faults = read_faults(records)
    traffic = read_jsonl(records / "traffic.jsonl")
    measures["faults"] = faults
    measures["traffic_requests"] = len(traffic)
    if faults and traffic:
        fault_t = min(float(f["t"]) for f in faults)
        recovery = recovery_time(traffic, fault_t, window_s=profile.recovery_window_s)
        measures["rto"] = recovery.as_json()
    elif faults:
        waits = read_jsonl(records / "recovery.jsonl")
        if waits:  # no traffic (cloud control plane): the recovery waits' own timings
            recovered = all(bool(w.get("recovered")) for w in waits)
            longest = max(float(w.get("t", 0)) for w in waits) - min(float(f["t"]) for f in faults)
            measures["rto"] = {
                "rto_s": round(longest, 3) if recovered else None,
                "failures_after_fault": None,
                "requests_after_fault": None,
                "source": "recovery waits (no background traffic)",
                "waits": waits,
            }
    measures["rpo"] = {
        path.stem.removeprefix("rpo-"): _read_json(path)
        for path in sorted(records.glob("rpo-*.json"))
    }
    restore = _read_json(records / "restore.json")
    if restore is not None:
        measures["restore"] = restore
    abort = _read_json(records / "abort.json")
    if abort is not None:
        measures["abort"] = abort
    return measures
