"""The load run as one SVG: request rate, p95 latency, errors and capacity on one time axis.

Plain SVG (no plotting library, no network): opens in any browser and embeds in reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from archproof.load.judge import threshold_crossed
from archproof.load.timeline import Timeline

WIDTH, PANEL, GAP, LEFT, RIGHT, TOP = 900, 150, 36, 70, 20, 40
Series = Sequence[tuple[float, float]]


def _panel_svg(
    index: int,
    title: str,
    lines: Sequence[tuple[str, str, Series, bool]],
    span: float,
    marks: Sequence[tuple[float, str, str]],
    limit: tuple[float, str] | None = None,
) -> str:
    """One panel: ``lines`` are (label, colour, points, stepped); y from 0 to the maximum."""
    y0 = TOP + index * (PANEL + GAP)
    values = [v for _, _, pts, _ in lines for _, v in pts]
    if limit is not None:
        values.append(limit[0])
    top = max(values, default=1.0) * 1.1 or 1.0
    plot_w = WIDTH - LEFT - RIGHT

    def x(t: float) -> float:
        return LEFT + plot_w * (t / span if span else 0)

    def y(v: float) -> float:
        return y0 + PANEL - PANEL * (v / top)

    parts = [
        f'<rect x="{LEFT}" y="{y0}" width="{plot_w}" height="{PANEL}" fill="#fafafa"'
        ' stroke="#ccc"/>',
        f'<text x="{LEFT}" y="{y0 - 6}" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<text x="{LEFT - 6}" y="{y0 + 10}" font-size="10" text-anchor="end">{top:.3g}</text>',
        f'<text x="{LEFT - 6}" y="{y0 + PANEL}" font-size="10" text-anchor="end">0</text>',
    ]
    for t, colour, label in marks:
        parts.append(
            f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{y0}" y2="{y0 + PANEL}"'
            f' stroke="{colour}" stroke-dasharray="4 3"><title>{escape(label)}</title></line>'
        )
    if limit is not None:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(limit[0]):.1f}" y2="{y(limit[0]):.1f}"'
            f' stroke="#c00" stroke-dasharray="6 3"/><text x="{WIDTH - RIGHT - 4}"'
            f' y="{y(limit[0]) - 3:.1f}" font-size="10" text-anchor="end" fill="#c00">'
            f"{escape(limit[1])}</text>"
        )
    for n, (label, colour, points, stepped) in enumerate(lines):
        if points:
            coords: list[str] = []
            previous: float | None = None
            for t, v in points:
                if stepped and previous is not None:
                    coords.append(f"{x(t):.1f},{y(previous):.1f}")
                coords.append(f"{x(t):.1f},{y(v):.1f}")
                previous = v
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="1.8"'
                f' points="{" ".join(coords)}"/>'
            )
        parts.append(
            f'<text x="{LEFT + 330 + n * 130}" y="{y0 - 6}" font-size="11" fill="{colour}">'
            f"■ {escape(label)}</text>"
        )
    return "\n".join(parts)


def render_svg(timeline: Timeline) -> str:
    t0 = timeline.started
    span = max(timeline.finished - t0, 1.0)

    def rel(points: Sequence[tuple[float, float | None]]) -> list[tuple[float, float]]:
        return [(t - t0, v) for t, v in points if v is not None]

    profile = timeline.profile
    slo = profile.get("slo", {})
    scaling = profile.get("scaling", {})
    marks: list[tuple[float, str, str]] = []
    threshold = scaling.get("threshold_rps")
    if isinstance(threshold, int | float):
        crossed = threshold_crossed(timeline, float(threshold))
        if crossed is not None:
            marks.append((crossed - t0, "#e67e00", f"load crossed {threshold} req/s"))
    for event in timeline.events:
        t = event.get("t")
        if isinstance(t, int | float):
            colour = "#2a7" if event.get("action") == "scale_out" else "#888"
            marks.append((t - t0, colour, str(event.get("action", "event"))))
    if timeline.load_ended is not None:
        marks.append((timeline.load_ended - t0, "#555", "load ended"))
    load = timeline.load
    capacity = timeline.capacity
    p95_limit = slo.get("p95_ms")
    floor = scaling.get("capacity_floor")
    panels = [
        _panel_svg(
            0,
            "Requests per second",
            [
                ("req/s", "#1f77b4", rel([(p.t, p.rps) for p in load]), False),
                ("failures/s", "#d62728", rel([(p.t, p.failures_per_s) for p in load]), False),
                ("users", "#9467bd", rel([(p.t, float(p.users)) for p in load]), True),
            ],
            span,
            marks,
        ),
        _panel_svg(
            1,
            "Latency p95 (ms, recent window)",
            [("p95", "#ff7f0e", rel([(p.t, p.p95_ms) for p in load]), False)],
            span,
            marks,
            (float(p95_limit), f"SLO p95 {p95_limit} ms") if p95_limit else None,
        ),
        _panel_svg(
            2,
            "Error ratio (%)",
            [
                (
                    "errors %",
                    "#d62728",
                    rel([(p.t, 100 * p.failures_per_s / p.rps if p.rps else 0.0) for p in load]),
                    False,
                )
            ],
            span,
            marks,
            (100 * float(slo["max_error_ratio"]), "SLO")
            if isinstance(slo.get("max_error_ratio"), int | float)
            else None,
        ),
        _panel_svg(
            3,
            f"Capacity ({timeline.observer})",
            [
                ("healthy", "#2ca02c", rel([(s.t, s.healthy) for s in capacity]), True),
                ("desired", "#17becf", rel([(s.t, s.desired) for s in capacity]), True),
            ],
            span,
            marks,
            (float(floor), f"floor {floor}") if isinstance(floor, int | float) else None,
        ),
    ]
    height = TOP + 4 * (PANEL + GAP) + 10
    axis_y = TOP + 4 * (PANEL + GAP) - GAP + 16
    ticks = []
    step = max(5, int(span / 10 / 5 + 1) * 5)
    for s in range(0, int(span) + 1, step):
        tx = LEFT + (WIDTH - LEFT - RIGHT) * s / span
        ticks.append(
            f'<text x="{tx:.1f}" y="{axis_y}" font-size="10" text-anchor="middle">{s}s</text>'
        )
    title = escape(f"archproof load — {timeline.target}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n'
        f'<text x="{LEFT}" y="18" font-size="15" font-weight="bold">{title}</text>\n'
        + "\n".join(panels)
        + "\n"
        + "\n".join(ticks)
        + "\n</svg>\n"
    )


def write_chart(timeline: Timeline, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_svg(timeline), encoding="utf-8")
    return path
