"""RTO and error ratios from traffic records: recovered, never recovered, no failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archproof.chaos.measure import (
    Recovery,
    error_ratio,
    read_faults,
    read_jsonl,
    recovery_time,
)

FAULT = 1000.0


def traffic(
    start: float, end: float, failing: tuple[float, float] | None = None, step: float = 0.05
) -> list[dict[str, Any]]:
    """Requests every ``step`` s in [start, end); those in ``failing`` fail with a 503."""
    out = []
    n = 0
    while start + n * step < end:
        t = round(start + n * step, 4)
        bad = failing is not None and failing[0] <= t <= failing[1]
        out.append(
            {
                "t": t,
                "ok": not bad,
                "status": 503 if bad else 200,
                "latency_ms": 5.0,
                "error": "HTTP 503" if bad else "",
            }
        )
        n += 1
    return out


def test_recovered_rto_is_from_fault_to_first_success_after_the_last_failure() -> None:
    records = traffic(990, 1040, failing=(1002.0, 1019.5))
    rec = recovery_time(records, FAULT)
    assert isinstance(rec, Recovery)
    assert rec.rto_s == pytest.approx(19.55, abs=0.001)
    assert rec.first_failure_t == pytest.approx(1002.0)
    assert rec.last_failure_t == pytest.approx(1019.5)
    assert rec.recovered_t == pytest.approx(1019.55)
    assert rec.failures_after_fault == 351
    assert rec.requests_after_fault == 800
    assert json.loads(json.dumps(rec.as_json()))["rto_s"] == rec.rto_s


def test_a_late_single_failure_moves_recovery_after_it() -> None:
    records = traffic(990, 1030, failing=(1001.0, 1003.0))
    records[-100]["ok"] = False  # one failure at t = 1025.0
    rec = recovery_time(records, FAULT)
    assert rec.last_failure_t == pytest.approx(1025.0)
    assert rec.rto_s == pytest.approx(25.05, abs=0.001)


def test_never_recovered_before_records_end() -> None:
    records = traffic(990, 1030, failing=(1002.0, 1030.0))
    rec = recovery_time(records, FAULT)
    assert rec.rto_s is None
    assert rec.recovered_t is None
    assert rec.failures_after_fault > 0


def test_too_few_successes_after_the_last_failure_is_not_recovered() -> None:
    records = traffic(990, 1020.1, failing=(1002.0, 1020.0))  # then 1 success only
    rec = recovery_time(records, FAULT, window_s=2.0, min_requests=3)
    assert rec.rto_s is None
    assert recovery_time(records, FAULT, min_requests=1).rto_s == pytest.approx(20.05, abs=1e-3)


def test_no_failure_after_the_fault_is_rto_zero() -> None:
    records = traffic(990, 1010, failing=(995.0, 999.0))  # failures before the fault only
    rec = recovery_time(records, FAULT)
    assert rec.rto_s == 0.0
    assert rec.failures_after_fault == 0
    assert rec.first_failure_t is None and rec.last_failure_t is None


def test_error_ratio_counts_requests_started_in_the_window() -> None:
    records = traffic(1000, 1010, failing=(1000.0, 1004.99))  # half of 200 fail
    assert error_ratio(records, 1000) == pytest.approx(0.5)
    assert error_ratio(records, 1005) == 0.0
    assert error_ratio(records, 1000, 1004.99) == 1.0
    assert error_ratio(records, 2000) is None


def test_read_jsonl_skips_a_cut_last_line_and_read_faults_sorts(tmp_path: Path) -> None:
    path = tmp_path / "faults.jsonl"
    path.write_text(
        '{"t": 5.0, "fault": "b", "target": "x", "detail": {}}\n'
        '{"t": 2.0, "fault": "a", "target": "y", "detail": {}}\n'
        '{"t": 9.0, "fau'
    )
    assert [f["fault"] for f in read_faults(tmp_path)] == ["a", "b"]
    assert read_jsonl(tmp_path / "missing.jsonl") == []
    path.write_text('{"t": 1}\nnot json\n{"t": 2}\n')
    with pytest.raises(ValueError, match=r"faults\.jsonl:2"):
        read_jsonl(path)
