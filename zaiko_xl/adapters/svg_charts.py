"""Small inline SVG charts (line and horizontal bar) for the HTML report. No dependencies.

Every chart has a ``<title>`` and plain-text labels, so it stays readable when copied; NaN
values break a line instead of drawing it to zero.
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd")
W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 56, 16, 28, 44


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.1f}%" if percent else (f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}")


def line_chart(title: str, labels: list[str], series: dict[str, list[float]], *, percent: bool = False,
               marker_at: int | None = None, marker_label: str = "") -> str:
    """Lines over ``labels`` (x); ``marker_at``: index of a dashed vertical line (e.g. go-live)."""
    values = [v for vs in series.values() for v in vs if not math.isnan(v)]
    top = max(values) * 1.1 if values and max(values) > 0 else 1.0
    n = max(len(labels), 2)

    def x(i: int) -> float:
        return LEFT + (W - LEFT - RIGHT) * i / (n - 1)

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - v / top)

    parts = [_frame(title)]
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{LEFT - 4}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="10">{_fmt(v, percent)}</text>')
    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        parts.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 14}" text-anchor="middle" font-size="10">'
                     f'{escape(labels[i])}</text>')
    if marker_at is not None and 0 <= marker_at < len(labels):
        parts.append(f'<line x1="{x(marker_at):.1f}" x2="{x(marker_at):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
                     f'stroke="#555" stroke-dasharray="4 3"/><text x="{x(marker_at) + 3:.1f}" y="{TOP + 10}" '
                     f'font-size="10">{escape(marker_label)}</text>')
    for s, (name, vs) in enumerate(series.items()):
        color = PALETTE[s % len(PALETTE)]
        for run in _runs(vs):
            points = " ".join(f"{x(i):.1f},{y(vs[i]):.1f}" for i in run)
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        parts.append(f'<rect x="{LEFT + s * 200}" y="{H - 18}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{LEFT + s * 200 + 14}" y="{H - 9}" font-size="11">{escape(name)}</text>')
    return "".join(parts) + "</svg>"


def bar_chart(title: str, labels: list[str], values: list[float]) -> str:
    """Horizontal bars, largest first as given."""
    height = TOP + 22 * max(len(labels), 1) + 12
    top = max(values) if values and max(values) > 0 else 1.0
    parts = [_frame(title, height)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y0, width = TOP + 22 * i, (W - 320) * value / top
        parts.append(f'<text x="246" y="{y0 + 13}" text-anchor="end" font-size="11">{escape(label)}</text>'
                     f'<rect x="250" y="{y0}" width="{width:.1f}" height="16" fill="{PALETTE[0]}"/>'
                     f'<text x="{254 + width:.1f}" y="{y0 + 13}" font-size="11">{value:,.0f}</text>')
    return "".join(parts) + "</svg>"


def _frame(title: str, height: int = H) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}" '
            f'role="img" font-family="sans-serif"><title>{escape(title)}</title>'
            f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>')


def _runs(values: list[float]) -> list[list[int]]:
    """Index runs without NaN (a single point is drawn as a tiny line)."""
    runs, current = [], []
    for i, v in enumerate(values):
        if math.isnan(v):
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return [r if len(r) > 1 else r * 2 for r in runs]
