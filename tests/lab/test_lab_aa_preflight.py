"""Checks that need no running lab: port conflicts are named, the policy logic, the configs."""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from archproof.errors import UsageError
from archproof.lab.autoscaler import Autoscaler, Policy
from archproof.lab.configs import haproxy_config
from archproof.lab.layout import LabLayout
from archproof.lab.loadgen import _require_loopback
from archproof.lab.procs import LabError
from archproof.lab.runtime import ServerState
from archproof.lab.stack import Lab, missing_tools


def test_layout_is_loopback_only_and_zoned() -> None:
    layout = LabLayout(lab_dir=Path("/tmp/x"))
    for host, port, what in layout.listeners():
        assert host.startswith("127.") and host != "127.0.0.1", what
        assert port > 0
    assert [s.zone for s in layout.app_slots] == ["a", "b", "c", "a", "b", "c"]
    assert [m.zone for m in layout.etcd_members] == ["a", "b", "c"]
    assert LabLayout.from_json(layout.as_json()) == layout


def test_haproxy_config_declares_all_slots_with_unused_ones_disabled() -> None:
    layout = LabLayout(lab_dir=Path("/tmp/x"))
    cfg = haproxy_config(layout, Path("/tmp/x/site.pem"), enabled_apps=2)
    servers = [line.strip() for line in cfg.splitlines() if line.strip().startswith("server app")]
    assert len(servers) == 6
    assert [s.endswith("disabled") for s in servers] == [False, False, True, True, True, True]
    assert "0.0.0.0" not in cfg
    assert 'Strict-Transport-Security "max-age=31536000"' in cfg
    assert "inter 1s fastinter 500ms" in cfg and "fall 2 rise 2" in cfg
    assert "option redispatch" in cfg and "retries 3" in cfg


def _servers(up: int, maint: int) -> list[ServerState]:
    out = []
    for i in range(up + maint):
        status = "UP" if i < up else "MAINT"
        out.append(ServerState("app", f"app{i + 1}", "", status, status == "UP", 0, 0, 1))
    return out


def test_target_tracking_decisions() -> None:
    scaler = Autoscaler(LabLayout(lab_dir=Path("/tmp/x")))
    policy = Policy(target=50.0, min=2, max=6, scale_out_cooldown=5.0, scale_in_cooldown=20.0)
    now = scaler.last_activity + 30.0
    out = scaler.decide(policy, _servers(2, 4), rate=240.0, span=3.0, now=now)
    assert out is not None and (out.action, out.current, out.desired) == ("scale_out", 2, 5)
    assert out.metric == 120.0
    assert scaler.decide(policy, _servers(2, 4), rate=900.0, span=3.0, now=now).desired == 6  # type: ignore[union-attr]
    assert scaler.decide(policy, _servers(2, 4), rate=90.0, span=3.0, now=now) is None
    scale_in = scaler.decide(policy, _servers(5, 1), rate=10.0, span=3.0, now=now)
    assert scale_in is not None and (scale_in.action, scale_in.desired) == ("scale_in", 2)
    # scale in waits for its cooldown after the last activity
    scaler.last_activity = now - 5.0
    assert scaler.decide(policy, _servers(5, 1), rate=10.0, span=3.0, now=now) is None
    # below min: scale out at once, whatever the metric
    below = scaler.decide(policy, _servers(1, 5), rate=0.0, span=0.0, now=now)
    assert below is not None and (below.action, below.desired) == ("scale_out", 2)
    with pytest.raises(UsageError):
        Policy(min=3, max=2).validate(6)
    with pytest.raises(UsageError):
        Policy(max=7).validate(6)


def test_load_loop_refuses_non_loopback_targets() -> None:
    _require_loopback("https://127.0.9.1/")
    with pytest.raises(UsageError):
        _require_loopback("https://192.0.2.10/")


def test_up_names_a_taken_port_and_starts_nothing() -> None:
    folder = Path(tempfile.mkdtemp(prefix="archproof-lab-pre-"))
    try:
        _up_with_a_taken_port(LabLayout(lab_dir=folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _up_with_a_taken_port(layout: LabLayout) -> None:
    if missing_tools(layout):
        pytest.skip("lab not installed: run scripts/lab-install.sh")
    layout.lab_dir.chmod(0o755)
    slot = layout.app_slots[-1]
    with socket.socket() as blocker:
        try:
            blocker.bind((slot.host, slot.port))
        except OSError:
            pytest.skip(f"{slot.address} is already in use (a lab is running?)")
        blocker.listen()
        with pytest.raises(LabError, match=rf"{slot.address} \({slot.name}\) is taken"):
            Lab(layout).up()
    assert not list(layout.run_dir.glob("*.pid"))
