"""Scanner fixtures: the real checkov and prowler from their venvs (a missing one FAILS the test
with the install step: CI installs them through scripts/bootstrap.sh), and fake executables
for the ways a scanner can go wrong."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from scanner_support import FakeScanner, installed

from archproof.scanners.tools import ScannerTool


@pytest.fixture(scope="session")
def checkov_tool() -> ScannerTool:
    return installed("checkov")


@pytest.fixture(scope="session")
def prowler_tool() -> ScannerTool:
    return installed("prowler")


@pytest.fixture
def fake_scanner(tmp_path: Path) -> FakeScanner:
    """An executable shell script with the given body (for failure modes only)."""

    def make(body: str) -> Path:
        path = tmp_path / f"fake-scanner-{len(list(tmp_path.glob('fake-scanner-*')))}"
        path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path

    return make
