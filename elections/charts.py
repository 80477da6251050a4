"""Charts drawn by the server as SVG: nothing to download, nothing from a CDN,
sharp when printed, readable without JavaScript.

Every chart has a ``viewBox`` and no fixed size: the stylesheet gives it the
width of its box, so it shrinks on a phone. Labels are laid out from an
estimate of their width and never run past the ``viewBox``: a long name is
cut with an ellipsis and the whole name is in the bar's ``<title>``. Numbers
are written as the tables write them (``149/330 · 45,15 %`` in Vietnamese).
Every text that comes from data (a unit's name) is escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamlets.templatetags.figures import percent as format_percent
from hamlets.templatetags.figures import signed

from .figures import Ratio

GOOD, WARN, BAD, NEUTRAL, TARGET = "#1e7d32", "#c98a00", "#b3261e", "#5b6b85", "#1d2430"
SERIES_COLOURS = ("#a4161a", "#0b5cad", "#1e7d32", "#8a5a00")
GRID, AXIS_TEXT = "#e3e6ea", "#5b6575"
WIDTH = 420  # viewBox width: about the width a chart gets on a laptop, so text stays near its size
CHAR = 0.62  # a character's width over the font size (generous for DejaVu Sans, the widest usual face)


def light(percent: Decimal | None, target: Decimal | None) -> str:
    """Traffic light of a percentage against its target: good, warn (within
    10 points), bad; neutral without a target."""
    if percent is None or target is None:
        return "neutral"
    if percent >= target:
        return "good"
    return "warn" if percent >= target - 10 else "bad"


_COLOURS = {"good": GOOD, "warn": WARN, "bad": BAD, "neutral": NEUTRAL}


def gap_text(gap: Decimal | None) -> str:
    """``chênh lệch −11,97 điểm %`` (English: ``gap −11.97 points``); empty without a gap."""
    return "" if gap is None else _("chênh lệch %(gap)s điểm %%") % {"gap": signed(gap)}


def target_text(target: Decimal | None, gap: Decimal | None) -> str:
    """``Mục tiêu 100,00 % · chênh lệch −54,85 điểm %``; empty without a target."""
    if target is None:
        return ""
    return _target_text(get_language(), target, gap)


@functools.lru_cache(maxsize=4096)  # a province's tables repeat a few targets and gaps a thousand times
def _target_text(language: str | None, target: Decimal, gap: Decimal | None) -> str:
    """``target_text`` in ``language``, the active one (the key of the cache)."""
    shown = _("Mục tiêu %(target)s") % {"target": format_percent(target)}
    return f"{shown} · {gap_text(gap)}" if gap is not None else shown


def ratio_text(numerator: int, denominator: int, percent: Decimal | None) -> str:
    """``149/330 · 45,15 %``: counts first, as in the tables."""
    return f"{numerator}/{denominator}" + (f" · {format_percent(percent)}" if percent is not None else "")


def meter(percent: Decimal | None, target: Decimal | None) -> SafeString:
    """A thin bar under a table cell's figure: filled to the percentage, with the target as a
    tick (sized in percent of the bar, styled by the stylesheet). Decorative (``aria-hidden``):
    the cell says both in words."""
    if percent is None:
        return SafeString("")
    tick = "" if target is None else f'<rect class="tick" x="{_number(target)}%"/>'
    # SafeString itself, not mark_safe: its lazy-string wrapper, ~1,300 times a province dashboard
    return SafeString(f'<svg class="meter" aria-hidden="true"><rect width="{_number(percent)}%"/>{tick}</svg>')


def escape(text: str) -> str:
    """Django's ``escape`` (the same ``html.escape``) without its lazy-string wrapper: a chart escapes each
    unit's name three times."""
    return html.escape(str(text))


def _whole_percent(value: int) -> str:
    """An axis label: ``25 %`` in Vietnamese, ``25%`` in English, as ``percent`` writes them."""
    return f"{value}\u00a0%" if (get_language() or "vi").startswith("vi") else f"{value}%"


def _number(value: Decimal | float) -> str:
    """A number for an SVG attribute: a dot, never the locale's comma; kept within 0-100."""
    return f"{min(max(float(value), 0.0), 100.0):.2f}".rstrip("0").rstrip(".")


def _fits(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it takes at most ``width`` at font ``size``."""
    chars = max(int(width / (size * CHAR)), 2)
    return text if len(text) <= chars else text[:chars - 1].rstrip() + "…"


def _lines(text: str, width: float, size: float) -> list[str]:
    """``text`` wrapped at spaces into lines of at most ``width`` (a word longer than a line is cut)."""
    chars = max(int(width / (size * CHAR)), 2)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(_fits(word, width, size))
    return lines or [""]


def _title(title: str, size: float = 13.5) -> tuple[list[str], float]:
    """The chart's title lines (wrapped to the chart's width) and where the plot may start."""
    parts, y = [], 0.0
    for line in _lines(title, WIDTH, size):
        y += size + 3
        parts.append(f'<text x="0" y="{y:.0f}" font-weight="bold" font-size="{size}">{escape(line)}</text>')
    return parts, y + 10


def _open(title: str, height: float) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
            f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">')


@dataclass(frozen=True)
class Bar:
    label: str
    percent: Decimal | None
    numerator: int
    denominator: int
    target: Decimal | None = None


def bar_chart(title: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars (0-100 %), one per unit: the unit's name and ``n/d · %`` on a line,
    the bar under them, coloured against the target, the target a tick across it."""
    pitch, size = 30, 12
    heading, top = _title(title)
    axis_y = top + pitch * len(bars) + 4
    height = axis_y + 16
    parts = [*heading]
    for x in range(0, 101, 25):
        gx = WIDTH * x / 100
        anchor = "start" if x == 0 else "end" if x == 100 else "middle"
        parts.append(f'<line x1="{gx:.1f}" y1="{top:.0f}" x2="{gx:.1f}" y2="{axis_y - 6:.0f}" stroke="{GRID}"/>'
                     f'<text x="{gx:.1f}" y="{axis_y + 8:.0f}" text-anchor="{anchor}" fill="{AXIS_TEXT}">'
                     f'{_whole_percent(x)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * pitch
        shown = ratio_text(bar.numerator, bar.denominator, bar.percent)
        label = _fits(bar.label, WIDTH - len(shown) * size * CHAR - 10, size)
        gap = None if bar.target is None or bar.percent is None else bar.percent - bar.target
        full = " · ".join(t for t in (f"{bar.label}: {shown}", target_text(bar.target, gap)) if t)
        parts.append(f'<g><title>{escape(full)}</title>'
                     f'<text x="0" y="{y + 12:.0f}">{escape(label)}</text>'
                     f'<text x="{WIDTH}" y="{y + 12:.0f}" text-anchor="end" fill="{TARGET}">{escape(shown)}</text>'
                     f'<rect x="0" y="{y + 16:.0f}" width="{WIDTH * float(bar.percent or 0) / 100:.1f}" height="8" '
                     f'fill="{_COLOURS[light(bar.percent, bar.target)]}"/>')
        if bar.target is not None:
            tx = min(max(WIDTH * float(bar.target) / 100, 1), WIDTH - 1)
            parts.append(f'<line x1="{tx:.1f}" y1="{y + 14:.0f}" x2="{tx:.1f}" y2="{y + 26:.0f}" stroke="{TARGET}" '
                         f'stroke-width="2"/>')
        parts.append("</g>")
    return mark_safe(_open(title, height) + "".join(parts) + "</svg>")  # noqa: S308 - data texts are escaped


@dataclass(frozen=True)
class Series:
    """One line of the weekly chart: cumulative counts, over ``denominator`` (``of_what`` says which)."""

    name: str
    values: Sequence[int]
    denominator: int
    of_what: str


def line_chart(title: str, days: Sequence[dt.date], series: Sequence[Series], *, height: int = 250) -> SafeString:
    """Cumulative counts over time, one line per series, each with its own denominator drawn as
    a dashed line of its colour; the legend gives each series' last count over its denominator."""
    size = 11.5
    heading, top = _title(title)
    legend: list[tuple[int | None, str]] = []  # (series of a swatch, text): a swatch on each series' first line
    for s, line in enumerate(series):
        last = Ratio(line.values[-1] if line.values else 0, line.denominator)
        text = f"{line.name}: {ratio_text(last.numerator, last.denominator, last.percent)}"
        of_what = f"({line.of_what})"
        if len(text) + 1 + len(of_what) <= (WIDTH - 18) / (size * CHAR):
            legend.append((s, f"{text} {of_what}"))
        else:  # what the denominator counts goes on a line of its own
            legend.extend([(s, _fits(text, WIDTH - 18, size)), (None, _fits(of_what, WIDTH - 18, size))])
    top_value = max([1, *(line.denominator for line in series), *(max(line.values, default=0) for line in series)])
    left, bottom = len(str(top_value)) * 12 * CHAR + 8, 22  # the axis labels are at the chart's 12
    plot_w, plot_h = WIDTH - left - 4, height - top - bottom
    parts = [*heading]
    for k in range(5):
        value = round(top_value * k / 4)
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 4:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS_TEXT}">{value}</text>')
    n = len(days)

    def x_of(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    for i in range(0, n, max(1, math.ceil(n / 6))):
        x = x_of(i)
        anchor = "end" if x + 30 > WIDTH else "middle"
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="{anchor}" fill="{AXIS_TEXT}">'
                     f'{days[i]:%d/%m/%y}</text>')
    for s, line in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        target_y = top + plot_h - plot_h * line.denominator / top_value
        parts.append(f'<line x1="{left:.1f}" y1="{target_y:.1f}" x2="{WIDTH}" y2="{target_y:.1f}" stroke="{colour}" '
                     f'stroke-dasharray="4 3" stroke-width="1"/>')
        points = " ".join(f"{x_of(i):.1f},{top + plot_h - plot_h * v / top_value:.1f}"
                          for i, v in enumerate(line.values))
        if points:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    y = float(height)
    for swatch, text in legend:
        y += size + 5
        if swatch is not None:
            parts.append(f'<rect x="0" y="{y - 8:.1f}" width="12" height="4" '
                         f'fill="{SERIES_COLOURS[swatch % len(SERIES_COLOURS)]}"/>')
        parts.append(f'<text x="18" y="{y:.1f}" font-size="{size}">{escape(text)}</text>')
    return mark_safe(_open(title, y + 6) + "".join(parts) + "</svg>")  # noqa: S308 - data texts are escaped
