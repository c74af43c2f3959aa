"""The change since the previous run: report snapshots kept in ``<out>/history/<time>.json``,
compared verdict by verdict (new failures, fixed, still failing)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archproof.report.inputs import ReportInputError, find_results, read_json, read_run
from archproof.report.records import Record, record_from

SNAPSHOT_MARK = "archproof_report_snapshot"
FAILING = ("fail", "error")
"""A verdict that is a failure for the change list: a fail, or evidence that could not be
gathered (an expired waiver is already a fail)."""
FIELDS = ("system", "environment", "requirement", "control", "source", "resource")


@dataclass(frozen=True)
class Change:
    system: str
    environment: str
    requirement: str
    control: str
    source: str
    resource: str
    before: str
    after: str
    message: str


@dataclass(frozen=True)
class Diff:
    previous: str
    previous_time: str
    new_failures: list[Change]
    fixed: list[Change]
    still_failing: list[Change]
    gone: list[Change]
    """Failing before, not judged at all now (neither fixed nor failing: looked at no more)."""


def snapshot(records: list[Record], generated: str) -> dict[str, Any]:
    return {
        SNAPSHOT_MARK: 1,
        "generated": generated,
        "records": [
            {**{f: getattr(r, f) for f in FIELDS}, "verdict": r.verdict, "message": r.message}
            for r in records
        ],
    }


def write_snapshot(history: Path, records: list[Record], now: dt.datetime) -> Path:
    history.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    path = history / f"{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = history / f"{stamp}-{n}.json"
    data = snapshot(records, now.isoformat(timespec="seconds"))
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def latest_snapshot(history: Path) -> Path | None:
    found = sorted(history.glob("*.json")) if history.is_dir() else []
    return found[-1] if found else None


def _from_snapshot(path: Path, data: dict[str, Any]) -> tuple[list[Record], str]:
    items = data.get("records")
    if not isinstance(items, list):
        raise ReportInputError(f"{path}: report snapshot without a records list")
    records = [record_from(i, "", "", str(path)) for i in items if isinstance(i, dict)]
    return records, str(data.get("generated", ""))


def _from_results(paths: list[Path]) -> tuple[list[Record], str]:
    records: list[Record] = []
    times = []
    for path in paths:
        run = read_run(path)
        times.append(str(run.data.get("finished", "")))
        records.extend(record_from(r, run.system, run.environment, str(path)) for r in run.records)
    return records, max(times, default="")


def load_previous(path: Path) -> tuple[list[Record], str]:
    """Records of the previous run: a report snapshot, a results.json, a folder of results
    (compared as collected) or a history folder (its latest snapshot)."""
    if path.is_file():
        data = read_json(path)
        if isinstance(data, dict) and data.get(SNAPSHOT_MARK):
            return _from_snapshot(path, data)
        return _from_results([path])
    if path.is_dir():
        results, _ = find_results([path])
        if results:
            return _from_results(results)
        latest = latest_snapshot(path)
        if latest is not None:
            return load_previous(latest)
        raise ReportInputError(f"--previous {path}: no results.json and no report snapshot in it")
    raise ReportInputError(f"--previous {path}: no such file or folder")


def _change(record: Record, before: str, after: str) -> Change:
    return Change(
        system=record.system,
        environment=record.environment,
        requirement=record.requirement,
        control=record.control,
        source=record.source,
        resource=record.resource,
        before=before,
        after=after,
        message=record.message,
    )


def diff(previous: list[Record], current: list[Record], where: str, when: str) -> Diff:
    before = {r.key: r for r in previous}
    now = {r.key: r for r in current}
    new, fixed, still, gone = [], [], [], []
    for key, record in now.items():
        old = before.get(key)
        if record.verdict in FAILING:
            if old is not None and old.verdict in FAILING:
                still.append(_change(record, old.verdict, record.verdict))
            else:
                new.append(_change(record, old.verdict if old else "absent", record.verdict))
        elif old is not None and old.verdict in FAILING:
            fixed.append(_change(record, old.verdict, record.verdict))
    for key, old in before.items():
        if key not in now and old.verdict in FAILING:
            gone.append(_change(old, old.verdict, "absent"))
    return Diff(where, when, new, fixed, still, gone)
