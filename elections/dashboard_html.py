"""The dashboard's table rows, written in Python in one pass per table (issue 11).

A province of 166 communes shows four tables of them (figures, special-area
hamlets, the two people tables): some 5,000 cells, each with its figure,
percentage, meter, target note and phone-card label. Through the template
language every cell cost a tag call, context look-ups and a language look-up
per number; here one ``Cells`` per request resolves the language, the labels
and the URL once and remembers each percentage, note and meter it has written
(a province's cells repeat a few targets and many percentages).

Each function writes exactly what the template's loop wrote: the same tags,
attributes, escaping and line breaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamlets.templatetags.figures import percent

from . import charts
from .dashboard import todo_texts

if TYPE_CHECKING:
    from .dashboard import Measure, Row
    from .dashboard_people import AreaOfficial, PeopleLine
    from .figures import Ratio


UNPLACED = ' class="unplaced"'  # the row of the hamlets in no 2025 commune yet


def esc(value: Any) -> str:
    """``charts.escape`` (Django's ``escape`` without its lazy-string wrapper: thousands of calls a page);
    safe text kept."""
    return value if isinstance(value, SafeString) else charts.escape(value)


class Cells:
    """The cells of one request's tables, in its language (read once, when made)."""

    def __init__(self) -> None:
        self._language = get_language()
        self._notes: dict[tuple[Decimal, Decimal | None], str] = {}
        self._meters: dict[tuple[Decimal, Decimal | None], str] = {}

    def percent(self, value: Decimal | None) -> str:
        """``percent`` escaped, once per language and value (``_percent``: it depends on the value only, not on
        its exponent)."""
        return "—" if value is None else _percent(self._language, value)

    def figure(self, ratio: Ratio, shown: Decimal | None) -> str:
        return f'<span class="figure">{ratio.numerator}/{ratio.denominator} <small>{self.percent(shown)}</small></span>'

    def measure(self, measure: Measure, label: str) -> str:
        """A ratio against its target: the light as the cell's class, the note as its title and text
        (what ``Measure.light``, ``note`` and ``meter`` give, remembered per percentage and target)."""
        ratio, target = measure.ratio, measure.target
        shown = ratio.percent
        light = f" {charts.light(shown, target)}" if ratio.denominator else ""
        note, meter = "", ""
        if target is not None:
            gap = None if shown is None else shown - target
            key = (target, gap)
            if (note := self._notes.get(key)) is None:
                note = self._notes[key] = esc(charts.target_text(target, gap))
        if shown is not None:
            key = (shown, target)
            if (meter := self._meters.get(key)) is None:
                meter = self._meters[key] = str(charts.meter(shown, target))
        title, text = (f' title="{note}"', f'<span class="note">{note}</span>') if note else ("", "")
        return (f'<td class="num measure{light}" data-label="{label}"{title}>'
                f"{self.figure(ratio, shown)}{meter}{text}</td>")

    def measures(self, measures: Mapping[str, Measure], codes: Sequence[str], labels: Mapping[str, str]) -> str:
        return "".join([self.measure(measures[code], labels[code]) for code in codes])

    def ratios(self, ratios: Mapping[str, Ratio], codes: Sequence[str], labels: Mapping[str, str]) -> str:
        """Ratios without a target."""
        cells = []
        for code in codes:
            ratio = ratios[code]
            figure = self.figure(ratio, ratio.percent)
            cells.append(f'<td class="num measure" data-label="{labels[code]}">{figure}</td>')
        return "".join(cells)


@lru_cache(maxsize=20_000)
def _percent(language: str | None, value: Decimal) -> str:
    """``percent`` escaped, in the language given (the active one, which it reads): shared by every table
    and request, as a page's percentages (~1,300 different ones on a province's dashboard) mostly repeat."""
    return esc(percent(value))


def _escaped(labels: Mapping[str, Any]) -> dict[str, str]:
    return {code: esc(label) for code, label in labels.items()}


def officials_cell(officials: Iterable[AreaOfficial], heading: str | None = None) -> str:
    """The officials responsible for a unit, their titles on hover; a dash for none."""
    names = ", ".join(f'<span title="{esc(o.title)}">{esc(o.name)}</span>' if o.title else f"<span>{esc(o.name)}</span>"
                      for o in officials)
    names = names or '<span class="muted">—</span>'
    heading = esc(_("Cán bộ phụ trách")) if heading is None else heading
    return f'<td class="officials" data-label="{heading}">{names}</td>'


def figure_rows(rows: Sequence[Row], ratio_codes: Sequence[str], count_codes: Sequence[str],
                labels: Mapping[str, str], province_query: str, period_query: str) -> str:
    """The figures table's unit rows (``dashboard.html``'s loop, without its empty row)."""
    cells, labels = Cells(), _escaped(labels)
    hamlets_label, todo_label = esc(_("Số thôn")), esc(_("Cần xem"))
    hamlet_list = f"{reverse('hamlets:list')}?{esc(period_query)}&amp;"
    drill_to = f"?{esc(province_query)}&amp;"
    count_labels = [(code, labels[code]) for code in count_codes]
    texts = todo_texts()
    out = []
    for row in rows:
        name, ratios = esc(row.name), row.ratios
        hamlets = row.hamlets
        if not row.drill:
            unit = f'<a href="{hamlet_list}{esc(row.hamlet_filter)}">{name}</a>'
        elif hamlets:
            unit = f'<a href="{drill_to}{esc(row.drill)}">{name}</a>'
        else:
            unit = name
        counts = "".join([f'<td class="num count" data-label="{label}">{ratios[code].numerator}</td>'
                          for code, label in count_labels])
        links = row.todo_links(texts)
        todo = "".join([f'<a href="{hamlet_list}{esc(query)}" title="{esc(title)}">{esc(text)}</a>'
                        for text, title, query in links]) or '<span class="muted">—</span>'
        out.append(f"<tr{UNPLACED if row.is_unplaced else ''}>\n"
                   f'  <td class="unit">{unit}</td>\n'
                   f'  <td class="num hamlets" data-label="{hamlets_label}">{hamlets}</td>\n'
                   f"  {cells.measures(row.measures, ratio_codes, labels)}\n"
                   f"  {counts}\n"
                   f'  <td class="no-print todo{"" if links else " none"}" data-label="{todo_label}">{todo}</td>\n'
                   "</tr>")
    return "".join(out)


def special_rows(rows: Sequence[Row], ratio_codes: Sequence[str], labels: Mapping[str, str]) -> str:
    """The special-area table's rows: the units that have such hamlets."""
    cells, labels = Cells(), _escaped(labels)
    return "".join([f'<tr><td class="unit">{esc(row.name)}</td>\n'
                    f"  {cells.measures(row.special, ratio_codes, labels)}</tr>"
                    for row in rows if row.special["elections"].ratio.denominator])


def people_rows(lines: Sequence[PeopleLine], codes: Sequence[str], labels: Mapping[str, str],
                officials: bool = False) -> str:
    """A people table's unit rows (``dashboard_people.html``'s loops, without their empty row); the
    officials' cell where ``officials``."""
    cells, labels = Cells(), _escaped(labels)
    heading = esc(_("Cán bộ phụ trách"))
    out = []
    for line in lines:
        start = f'<tr{UNPLACED if line.row.is_unplaced else ""}><td class="unit">{esc(line.row.name)}</td>\n'
        figures = cells.ratios(line.ratios, codes, labels)
        if officials:
            out.append(f"{start}  {figures}\n  {officials_cell(line.officials, heading)}</tr>\n")
        else:
            out.append(f"{start}  {figures}</tr>\n")
    return "".join(out)
