"""Paths and helpers the scanner tests share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archproof.scanners import INSTALL_HINT, ScannerFailure, find_tool
from archproof.scanners.tools import ScannerTool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
POLICIES = ROOT / "policies"

FakeScanner = Callable[[str], Path]


def installed(name: str) -> ScannerTool:
    """The real scanner; a missing one FAILS the test with the install step (never a skip)."""
    try:
        return find_tool(name)
    except ScannerFailure as failure:
        pytest.fail(f"{failure} — the scanner tests need it: {INSTALL_HINT}")
