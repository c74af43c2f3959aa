"""Harness overhead: the same load through ``archproof load``'s runner (locust subprocess,
full CSV history, HTML report, capacity sampled every second) and through plain
``locust --headless``, against the same lab entry point; achieved request rates side by
side and their ratio (target: archproof / plain >= 0.95).

Runs alternate (plain, archproof, plain, archproof …) so drift hits both alike. The lab's
autoscaler is paused so capacity stays fixed. Uses a running lab (``archproof lab up``)
or starts one and stops it at the end.
Run: .venv/bin/python bench/load_overhead.py [ROUNDS] [SECONDS] [USERS]   (default 2 20 20)
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from archproof.lab.autoscaler import load_policy, update_policy
from archproof.lab.layout import LabLayout
from archproof.lab.stack import Lab, missing_tools
from archproof.load.runner import LOCUSTFILE, LoadRequest, locust_binary, run_load
from archproof.load.targets import lab_target
from archproof.spec.load_profile import LoadProfile


def plain_locust(profile: LoadProfile, url: str, ca_file: Path, folder: Path) -> float:
    env = dict(os.environ, ARCHPROOF_LOAD_PROFILE=profile.model_dump_json())
    env["ARCHPROOF_CA_FILE"] = str(ca_file)
    prefix = folder / "plain"
    subprocess.run(
        [
            locust_binary(),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-H",
            url.rstrip("/"),
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    with (folder / "plain_stats.csv").open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return float(row["Requests/s"])


def archproof_runner(profile: LoadProfile, lab_dir: Path, folder: Path) -> float:
    timeline = run_load(LoadRequest(target=lab_target(lab_dir), profile=profile, out=folder))
    assert timeline.totals is not None, timeline.locust.get("problem")
    return timeline.totals.rps


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    users = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    profile = LoadProfile.model_validate(
        {"shape": {"kind": "soak", "users": users, "duration_s": seconds, "wait_s": 0}}
    )
    layout = LabLayout()
    lab = Lab(layout)
    started_here = not lab.is_running()
    if started_here:
        missing = missing_tools(layout)
        if missing:
            print(f"lab not installed (missing {', '.join(missing)}): scripts/lab-install.sh")
            return 2
        layout = LabLayout(lab_dir=Path(tempfile.mkdtemp(prefix="archproof-bench-lab-")))
        layout.lab_dir.chmod(0o755)
        lab = Lab(layout)
        lab.up(autoscaler=True, apps=2)
    was_enabled = load_policy(layout).enabled
    update_policy(layout, enabled=False)
    plain: list[float] = []
    ours: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(rounds):
                folder = Path(tmp) / str(n)
                folder.mkdir()
                plain.append(plain_locust(profile, layout.entry_url, layout.ca_file, folder))
                ours.append(archproof_runner(profile, layout.lab_dir, folder / "archproof"))
                print(f"round {n + 1}: plain {plain[-1]:8.1f} req/s   archproof {ours[-1]:8.1f}")
    finally:
        update_policy(layout, enabled=was_enabled)
        if started_here:
            lab.down()
    ratio = statistics.mean(ours) / statistics.mean(plain)
    print(
        f"lab entry {layout.entry_url}, soak {users} users x {seconds} s, {rounds} rounds each\n"
        f"plain locust --headless: {statistics.mean(plain):8.1f} req/s\n"
        f"archproof load runner:   {statistics.mean(ours):8.1f} req/s\n"
        f"ratio archproof / plain: {ratio:.3f}  (target >= 0.95)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
