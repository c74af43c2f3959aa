"""Fixtures of the report tests: real headless Chromium (missing fails, with the install hint)
and two real nights of archproof on Bragabot reported twice (report_nights.py)."""

from __future__ import annotations

import shutil

import pytest
from report_nights import Nights, run_two_nights

from archproof.report.pdf import INSTALL_HINT, chromium_binary


@pytest.fixture(scope="session")
def chromium() -> str:
    """Real headless Chromium: missing is a failure (CI installs it), never a skip."""
    binary = chromium_binary()
    if binary is None or shutil.which("pdftoppm") is None:
        pytest.fail(f"chromium and pdftoppm are needed for the report tests: {INSTALL_HINT}")
    return binary


@pytest.fixture(scope="session")
def nights(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Nights:
    return run_two_nights(tmp_path_factory.mktemp("report"))
