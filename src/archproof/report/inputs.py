"""Finding and reading what the other commands wrote: every ``results.json`` under the inputs,
with the load timeline chart and the chaos journals beside it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archproof.errors import ArchproofError

RESULTS = "results.json"
SKIPPED_PARTS = ("violations", "history")
"""Folders never collected: seeded-violation runs (failing on purpose) and report snapshots."""
REQUIRED_KEYS = ("system", "environment", "results", "requirements", "summary")


class ReportInputError(ArchproofError):
    """An input that is not a readable archproof results folder or file (exit 2)."""


@dataclass(frozen=True)
class RunInput:
    """One ``results.json`` and what sits beside it."""

    path: Path
    kind: str
    """``check``, ``load`` or ``chaos`` (from what its verdicts are)."""
    data: dict[str, Any]
    chart_svg: str = ""
    """The load timeline chart (``chart.svg``) beside a load result."""
    journals: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Chaos journals beside a chaos result: experiment folder name → journal."""

    @property
    def system(self) -> str:
        return str(self.data.get("system", ""))

    @property
    def environment(self) -> str:
        return str(self.data.get("environment", ""))

    @property
    def records(self) -> list[dict[str, Any]]:
        return list(self.data.get("results", []))


def find_results(roots: list[Path]) -> tuple[list[Path], list[Path]]:
    """Every results.json under ``roots`` (a root may be the file itself), and the files skipped
    because they sit in a seeded-violation or history folder."""
    found: list[Path] = []
    skipped: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
            continue
        if not root.is_dir():
            raise ReportInputError(f"{root}: no such file or folder")
        for path in sorted(root.rglob(RESULTS)):
            relative = path.relative_to(root).parts[:-1]
            if any(part in SKIPPED_PARTS for part in relative):
                skipped.append(path)
            else:
                found.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, skipped


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportInputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportInputError(f"{path}: not JSON: {exc}") from exc


def kind_of(data: dict[str, Any]) -> str:
    sources = {str(r.get("source", "")) for r in data.get("results", []) if isinstance(r, dict)}
    if sources and sources <= {"load"}:
        return "load"
    if sources and sources <= {"chaos"}:
        return "chaos"
    return "check"


def read_run(path: Path) -> RunInput:
    """One results.json, checked for the keys the report relies on (fail closed: exit 2)."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise ReportInputError(f"{path}: not an archproof results.json (not an object)")
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise ReportInputError(
            f"{path}: not an archproof results.json (missing {', '.join(missing)})"
        )
    if not isinstance(data["results"], list) or not isinstance(data["requirements"], list):
        raise ReportInputError(f"{path}: results and requirements must be lists")
    for n, record in enumerate(data["results"]):
        if not isinstance(record, dict) or not {"control", "verdict"} <= set(record):
            raise ReportInputError(f"{path}: results[{n}] is not a verdict record")
    kind = kind_of(data)
    folder = path.parent
    chart = ""
    journals: dict[str, dict[str, Any]] = {}
    if kind == "load" and (folder / "chart.svg").is_file():
        chart = (folder / "chart.svg").read_text(encoding="utf-8", errors="replace")
    if kind == "chaos":
        for journal in sorted(folder.glob("*/journal.json")):
            content = read_json(journal)
            if isinstance(content, dict):
                journals[journal.parent.name] = content
    return RunInput(path=path, kind=kind, data=data, chart_svg=chart, journals=journals)


def read_inputs(roots: list[Path]) -> tuple[list[RunInput], list[Path]]:
    """All runs under ``roots``; no results.json at all is an input error (exit 2)."""
    paths, skipped = find_results(roots)
    if not paths:
        where = ", ".join(str(r) for r in roots)
        raise ReportInputError(
            f"no {RESULTS} under {where}: run archproof check, load, chaos or demo first"
        )
    return [read_run(p) for p in paths], skipped
