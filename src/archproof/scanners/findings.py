"""What a scanner said, in one shape for every scanner: findings, or why it could not say."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from archproof.errors import ArchproofError


class FindingStatus(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"
    """Suppressed in the input (``#checkov:skip=``) or muted: not a pass."""
    MANUAL = "manual"
    """The scanner cannot decide (prowler ``MANUAL``): not a pass."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One scanner check judged on one resource."""

    tool: str
    check_id: str
    status: FindingStatus
    resource: str
    """checkov: ``aws_db_instance.main`` / ``Deployment.ns.name``; prowler: the ARN."""
    message: str
    """The scanner's own words (prowler's status detail, checkov's check name)."""
    title: str = ""
    severity: str = ""
    location: str = ""
    """Where: ``main.tf:12-30`` (checkov) or ``us-east-1`` (prowler)."""
    kind: str = ""
    """Resource type as the scanner names it (``aws_db_instance``, ``AwsRdsDbInstance``)."""
    name: str = ""
    """A short name for the resource where the scanner gives one (prowler: ``bragabot-db``)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "check_id": self.check_id,
            "status": str(self.status),
            "resource": self.resource,
            "message": self.message,
            "title": self.title,
            "severity": self.severity,
            "location": self.location,
            "kind": self.kind,
            "name": self.name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(**{**data, "status": FindingStatus(data["status"])})


class ScannerFailure(ArchproofError):
    """A scanner that gave no usable answer: not installed, timed out, crashed, unparsable."""

    def __init__(self, tool: str, reason: str) -> None:
        super().__init__(f"{tool}: {reason}")
        self.tool, self.reason = tool, reason


@dataclass(frozen=True, slots=True)
class ScanInput:
    """One scanner run: which tool, on what (``plan``, ``hcl``, ``manifests``, ``aws``)."""

    tool: str
    kind: str
    target: str
    """The path scanned, or the account scope (``us-east-1 rds,s3``)."""
    services: tuple[str, ...] = ()
    """prowler: the services scanned (empty: all)."""
    regions: tuple[str, ...] = ()
    """prowler: the regions scanned (empty: prowler's default, all)."""

    @property
    def source(self) -> str:
        """Source name of the verdicts it gives: ``checkov:plan``, ``prowler:aws``."""
        return f"{self.tool}:{self.kind}"

    def describe(self) -> str:
        return f"{self.tool} on {self.kind} {self.target}"


@dataclass(frozen=True)
class ScanReport:
    """A scanner's answer on one input: its findings, or the failure that stands for them."""

    input: ScanInput
    version: str = ""
    findings: tuple[Finding, ...] = ()
    failure: str = ""
    """Why the scanner gave no answer ("" when it did)."""
    cached: bool = False
    seconds: float = 0.0
    args: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ran(self) -> bool:
        return not self.failure

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[str(finding.status)] = counts.get(str(finding.status), 0) + 1
        return counts
