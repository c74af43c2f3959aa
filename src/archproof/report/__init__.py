"""The audit report: every documented claim traced to its evidence (plan, live, load, chaos,
scanners), as self-contained HTML and PDF, with SARIF and OCSF for machines."""

from archproof.report.write import ReportOutcome, write_report

__all__ = ["ReportOutcome", "write_report"]
