"""Run metadata: when, which commit, which plan files (by hash), which accounts, subscriptions
and clusters, which tool versions."""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archproof import __version__
from archproof.report.inputs import RunInput

HASHED_SOURCES = ("plan", "manifests")


@dataclass(frozen=True)
class InputRun:
    path: str
    kind: str
    system: str
    environment: str
    started: str
    finished: str
    commit: str
    archproof_version: str
    spec: str
    exit_code: int | None


@dataclass(frozen=True)
class FileHash:
    source: str
    path: str
    sha256: str
    """Empty when the file is gone (then ``note`` says so)."""
    note: str = ""


@dataclass(frozen=True)
class Origin:
    source: str
    origin: str
    detail: str
    errors: int


@dataclass(frozen=True)
class ScannerInfo:
    name: str
    version: str
    status: str
    detail: str
    unmapped: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class RunMeta:
    runs: list[InputRun]
    commits: list[str]
    files: list[FileHash]
    origins: list[Origin]
    tools: dict[str, str]
    scanners: list[ScannerInfo]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash(source: str, path: str) -> FileHash:
    file = Path(path)
    if not file.is_file():
        return FileHash(source, path, "", "file not found when the report was written")
    try:
        return FileHash(source, path, sha256_of(file))
    except OSError as exc:
        return FileHash(source, path, "", f"unreadable: {exc.strerror or exc}")


def _files(source: dict[str, Any]) -> list[str]:
    scope = source.get("scope") if isinstance(source.get("scope"), dict) else {}
    listed = (scope or {}).get("files")
    if isinstance(listed, list) and listed:
        return [str(f) for f in listed]
    origin = str(source.get("origin", ""))
    return [origin] if origin and origin != "-" and Path(origin).is_file() else []


def _detail(scope: dict[str, Any]) -> str:
    shown = []
    for key in ("account", "regions", "subscriptions", "context", "server", "version"):
        value = scope.get(key)
        if value:
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            shown.append(f"{key} {text}")
    return "; ".join(shown)


def scanners_of(data: dict[str, Any]) -> list[ScannerInfo]:
    """The optional ``scanners`` section: {name: {...}} or [{"name": …, …}]."""
    section = data.get("scanners")
    items: list[tuple[str, Any]] = []
    if isinstance(section, dict):
        items = [(str(k), v) for k, v in section.items()]
    elif isinstance(section, list):
        items = [(str(v.get("name", "?")), v) for v in section if isinstance(v, dict)]
    found = []
    for name, value in items:
        info = value if isinstance(value, dict) else {"status": str(value)}
        unmapped = info.get("unmapped")
        shown = ("name", "version", "status", "unmapped")
        rest = {
            k: v for k, v in info.items() if k not in shown and isinstance(v, str | int | float)
        }
        found.append(
            ScannerInfo(
                name=name,
                version=str(info.get("version", "")),
                status=str(info.get("status", "")),
                detail="; ".join(f"{k} {v}" for k, v in rest.items()),
                unmapped=[u for u in unmapped if isinstance(u, dict)]
                if isinstance(unmapped, list)
                else [],
            )
        )
    return found


def build_meta(runs: list[RunInput], chromium: str = "") -> RunMeta:
    inputs, files, origins, scanners = [], [], [], []
    seen_files: set[tuple[str, str]] = set()
    seen_origins: set[tuple[str, str]] = set()
    tools = {"archproof (report)": __version__, "python (report)": platform.python_version()}
    for run in runs:
        data = run.data
        code = data.get("exit_code")
        inputs.append(
            InputRun(
                path=str(run.path),
                kind=run.kind,
                system=run.system,
                environment=run.environment,
                started=str(data.get("started", "")),
                finished=str(data.get("finished", "")),
                commit=str(data.get("commit", "")),
                archproof_version=str(data.get("archproof_version", "")),
                spec=str(data.get("spec", "")),
                exit_code=code if isinstance(code, int) else None,
            )
        )
        for source in data.get("sources") or []:
            if not isinstance(source, dict):
                continue
            name = str(source.get("name", ""))
            scope = source.get("scope") if isinstance(source.get("scope"), dict) else {}
            if name in HASHED_SOURCES:
                for path in _files(source):
                    if (name, path) not in seen_files:
                        seen_files.add((name, path))
                        files.append(_hash(name, path))
            origin = str(source.get("origin", ""))
            if (name, origin) not in seen_origins:
                seen_origins.add((name, origin))
                errors = source.get("errors")
                count = len(errors) if isinstance(errors, list) else 0
                origins.append(Origin(name, origin, _detail(scope or {}), count))
        for journal in run.journals.values():
            if journal.get("chaoslib-version"):
                tools["chaostoolkit-lib"] = str(journal["chaoslib-version"])
        scanners.extend(scanners_of(data))
    for scanner in scanners:
        if scanner.version:
            tools[scanner.name] = scanner.version
    if chromium:
        tools["chromium (PDF)"] = chromium
    commits = sorted({i.commit for i in inputs if i.commit})
    versions = sorted({i.archproof_version for i in inputs if i.archproof_version})
    if versions:
        tools["archproof (runs)"] = ", ".join(versions)
    return RunMeta(inputs, commits, files, origins, tools, scanners)
