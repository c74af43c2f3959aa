"""Scanner results cached per input hash: same files, same scanner version, same arguments →
same findings, without running the scanner again.

The folder is ``$ARCHPROOF_SCANNER_CACHE`` or ``.archproof-cache/scanners`` under the current
directory. Only answers are cached, never failures. A live account has no files to hash:
its scans are cached only when a maximum age is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from archproof.scanners.findings import Finding

CACHE_ENV = "ARCHPROOF_SCANNER_CACHE"
DEFAULT_CACHE = Path(".archproof-cache") / "scanners"
SKIPPED_DIRS = {".terraform", ".git", "__pycache__"}
FORMAT = 1


def cache_dir(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return explicit
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE)


def input_files(paths: Iterable[Path]) -> list[Path]:
    """Every regular file a scan reads, in a stable order (folders walked; VCS and Terraform
    working folders left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
                files.extend(Path(folder) / n for n in sorted(names))
        else:
            files.append(path)
    return files


def input_key(identity: str, args: Sequence[str], paths: Iterable[Path]) -> str:
    """Hash of the scanner (name and version), its arguments and the content of its inputs."""
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT, identity, list(args)]).encode())
    roots = list(paths)
    for root in roots:
        for file in input_files([root]):
            relative = file.relative_to(root) if root.is_dir() else Path(file.name)
            digest.update(f"\0{relative}\0".encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


class ScanCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, tool: str, key: str) -> Path:
        return self.folder / f"{tool}-{key[:40]}.json"

    def get(
        self, tool: str, key: str, max_age_s: float | None = None
    ) -> tuple[str, list[Finding]] | None:
        """(version, findings) cached for this key; None when absent, stale or unreadable."""
        path = self._path(tool, key)
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") != key or data.get("format") != FORMAT:
                return None
            if max_age_s is not None and time.time() - float(data["created"]) > max_age_s:
                return None
            return str(data["version"]), [Finding.from_json(f) for f in data["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, tool: str, key: str, version: str, findings: Sequence[Finding]) -> None:
        """Store atomically; a cache that cannot be written only costs a rerun next time."""
        path = self._path(tool, key)
        data = {
            "format": FORMAT,
            "key": key,
            "tool": tool,
            "version": version,
            "created": time.time(),
            "findings": [f.as_json() for f in findings],
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(data), encoding="utf-8")
            os.replace(partial, path)
        except OSError:
            return
