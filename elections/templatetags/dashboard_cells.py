"""The dashboard's table rows and cells, written in Python (``elections.dashboard_html``): a province's
tables hold some 5,000 cells, and a template loop with a tag per cell made them most of the page's
time (issue 11).

The row tags write a table's unit rows in one pass; the cell tags write the total rows' cells. Each
writes exactly what its former template loop or include wrote (``<td>`` with the figure ``n/d`` and
its percentage, the meter, the target note; ``data-label`` for the phone cards)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from elections import dashboard_html
from elections.dashboard_html import Cells, esc

register = template.Library()


@register.simple_tag
def measure_cells(measures: Any, codes: Sequence[str], labels: Mapping[str, str]) -> SafeString:
    """A ratio against its target for each code, in order (the total rows)."""
    return mark_safe(Cells().measures(measures, codes, {code: esc(labels[code]) for code in codes}))


@register.simple_tag
def ratio_cells(ratios: Any, codes: Sequence[str], labels: Mapping[str, str]) -> SafeString:
    """A ratio without a target for each code, in order."""
    return mark_safe(Cells().ratios(ratios, codes, {code: esc(labels[code]) for code in codes}))


@register.simple_tag
def count_cells(ratios: Any, codes: Iterable[str], labels: Mapping[str, str]) -> SafeString:
    """The numerator alone of each code's ratio (the counts columns)."""
    return mark_safe("".join(f'<td class="num count" data-label="{esc(labels[code])}">{ratios[code].numerator}</td>'
                             for code in codes))


@register.simple_tag
def officials_cell(officials: Iterable[Any]) -> SafeString:
    """The officials responsible for a unit, their titles on hover; a dash for none."""
    return mark_safe(dashboard_html.officials_cell(officials))


@register.simple_tag
def figure_rows(rows: Sequence[Any], ratio_codes: Sequence[str], count_codes: Sequence[str],
                labels: Mapping[str, str], province_query: str, period_query: str) -> SafeString:
    """The figures table's unit rows."""
    return mark_safe(dashboard_html.figure_rows(rows, ratio_codes, count_codes, labels, province_query,
                                                period_query))


@register.simple_tag
def special_rows(rows: Sequence[Any], codes: Sequence[str], labels: Mapping[str, str]) -> SafeString:
    """The special-area table's unit rows."""
    return mark_safe(dashboard_html.special_rows(rows, codes, labels))


@register.simple_tag
def people_rows(lines: Sequence[Any], codes: Sequence[str], labels: Mapping[str, str],
                officials: bool = False) -> SafeString:
    """A people table's unit rows (with the officials' cell where ``officials``)."""
    return mark_safe(dashboard_html.people_rows(lines, codes, labels, officials))


@register.simple_tag
def admission_rows(admissions: Iterable[Any], unit_names: dict[Any, str]) -> SafeString:
    """The admissions table's rows (a unit and year each): admitted over the target where there is one."""
    year, ratio_label, chiefs = esc(_("Năm")), esc(_("Đã kết nạp / chỉ tiêu")), esc(_("Trong đó trưởng thôn"))
    no_target = esc(_("chưa có chỉ tiêu"))
    cells = Cells()
    rows = []
    for a in admissions:
        if (made := a.ratio) is not None:  # the ``ratio`` filter's text, its percentage written once per value
            figure = f"{made.numerator}/{made.denominator}<small>{cells.percent(made.percent)}</small>"
            shown = f'<span class="ratio">{figure}</span>'
        else:
            shown = f'{a.admitted} <small class="muted">{no_target}</small>'
        rows.append(f'<tr><td class="unit">{esc(unit_names.get(a.unit_id, ""))}</td>'
                    f'<td class="num" data-label="{year}">{a.year}</td>'
                    f'<td class="num" data-label="{ratio_label}">{shown}</td>'
                    f'<td class="num" data-label="{chiefs}">{a.sitting_chiefs}</td></tr>\n')
    return mark_safe("".join(rows))
