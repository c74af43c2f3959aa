"""checkov on a plan JSON (``-f``), a Terraform folder (``-d``) or Kubernetes manifests.

``--skip-download`` keeps it offline (severities and guidelines are then empty);
``--soft-fail`` makes any non-zero exit a crash, so findings are never mistaken for one.
Passed, failed and skipped checks are all kept: a pass is evidence too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archproof.scanners.findings import Finding, FindingStatus, ScanInput, ScannerFailure

TOOL = "checkov"
INPUT = "{input}"
FRAMEWORK = {"plan": "terraform_plan", "hcl": "terraform", "manifests": "kubernetes"}
_STATUS = {
    "PASSED": FindingStatus.PASS,
    "FAILED": FindingStatus.FAIL,
    "SKIPPED": FindingStatus.SKIPPED,
}
_BUCKETS = ("passed_checks", "failed_checks", "skipped_checks")


def checkov_args(kind: str, path: Path) -> list[str]:
    """Arguments after the executable; the input path is ``{input}`` (a cache key must not
    change with where the same files lie)."""
    if kind not in FRAMEWORK:
        raise ValueError(f"checkov scans {', '.join(FRAMEWORK)}, not {kind!r}")
    where = "-d" if path.is_dir() else "-f"
    return [
        where,
        INPUT,
        "--framework",
        FRAMEWORK[kind],
        "-o",
        "json",
        "--compact",
        "--skip-download",
        "--soft-fail",
    ]


def applies_to(check_id: str, kind: str) -> bool:
    """Whether a checkov check can have findings on an input of this kind."""
    kubernetes = "_K8S_" in check_id
    return kubernetes == (kind == "manifests")


def _documents(text: str) -> list[Any]:
    """checkov prints one JSON document per report, and with several, sometimes one after
    another rather than as a list."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return documents
        document, position = decoder.raw_decode(text, position)
        documents.append(document)


def _kind(resource: str) -> str:
    parts = resource.split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return parts[0]


def _location(check: dict[str, Any]) -> str:
    file = str(check.get("file_path") or "").lstrip("/")
    lines = check.get("file_line_range") or []
    if file and len(lines) == 2:
        return f"{file}:{lines[0]}-{lines[1]}"
    return file


def _finding(check: dict[str, Any]) -> Finding:
    result = check["check_result"]["result"]
    resource = str(check.get("resource_address") or check["resource"])
    title = str(check.get("check_name") or check["check_id"])
    message = title
    suppressed = check["check_result"].get("suppress_comment")
    if suppressed:
        message = f"{title} (skipped in the input: {suppressed})"
    return Finding(
        tool=TOOL,
        check_id=str(check["check_id"]),
        status=_STATUS[result],
        resource=resource,
        message=message,
        title=title,
        severity=str(check.get("severity") or "").lower(),
        location=_location(check),
        kind=_kind(resource),
    )


def parse_checkov(stdout: str, scan: ScanInput) -> list[Finding]:
    """Findings from checkov's ``-o json``; anything else is a :class:`ScannerFailure`."""
    try:
        documents = _documents(stdout)
    except ValueError as exc:
        start = stdout.strip()[:80]
        raise ScannerFailure(TOOL, f"unparsable output ({exc}): {start!r}") from None
    if not documents:
        raise ScannerFailure(TOOL, "no output (expected a JSON report)")
    findings: list[Finding] = []
    try:
        for document in documents:
            for report in document if isinstance(document, list) else [document]:
                findings.extend(_report_findings(report, scan))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ScannerFailure(TOOL, f"unparsable output: a report without {exc}") from None
    return findings


def _report_findings(report: dict[str, Any], scan: ScanInput) -> list[Finding]:
    if "results" not in report:
        if "resource_count" in report:  # nothing of the framework found: an empty summary
            return []
        raise KeyError("results")
    results = report["results"]
    errors = results.get("parsing_errors") or []
    if errors:
        shown = ", ".join(str(e) for e in errors[:3])
        raise ScannerFailure(
            TOOL, f"could not parse {len(errors)} file(s) of {scan.target}: {shown}"
        )
    return [_finding(check) for bucket in _BUCKETS for check in results.get(bucket) or []]
