"""Framework views (CIS AWS, PCI DSS, GDPR, SOC 2, AWS Well-Architected reliability) from a
mapping kept as data (``frameworks.yaml``) merged with the controls' own ``frameworks``."""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from archproof.errors import ArchproofError
from archproof.report.records import ORDER, Record, worst

Mapping_ = dict[str, dict[str, list[str]]]
"""control id (or glob) → framework key → references."""


@dataclass(frozen=True)
class Framework:
    key: str
    title: str
    prefix: str = ""


@dataclass(frozen=True)
class FrameworkRow:
    ref: str
    verdict: str
    controls: list[str]
    requirements: list[str]
    counts: dict[str, int]


@dataclass(frozen=True)
class FrameworkView:
    key: str
    title: str
    rows: list[FrameworkRow]

    @property
    def compliant(self) -> int:
        return sum(1 for r in self.rows if r.verdict in ("pass", "waived"))


def _refs(value: object) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()]


def load_mapping(text: str | None = None) -> tuple[list[Framework], Mapping_]:
    """The data file (or ``text``, for tests): its frameworks and control mapping."""
    if text is None:
        text = resources.files("archproof.report").joinpath("frameworks.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    frameworks = [
        Framework(str(f["key"]), str(f.get("title", f["key"])), str(f.get("prefix", "")))
        for f in data.get("frameworks", [])
    ]
    mapping: Mapping_ = {}
    for control, refs in (data.get("controls") or {}).items():
        mapping[str(control)] = {str(k): _refs(v) for k, v in (refs or {}).items()}
    return frameworks, mapping


def catalogue_mapping() -> tuple[Mapping_, str]:
    """The built-in controls' own ``frameworks``; ({}, why) when they cannot be read."""
    try:
        from archproof.controls.catalogue import checks_dirs, discover

        catalogue = discover(checks_dirs())
    except (ArchproofError, ImportError, OSError, SyntaxError) as exc:
        return {}, f"the controls' own framework mapping could not be read: {exc}"
    return {c.id: {k: _refs(v) for k, v in c.frameworks.items()} for c in catalogue.values()}, ""


def refs_for(control: str, mappings: list[Mapping_]) -> dict[str, list[str]]:
    """Union of every mapping entry naming the control exactly or by glob."""
    merged: dict[str, list[str]] = {}
    for mapping in mappings:
        for pattern, refs in mapping.items():
            if pattern == control or ("*" in pattern and fnmatch.fnmatchcase(control, pattern)):
                for key, values in refs.items():
                    into = merged.setdefault(key, [])
                    into.extend(v for v in values if v not in into)
    return merged


def _ref_key(ref: str) -> tuple[Any, ...]:
    parts = []
    for token in ref.replace("(", ".").replace(")", "").split("."):
        parts.append((0, int(token), "") if token.isdigit() else (1, 0, token))
    return tuple(parts)


def build_views(
    records: list[Record], frameworks: list[Framework], mappings: list[Mapping_]
) -> list[FrameworkView]:
    controls = sorted({r.control for r in records})
    by_control: dict[str, list[Record]] = {}
    for record in records:
        by_control.setdefault(record.control, []).append(record)
    refs_of = {c: refs_for(c, mappings) for c in controls}
    views = []
    for framework in frameworks:
        per_ref: dict[str, list[str]] = {}
        for control in controls:
            for ref in refs_of[control].get(framework.key, []):
                if ref.startswith(framework.prefix):
                    per_ref.setdefault(ref, []).append(control)
        rows = []
        for ref in sorted(per_ref, key=_ref_key):
            mine = [r for c in per_ref[ref] for r in by_control[c]]
            counts = Counter(r.verdict for r in mine)
            rows.append(
                FrameworkRow(
                    ref=ref,
                    verdict=worst(r.verdict for r in mine),
                    controls=per_ref[ref],
                    requirements=sorted({f"{r.system} {r.requirement}" for r in mine}),
                    counts={v: counts[v] for v in ORDER if v in counts},
                )
            )
        views.append(FrameworkView(framework.key, framework.title, rows))
    return views


def control_frameworks(control: str, mappings: list[Mapping_]) -> Mapping[str, list[str]]:
    return refs_for(control, mappings)
