"""Seeded violations: each applied to the estate and both forms checked; its controls must fail."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archproof.demo.forms import FORMS, check_estate
from archproof.estates import Estate, Violation
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
    forms = tuple(getattr(violation, "forms", FORMS))
    broken = violation(estate)
    _, results = check_estate(system, broken, server, reports / violation.id, forms=forms)
    failing = {r.form: tuple(sorted(r.failing_controls())) for r in results}
    example = next(
        (
            rec.message
            for r in results
            for rec in r.records
            if rec.verdict is Verdict.FAIL and rec.control == violation.control
        ),
        "not caught",
    )
    return ViolationResult(system, violation.id, violation.controls, forms, failing, example)
