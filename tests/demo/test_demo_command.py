"""``archproof demo`` as a user runs it: a table, reports, exit code, and no server left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archproof.lab.layout import LabLayout

# The demo starts its own lab; the test session's lab (tests/conftest.py) may be up on the
# default addresses, so the demo gets an address range of its own (ARCHPROOF_LAB_NET).
DEMO_NET = (int(os.environ.get("ARCHPROOF_LAB_NET", "0")) + 100) % 256


def demo(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["ARCHPROOF_LAB_NET"] = str(DEMO_NET)
    env.pop("ARCHPROOF_LAB_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "archproof.cli", "demo", "--reports", str(tmp_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )


def moto_children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = (entry / "stat").read_text().split()
        except OSError:
            continue
        if "moto.server" in cmdline and int(stat[3]) == parent:
            found.append(int(entry.name))
    return found


def test_demo_checks_the_estate_in_both_forms(tmp_path: Path) -> None:
    process = demo(tmp_path)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    assert "bragabot           plan" in output and "bragabot           live" in output
    summary = json.loads((tmp_path / "demo" / "summary.json").read_text())
    forms = {(f["system"], f["form"]): f for f in summary["forms"]}
    assert forms[("bragabot", "plan")]["fail"] == 0 and forms[("bragabot", "live")]["fail"] == 0
    assert forms[("bragabot", "live")]["pass"] > 40
    # all five systems; Azure as plan and live subscription, workloads as manifests and cluster
    assert {system for system, _ in forms} == {
        "aerofs",
        "bragabot",
        "levels",
        "libertum",
        "video-conference",
    }
    for system, form in [
        ("libertum", "plan"),
        ("libertum", "azure"),
        ("libertum", "manifests"),
        ("libertum", "k8s"),
        ("bragabot", "manifests"),
        ("bragabot", "k8s"),
        ("video-conference", "manifests"),
        ("video-conference", "k8s"),
    ]:
        row = forms[(system, form)]
        assert row["pass"] > 10 and row["fail"] == row["error"] == 0, (system, form, row)
    assert forms[("libertum", "azure")]["pass"] == forms[("libertum", "plan")]["pass"] + 1
    # the scanners' mapped checks beside archproof's: checkov on every system, prowler on one
    for system in ("aerofs", "bragabot", "levels", "libertum", "video-conference"):
        row = forms[(system, "checkov")]
        assert row["pass"] > 0 and row["fail"] == row["error"] == 0, (system, row)
    prowler = forms[("bragabot", "prowler")]
    assert prowler["pass"] > 0 and prowler["fail"] == prowler["error"] == 0, prowler
    # and the audit report over all of it, HTML and PDF
    for name in ("audit.html", "audit.pdf", "live.ocsf.json"):
        assert (tmp_path / "demo" / name).stat().st_size > 1000, name
    sarif = json.loads((tmp_path / "demo" / "plan.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"]  # no plan fails: no results in it
    assert "audit report:" in output
    for name in ("results.json", "junit.xml", "checks.html", "plan.json"):
        assert (tmp_path / "demo" / "bragabot" / name).exists()
    # the short load proof on the lab (started and stopped by the demo itself)
    load = summary["load"]
    assert load["ran"], load["reason"]
    # 4 load verdicts, then the game day: 2 experiments x 4 checks, each measured
    assert load["pass"] == 12 and load["fail"] == load["error"] == load["inconclusive"] == 0
    assert "chaos/instance-loss/recovery-time" in output
    journal = json.loads(
        (tmp_path / "demo" / "chaos" / "lab-instance-loss" / "journal.json").read_text()
    )
    assert journal["archproof"]["measures"]["rpo"]["postgres"]["missing"] == 0
    assert f"load/autoscaling/scaled-out: lab {LabLayout(net=DEMO_NET).entry_url}" in output
    for name in ("results.json", "timeline.json", "chart.svg", "locust.html"):
        assert (tmp_path / "demo" / "load" / name).exists()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_demo_stops_its_server(tmp_path: Path, stop: signal.Signals) -> None:
    process = demo(tmp_path)
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "local AWS control plane on" in line:
            break
    server = moto_children(process.pid)
    assert server, "the demo should run its own moto server"
    process.send_signal(stop)
    process.wait(timeout=30)
    assert process.returncode != 0
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() for pid in server), "moto server left running"


def _lab_processes(tmp_path: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "archproof-demo-lab-" in cmdline or str(tmp_path) in cmdline:
            found.append(int(entry.name))
    return found


def test_demo_interrupted_during_load_proof_stops_the_lab(tmp_path: Path) -> None:
    process = demo(tmp_path)
    deadline = time.monotonic() + 180
    assert process.stdout is not None
    seen = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen += line
        if "load proof: bragabot on the lab (starting it" in line:
            break
    else:
        pytest.fail(f"the demo never reached its load proof:\n{seen}")
    time.sleep(15)  # the lab is up and locust is running
    assert _lab_processes(tmp_path), "the demo's lab and locust should be running"
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    assert process.returncode != 0
    time.sleep(1)
    assert not _lab_processes(tmp_path), "lab or locust processes left running"
