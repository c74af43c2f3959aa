"""Recovery measures of the game days (RTO and RPO against their bounds, from the chaos
journals) and a small inline SVG of each experiment's RTO against its bound."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from archproof.report.inputs import RunInput
from archproof.report.records import Record, worst


@dataclass(frozen=True)
class RecoveryMeasure:
    system: str
    experiment: str
    title: str
    proof: str
    status: str
    rto_s: float | None
    rto_bound_s: float | None
    rpo_lost: int | None
    """Acknowledged writes (or restored rows) lost; None when not measured."""
    rpo_bound: int | None
    verdict: str
    """Worst verdict of the proof's records (recovery-time, data-loss …) in the results."""


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _rpo_lost(measures: dict[str, Any]) -> int | None:
    rpo = measures.get("rpo")
    if isinstance(rpo, dict) and rpo:
        missing = [s.get("missing") for s in rpo.values() if isinstance(s, dict)]
        if missing and all(isinstance(m, int) for m in missing):
            return sum(int(m) for m in missing if isinstance(m, int))
    restore = measures.get("restore")
    if isinstance(restore, dict) and isinstance(restore.get("tables"), dict):
        lost = 0
        for table in restore["tables"].values():
            if isinstance(table, dict):
                lost += max(0, int(table.get("primary", 0)) - int(table.get("restored", 0)))
        return lost
    return None


def _rto(measures: dict[str, Any]) -> float | None:
    rto = measures.get("rto")
    if isinstance(rto, dict) and _number(rto.get("rto_s")) is not None:
        return _number(rto.get("rto_s"))
    restore = measures.get("restore")
    if isinstance(restore, dict):
        return _number(restore.get("total_s"))
    return None


def recovery_measures(run: RunInput, records: list[Record]) -> list[RecoveryMeasure]:
    found = []
    for name, journal in run.journals.items():
        own = journal.get("archproof") if isinstance(journal.get("archproof"), dict) else {}
        own = own or {}
        bounds = own.get("bounds") if isinstance(own.get("bounds"), dict) else {}
        measures = own.get("measures") if isinstance(own.get("measures"), dict) else {}
        proof = str(own.get("proof", ""))
        mine = [r for r in records if proof and r.control.startswith(proof + "/")]
        experiment = journal.get("experiment")
        title = str(experiment.get("title", "")) if isinstance(experiment, dict) else ""
        bound_rpo = (bounds or {}).get("rpo_writes")
        found.append(
            RecoveryMeasure(
                system=run.system,
                experiment=name,
                title=title,
                proof=proof,
                status=str(journal.get("status", "")),
                rto_s=_rto(measures or {}),
                rto_bound_s=_number((bounds or {}).get("rto_s")),
                rpo_lost=_rpo_lost(measures or {}),
                rpo_bound=bound_rpo if isinstance(bound_rpo, int) else None,
                verdict=worst(r.verdict for r in mine) or "unjudged",
            )
        )
    return found


def recovery_chart(measures: list[RecoveryMeasure]) -> str:
    """One bar per experiment: the RTO measured, scaled to its own bound (dashed line at 80 %
    of the track); green within the bound, red over it."""
    if not measures:
        return ""
    left, track, label, row, bar = 220, 320, 170, 30, 16
    width, height = left + track + label, 30 + row * len(measures)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11"'
        ' role="img" aria-label="Recovery time against its bound per experiment">',
        '<text x="0" y="14" font-weight="bold" font-size="12">RTO measured vs bound</text>',
    ]
    bound_x = left + track * 0.8
    for n, m in enumerate(measures):
        y = 24 + n * row
        parts.append(f'<text x="0" y="{y + 12}">{escape(m.experiment[:34])}</text>')
        if m.rto_s is None:
            parts.append(f'<text x="{left}" y="{y + 12}" fill="#a40">RTO not measured</text>')
            continue
        parts.append(
            f'<rect x="{left}" y="{y}" width="{bound_x - left:.1f}" height="{bar}" fill="#eef2f7"/>'
        )
        scale = track * 0.8 / m.rto_bound_s if m.rto_bound_s else track / max(m.rto_s, 1.0)
        length = min(float(track), m.rto_s * scale)
        within = m.rto_bound_s is None or m.rto_s <= m.rto_bound_s
        colour = "#2e7d32" if within else "#c62828"
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(length, 2.0):.1f}" height="{bar}"'
            f' fill="{colour}"><title>RTO {m.rto_s:g} s</title></rect>'
        )
        bound = ""
        if m.rto_bound_s is not None:
            bound = f" / bound {m.rto_bound_s:g} s"
            parts.append(
                f'<line x1="{bound_x:.1f}" x2="{bound_x:.1f}" y1="{y - 3}" y2="{y + bar + 3}"'
                ' stroke="#333" stroke-dasharray="3 2"/>'
            )
        parts.append(f'<text x="{left + track + 8}" y="{y + 12}">{m.rto_s:g} s{bound}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
