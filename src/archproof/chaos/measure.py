"""Recovery time (RTO) and error ratios from the traffic probe's records: pure functions.

Traffic records are the lines of ``traffic.jsonl``: ``{"t": request start (epoch s),
"ok": bool, "status": int | None, "latency_ms": float, "error": str}``.

**RTO definition.** After a fault at ``fault_t``, the service counts as recovered at the first
moment ``T >= fault_t`` such that every request started at or after ``T`` succeeded, and at
least ``min_requests`` requests started in ``[T, T + window_s]`` (evidence that it serves
again, not just silence). Because nothing fails after ``T``, ``T`` is the start of the first
request after the last failure. ``RTO = T - fault_t``:

- ``0`` when no request failed after the fault;
- ``None`` when the records end before such a window (it never recovered while observed).

Its resolution is the probe's request interval (50 ms at 20 requests per second).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from archproof.chaos.records import read_jsonl

__all__ = ["Recovery", "error_ratio", "read_faults", "read_jsonl", "recovery_time"]


@dataclass(frozen=True)
class Recovery:
    """What the traffic saw after one fault."""

    rto_s: float | None
    """Seconds from the fault until service recovered for good (see the module docs)."""
    failures_after_fault: int
    requests_after_fault: int
    first_failure_t: float | None
    last_failure_t: float | None
    recovered_t: float | None = None
    """Epoch time ``T`` service counts as recovered from (``fault_t`` when nothing failed)."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _after(
    traffic: list[dict[str, Any]], since_t: float, until_t: float | None = None
) -> list[dict[str, Any]]:
    out = [
        r
        for r in traffic
        if float(r["t"]) >= since_t and (until_t is None or float(r["t"]) <= until_t)
    ]
    return sorted(out, key=lambda r: float(r["t"]))


def recovery_time(
    traffic: list[dict[str, Any]],
    fault_t: float,
    window_s: float = 2.0,
    min_requests: int = 3,
) -> Recovery:
    """The recovery after the fault at ``fault_t`` (see the module docs for the definition)."""
    after = _after(traffic, fault_t)
    failures = [r for r in after if not r.get("ok")]
    if not failures:
        return Recovery(0.0, 0, len(after), None, None, fault_t)
    first_t, last_t = float(failures[0]["t"]), float(failures[-1]["t"])
    later = [r for r in after if float(r["t"]) > last_t]
    recovered: float | None = None
    if later:
        start = float(later[0]["t"])
        in_window = [r for r in later if float(r["t"]) <= start + window_s]
        if len(in_window) >= min_requests:
            recovered = start
    return Recovery(
        rto_s=None if recovered is None else round(recovered - fault_t, 3),
        failures_after_fault=len(failures),
        requests_after_fault=len(after),
        first_failure_t=first_t,
        last_failure_t=last_t,
        recovered_t=recovered,
    )


def error_ratio(
    traffic: list[dict[str, Any]], since_t: float, until_t: float | None = None
) -> float | None:
    """Failed / all requests started in ``[since_t, until_t]`` (None when there were none)."""
    window = _after(traffic, since_t, until_t)
    if not window:
        return None
    return sum(1 for r in window if not r.get("ok")) / len(window)


def read_faults(records_dir: Path | str) -> list[dict[str, Any]]:
    """The faults recorded in ``<records_dir>/faults.jsonl``, oldest first."""
    return sorted(read_jsonl(Path(records_dir) / "faults.jsonl"), key=lambda f: float(f["t"]))
