"""The PDF of the audit report: the same HTML printed by headless Chromium, offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
INSTALL_HINT = "install it with scripts/report-install.sh (Debian: apt-get install chromium)"
TIMEOUT_S = 120.0
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)
"""No name resolves and every request goes to a closed port: the page renders offline."""


@dataclass(frozen=True)
class PdfOutcome:
    path: Path | None
    reason: str
    """Why no PDF was written ("" when it was)."""
    seconds: float = 0.0


def chromium_binary() -> str | None:
    """``ARCHPROOF_CHROMIUM`` when set, else the first Chromium or Chrome on PATH."""
    chosen = os.environ.get("ARCHPROOF_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() or shutil.which(chosen) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_version(binary: str) -> str:
    try:
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def run_chromium(binary: str, args: list[str], timeout: float = TIMEOUT_S) -> tuple[int, str]:
    """Chromium headless with a throw-away profile; (exit code, stderr tail)."""
    with tempfile.TemporaryDirectory(prefix="archproof-chromium-") as profile:
        command = [binary, *OFFLINE_FLAGS, f"--user-data-dir={profile}", *args]
        try:
            out = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return -1, f"chromium did not finish within {timeout:g} s"
        except OSError as exc:
            return -1, f"chromium could not start: {exc}"
    tail = [line for line in out.stderr.splitlines() if "ERROR" in line or "FATAL" in line]
    return out.returncode, "; ".join(tail[-3:])


def print_pdf(html: Path, pdf: Path, timeout: float = TIMEOUT_S) -> PdfOutcome:
    """Print ``html`` to ``pdf``; never silent: a missing Chromium or a failed print is the
    reason in the outcome."""
    binary = chromium_binary()
    if binary is None:
        return PdfOutcome(None, f"no Chromium found ({', '.join(CHROMIUM_NAMES)}): {INSTALL_HINT}")
    started = time.monotonic()
    pdf.unlink(missing_ok=True)
    code, detail = run_chromium(
        binary,
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
        timeout,
    )
    seconds = round(time.monotonic() - started, 2)
    if code != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        why = detail or f"exit code {code}"
        return PdfOutcome(None, f"{binary} did not print the PDF: {why}", seconds)
    return PdfOutcome(pdf, "", seconds)
