"""The background traffic probe and the RPO writers against the running lab: they start,
record every request/attempt, stop, and leave no process behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chaoslib.exceptions import ActivityFailed

from archproof.chaos import detached, traffic, writer
from archproof.chaos.measure import read_jsonl
from archproof.lab.procs import pid_alive
from archproof.lab.stack import Lab


@pytest.fixture
def cfg(running_lab: Lab, tmp_path: Path) -> dict[str, Any]:
    return {"lab_dir": str(running_lab.layout.lab_dir), "records_dir": str(tmp_path / "rec")}


def test_traffic_records_every_request_and_stops(cfg: dict[str, Any]) -> None:
    records = Path(cfg["records_dir"])
    pid = traffic.start_traffic(rate=20, max_seconds=30, configuration=cfg)
    try:
        assert pid_alive(pid)
        assert read_jsonl(records / "traffic.jsonl")  # the first line is there on return
        detached.StopFlag().wait(1.5)
    finally:
        summary = traffic.stop_traffic(configuration=cfg)
    assert not pid_alive(pid)
    assert detached.running_pid(records, "traffic") is None
    lines = read_jsonl(records / "traffic.jsonl")
    assert summary["requests"] == len(lines) >= 20
    assert summary["failures"] == 0 and summary["was_running"]
    assert set(lines[0]) == {"t", "ok", "status", "latency_ms", "error"}
    assert all(r["ok"] and r["status"] == 200 for r in lines)
    # stopping again is harmless (an experiment's rollback may)
    assert traffic.stop_traffic(configuration=cfg)["was_running"] is False


def test_traffic_stops_by_itself_at_max_seconds(cfg: dict[str, Any]) -> None:
    pid = traffic.start_traffic(rate=10, max_seconds=1, configuration=cfg)
    detached.StopFlag().wait(3.5)
    assert not pid_alive(pid)
    assert traffic.stop_traffic(configuration=cfg)["requests"] in range(8, 13)


@pytest.mark.parametrize("store", ["postgres", "redis"])
def test_writer_records_acknowledged_writes_and_verifies_them(
    cfg: dict[str, Any], store: str
) -> None:
    records = Path(cfg["records_dir"])
    pid = writer.start_writer(store, rate=50, max_seconds=30, configuration=cfg)
    try:
        detached.StopFlag().wait(1.0)
    finally:
        summary = writer.stop_writer(store, configuration=cfg)
    assert not pid_alive(pid)
    lines = read_jsonl(records / f"writes-{store}.jsonl")
    assert summary["attempts"] == len(lines) >= 20
    assert summary["acknowledged"] == summary["attempts"]
    assert [r["seq"] for r in lines] == list(range(1, len(lines) + 1))
    assert {"t", "seq", "ack", "error"} <= set(lines[0])
    rpo = writer.verify_writes(store, configuration=cfg)
    assert rpo["store"] == store
    assert rpo["acknowledged"] == len(lines)
    assert rpo["missing"] == 0 and rpo["missing_sample"] == [] and rpo["lost_span_s"] == 0.0
    assert (records / f"rpo-{store}.json").is_file()


def test_verify_without_a_writer_run_fails_loudly(cfg: dict[str, Any]) -> None:
    with pytest.raises(ActivityFailed, match="no postgres writer ran"):
        writer.verify_writes("postgres", configuration=cfg)
    stopped = writer.stop_writer("redis", configuration=cfg)  # a rollback: nothing ran
    assert stopped["run"] == "" and stopped["attempts"] == 0 and not stopped["was_running"]
    with pytest.raises(ActivityFailed, match="store must be one of"):
        writer.start_writer("mysql", configuration=cfg)
