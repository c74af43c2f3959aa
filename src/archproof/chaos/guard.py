"""The hard stop and clean-up around a chaos experiment.

``abort_on_outage`` runs as a background probe for the whole method: when the background
traffic has seen no successful request for longer than the error budget allows
(``configuration["max_outage_s"]``) after a fault, it records why and ends the experiment
gracefully — chaoslib then runs the rollbacks. ``end_guard`` stops it once the method is
through; ``cleanup`` (a rollback) stops traffic and writers whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Configuration = dict[str, Any] | None

STOP_FILE = "guard.stop"
ABORT_FILE = "abort.json"


def records_dir(configuration: Configuration) -> Path:
    value = (configuration or {}).get("records_dir") or os.environ.get(
        "ARCHPROOF_CHAOS_RECORDS", "reports/chaos/records"
    )
    path = Path(str(value))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _lines(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            item = json.loads(line)
            if isinstance(item, dict):
                out.append(item)
    return out


def outage_seconds(records: Path, now: float) -> float:
    """Seconds since the last successful request, counted only after the first fault."""
    faults = _lines(records / "faults.jsonl")
    if not faults:
        return 0.0
    fault_t = min(float(f.get("t", now)) for f in faults)
    traffic = _lines(records / "traffic.jsonl")
    successes = [float(r["t"]) for r in traffic if r.get("ok") and float(r.get("t", 0)) >= fault_t]
    last_ok = max(successes, default=fault_t)
    return max(0.0, now - last_ok)


def abort_on_outage(
    max_seconds: float = 600, configuration: Configuration = None
) -> dict[str, Any]:
    """Background probe: end the experiment (rollbacks run) when the entry point has served
    nothing for longer than ``max_outage_s`` after the fault; returns what it saw."""
    from chaoslib.exit import exit_gracefully

    records = records_dir(configuration)
    budget = float((configuration or {}).get("max_outage_s") or 60)
    stop = records / STOP_FILE
    deadline = time.monotonic() + max_seconds
    worst = 0.0
    while time.monotonic() < deadline and not stop.exists():
        outage = outage_seconds(records, time.time())
        worst = max(worst, outage)
        if outage > budget:
            verdict = {
                "aborted": True,
                "t": time.time(),
                "reason": f"error budget exhausted: no successful request for {outage:.1f} s"
                f" after the fault (budget {budget:g} s)",
            }
            (records / ABORT_FILE).write_text(json.dumps(verdict) + "\n", encoding="utf-8")
            exit_gracefully()
            return verdict
        time.sleep(0.5)
    return {"aborted": False, "longest_outage_s": round(worst, 2), "budget_s": budget}


def end_guard(configuration: Configuration = None) -> bool:
    """Stop the background ``abort_on_outage`` probe (the method is through)."""
    (records_dir(configuration) / STOP_FILE).write_text("stop\n", encoding="utf-8")
    return True


def cleanup(configuration: Configuration = None) -> dict[str, Any]:
    """Rollback: stop the guard, the background traffic and the writers, whatever ran."""
    from archproof.chaos.traffic import stop_traffic
    from archproof.chaos.writer import stop_writer

    end_guard(configuration)
    done: dict[str, Any] = {}
    stops: list[tuple[str, Callable[[], Any]]] = [
        ("traffic", lambda: stop_traffic(configuration=configuration)),
        ("postgres-writer", lambda: stop_writer("postgres", configuration=configuration)),
        ("redis-writer", lambda: stop_writer("redis", configuration=configuration)),
    ]
    for name, stop in stops:
        try:
            done[name] = stop()
        except Exception as exc:  # nothing running is fine here; report it, go on
            done[name] = f"{type(exc).__name__}: {exc}"
    return done


def wait_until_serving(
    steady_s: float = 3.0, timeout: float = 60.0, configuration: Configuration = None
) -> bool:
    """Probe: wait until the background traffic has succeeded without a break for
    ``steady_s`` seconds after the fault (False at ``timeout``; recovery is judged from the
    records either way)."""
    records = records_dir(configuration)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        faults = _lines(records / "faults.jsonl")
        traffic = _lines(records / "traffic.jsonl")
        if faults and traffic:
            fault_t = min(float(f.get("t", 0)) for f in faults)
            after = [r for r in traffic if float(r.get("t", 0)) >= fault_t]
            failed = [float(r["t"]) for r in after if not r.get("ok")]
            since = max(failed, default=fault_t)
            ok_after = [r for r in after if float(r["t"]) > since]
            if ok_after and time.time() - since >= steady_s and len(ok_after) >= 3:
                return True
        time.sleep(0.5)
    return False
