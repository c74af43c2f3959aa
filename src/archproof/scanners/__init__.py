"""Scanners folded in: checkov (plan JSON, HCL, Kubernetes manifests) and prowler (the live AWS
account and Kubernetes cluster), each in its own venv, run as subprocesses under a time limit,
cached per input hash; their findings on the checks the spec maps become verdicts beside
archproof's own controls."""

from __future__ import annotations

from archproof.scanners.findings import (
    Finding,
    FindingStatus,
    ScanInput,
    ScannerFailure,
    ScanReport,
)
from archproof.scanners.scan import ScanOutcome, ScanRequest, scan_for_run
from archproof.scanners.tools import INSTALL_HINT, find_tool

__all__ = [
    "INSTALL_HINT",
    "Finding",
    "FindingStatus",
    "ScanInput",
    "ScanOutcome",
    "ScanReport",
    "ScanRequest",
    "ScannerFailure",
    "find_tool",
    "scan_for_run",
]
