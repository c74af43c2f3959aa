"""App instance faults on the real lab: a killed instance costs the traffic at most a few
requests and is back after restore; a frozen one is marked DOWN and serves again when thawed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from archproof.chaos import lab, traffic
from archproof.chaos.measure import read_faults, read_jsonl, recovery_time
from archproof.lab.autoscaler import load_policy, update_policy
from archproof.lab.stack import Lab


@pytest.fixture
def cfg(running_lab: Lab, tmp_path: Path) -> dict[str, Any]:
    return {"lab_dir": str(running_lab.layout.lab_dir), "records_dir": str(tmp_path / "rec")}


def _wait(check: Any, timeout: float) -> float | None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if check():
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def test_probes_see_a_healthy_lab(cfg: dict[str, Any]) -> None:
    assert lab.lab_healthy(configuration=cfg)
    assert lab.entry_serves(configuration=cfg)
    assert lab.app_capacity(configuration=cfg) == 2
    assert lab.capacity_at_least(2, timeout=1, configuration=cfg)
    assert not lab.capacity_at_least(3, timeout=0.5, configuration=cfg)
    assert lab.patroni_leader(configuration=cfg) in ("pg1", "pg2")
    assert lab.database_writable(configuration=cfg)
    assert lab.cache_writable(configuration=cfg)
    master = lab.sentinel_master(configuration=cfg)
    assert master is not None and master.startswith("127.")
    servers = lab.haproxy_servers(configuration=cfg)
    assert list(servers.values()).count("UP") == 2 and len(servers) == 6


def test_kill_app_instance_then_restore(cfg: dict[str, Any]) -> None:
    records = Path(cfg["records_dir"])
    traffic.start_traffic(rate=20, max_seconds=60, configuration=cfg)
    try:
        time.sleep(1.0)
        fault = lab.kill_app_instance(configuration=cfg)
        assert fault["fault"] == "instance-loss" and fault["target"] == "app1"
        detected = _wait(lambda: lab.app_capacity(configuration=cfg) == 1, 10)
        assert detected is not None and detected < 5
        assert lab.entry_serves(configuration=cfg)
        # the lab autoscaler may replace it first (as an ASG would); either way it is back
        restored = lab.restore_app_instances(configuration=cfg)
        assert restored in ([], ["app1"])
        assert lab.app_capacity(configuration=cfg) == 2
        time.sleep(1.0)
    finally:
        summary = traffic.stop_traffic(configuration=cfg)
    assert read_faults(records) == [fault]
    rec = recovery_time(read_jsonl(records / "traffic.jsonl"), fault["t"])
    assert summary["failures"] <= 3, summary
    assert rec.rto_s is not None and rec.rto_s < 5
    assert lab.restore_app_instances(configuration=cfg) == []  # nothing left to restore
    assert lab.lab_healthy(configuration=cfg)


def test_freeze_app_instance_then_thaw(cfg: dict[str, Any], running_lab: Lab) -> None:
    # without the autoscaler's replacement of unhealthy instances (it would kill the frozen one)
    policy = load_policy(running_lab.layout)
    update_policy(running_lab.layout, replace_unhealthy_after=0)
    try:
        fault = lab.freeze_app_instance("app2", configuration=cfg)
        assert fault["fault"] == "instance-freeze" and fault["detail"]["signal"] == "SIGSTOP"
        detected = _wait(lambda: lab.app_capacity(configuration=cfg) == 1, 10)
        assert detected is not None and detected < 6
        assert not lab.lab_healthy(configuration=cfg)
        assert lab.entry_serves(configuration=cfg)  # the other instance serves
    finally:
        thawed = lab.thaw_app_instances(configuration=cfg)
        update_policy(running_lab.layout, replace_unhealthy_after=policy.replace_unhealthy_after)
    assert thawed == ["app2"]
    assert lab.capacity_at_least(2, timeout=10, configuration=cfg)
    assert lab.lab_healthy(configuration=cfg)


def test_frozen_instance_is_replaced_by_the_autoscaler(cfg: dict[str, Any]) -> None:
    """With the lab's default policy a hung instance is replaced, like an ASG would."""
    try:
        lab.freeze_app_instance("app2", configuration=cfg)
        assert _wait(lambda: lab.app_capacity(configuration=cfg) == 1, 10) is not None
        back = _wait(lambda: lab.app_capacity(configuration=cfg) == 2, 20)
    finally:
        thawed = lab.thaw_app_instances(configuration=cfg)
    assert back is not None, "the frozen instance was not replaced within 20 s"
    assert thawed == []  # the frozen process is gone
    assert lab.lab_healthy(configuration=cfg)


def test_faulting_an_unknown_instance_fails_clearly(cfg: dict[str, Any]) -> None:
    from chaoslib.exceptions import ActivityFailed

    with pytest.raises(ActivityFailed, match="not an app instance"):
        lab.kill_app_instance("app99", configuration=cfg)
    with pytest.raises(ActivityFailed, match="app5 is not running"):
        lab.kill_app_instance("app5", configuration=cfg)
    assert not (Path(cfg["records_dir"]) / "faults.jsonl").exists()
