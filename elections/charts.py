"""Charts drawn by the server as SVG: nothing to download, nothing from a CDN,
sharp when printed, readable without JavaScript.

Every text that comes from data (a district's name) is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

GOOD, WARN, BAD, NEUTRAL, TARGET = "#1e7d32", "#c98a00", "#b3261e", "#5b6b85", "#1d2430"
SERIES_COLOURS = ("#a4161a", "#0b5cad", "#1e7d32", "#8a5a00")


def light(percent: Decimal | None, target: Decimal | None) -> str:
    """Traffic light of a percentage against its target: good, warn (within
    10 points), bad; neutral without a target."""
    if percent is None or target is None:
        return "neutral"
    if percent >= target:
        return "good"
    return "warn" if percent >= target - 10 else "bad"


_COLOURS = {"good": GOOD, "warn": WARN, "bad": BAD, "neutral": NEUTRAL}


@dataclass(frozen=True)
class Bar:
    label: str
    percent: Decimal | None
    numerator: int
    denominator: int
    target: Decimal | None = None


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 640) -> SafeString:
    """Horizontal bars (0-100 %), one per unit, coloured against the target,
    with the target as a tick and ``n/d`` written beside each bar."""
    row, label_w, value_w, top = 22, 170, 90, 28
    plot_w = width - label_w - value_w - 10
    height = top + row * len(bars) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
             f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>']
    for x in range(0, 101, 25):
        gx = label_w + plot_w * x / 100
        parts.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{height - 20}" stroke="#e3e6ea"/>'
                     f'<text x="{gx:.1f}" y="{height - 6}" text-anchor="middle" fill="#5b6575">{x}%</text>')
    for i, bar in enumerate(bars):
        y = top + i * row
        colour = _COLOURS[light(bar.percent, bar.target)]
        w = plot_w * float(bar.percent or 0) / 100
        label = bar.label if len(bar.label) <= 26 else bar.label[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end"><title>{escape(bar.label)}</title>'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{colour}"/>')
        if bar.target is not None:
            tx = label_w + plot_w * float(bar.target) / 100
            parts.append(f'<line x1="{tx:.1f}" y1="{y + 1}" x2="{tx:.1f}" y2="{y + row - 2}" stroke="{TARGET}" '
                         f'stroke-width="2"/>')
        shown = f"{bar.numerator}/{bar.denominator}" + (f" · {bar.percent}%" if bar.percent is not None else "")
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{y + 14}" fill="#1d2430">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every data text above is escaped


def line_chart(title: str, days: Sequence[dt.date], series: Sequence[tuple[str, Sequence[int]]], total: int, *,
               width: int = 640, height: int = 260) -> SafeString:
    """Cumulative counts over time (one line per series) against ``total``."""
    left, right, top, bottom = 46, 12, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
             f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>']
    top_value = max(total, 1)
    for k in range(5):
        value = round(top_value * k / 4)
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e6ea"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6575">{value}</text>')
    n = len(days)
    if n:
        step = max(1, n // 8)
        for i in range(0, n, step):
            x = left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#5b6575">'
                         f'{days[i]:%d/%m/%y}</text>')
    for s, (name, values) in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        points = " ".join(
            f"{left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2):.1f},"
            f"{top + plot_h - plot_h * v / top_value:.1f}" for i, v in enumerate(values))
        if points:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        last = values[-1] if values else 0
        parts.append(f'<rect x="{left + s * 230}" y="{height - 16}" width="12" height="4" fill="{colour}"/>'
                     f'<text x="{left + s * 230 + 16}" y="{height - 11}">{escape(name)}: {last}/{total}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every data text above is escaped
