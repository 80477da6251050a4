"""The dashboard's table cells, written in Python: a province's tables hold some 10,000 of them, and
an ``{% include %}`` per cell made the template most of the page's time (issue 11).

Each tag writes exactly what its former include wrote (``<td>`` with the figure ``n/d`` and its
percentage, the meter, the target note; ``data-label`` for the phone cards)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hamlets.templatetags.figures import percent, ratio

register = template.Library()


def esc(value: Any) -> str:
    """Django's ``escape`` without its lazy-string wrapper (thousands of calls a page); safe text kept."""
    return value if isinstance(value, SafeString) else escape(str(value))


def _figure(value: Any) -> str:
    shown = esc(percent(value.percent))
    return f'<span class="figure">{value.numerator}/{value.denominator} <small>{shown}</small></span>'


@register.simple_tag
def measure_cell(measure: Any, label: Any) -> SafeString:
    """A ratio against its target: the light as the cell's class, the note as its title and text."""
    light = f" {measure.light}" if measure.ratio.denominator else ""
    note = esc(measure.note)
    title, text = (f' title="{note}"', f'<span class="note">{note}</span>') if note else ("", "")
    return mark_safe(f'<td class="num measure{light}" data-label="{esc(label)}"{title}>'
                     f"{_figure(measure.ratio)}{measure.meter}{text}</td>")


@register.simple_tag
def ratio_cell(ratio: Any, label: Any) -> SafeString:
    """A ratio without a target."""
    return mark_safe(f'<td class="num measure" data-label="{esc(label)}">{_figure(ratio)}</td>')


@register.simple_tag
def officials_cell(officials: Iterable[Any]) -> SafeString:
    """The officials responsible for a unit, their titles on hover; a dash for none."""
    names = ", ".join(f'<span title="{esc(o.title)}">{esc(o.name)}</span>' if o.title else f"<span>{esc(o.name)}</span>"
                      for o in officials)
    names = names or '<span class="muted">—</span>'
    return mark_safe(f'<td class="officials" data-label="{esc(_("Cán bộ phụ trách"))}">{names}</td>')


@register.simple_tag
def measure_cells(measures: Any, codes: Iterable[str], labels: dict[str, str]) -> SafeString:
    """``measure_cell`` for each code, in order (one tag a row rather than a template loop a cell)."""
    return mark_safe("".join(measure_cell(measures[code], labels[code]) for code in codes))


@register.simple_tag
def ratio_cells(ratios: Any, codes: Iterable[str], labels: dict[str, str]) -> SafeString:
    """``ratio_cell`` for each code, in order."""
    return mark_safe("".join(ratio_cell(ratios[code], labels[code]) for code in codes))


@register.simple_tag
def count_cells(ratios: Any, codes: Iterable[str], labels: dict[str, str]) -> SafeString:
    """The numerator alone of each code's ratio (the counts columns)."""
    return mark_safe("".join(f'<td class="num count" data-label="{esc(labels[code])}">{ratios[code].numerator}</td>'
                             for code in codes))


@register.simple_tag
def admission_rows(admissions: Iterable[Any], unit_names: dict[Any, str]) -> SafeString:
    """The admissions table's rows (a unit and year each): admitted over the target where there is one."""
    year, ratio_label, chiefs = esc(_("Năm")), esc(_("Đã kết nạp / chỉ tiêu")), esc(_("Trong đó trưởng thôn"))
    no_target = esc(_("chưa có chỉ tiêu"))
    rows = []
    for a in admissions:
        shown = ratio(a.ratio) if a.ratio else f'{a.admitted} <small class="muted">{no_target}</small>'
        rows.append(f'<tr><td class="unit">{esc(unit_names.get(a.unit_id, ""))}</td>'
                    f'<td class="num" data-label="{year}">{a.year}</td>'
                    f'<td class="num" data-label="{ratio_label}">{shown}</td>'
                    f'<td class="num" data-label="{chiefs}">{a.sitting_chiefs}</td></tr>\n')
    return mark_safe("".join(rows))
