"""One reference estate in both forms: its plan JSON on disk, its provisioning in moto."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import boto3

from archproof.check import CheckOutcome, CheckRequest, run_check
from archproof.estates import Estate, plan_document
from archproof.estates.provision import provision
from archproof.moto_server import MotoServer
from archproof.session import SourceRequest
from archproof.verdict import Verdict, VerdictRecord

POLICIES = Path(__file__).resolve().parents[3] / "policies"
FORMS = ("plan", "live")


@dataclass(frozen=True)
class FormResult:
    system: str
    form: str
    records: tuple[VerdictRecord, ...]

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.records if r.verdict is verdict)

    def failing_controls(self) -> set[str]:
        return {r.control for r in self.records if r.verdict is Verdict.FAIL}


def spec_path(system: str) -> Path:
    return POLICIES / f"{system}.yaml"


def check_estate(
    system: str,
    estate: Estate,
    server: MotoServer,
    reports: Path,
    forms: tuple[str, ...] = FORMS,
    only_controls: tuple[str, ...] = (),
) -> tuple[CheckOutcome, list[FormResult]]:
    """Write the plan, provision the live form into a clean server, check both against the spec."""
    reports.mkdir(parents=True, exist_ok=True)
    plans: tuple[str, ...] = ()
    if "plan" in forms:
        plan = reports / "plan.json"
        plan.write_text(json.dumps(plan_document(estate), indent=1, sort_keys=True) + "\n")
        plans = (str(plan),)
    live = "live" in forms
    if live:
        server.reset()
        provision(estate, boto3.Session(region_name=estate.region))
    outcome = run_check(
        CheckRequest(
            spec_path=str(spec_path(system)),
            sources=SourceRequest(plans=plans, aws=live, aws_regions=(estate.region,)),
            only_controls=only_controls,
            reports=reports,
            quiet=True,
        )
    )
    results = [
        FormResult(system, form, tuple(r for r in outcome.run.records if r.source == form))
        for form in forms
    ]
    return outcome, results
