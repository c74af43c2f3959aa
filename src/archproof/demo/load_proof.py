"""The demo's lab proofs: Bragabot's autoscaling and TLS claims under a short load, then a
short game day (instance loss, backup restore drill) with measured RTO and RPO.

A lab already running (``archproof lab up``) is used as it is; otherwise the demo starts one
in a fresh folder and always stops it again. Without the lab installed the proofs are
reported as not run (never as a pass).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archproof.chaos.run import ChaosRequest, run_chaos
from archproof.demo.forms import POLICIES
from archproof.lab.layout import LabLayout
from archproof.lab.stack import Lab, missing_tools
from archproof.load.prove import LoadProofRequest, prove_load, spec_profile
from archproof.load.targets import lab_target
from archproof.verdict import Verdict, VerdictRecord

SYSTEM = "bragabot"
GAME_DAY = ("lab-instance-loss", "lab-backup-restore")


@dataclass(frozen=True)
class LoadDemoResult:
    ran: bool
    reason: str = ""
    records: tuple[VerdictRecord, ...] = ()
    reports: Path | None = None

    @property
    def broken(self) -> bool:
        return any(r.verdict in (Verdict.FAIL, Verdict.ERROR) for r in self.records)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.records if r.verdict is verdict)


def _lab_layout() -> LabLayout:
    default = LabLayout()
    if Lab(default).is_running():
        return default
    # a fresh lab dir postgres can reach (pytest's and some temp dirs are mode 700)
    folder = Path(tempfile.mkdtemp(prefix="archproof-demo-lab-"))
    folder.chmod(0o755)
    return LabLayout(lab_dir=folder)


def run_load_demo(
    reports: Path, say: Callable[[str], None], duration_s: int = 30
) -> LoadDemoResult:
    layout = _lab_layout()
    missing = missing_tools(layout)
    if missing:
        reason = f"lab not installed (missing {', '.join(missing)}): run scripts/lab-install.sh"
        say(f"  load proof not run: {reason}")
        return LoadDemoResult(ran=False, reason=reason)
    lab = Lab(layout)
    started_here = not lab.is_running()
    spec = POLICIES / f"{SYSTEM}.yaml"
    base = spec_profile(str(spec))
    profile = base.model_copy(
        update={
            "shape": base.shape.model_copy(
                update={"kind": "ramp", "duration_s": duration_s, "ramp_s": duration_s // 2}
            ),
            # scale-in waits out the autoscaler's cooldown: `archproof load` judges it in full
            "scaling": base.scaling.model_copy(update={"scale_in": False, "observe_after_s": 0}),
        }
    )
    say(
        f"  load proof: {SYSTEM} on the lab ({'starting it' if started_here else 'running'}"
        f" at {layout.entry_url}), {profile.shape.kind} to {profile.shape.users} users for"
        f" {duration_s} s; the lab's autoscaler emulates the cloud's"
    )
    try:
        if started_here:
            lab.up(autoscaler=True, apps=2)
        outcome = prove_load(
            LoadProofRequest(
                spec_path=str(spec),
                target=lab_target(layout.lab_dir),
                reports=reports,
                profile=profile,
                quiet=True,
            )
        )
        for record in outcome.run.records:
            say(f"    {record.verdict.upper():12} {record.control}: {record.message}")
        records = list(outcome.run.records)
        say(f"  game day on the lab ({', '.join(GAME_DAY)}): faults injected, rollbacks always run")
        chaos = run_chaos(
            ChaosRequest(
                spec_path=str(spec),
                variant="lab",
                experiments=GAME_DAY,
                lab_dir=layout.lab_dir,
                reports=reports.parent / "chaos",
                allow_chaos=True,
                quiet=True,
            ),
            say=say,
        )
        if chaos.run is not None:
            for record in chaos.run.records:
                say(f"    {record.verdict.upper():12} {record.control}: {record.message}")
            records += chaos.run.records
    finally:
        if started_here:
            lab.down()
            if layout.lab_dir.name.startswith("archproof-demo-lab-"):
                shutil.rmtree(layout.lab_dir, ignore_errors=True)
    return LoadDemoResult(ran=True, records=tuple(records), reports=reports)
