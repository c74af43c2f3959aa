"""SARIF 2.1.0 for code scanning: each failing plan or manifest verdict (and each failing
checkov finding) as a result, ruleId = control id, located in the plan or manifest file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from archproof import __version__
from archproof.report.frameworks import Mapping_, refs_for
from archproof.report.inputs import RunInput
from archproof.report.records import Record, source_type

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
CODE_SOURCES = ("plan", "manifests", "checkov")
LEVEL = {"fail": "error", "error": "warning"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


class Locator:
    """Finds where a plan resource or a Kubernetes object is written (file, line)."""

    def __init__(self, runs: list[RunInput]) -> None:
        self.sources: dict[tuple[str, str], dict[str, Any]] = {}
        for run in runs:
            for source in run.data.get("sources") or []:
                if isinstance(source, dict):
                    self.sources[(str(run.path), str(source.get("name", "")))] = source
        self._lines: dict[str, list[str]] = {}

    def _read(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = Path(path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]

    def _plan(self, path: str, address: str) -> tuple[str, int]:
        needle = f'"address": "{address}"'
        for n, line in enumerate(self._read(path), 1):
            if needle in line:
                return path, n
        return path, 0

    def _manifest(self, files: list[str], resource: str) -> tuple[str, int]:
        parts = resource.split("/")
        if len(parts) < 2:
            return (files[0], 0) if len(files) == 1 else ("", 0)
        kind, name = parts[-2], parts[-1]
        for path in files:
            lines = self._read(path)
            for n, line in enumerate(lines):
                if line.strip() != f"kind: {kind}":
                    continue
                for later in lines[n + 1 :]:
                    if later.startswith("---"):
                        break
                    if later.strip() == f"name: {name}":
                        return path, n + 1
        return (files[0], 0) if len(files) == 1 else ("", 0)

    def locate(self, record: Record) -> tuple[str, int]:
        evidence = record.evidence
        file = evidence.get("file") or evidence.get("file_path")
        if isinstance(file, str) and file:
            lines = evidence.get("file_line_range") or evidence.get("line")
            line = lines[0] if isinstance(lines, list) and lines else lines
            return file, line if isinstance(line, int) else 0
        source = self.sources.get((record.run, record.source), {})
        origin = str(source.get("origin", ""))
        scope = source.get("scope") if isinstance(source.get("scope"), dict) else {}
        files = [str(f) for f in (scope or {}).get("files") or []]
        if source_type(record.source) == "plan" and origin:
            return self._plan(origin, record.resource)
        if source_type(record.source) == "manifests":
            listed = files or ([origin] if Path(origin).is_file() else [])
            return self._manifest(listed, record.resource)
        return origin if Path(origin).is_file() else "", 0


def artifact_uri(path: str, base: Path) -> str:
    file = Path(path)
    absolute = file if file.is_absolute() else (base / file)
    try:
        return absolute.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return absolute.resolve().as_uri()


def _fingerprint(record: Record) -> str:
    return hashlib.sha256(record.key.encode()).hexdigest()[:32]


def build_sarif(
    records: list[Record], runs: list[RunInput], mappings: list[Mapping_], base: Path
) -> dict[str, Any]:
    failing = [r for r in records if source_type(r.source) in CODE_SOURCES and r.verdict in LEVEL]
    locator = Locator(runs)
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for record in failing:
        if record.control not in rules:
            refs = refs_for(record.control, mappings)
            rule: dict[str, Any] = {
                "id": record.control,
                "name": record.control,
                "shortDescription": {"text": record.title or record.control},
                "defaultConfiguration": {"level": "error"},
                "properties": {
                    "tags": [f"{k} {v}" for k, vs in sorted(refs.items()) for v in vs],
                    "severity": record.severity,
                },
            }
            if record.severity in SECURITY_SEVERITY:
                rule["properties"]["security-severity"] = SECURITY_SEVERITY[record.severity]
            rules[record.control] = rule
        file, line = locator.locate(record)
        location: dict[str, Any] = {
            "logicalLocations": [{"fullyQualifiedName": record.resource, "kind": "resource"}]
        }
        if file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file, base)}}
            if line:
                physical["region"] = {"startLine": line}
            location["physicalLocation"] = physical
        results.append(
            {
                "ruleId": record.control,
                "ruleIndex": list(rules).index(record.control),
                "level": LEVEL[record.verdict],
                "message": {"text": record.message},
                "locations": [location],
                "partialFingerprints": {"archproofKey/v1": _fingerprint(record)},
                "properties": {
                    "verdict": record.verdict,
                    "system": record.system,
                    "environment": record.environment,
                    "requirement": record.requirement,
                    "source": record.source,
                    "seen": record.seen,
                    "required": record.required,
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archproof",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
