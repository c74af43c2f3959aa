"""``archproof chaos`` on the real lab: safety first (dry run, opt-in), then the game day with
measured RTO and RPO, and a deliberately broken lab failing the right verdicts."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import yaml

from archproof.chaos.detached import running_pid
from archproof.chaos.lab import lab_healthy
from archproof.chaos.lab_procs import live_record, pg_postmaster
from archproof.cli import main
from archproof.lab.stack import Lab

ROOT = Path(__file__).resolve().parents[2]
LEVELS = str(ROOT / "policies" / "levels.yaml")


def _chaos(lab: Lab, reports: Path, *args: str) -> int:
    return main(
        [
            "chaos",
            "--spec",
            LEVELS,
            "--lab",
            "--lab-dir",
            str(lab.layout.lab_dir),
            "--reports",
            str(reports),
            *args,
        ]
    )


def test_nothing_runs_without_allow_chaos(
    running_lab: Lab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _chaos(running_lab, tmp_path) == 2
    assert "pass --allow-chaos to run them, or --dry-run" in capsys.readouterr().err
    assert _chaos(running_lab, tmp_path, "--dry-run") == 0
    shown = capsys.readouterr().out
    assert "dry run — nothing is changed" in shown
    assert "crash-the-database-primary: archproof.chaos.lab.crash_database_primary()" in shown
    assert "rollback restart-database-nodes" in shown
    assert not list(tmp_path.rglob("faults.jsonl"))
    assert running_lab.status().running


def test_invalid_experiment_is_bad_input(
    running_lab: Lab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text(
        '{"version": "1.0.0", "title": "t", "extensions": '
        '[{"name": "archproof", "proof": "chaos/instance-loss"}], "method": []}'
    )
    assert _chaos(running_lab, tmp_path, "--experiment", str(bad), "--allow-chaos") == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "invalid experiment" in err


def test_lab_game_day_measures_rto_and_rpo(running_lab: Lab, tmp_path: Path) -> None:
    """`archproof chaos --lab --allow-chaos`: the lab's own spec names all five proofs."""
    code = main(
        [
            "chaos",
            "--lab",
            "--lab-dir",
            str(running_lab.layout.lab_dir),
            "--reports",
            str(tmp_path),
            "--allow-chaos",
            "-q",
        ]
    )
    results = json.loads((tmp_path / "results.json").read_text())
    verdicts = {(r["control"], r["verdict"]) for r in results["results"]}
    assert code == 0, sorted(verdicts)
    proofs = (
        "instance-loss",
        "database-primary-loss",
        "cache-primary-loss",
        "zone-loss",
        "backup-restore",
    )
    for proof in proofs:
        for check in ("experiment-completed", "steady-state-after", "recovery-time", "data-loss"):
            assert (f"chaos/{proof}/{check}", "pass") in verdicts
        journal = json.loads((tmp_path / f"lab-{proof}" / "journal.json").read_text())
        assert journal["status"] == "completed"
        assert journal["rollbacks"] or proof == "backup-restore"  # the drill cleans up itself
        assert journal["archproof"]["measures"]["faults"], proof
    journal = json.loads((tmp_path / "lab-database-primary-loss" / "journal.json").read_text())
    measures = journal["archproof"]["measures"]
    assert 5 < measures["rto"]["rto_s"] < 45  # Patroni ttl 20 s
    assert measures["rpo"]["postgres"]["missing"] == 0
    assert measures["rpo"]["postgres"]["acknowledged"] > 20
    crashed = measures["faults"][0]["target"]
    after = [r for r in journal["run"] if r["activity"]["name"] == "wait-until-serving-again"]
    assert after and after[0]["output"] is True
    cache = json.loads((tmp_path / "lab-cache-primary-loss" / "journal.json").read_text())
    assert 0 < cache["archproof"]["measures"]["rto"]["rto_s"] < 20  # Sentinel: ~3 s
    assert "redis" in cache["archproof"]["measures"]["rpo"]
    zone = json.loads((tmp_path / "lab-zone-loss" / "journal.json").read_text())
    killed = zone["archproof"]["measures"]["faults"][0]["detail"]
    assert killed, "the zone outage names what it killed"
    # every rollback brought its part back: crashed nodes rejoined, the zone restored
    assert crashed and lab_healthy(configuration={"lab_dir": str(running_lab.layout.lab_dir)})


def test_broken_lab_without_replica_fails_recovery(running_lab: Lab, tmp_path: Path) -> None:
    layout = running_lab.layout
    replica = next(
        c.name
        for c in running_lab.status().components
        if c.kind == "patroni" and c.role != "leader"
    )
    record = live_record(layout, replica)
    postmaster = pg_postmaster(layout, replica)
    assert record is not None and postmaster is not None
    for pid in (record.pid, postmaster):
        os.kill(pid, signal.SIGKILL)
    spec = yaml.safe_load(Path(LEVELS).read_text())
    spec["chaos"] = {"experiments": {"database-primary-loss": {"rto_s": 10, "max_outage_s": 12}}}
    spec_file = tmp_path / "levels.yaml"
    spec_file.write_text(yaml.safe_dump(spec))
    reports = tmp_path / "reports"
    code = main(
        [
            "chaos",
            "--spec",
            str(spec_file),
            "--lab",
            "--lab-dir",
            str(layout.lab_dir),
            "--reports",
            str(reports),
            "--allow-chaos",
            "-q",
            "--experiment",
            "lab-database-primary-loss",
        ]
    )
    assert code == 1
    results = json.loads((reports / "results.json").read_text())
    by_check = {r["control"].rsplit("/", 1)[1]: r for r in results["results"]}
    completed = by_check["experiment-completed"]
    assert completed["verdict"] == "fail"
    assert "aborted (rolled back) — error budget exhausted" in completed["message"]
    recovery = by_check["recovery-time"]
    assert recovery["verdict"] == "fail" and "never recovered" in recovery["message"]


def test_ctrl_c_mid_experiment_still_rolls_back(running_lab: Lab, tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    layout = running_lab.layout
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archproof.cli",
            "chaos",
            "--spec",
            LEVELS,
            "--lab",
            "--lab-dir",
            str(layout.lab_dir),
            "--reports",
            str(tmp_path),
            "--allow-chaos",
            "--experiment",
            "lab-database-primary-loss",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    faults = tmp_path / "lab-database-primary-loss" / "records" / "faults.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not faults.exists():
        time.sleep(0.2)
    assert faults.exists(), "the fault was never injected"
    time.sleep(2)  # mid-failover
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=180)
    journal = json.loads((tmp_path / "lab-database-primary-loss" / "journal.json").read_text())
    assert journal["status"] == "interrupted", output
    names = [r["activity"]["name"] for r in journal["rollbacks"]]
    assert "restart-database-nodes" in names and "stop-traffic-writers-and-guard" in names
    results = json.loads((tmp_path / "results.json").read_text())
    completed = next(r for r in results["results"] if r["control"].endswith("experiment-completed"))
    assert completed["verdict"] == "error" and "interrupted" in completed["message"]
    status = running_lab.status()
    assert all(c.running for c in status.components if c.kind == "patroni"), status.as_json()
    records = tmp_path / "lab-database-primary-loss" / "records"
    assert running_pid(records, "traffic") is None, "background traffic left running"
    assert running_pid(records, "writer-postgres") is None, "writer left running"
