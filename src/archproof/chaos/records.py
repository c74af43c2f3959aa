"""Where the chaos extension finds the lab and writes its records.

Every extension function takes chaostoolkit's ``configuration``:

- ``lab_dir``: the lab's state folder (fallback ``$ARCHPROOF_LAB_DIR``, then the default
  ``LabLayout`` folder ``./.lab``); the layout the lab was started with is read from it.
- ``records_dir``: where records go (fallback ``$ARCHPROOF_CHAOS_RECORDS``, then
  ``<lab_dir>/chaos-records``); created when missing.

Records (JSON lines unless named ``.json``):

- ``faults.jsonl``: one line per fault ``{"t", "fault", "target", "detail"}``;
- ``traffic.jsonl``: one line per request of the traffic probe (see ``traffic``);
- ``writes-<store>.jsonl`` and ``rpo-<store>.json``: the RPO writer (see ``writer``);
- ``restore.json``: the backup/restore drill; ``zone-outage.json``: what a zone outage killed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from chaoslib.exceptions import ActivityFailed

from archproof.lab.layout import LabLayout

Configuration = dict[str, Any] | None

__all__ = [
    "ActivityFailed",
    "Configuration",
    "append_jsonl",
    "lab_dir",
    "layout",
    "read_json",
    "read_jsonl",
    "record_fault",
    "records_dir",
    "write_json",
]


def lab_dir(configuration: Configuration = None) -> Path:
    """The lab dir named by the configuration, ``$ARCHPROOF_LAB_DIR`` or ``./.lab``."""
    value = (configuration or {}).get("lab_dir") or os.environ.get("ARCHPROOF_LAB_DIR")
    return Path(value).resolve() if value else Path.cwd().resolve() / ".lab"


def layout(configuration: Configuration = None) -> LabLayout:
    """The layout the lab in ``lab_dir`` was started with (its ``lab.json``)."""
    return LabLayout.load(lab_dir(configuration))


def records_dir(configuration: Configuration = None) -> Path:
    """The records dir (created when missing)."""
    value = (configuration or {}).get("records_dir") or os.environ.get("ARCHPROOF_CHAOS_RECORDS")
    path = Path(value).resolve() if value else lab_dir(configuration) / "chaos-records"
    path.mkdir(parents=True, exist_ok=True)
    return path


def append_jsonl(path: Path, line: dict[str, Any]) -> None:
    """Append one JSON line (one ``write`` call, so concurrent writers do not interleave)."""
    with path.open("a") as out:
        out.write(json.dumps(line, sort_keys=False) + "\n")


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON atomically (temp file, then rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


def read_json(path: Path) -> Any:
    """The JSON in ``path`` (``None`` when there is no such file)."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    """Every JSON object line of ``path`` ([] when missing).

    A last line cut short (its writer was killed mid-write) is skipped; any other line that
    is not a JSON object raises ``ValueError`` naming the file and line.
    """
    try:
        lines = Path(path).read_text().splitlines()
    except FileNotFoundError:
        return []
    out: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            if number == len(lines):
                break
            raise ValueError(f"{path}:{number}: not a JSON line: {line[:80]!r}") from None
        if not isinstance(value, dict):
            raise ValueError(f"{path}:{number}: not a JSON object")
        out.append(value)
    return out


def record_fault(
    configuration: Configuration,
    fault: str,
    target: str,
    detail: dict[str, Any] | None = None,
    t: float | None = None,
) -> dict[str, Any]:
    """Append the fault to ``<records_dir>/faults.jsonl`` and return it.

    ``t`` is the epoch time the fault was injected (taken just before the signal was sent).
    """
    line = {
        "t": round(time.time() if t is None else t, 3),
        "fault": fault,
        "target": target,
        "detail": detail or {},
    }
    append_jsonl(records_dir(configuration) / "faults.jsonl", line)
    return line
