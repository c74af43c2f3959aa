"""Verdict records as the report reads them: one per control judged on one subject, with the
value seen and the value required taken from the evidence or the message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ORDER = ("fail", "error", "inconclusive", "waived", "pass")
"""Worst first; only ``pass`` and a current ``waived`` are compliant."""
SOURCE_ORDER = ("plan", "manifests", "live", "azure", "k8s", "load", "chaos", "checkov", "prowler")
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info", "")


def worst(verdicts: Iterable[str]) -> str:
    present = set(verdicts)
    for verdict in ORDER:
        if verdict in present:
            return verdict
    return ""


def compliant(verdict: str) -> bool:
    return verdict in ("pass", "waived")


def source_type(source: str) -> str:
    return source.split(":", 1)[0]


def source_rank(source: str) -> tuple[int, str]:
    kind = source_type(source)
    return (SOURCE_ORDER.index(kind) if kind in SOURCE_ORDER else len(SOURCE_ORDER), source)


def _flat(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)


def seen_required(message: str, evidence: dict[str, Any], suffix: str) -> tuple[str, str]:
    """The value seen and the value required: from the evidence when it says, else from a
    message shaped ``…: attribute=seen, required value (system REQ)``; ("", "") otherwise."""
    if "seen" in evidence or "required" in evidence:
        return _flat(evidence.get("seen")), _flat(evidence.get("required"))
    text = message.removesuffix(suffix).rstrip()
    at = text.rfind(", required ")
    if at < 0:
        return "", ""
    required = text[at + len(", required ") :]
    before = text[:at]
    claim = before.rsplit(": ", 1)[-1]
    if "=" not in claim:
        return "", required
    attribute, seen = claim.split("=", 1)
    return f"{attribute.strip()}={seen}", required


@dataclass(frozen=True)
class Record:
    control: str
    requirement: str
    system: str
    environment: str
    source: str
    resource: str
    kind: str
    verdict: str
    message: str
    title: str = ""
    severity: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    seen: str = ""
    required: str = ""
    run: str = ""
    """The results.json this record came from."""

    @property
    def key(self) -> str:
        """Identity across runs: the same control on the same subject for the same claim."""
        parts = (self.system, self.environment, self.requirement, self.control)
        return "|".join((*parts, self.source, self.resource))

    @property
    def anchor(self) -> str:
        return "f-" + "".join(c if c.isalnum() else "-" for c in self.key)[:180]

    @property
    def waiver(self) -> dict[str, Any] | None:
        value = self.evidence.get("waiver")
        return value if isinstance(value, dict) else None

    def as_json(self) -> dict[str, Any]:
        return {
            "control": self.control,
            "requirement": self.requirement,
            "system": self.system,
            "environment": self.environment,
            "source": self.source,
            "resource": self.resource,
            "kind": self.kind,
            "verdict": self.verdict,
            "message": self.message,
            "title": self.title,
            "severity": self.severity,
            "seen": self.seen,
            "required": self.required,
            "run": self.run,
        }


def record_from(raw: dict[str, Any], system: str, environment: str, run: str) -> Record:
    system = str(raw.get("system") or system)
    requirement = str(raw.get("requirement", ""))
    evidence = raw.get("evidence")
    evidence = evidence if isinstance(evidence, dict) else {}
    message = str(raw.get("message", ""))
    verdict = str(raw.get("verdict", ""))
    if verdict not in ORDER:  # fail closed: what the report cannot read is never a pass
        message = f"unreadable verdict {verdict!r}; {message}"
        verdict = "error"
    seen, required = seen_required(message, evidence, f"({system} {requirement})")
    return Record(
        control=str(raw.get("control", "")),
        requirement=requirement,
        system=system,
        environment=str(raw.get("environment") or environment),
        source=str(raw.get("source", "")),
        resource=str(raw.get("resource", "")),
        kind=str(raw.get("kind", "")),
        verdict=verdict,
        message=message,
        title=str(raw.get("title", "")),
        severity=str(raw.get("severity", "")),
        evidence=evidence,
        seen=seen,
        required=required,
        run=run,
    )


def finding_order(record: Record) -> tuple[int, int, str]:
    severity = record.severity if record.severity in SEVERITY_ORDER else ""
    return (ORDER.index(record.verdict), SEVERITY_ORDER.index(severity), record.key)
