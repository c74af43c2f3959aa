"""Seeded violations: each applied to the estate and both forms checked; its controls must fail."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from archproof.demo.azure import libertum_backups
from archproof.demo.clusters import Objects
from archproof.demo.forms import (
    FORMS,
    KUBE_FORMS,
    FormResult,
    check_azure_estate,
    check_estate,
)
from archproof.estates import Estate, Violation, reference
from archproof.estates.workloads import ManifestViolation
from archproof.moto_server import MotoServer
from archproof.verdict import Verdict


@dataclass(frozen=True)
class ViolationResult:
    system: str
    violation: str
    expected: tuple[str, ...]
    forms: tuple[str, ...]
    failing: dict[str, tuple[str, ...]]  # form → controls that failed
    example: str  # one failure message, for the reader

    def caught_in(self, form: str) -> bool:
        return set(self.expected) <= set(self.failing.get(form, ()))

    @property
    def caught(self) -> bool:
        return all(self.caught_in(f) for f in self.forms)

    def extra(self, form: str) -> list[str]:
        return sorted(set(self.failing.get(form, ())) - set(self.expected))

    def line(self) -> str:
        marks = "  ".join(
            f"{form} {'caught' if self.caught_in(form) else 'MISSED'}"
            + (f" (+{', '.join(self.extra(form))})" if self.extra(form) else "")
            for form in self.forms
        )
        return f"{'✓' if self.caught else '✗'} {self.violation:32} {marks}  — {self.example}"

    def as_json(self) -> dict[str, object]:
        return {
            "system": self.system,
            "violation": self.violation,
            "expected": list(self.expected),
            "forms": list(self.forms),
            "caught": self.caught,
            "failing": {k: list(v) for k, v in self.failing.items()},
            "example": self.example,
        }


def check_violations(
    system: str, estate: Estate, violation: Violation, server: MotoServer, reports: Path
) -> ViolationResult:
    """An estate violation, on the plan and the live form of the estate's cloud."""
    broken = violation(estate)
    if reference(system).cloud == "azure":
        # a violation's "live" form is the live source of the estate's cloud
        forms = tuple("azure" if f == "live" else f for f in violation.forms)
        _, results = check_azure_estate(
            system, broken, reports / violation.id, forms, backups=libertum_backups()
        )
    else:
        forms = tuple(getattr(violation, "forms", FORMS))
        _, results = check_estate(system, broken, server, reports / violation.id, forms=forms)
    return _result(system, violation.id, violation.controls, forms, results)


def check_manifest_violation(
    system: str,
    estate: Estate,
    workloads: Objects,
    violation: ManifestViolation,
    server: MotoServer,
    reports: Path,
) -> ViolationResult:
    """A workload violation, on the manifests and the cluster serving them."""
    broken = violation.edit(copy.deepcopy(workloads))
    where = reports / f"k8s-{violation.name}"
    if reference(system).cloud == "azure":
        _, results = check_azure_estate(system, estate, where, KUBE_FORMS, workloads=broken)
    else:
        _, results = check_estate(system, estate, server, where, KUBE_FORMS, workloads=broken)
    return _result(system, violation.name, (violation.control,), KUBE_FORMS, results)


def _result(
    system: str,
    name: str,
    expected: tuple[str, ...],
    forms: tuple[str, ...],
    results: list[FormResult],
) -> ViolationResult:
    failing = {r.form: tuple(sorted(r.failing_controls())) for r in results}
    example = next(
        (
            rec.message
            for r in results
            for rec in r.records
            if rec.verdict is Verdict.FAIL and rec.control in expected
        ),
        "not caught",
    )
    return ViolationResult(system, name, expected, forms, failing, example)
