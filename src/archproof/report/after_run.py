"""The audit report ``check``, ``load`` and ``chaos`` write beside their results.

HTML, SARIF and OCSF only (``archproof report`` also prints the PDF, which needs Chromium
and a few seconds); the run's exit code stays the run's own: a report that cannot be
written is said in one line, never hidden, and never turns a verdict into another.
"""

from __future__ import annotations

import sys
from pathlib import Path

from archproof.errors import ArchproofError


def report_after_run(reports: Path, quiet: bool = False) -> None:
    """Write ``reports``/audit.html (+ SARIF, OCSF, history) from ``reports``/results.json."""
    if not (reports / "results.json").is_file():
        return
    from archproof.report import write_report

    try:
        outcome = write_report([reports], reports, None, pdf=False)
    except ArchproofError as exc:
        print(f"archproof: audit report not written: {exc}", file=sys.stderr)
        return
    except Exception as exc:  # a report bug must not hide the run's own verdicts
        print(
            f"archproof: audit report not written ({type(exc).__name__}: {exc});"
            " the run's results.json and exit code stand",
            file=sys.stderr,
        )
        return
    if not quiet:
        print(f"audit report: {outcome.html} (PDF: archproof report --from {reports})")
