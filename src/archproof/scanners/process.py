"""Running a scanner as a subprocess under a time limit; every way it can go wrong is named."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archproof.scanners.findings import ScannerFailure


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def tail(text: str, lines: int = 3, width: int = 300) -> str:
    """The last lines of a scanner's output, for a failure reason."""
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept)[-width:]


def run_scanner(
    tool: str,
    argv: Sequence[str],
    *,
    timeout_s: float,
    ok_codes: Sequence[int],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Completed:
    """Run ``argv``; a time-out kills its whole process group. Exit codes outside ``ok_codes``
    (the scanner's "clean" and "findings" codes) raise :class:`ScannerFailure`."""
    child_env = dict(os.environ if env is None else env)
    # The venv keeps the bytecode its imports compile (prowler: ~20 s per run otherwise).
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        process = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=child_env,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        raise ScannerFailure(tool, f"cannot start {argv[0]}: {exc.strerror or exc}") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ScannerFailure(tool, f"timed out after {timeout_s:g} s") from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode not in ok_codes:
        detail = tail(stderr) or tail(stdout) or "no output"
        raise ScannerFailure(tool, f"crashed: exit code {process.returncode}: {detail}")
    return Completed(process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()
