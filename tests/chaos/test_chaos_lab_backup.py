"""The backup/restore drill on the real lab: a base backup of the primary restored into a
scratch PostgreSQL has the primary's row counts; nothing of the scratch instance is left."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archproof.chaos import lab, writer
from archproof.chaos.lab_backup import scratch_address
from archproof.lab.procs import tcp_listeners
from archproof.lab.stack import Lab


@pytest.fixture
def cfg(running_lab: Lab, tmp_path: Path) -> dict[str, Any]:
    return {"lab_dir": str(running_lab.layout.lab_dir), "records_dir": str(tmp_path / "rec")}


def test_backup_restore_drill_restores_equal_counts_while_writes_go_on(
    cfg: dict[str, Any], running_lab: Lab
) -> None:
    records = Path(cfg["records_dir"])
    writer.start_writer("postgres", rate=50, max_seconds=60, configuration=cfg)
    try:
        result = lab.backup_restore_drill(configuration=cfg)
    finally:
        writer.stop_writer("postgres", configuration=cfg)
    assert result["ok"], result
    assert result["error"] == ""
    assert json.loads((records / "restore.json").read_text()) == result
    assert result["tables"]["chaos_seq"]["primary"] > 0
    assert all(v["primary"] == v["restored"] for v in result["tables"].values())
    assert 0 < result["backup_s"] < result["total_s"] < 60
    host = scratch_address(running_lab.layout)
    assert result["restored_at"] == f"{host}:5432"
    assert host.startswith(f"127.{running_lab.layout.net}.12.")
    assert not any(lst.host == host for lst in tcp_listeners())
    assert not (running_lab.layout.lab_dir / "drill").exists()
    assert [f["fault"] for f in map(json.loads, (records / "faults.jsonl").open())] == [
        "backup-restore"
    ]
    assert writer.verify_writes("postgres", configuration=cfg)["missing"] == 0
