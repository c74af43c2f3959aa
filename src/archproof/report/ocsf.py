"""OCSF for live findings: each verdict read from a live account, subscription or cluster (and
each prowler finding) as an OCSF 1.3 Compliance Finding (class_uid 2003)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from archproof import __version__
from archproof.report.frameworks import Mapping_, refs_for
from archproof.report.inputs import RunInput
from archproof.report.records import Record, source_type

OCSF_VERSION = "1.3.0"
LIVE_SOURCES = ("live", "azure", "k8s", "prowler")
SEVERITY_ID = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
COMPLIANCE = {
    "pass": (1, "Pass"),
    "fail": (3, "Fail"),
    "error": (0, "Unknown"),
    "inconclusive": (0, "Unknown"),
    "waived": (99, "Other"),
}
"""archproof verdict → OCSF compliance status (id, name); only Pass is compliant to a reader
that does not know waivers, so a current waiver is Other with the detail 'waived'."""


def _millis(text: str, fallback: dt.datetime) -> int:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def _cloud(origin: str, scope: dict[str, Any]) -> dict[str, Any] | None:
    provider, _, account = origin.partition(":")
    if provider == "aws":
        regions = scope.get("regions") or []
        cloud: dict[str, Any] = {"provider": "AWS", "account": {"uid": account, "type": "AWS"}}
        if len(regions) == 1:
            cloud["region"] = str(regions[0])
        return cloud
    if provider == "azure":
        return {"provider": "Azure", "account": {"uid": account, "type": "Azure AD Account"}}
    return None


def finding(
    record: Record, run: RunInput | None, now: dt.datetime, mappings: list[Mapping_]
) -> dict[str, Any]:
    data = run.data if run else {}
    time = _millis(str(data.get("finished", "")), now)
    status_id, status = COMPLIANCE.get(record.verdict, (0, "Unknown"))
    severity_id = SEVERITY_ID.get(record.severity, 0)
    refs = refs_for(record.control, mappings)
    uid = hashlib.sha256(record.key.encode()).hexdigest()[:32]
    item: dict[str, Any] = {
        "class_uid": 2003,
        "class_name": "Compliance Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200301,
        "type_name": "Compliance Finding: Create",
        "time": time,
        "severity_id": severity_id,
        "severity": record.severity.capitalize() if severity_id else "Unknown",
        "status_id": 3 if record.verdict == "waived" else 1,
        "status": "Suppressed" if record.verdict == "waived" else "New",
        "message": record.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "archproof", "vendor_name": "archproof", "version": __version__},
        },
        "finding_info": {
            "uid": uid,
            "title": record.title or record.control,
            "desc": record.message,
            "types": [record.control],
            "created_time": time,
        },
        "compliance": {
            "control": record.control,
            "requirements": [f"{record.system} {record.requirement}"],
            "standards": [f"{k} {v}" for k, vs in sorted(refs.items()) for v in vs],
            "status_id": status_id,
            "status": status,
            "status_detail": record.verdict,
        },
        "resources": [
            {"uid": record.resource, "type": record.kind, "name": record.resource.split("/")[-1]}
        ],
        "unmapped": {
            "archproof": {
                "verdict": record.verdict,
                "system": record.system,
                "environment": record.environment,
                "source": record.source,
                "seen": record.seen,
                "required": record.required,
            }
        },
    }
    for source in data.get("sources") or []:
        if isinstance(source, dict) and source.get("name") == record.source:
            scope = source.get("scope") if isinstance(source.get("scope"), dict) else {}
            cloud = _cloud(str(source.get("origin", "")), scope or {})
            if cloud:
                item["cloud"] = cloud
    return item


def build_ocsf(
    records: list[Record], runs: list[RunInput], mappings: list[Mapping_], now: dt.datetime
) -> list[dict[str, Any]]:
    by_path = {str(r.path): r for r in runs}
    findings = []
    for record in records:
        if source_type(record.source) not in LIVE_SOURCES:
            continue
        findings.append(finding(record, by_path.get(record.run), now, mappings))
    return findings
