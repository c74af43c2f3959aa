"""The audit report as one self-contained HTML page: inline CSS and SVG, no script, no font
or anything else fetched (a Content-Security-Policy forbids it)."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import jinja2

from archproof import __version__
from archproof.coverage import OPEN_STATUSES
from archproof.report.model import AuditReport
from archproof.report.records import ORDER, Record

OVERALL_TEXT = {
    "fail": "NOT COMPLIANT — at least one fail",
    "error": "EVIDENCE MISSING — some evidence could not be gathered",
    "inconclusive": "EVIDENCE MISSING — some deciding values are unknown",
    "waived": "COMPLIANT (with current waivers)",
    "pass": "COMPLIANT",
    "": "NOTHING JUDGED — no verdict in the inputs",
}


def _anchor(text: object) -> str:
    return "".join(c if c.isalnum() else "-" for c in str(text))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("archproof.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["anchor"] = _anchor
    return env


def overall(report: AuditReport) -> str:
    present = {r.verdict for r in report.records}
    return next((v for v in ORDER if v in present), "")


def overall_text(report: AuditReport, verdict: str) -> str:
    """The banner's words: compliance only over requirements proven in full; what the rest
    are is said, never folded into a bare ``COMPLIANT``."""
    text = OVERALL_TEXT[verdict]
    rows = [row for m in report.matrices for row in m.rows]
    statuses = Counter(row.status for row in rows)
    partial = [f"{statuses[s]} {s.replace('_', ' ')}" for s in OPEN_STATUSES if statuses.get(s)]
    if not partial:
        return text
    proven = statuses.get("pass", 0) + statuses.get("waived", 0)
    if verdict in ("pass", "waived"):
        text = f"PARTLY PROVEN — {proven} of {len(rows)} requirements proven in full"
    return f"{text}; " + ", ".join(partial)


def render_html(report: AuditReport) -> str:
    css = resources.files("archproof.report").joinpath("templates/style.css").read_text("utf-8")
    evidence: dict[tuple[str, str], list[Record]] = {}
    for record in report.records:
        evidence.setdefault((record.system, record.environment), []).append(record)
    verdict = overall(report)
    return (
        environment()
        .get_template("audit.html.j2")
        .render(
            r=report,
            css=css,
            order=ORDER,
            overall=verdict or "error",
            overall_text=overall_text(report, verdict),
            evidence=evidence,
            version=__version__,
        )
    )
