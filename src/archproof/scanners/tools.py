"""Where each scanner lives and which version it is, without asking it over the network.

Each scanner has its own venv (``.tools/<name>``, built by ``scripts/scanners-install.sh``);
``ARCHPROOF_CHECKOV`` / ``ARCHPROOF_PROWLER`` name another executable. The version comes from
the venv's package metadata: ``prowler --version`` would call GitHub.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from archproof.scanners.findings import ScannerFailure

ROOT = Path(__file__).resolve().parents[3]
INSTALL_HINT = "run scripts/scanners-install.sh (scripts/bootstrap.sh runs it)"
TOOLS = ("checkov", "prowler")


@dataclass(frozen=True)
class ScannerTool:
    name: str
    executable: Path
    version: str

    @property
    def identity(self) -> str:
        """Name and version for a cache key; an unversioned executable by its content."""
        if self.version != "unknown":
            return f"{self.name}=={self.version}"
        digest = hashlib.sha256(self.executable.read_bytes()).hexdigest()[:16]
        return f"{self.name}@{self.executable}#{digest}"


def env_var(name: str) -> str:
    return f"ARCHPROOF_{name.upper()}"


def default_executable(name: str) -> Path:
    return ROOT / ".tools" / name / "bin" / name


def find_tool(name: str, executable: str | os.PathLike[str] | None = None) -> ScannerTool:
    """The scanner to run: the given path, else $ARCHPROOF_<NAME>, else the project's venv,
    else PATH. Raises :class:`ScannerFailure` naming the install step when there is none."""
    chosen = executable or os.environ.get(env_var(name))
    if chosen:
        path = Path(chosen)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ScannerFailure(name, f"not installed: {path} is not an executable file")
        return ScannerTool(name, path, package_version(name, path))
    path = default_executable(name)
    if not path.is_file():
        on_path = shutil.which(name)
        if on_path is None:
            raise ScannerFailure(
                name, f"not installed: no {_shown(path)} and none on PATH; {INSTALL_HINT}"
            )
        path = Path(on_path)
    return ScannerTool(name, path, package_version(name, path))


def package_version(name: str, executable: Path) -> str:
    """The version in the metadata of the venv that holds ``executable`` ("unknown" if none)."""
    venv = executable.parent.parent
    for dist in sorted(venv.glob(f"lib/python*/site-packages/{name}-*.dist-info")):
        return dist.name.removeprefix(f"{name}-").removesuffix(".dist-info")
    return "unknown"


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
