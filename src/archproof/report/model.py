"""The audit report model: every run collected, grouped per system and environment, traced
requirement → controls → evidence → verdict, with waivers, frameworks, charts and the change
since the previous run."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from archproof.report.frameworks import (
    FrameworkView,
    Mapping_,
    build_views,
    catalogue_mapping,
    load_mapping,
)
from archproof.report.history import Diff
from archproof.report.inputs import RunInput
from archproof.report.matrix import Matrix, Summary, build_matrix, build_summary
from archproof.report.meta import RunMeta, ScannerInfo, build_meta
from archproof.report.records import ORDER, Record, finding_order, record_from
from archproof.report.recovery import RecoveryMeasure, recovery_chart, recovery_measures

SVG = "{http://www.w3.org/2000/svg}"
ET.register_namespace("", SVG[1:-1])


@dataclass(frozen=True)
class WaiverRow:
    system: str
    requirement: str
    control: str
    resource: str
    source: str
    owner: str
    reason: str
    expires: str
    expired: bool
    verdict: str
    anchor: str


@dataclass(frozen=True)
class LoadChart:
    system: str
    path: str
    svg: str


@dataclass
class AuditReport:
    generated: str
    meta: RunMeta
    summaries: list[Summary]
    matrices: list[Matrix]
    findings: list[Record]
    waivers: list[WaiverRow]
    frameworks: list[FrameworkView]
    load_charts: list[LoadChart]
    recovery: list[RecoveryMeasure]
    recovery_svg: str
    records: list[Record]
    skipped: list[str]
    notes: list[str] = field(default_factory=list)
    diff: Diff | None = None
    mappings: list[Mapping_] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(r.verdict for r in self.records)
        return {v: counts.get(v, 0) for v in ORDER}

    @property
    def scanners(self) -> list[ScannerInfo]:
        return self.meta.scanners

    @property
    def unmapped(self) -> list[tuple[str, dict[str, Any]]]:
        return [(s.name, u) for s in self.meta.scanners for u in s.unmapped]


def clean_svg(text: str) -> str:
    """An input's SVG made safe to inline: parsed, scripts, foreign content, event handlers
    and external references removed; "" when it does not parse."""
    text = re.sub(r"<\?xml[^>]*\?>", "", text).strip()
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return ""
    if root.tag not in (f"{SVG}svg", "svg"):
        return ""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{SVG}script", "script", f"{SVG}foreignObject", "foreignObject"):
                parent.remove(child)
        for name in list(parent.attrib):
            value = parent.attrib[name]
            local = name.rsplit("}", 1)[-1]
            external = local == "href" and not value.startswith("#")
            if local.startswith("on") or external or "url(http" in value.replace(" ", ""):
                del parent.attrib[name]
    return ET.tostring(root, encoding="unicode")


def _waiver_rows(records: list[Record]) -> list[WaiverRow]:
    rows = []
    for record in records:
        waiver = record.waiver
        if waiver is None:
            continue
        rows.append(
            WaiverRow(
                system=record.system,
                requirement=record.requirement,
                control=record.control,
                resource=record.resource,
                source=record.source,
                owner=str(waiver.get("owner", "")),
                reason=str(waiver.get("reason", "")),
                expires=str(waiver.get("expires", "")),
                expired=record.verdict == "fail",
                verdict=record.verdict,
                anchor=record.anchor,
            )
        )
    return sorted(rows, key=lambda w: (not w.expired, w.expires, w.system, w.control))


def build_report(
    runs: list[RunInput],
    now: dt.datetime,
    skipped: list[str] | None = None,
    chromium: str = "",
    catalogue: bool = True,
) -> AuditReport:
    records: list[Record] = []
    by_group: dict[tuple[str, str], list[RunInput]] = {}
    for run in runs:
        by_group.setdefault((run.system, run.environment), []).append(run)
        records.extend(
            record_from(raw, run.system, run.environment, str(run.path)) for raw in run.records
        )
    matrices, summaries = [], []
    for (system, environment), group in sorted(by_group.items()):
        mine = [r for r in records if (r.system, r.environment) == (system, environment)]
        matrix = build_matrix(system, environment, group, mine)
        matrices.append(matrix)
        summaries.append(build_summary(matrix, group, mine))
    frameworks, data_mapping = load_mapping()
    notes: list[str] = []
    mappings = [data_mapping]
    if catalogue:
        own, why = catalogue_mapping()
        mappings.insert(0, own)
        if why:
            notes.append(why)
    recovery: list[RecoveryMeasure] = []
    charts = []
    for run in runs:
        mine = [r for r in records if r.run == str(run.path)]
        recovery.extend(recovery_measures(run, mine))
        if run.chart_svg:
            svg = clean_svg(run.chart_svg)
            if svg:
                charts.append(LoadChart(run.system, str(run.path.parent / "chart.svg"), svg))
            else:
                notes.append(f"{run.path.parent / 'chart.svg'}: not an SVG chart, not shown")
    return AuditReport(
        generated=now.isoformat(timespec="seconds"),
        meta=build_meta(runs, chromium),
        summaries=summaries,
        matrices=matrices,
        findings=sorted((r for r in records if r.verdict != "pass"), key=finding_order),
        waivers=_waiver_rows(records),
        frameworks=build_views(records, frameworks, mappings),
        load_charts=charts,
        recovery=recovery,
        recovery_svg=recovery_chart(recovery),
        records=records,
        skipped=skipped or [],
        notes=notes,
        mappings=mappings,
    )
