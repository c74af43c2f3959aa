"""The Redis master is killed on the real lab: Sentinel promotes the replica within seconds,
the cache entry takes writes again, and the old master comes back as a replica."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from archproof.chaos import lab, writer
from archproof.lab.stack import Lab


@pytest.fixture
def cfg(running_lab: Lab, tmp_path: Path) -> dict[str, Any]:
    return {"lab_dir": str(running_lab.layout.lab_dir), "records_dir": str(tmp_path / "rec")}


def test_kill_cache_master_fails_over_and_restarts_as_replica(cfg: dict[str, Any]) -> None:
    old = lab.sentinel_master(configuration=cfg)
    writer.start_writer("redis", rate=20, max_seconds=60, configuration=cfg)
    try:
        time.sleep(1.0)
        fault = lab.kill_cache_master(configuration=cfg)
        assert fault["fault"] == "cache-primary-loss" and fault["detail"]["address"] == old
        deadline = fault["t"] + 15
        while lab.sentinel_master(configuration=cfg) in (None, old) and time.time() < deadline:
            time.sleep(0.1)
        failover_s = time.time() - fault["t"]
        assert lab.sentinel_master(configuration=cfg) not in (None, old)
        assert failover_s < 15
        assert lab.restart_cache_nodes(configuration=cfg) == [fault["target"]]
        assert lab.cache_writable(configuration=cfg)
        time.sleep(1.0)
    finally:
        writer.stop_writer("redis", configuration=cfg)
    rpo = writer.verify_writes("redis", configuration=cfg)
    assert rpo["acknowledged"] > 0
    assert rpo["missing"] <= 5, rpo  # async replication: reported, and small
    print(f"sentinel failover {failover_s:.1f} s, missing {rpo['missing']}")
    assert lab.lab_healthy(configuration=cfg)
