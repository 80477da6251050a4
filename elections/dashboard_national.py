"""The national dashboard: the whole country per province, for central staff and administrators.

One row per province of the list in force on the date (the earlier list's
63 before 1 July 2025, the 2025 list's 34 from then on; ``?units=2025``
regroups an earlier date by the 34), with the province dashboard's figures,
each province against its own targets (an earlier province: those of the
2025 province it lies in), totals, charts and weekly progress; a province's
name drills down to its dashboard (``?province=``), and from there to its
communes and hamlets. Admissions are counted per province and year, against
the sum of its districts' (earlier layout) or communes' (2025 layout)
annual targets.

A fixed number of queries, whatever the number of provinces and hamlets:
the provinces, the figures by province (all hamlets, special-area hamlets:
the totals are their sums, ``add_up``), the targets, the admissions (two)
and the weekly progress (two).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamlets.models import NEW_LIST_FROM, Hamlet, PartyMember
from hamlets.scoping import Scope

from .admissions import AdmissionRow, admitted_by_year
from .dashboard import (
    COUNT_CODES,
    GAP_SORT,
    LABELS,
    RATIO_CODES,
    SHORT_LABELS,
    TITLE,
    ZERO,
    Dashboard,
    Row,
    province_choices,
    sort_choices,
    texts,
)
from .figures import FIGURES_BY_CODE
from .layout import NEW, choose_layout
from .models import AdmissionTarget, TargetTable, Term
from .period import Period
from .reports.national import NO_TARGETS, ProvinceUnit, national_provinces, province_target_tables

WHOLE_COUNTRY = gettext_lazy("Toàn quốc")


@dataclass
class ProvinceRow(Row):
    """A province's row: its "cần xem" hamlets are found on its own dashboard (the name's link), the
    total's on the hamlet list of the whole country."""

    def todo_links(self, texts: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
        return super().todo_links(texts) if self.is_total else []


class NationalDashboard(Dashboard):
    """The whole country for one term and date, per province of the layout's list."""

    row_class = ProvinceRow

    def __init__(self, scope: Scope, term: Term, as_of: dt.date, layout: str):
        super().__init__(scope, None, None, term, as_of, layout)  # type: ignore[arg-type]
        self.level = "new_province" if layout == NEW else "province"

    @cached_property
    def hamlets(self) -> QuerySet[Hamlet]:
        return Hamlet.objects.restrict(self.scope)

    @cached_property
    def provinces(self) -> list[ProvinceUnit]:
        return national_provinces(self.scope, self.layout)

    @cached_property
    def units(self) -> list[tuple[int, str]]:
        return [(p.pk, p.name) for p in self.provinces]

    @cached_property
    def province_targets(self) -> dict[int, TargetTable]:
        metrics = [FIGURES_BY_CODE[code].metric for code in RATIO_CODES]
        return province_target_tables(self.scope, self.term, metrics=metrics, province_wide=True,
                                      year=self.as_of.year)

    def _target_unit(self, unit_id: int | None, total: bool) -> tuple[int | None, int | None]:
        """(the 2025 province whose targets the row is measured against, None); the country has none."""
        if total or unit_id is None:
            return None, None
        return self._by_pk[unit_id].current_id, None

    def _target(self, code: str, unit: tuple[int | None, int | None], special: bool = False) -> Decimal | None:
        province_id = unit[0]
        if province_id is None:
            return None
        table = self.province_targets.get(province_id, NO_TARGETS)
        return table.get(FIGURES_BY_CODE[code].metric, special_area_only=special)

    @cached_property
    def _by_pk(self) -> dict[int, ProvinceUnit]:
        return {p.pk: p for p in self.provinces}

    def _links(self, unit_id: int | None) -> tuple[str, str]:
        if unit_id is None:
            return "", ""
        return urlencode({"province": self._by_pk[unit_id].key}), ""

    @cached_property
    def rows(self) -> list[Row]:
        by_unit, special = self._figures
        return [self._row(pk, name, by_unit.get(pk, ZERO), special.get(pk, {})) for pk, name in self.units]

    @cached_property
    def total(self) -> Row:
        """The country: the sums of every province's counts (of every group the database returned)."""
        return self._row(None, str(WHOLE_COUNTRY), *self._total_figures(), total=True)

    @cached_property
    def admissions(self) -> list[AdmissionRow]:
        return admissions_by_province(self.scope, self.layout, self.as_of, self.term.start_year,
                                      [p.pk for p in self.provinces])

    def unit_names(self) -> dict[int | None, str]:
        return dict(self.units)


def admissions_by_province(scope: Scope, layout: str, as_of: dt.date, first_year: int,
                           order: list[int]) -> list[AdmissionRow]:
    """Admissions per province of the layout and calendar year, from ``first_year`` up to ``as_of``,
    against the sum of the annual targets of its districts (earlier layout) or 2025 communes (2025
    layout), in the order of ``order`` (province ids), then by year: two queries."""
    new = layout == NEW
    group = "hamlet__province_id" if new else "hamlet__commune__district__province_id"
    counted = admitted_by_year(PartyMember.objects.restrict(scope), group, first_year, as_of)
    table: dict[tuple[int, int], list[Any]] = {key: value for key, value in counted.items() if key[0] is not None}
    target_group = "commune__province_id" if new else "district__province_id"
    targets = AdmissionTarget.objects.restrict(scope).filter(year__gte=first_year, year__lte=as_of.year)
    targets = targets.filter(commune__isnull=False) if new else targets.filter(district__isnull=False)
    for row in targets.order_by().values(target_group, "year").annotate(total=Sum("target")):
        table.setdefault((row[target_group], row["year"]), [0, 0, None])[2] = row["total"]
    position = {pk: i for i, pk in enumerate(order)}
    known = [(key, value) for key, value in table.items() if key[0] in position]
    known.sort(key=lambda item: (position[item[0][0]], item[0][1]))
    return [AdmissionRow(unit, year, admitted, sitting, target) for (unit, year), (admitted, sitting, target) in known]


def national_dashboard(request: HttpRequest, scope: Scope, period: Period) -> HttpResponse:
    """The country per province (``dashboard`` sends central staff and administrators here when no
    ``?province=`` is asked for)."""
    context: dict[str, Any] = {"nav": "dashboard", "title": TITLE, "period": period, "terms": Term.objects.all(),
                               "province": None, "scope": scope, "national": True}
    if period.term is None:
        return render(request, "elections/dashboard.html", context)
    layout = choose_layout(scope, period.as_of, period.units)
    board = NationalDashboard(scope, period.term, period.as_of, layout)
    sort, query = request.GET.get("sort", ""), request.GET.get("q", "").strip()
    rows = board.sorted_rows(sort, query)
    context.update(
        board=board, rows=rows, total=board.total, sort=sort, q=query, gap_sort=GAP_SORT, ratio_codes=RATIO_CODES,
        count_codes=COUNT_CODES, labels=texts(LABELS), short_labels=texts(SHORT_LABELS),
        sort_choices=sort_choices(sort),
        charts=board.charts(rows), admissions=board.admissions, unit_names=board.unit_names(),
        province_query=period.query(), report_query=period.query(national=1), here=period.query(q=query),
        provinces=province_choices(scope), can_regroup=period.as_of < NEW_LIST_FROM,
        unit_word=_("Tỉnh"), admission_unit_word=_("Tỉnh"),
    )
    return render(request, "elections/dashboard.html", context)

