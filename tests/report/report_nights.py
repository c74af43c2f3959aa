"""Two real nights of archproof on the Bragabot estate (plan + manifests through a real
`check`), beside a load proof and a game day the demo produced (fixtures/lab), reported twice:
the second report shows the change since the first."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from archproof.check import CheckRequest, run_check
from archproof.estates import catalogue
from archproof.estates.plan_json import render_plan
from archproof.estates.violations import find_violation
from archproof.report import ReportOutcome, write_report
from archproof.session import SourceRequest

ROOT = Path(__file__).resolve().parents[2]
LAB = Path(__file__).with_name("fixtures") / "lab"
SPEC = ROOT / "policies" / "bragabot.yaml"
MANIFESTS = ROOT / "examples" / "bragabot" / "manifests"

NIGHT_1 = ("database-single-az", "kms-rotation-off")
NIGHT_2 = ("database-public", "kms-rotation-off", "trail-single-region")
WAIVERS = """\
waivers:
  - {control: kms-key-rotation, resource: "*", owner: platform-team,
     reason: key rotation moves to the new KMS module, expires: 2020-01-31}
  - {control: cloudtrail-multi-region, resource: "*", owner: security-team,
     reason: second-region trail lands with the org trail, expires: 2099-12-31}
"""


@dataclass(frozen=True)
class Nights:
    first: ReportOutcome
    second: ReportOutcome
    reports: Path


def _plan(directory: Path, violations: tuple[str, ...]) -> Path:
    chosen = catalogue.reference("bragabot")
    estate = catalogue.build("bragabot")
    for violation in violations:
        estate = find_violation(chosen.violations, violation)(estate)
    directory.mkdir(parents=True, exist_ok=True)
    plan = directory / "plan.json"
    plan.write_text(render_plan(estate), encoding="utf-8")
    return plan


def _check(spec: Path, plan: Path, reports: Path) -> None:
    run_check(
        CheckRequest(
            spec_path=str(spec),
            sources=SourceRequest(plans=(str(plan),), manifests=(str(MANIFESTS),)),
            reports=reports,
            quiet=True,
        )
    )


def run_two_nights(base: Path) -> Nights:
    spec = base / "spec" / "bragabot.yaml"
    spec.parent.mkdir()
    shutil.copy(SPEC, spec)
    reports = base / "reports"
    shutil.copytree(LAB, reports / "lab")
    _check(spec, _plan(base / "night1", NIGHT_1), reports / "check")
    first = write_report([reports], reports, None, now=dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC))
    (spec.parent / "bragabot.waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    _check(spec, _plan(base / "night2", NIGHT_2), reports / "check")
    second = write_report(
        [reports], reports, None, now=dt.datetime(2026, 1, 2, 2, 0, tzinfo=dt.UTC)
    )
    return Nights(first, second, reports)


def proofs_only_lab(folder: Path) -> Path:
    """The lab fixture as runs of a spec whose requirements name proofs alone: every claim the
    runs name is judged in full (the fixture's requirements also name controls no run judged)."""
    import json

    shutil.copytree(LAB, folder)
    for results in folder.rglob("results.json"):
        data = json.loads(results.read_text())
        for requirement in data["requirements"]:
            requirement["controls"] = []
        results.write_text(json.dumps(data))
    return folder
