"""The lab autoscaler under real load through the entry (127.0.9.1 only, bounded loops)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

from archproof.lab.autoscaler import load_policy, read_log, save_policy
from archproof.lab.loadgen import generate_load
from archproof.lab.runtime import RuntimeAPI
from archproof.lab.stack import Lab


def _in_service(lab: Lab) -> list[str]:
    api = RuntimeAPI(lab.layout.runtime_socket)
    return [s.name for s in api.servers("app") if not s.in_maintenance]


def _running_apps(lab: Lab) -> list[str]:
    return [c.name for c in lab.status().components if c.kind == "app" and c.running]


def _state(lab: Lab) -> dict[str, object]:
    data: dict[str, object] = json.loads(lab.layout.autoscaler_state.read_text())
    return data


def _wait(predicate: object, timeout: float) -> bool:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _load(lab: Lab, seconds: float) -> int:
    result = asyncio.run(
        generate_load(lab.layout.entry_url, lab.layout.ca_file, seconds=seconds, concurrency=6)
    )
    assert result.errors == 0, result.statuses
    return result.ok


def test_disabled_autoscaler_does_not_scale(running_lab: Lab) -> None:
    layout = running_lab.layout
    policy = save_policy(
        layout, replace(load_policy(layout), enabled=False, target=5.0, scale_out_cooldown=0.0)
    )
    assert _wait(lambda: _state(running_lab)["enabled"] is False, 5)
    before = read_log(layout.autoscaler_log)
    served = _load(running_lab, 3.0)
    time.sleep(1.5)
    assert served > 3 * policy.target * 2  # far above target: it would scale if enabled
    assert read_log(layout.autoscaler_log) == before
    assert _in_service(running_lab) == ["app1", "app2"]
    state = _state(running_lab)
    assert state["enabled"] is False and state["desired"] == 2
    assert time.time() - float(str(state["t"])) < 3  # still evaluating and writing state


def test_autoscaler_scales_out_under_load_and_back_in(running_lab: Lab) -> None:
    layout = running_lab.layout
    save_policy(
        layout,
        replace(
            load_policy(layout),
            enabled=True,
            target=40.0,
            min=2,
            max=4,
            scale_out_cooldown=2.0,
            scale_in_cooldown=3.0,
            window=2.0,
        ),
    )
    before = len(read_log(layout.autoscaler_log))
    _load(running_lab, 5.0)
    decisions = read_log(layout.autoscaler_log)[before:]
    outs = [d for d in decisions if d["action"] == "scale_out"]
    assert outs, decisions
    first = outs[0]
    assert set(first) == {"t", "action", "from", "to", "metric", "target", "reason"}
    assert first["from"] == 2 and first["to"] > 2 and first["target"] == 40.0
    assert first["metric"] > 40.0
    assert _wait(lambda: len(_in_service(running_lab)) == 4, 10)
    api = RuntimeAPI(running_lab.layout.runtime_socket)
    assert _wait(lambda: sum(s.up for s in api.servers("app")) == 4, 10)
    assert _state(running_lab)["desired"] == 4

    # idle again: back to min after the scale-in cooldown
    assert _wait(lambda: _in_service(running_lab) == ["app1", "app2"], 15)
    ins = [d for d in read_log(layout.autoscaler_log)[before:] if d["action"] == "scale_in"]
    assert ins and ins[-1]["to"] == 2
    assert _state(running_lab)["desired"] == 2
    assert _wait(lambda: _running_apps(running_lab) == ["app1", "app2"], 10)


def test_failed_instance_is_replaced_like_an_asg_would(running_lab: Lab) -> None:
    import os
    import signal

    from archproof.lab.procs import read_pidfile

    layout = running_lab.layout
    record = read_pidfile(layout.pidfile("app2"))
    assert record is not None
    os.kill(record.pid, signal.SIGKILL)
    api = RuntimeAPI(layout.runtime_socket)
    assert _wait(lambda: not {s.name: s for s in api.servers("app")}["app2"].up, 10)
    assert _wait(lambda: {s.name: s for s in api.servers("app")}["app2"].up, 20)
    replaced = [e for e in read_log(layout.autoscaler_log) if e["action"] == "replace"]
    assert replaced and "app2 failed health checks" in replaced[-1]["reason"]
    new = read_pidfile(layout.pidfile("app2"))
    assert new is not None and new.pid != record.pid
