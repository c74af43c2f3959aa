"""A whole zone goes down on the real lab (the database primary's zone, the hardest case): the
entry keeps serving after the failovers and ``restore_zone`` brings everything back."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from archproof.chaos import lab, traffic
from archproof.chaos.lab_procs import live_record
from archproof.chaos.measure import read_jsonl, recovery_time
from archproof.lab.layout import LabLayout
from archproof.lab.stack import Lab


@pytest.fixture
def cfg(running_lab: Lab, tmp_path: Path) -> dict[str, Any]:
    return {"lab_dir": str(running_lab.layout.lab_dir), "records_dir": str(tmp_path / "rec")}


def test_zone_outage_of_the_leaders_zone_then_restore(cfg: dict[str, Any]) -> None:
    records = Path(cfg["records_dir"])
    layout = LabLayout.load(Path(cfg["lab_dir"]))
    leader = lab.patroni_leader(configuration=cfg)
    zone = next(n.zone for n in layout.pg_nodes if n.name == leader)
    traffic.start_traffic(rate=20, max_seconds=120, configuration=cfg)
    try:
        time.sleep(1.0)
        fault = lab.zone_outage(configuration=cfg)
        assert fault["fault"] == "zone-loss" and fault["target"] == zone
        killed = fault["detail"]["killed"]
        assert leader in killed and f"{leader} postmaster" in killed
        assert "haproxy" not in killed and "autoscaler" not in killed
        assert all(name.endswith("postmaster") or name[-1] in "12" for name in killed)
        deadline = fault["t"] + 45
        while time.time() < deadline and not (
            lab.patroni_leader(configuration=cfg) not in (None, leader)
            and lab.entry_serves(configuration=cfg)
        ):
            time.sleep(0.5)
        assert lab.entry_serves(configuration=cfg), "the entry does not serve after failover"
        served_s = time.time() - fault["t"]
        started = lab.restore_zone(configuration=cfg)
        servers = [n for n in killed if not n.endswith("postmaster")]
        # the autoscaler may have replaced the zone's app instance already (as an ASG would)
        assert set(started) <= set(servers) and set(servers) - set(started) <= {"app1", "app2"}
        assert all(live_record(layout, n) is not None for n in servers)
        time.sleep(1.0)
    finally:
        traffic.stop_traffic(configuration=cfg)
    assert json.loads((records / "zone-outage.json").read_text())["restored"] is True
    rec = recovery_time(read_jsonl(records / "traffic.jsonl"), fault["t"])
    assert rec.rto_s is not None and rec.rto_s < 45, rec
    print(f"serving again {served_s:.1f} s after the zone loss, RTO {rec.rto_s} s")
    assert lab.lab_healthy(configuration=cfg)
