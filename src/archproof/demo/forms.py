"""One reference estate in both forms: its plan JSON on disk, its provisioning in moto."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import boto3

from archproof.check import CheckOutcome, CheckRequest, run_check
from archproof.demo.azure import AZURE_FORMS, azure_sources
from archproof.demo.clusters import KUBE_FORMS, Objects, kubernetes_sources
from archproof.emulators.arm import BlobRecord
from archproof.estates import Estate, plan_document
from archproof.estates.provision import provision
from archproof.moto_server import MotoServer
from archproof.scanners import ScanRequest
from archproof.session import SourceRequest
from archproof.verdict import Verdict, VerdictRecord

POLICIES = Path(__file__).resolve().parents[3] / "policies"
FORMS = ("plan", "live")
__all__ = ["AZURE_FORMS", "FORMS", "KUBE_FORMS", "FormResult", "check_azure_estate", "check_estate"]


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
    workloads: Objects | None = None,
    scanners: ScanRequest | None = None,
) -> tuple[CheckOutcome, list[FormResult]]:
    """Write the plan, provision the live form into a clean server, serve the workloads (when
    the system has them) as manifests and as a cluster, and check every form against the spec."""
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
    zones = [f"{estate.region}{letter}" for letter in "abc"]
    with kubernetes_sources(workloads, reports, zones, forms) as kube:
        outcome = run_check(
            CheckRequest(
                spec_path=str(spec_path(system)),
                sources=SourceRequest(plans=plans, aws=live, aws_regions=(estate.region,), **kube),
                only_controls=only_controls,
                reports=reports,
                quiet=True,
                scanners=scanners or ScanRequest(),
            )
        )
    return outcome, form_results(system, outcome, forms)


def check_azure_estate(
    system: str,
    estate: Estate,
    reports: Path,
    forms: tuple[str, ...] = AZURE_FORMS,
    only_controls: tuple[str, ...] = (),
    workloads: Objects | None = None,
    backups: dict[str, list[BlobRecord]] | None = None,
    scanners: ScanRequest | None = None,
) -> tuple[CheckOutcome, list[FormResult]]:
    """An Azure estate: its plan JSON, the plan applied to a local Resource Manager and read
    back live, and its workloads as manifests and as a cluster."""
    reports.mkdir(parents=True, exist_ok=True)
    plan = reports / "plan.json"
    plan.write_text(json.dumps(plan_document(estate), indent=1, sort_keys=True) + "\n")
    zones = [f"{estate.region}-{n}" for n in (1, 2, 3)]
    with (
        azure_sources(plan, estate.account_id, backups or {}, forms) as azure,
        kubernetes_sources(workloads, reports, zones, forms) as kube,
    ):
        outcome = run_check(
            CheckRequest(
                spec_path=str(spec_path(system)),
                sources=SourceRequest(
                    plans=(str(plan),) if "plan" in forms else (), **azure, **kube
                ),
                only_controls=only_controls,
                reports=reports,
                quiet=True,
                scanners=scanners or ScanRequest(),
            )
        )
    return outcome, form_results(system, outcome, forms)


def form_results(system: str, outcome: CheckOutcome, forms: tuple[str, ...]) -> list[FormResult]:
    return [
        FormResult(
            system,
            form,
            tuple(
                r
                for r in outcome.run.records
                if r.source == form or r.source.startswith(form + ":")
            ),
        )
        for form in forms
    ]
