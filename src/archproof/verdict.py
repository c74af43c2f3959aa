"""Verdicts and the exceptions a control raises to give one.

Only ``pass`` and a current ``waived`` count as compliant. ``error`` means the
evidence could not be gathered; ``inconclusive`` means a deciding value is unknown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Verdict(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    INCONCLUSIVE = "inconclusive"
    WAIVED = "waived"

    @property
    def compliant(self) -> bool:
        return self in (Verdict.PASS, Verdict.WAIVED)


class ControlOutcome(Exception):
    """Raised inside a control to end it with a verdict other than pass."""

    verdict: Verdict = Verdict.FAIL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Passed(ControlOutcome):
    """A pass that says more than "as documented": e.g. that a service default decided it."""

    verdict = Verdict.PASS


class Failed(ControlOutcome):
    verdict = Verdict.FAIL


class Inconclusive(ControlOutcome):
    verdict = Verdict.INCONCLUSIVE


class EvidenceMissing(ControlOutcome):
    verdict = Verdict.ERROR


@dataclass(frozen=True, slots=True)
class VerdictRecord:
    """One line of ``results.json``: one control judged on one subject."""

    control: str
    requirement: str
    system: str
    environment: str
    source: str
    resource: str
    kind: str
    verdict: Verdict
    message: str
    title: str = ""
    severity: str = ""
    evidence: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "control": self.control,
            "requirement": self.requirement,
            "system": self.system,
            "environment": self.environment,
            "source": self.source,
            "resource": self.resource,
            "kind": self.kind,
            "verdict": str(self.verdict),
            "message": self.message,
            "title": self.title,
            "severity": self.severity,
            "evidence": self.evidence,
        }
