"""Scanner findings → verdicts on the requirements the spec maps them to.

Each finding of a mapped check on a matching resource is one verdict (control
``checkov:CKV_AWS_157``, source ``checkov:plan``); a scanner that could not run gives ``error``
for every check mapped to it; a scanner that ran but said nothing about a mapped check gives
``inconclusive`` (nothing it saw proves the claim). Skipped, muted or manual findings are
``inconclusive``, never passes. Waivers name the control (``checkov:CKV_AWS_157``) as for
archproof's own controls. Failed findings that became no verdict are returned apart.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from archproof.run import Run
from archproof.scanners import checkov, prowler
from archproof.scanners.findings import Finding, FindingStatus, ScanReport
from archproof.spec.model import Requirement, ScannerCheck, Waiver
from archproof.verdict import Verdict, VerdictRecord

_VERDICT = {
    FindingStatus.PASS: Verdict.PASS,
    FindingStatus.FAIL: Verdict.FAIL,
    FindingStatus.SKIPPED: Verdict.INCONCLUSIVE,
    FindingStatus.MANUAL: Verdict.INCONCLUSIVE,
}


def control_id(tool: str, check_id: str) -> str:
    return f"{tool}:{check_id}"


def applies(tool: str, check_id: str, report: ScanReport) -> bool:
    """Whether this scanner run could have findings of the check at all."""
    if report.input.tool != tool:
        return False
    if tool == "checkov":
        return checkov.applies_to(check_id, report.input.kind)
    return prowler.provider_of(check_id) == report.input.kind


def matches(check: ScannerCheck, finding: Finding) -> bool:
    if finding.check_id != check.id:
        return False
    names = [finding.resource, finding.name]
    return any(n and fnmatch.fnmatchcase(n, check.resource) for n in names)


def judge_scanners(
    run: Run, reports: Sequence[ScanReport]
) -> tuple[list[VerdictRecord], list[tuple[ScanReport, Finding]]]:
    """Verdicts of the mapped checks, and the failed findings no verdict took up."""
    records: list[VerdictRecord] = []
    used: set[int] = set()
    for req in run.requirements():
        for tool, check in req.scanners.items():
            control = control_id(tool, check.id)
            if not run.wanted(control):
                continue
            for report in reports:
                if not applies(tool, check.id, report):
                    continue
                records.extend(_judge_report(run, req, tool, check, report, used))
    unmapped = [
        (report, finding)
        for report in reports
        for finding in report.findings
        if finding.status is FindingStatus.FAIL and id(finding) not in used
    ]
    return records, unmapped


def _judge_report(
    run: Run,
    req: Requirement,
    tool: str,
    check: ScannerCheck,
    report: ScanReport,
    used: set[int],
) -> list[VerdictRecord]:
    control = control_id(tool, check.id)
    where = f"{report.input.kind} {report.input.target}"
    if not report.ran:
        message = f"{tool} gave no answer on {where}: {report.failure}"
        return [_record(run, req, control, report, report.input.target, "", Verdict.ERROR, message)]
    found = [f for f in report.findings if matches(check, f)]
    if not found:
        scope = "" if check.resource == "*" else f" on resources matching {check.resource!r}"
        message = (
            f"{tool} reported nothing for {check.id}{scope} on {where}:"
            " nothing here proves the requirement"
        )
        return [
            _record(
                run, req, control, report, report.input.target, "", Verdict.INCONCLUSIVE, message
            )
        ]
    records = []
    for finding in found:
        used.add(id(finding))
        at = f" at {finding.location}" if finding.location and tool == "checkov" else ""
        message = (
            f"{finding.resource} ({finding.kind}){at}: {finding.status.upper()}: {finding.message}"
        )
        records.append(
            _record(
                run,
                req,
                control,
                report,
                finding.resource,
                finding.kind,
                _VERDICT[finding.status],
                message,
                finding,
            )
        )
    return records


def _waiver(run: Run, control: str, req: Requirement, finding: Finding | None) -> Waiver | None:
    if finding is None:
        return None
    for waiver in run.spec.waivers:
        if waiver.control != control or (waiver.requirement and waiver.requirement != req.id):
            continue
        if waiver.environments and run.environment not in waiver.environments:
            continue
        if waiver.tags:
            continue  # a scanner's finding carries no tags to match
        if any(
            n and (n == waiver.resource or fnmatch.fnmatchcase(n, waiver.resource))
            for n in (finding.resource, finding.name)
        ):
            return waiver
    return None


def _record(
    run: Run,
    req: Requirement,
    control: str,
    report: ScanReport,
    resource: str,
    kind: str,
    verdict: Verdict,
    message: str,
    finding: Finding | None = None,
) -> VerdictRecord:
    evidence: dict[str, object] = {
        "scanner": report.input.tool,
        "scanner_version": report.version,
        "input": report.input.target,
        "cached": report.cached,
    }
    if finding is not None:
        evidence.update(
            {
                "check_id": finding.check_id,
                "location": finding.location,
                "status": str(finding.status),
            }
        )
    waiver = (
        _waiver(run, control, req, finding)
        if verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE)
        else None
    )
    if waiver is not None:
        evidence["waiver"] = waiver.model_dump(mode="json")
        if waiver.expired(run.today):
            verdict = Verdict.FAIL
            message = (
                f"waiver by {waiver.owner} expired on {waiver.expires} ({waiver.reason}); {message}"
            )
        else:
            verdict = Verdict.WAIVED
            message = f"waived until {waiver.expires} by {waiver.owner}: {waiver.reason}; {message}"
    return VerdictRecord(
        control=control,
        requirement=req.id,
        system=run.spec.system,
        environment=run.environment,
        source=report.input.source,
        resource=resource,
        kind=kind or "scanner",
        verdict=verdict,
        message=f"{message} ({run.spec.system} {req.id})",
        title=finding.title if finding else "",
        severity=finding.severity if finding else "",
        evidence=evidence,
    )
