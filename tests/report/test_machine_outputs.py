"""SARIF 2.1.0 for the plan findings (code scanning) and OCSF Compliance Findings for the
live ones, from the same runs as the audit page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from report_nights import Nights

from archproof.report.model import build_report
from archproof.report.ocsf import build_ocsf
from archproof.report.records import record_from


def test_sarif_is_structurally_valid_and_locates_plan_findings(nights: Nights) -> None:
    sarif = json.loads(nights.second.sarif.read_text())
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "archproof" and driver["version"]
    rules = [r["id"] for r in driver["rules"]]
    assert len(rules) == len(set(rules))
    results = run["results"]
    assert results, "the seeded violations are failing plan verdicts"
    for result in results:
        assert {"ruleId", "ruleIndex", "level", "message", "locations"} <= set(result)
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
    public = [r for r in results if r["ruleId"] == "database-not-publicly-accessible"]
    assert len(public) == 1
    location = public[0]["locations"][0]
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("night2/plan.json")
    line = location["physicalLocation"]["region"]["startLine"]
    plan = Path(uri.removeprefix("file://")) if uri.startswith("file:") else Path.cwd() / uri
    assert '"address": "aws_db_instance.main"' in plan.read_text().splitlines()[line - 1]
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "aws_db_instance.main"
    expired = [r for r in results if r["ruleId"] == "kms-key-rotation"]
    assert expired and all(r["level"] == "error" for r in expired)
    assert not [r for r in results if r["ruleId"] == "cloudtrail-multi-region"]  # waived


def test_no_live_source_means_an_empty_ocsf_list(nights: Nights) -> None:
    assert json.loads(nights.second.ocsf.read_text()) == []


def test_live_verdicts_become_ocsf_compliance_findings() -> None:
    raw = {
        "control": "database-multi-az",
        "requirement": "BRG-AVL-1",
        "source": "live",
        "resource": "db-1",
        "kind": "aws_db_instance",
        "verdict": "fail",
        "message": "live:db-1 (aws_db_instance): multi_az=False, required True"
        " (bragabot BRG-AVL-1)",
        "severity": "high",
        "title": "Databases keep a standby in a second availability zone.",
    }
    record = record_from(raw, "bragabot", "prod", "r.json")
    assert (record.seen, record.required) == ("multi_az=False", "True")
    now = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    report = build_report([], now, catalogue=True)
    (finding,) = build_ocsf([record], [], report.mappings, now)
    assert finding["class_uid"] == 2003 and finding["type_uid"] == 200301
    assert finding["category_uid"] == 2 and finding["activity_id"] == 1
    assert finding["compliance"]["status"] == "Fail" and finding["compliance"]["status_id"] == 3
    assert "AWS-WA REL10" in finding["compliance"]["standards"]
    assert finding["severity_id"] == 4 and finding["time"] == int(now.timestamp() * 1000)
    assert finding["finding_info"]["uid"] and finding["finding_info"]["title"]
    assert finding["resources"][0]["uid"] == "db-1"
    assert finding["metadata"]["version"].startswith("1.")
