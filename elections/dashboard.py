"""The dashboard: each figure per district (per commune for one district), as
count over denominator and percentage, against its targets, with charts.

Everything comes from the figures engine in a fixed number of queries:
figures by unit and in total, the same for the special-area hamlets, the
units' names, the targets, the admissions (two) and the weekly progress
(two).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamlets.models import Commune, District, Hamlet, Province
from hamlets.scoping import Scope

from . import charts
from .figures import FIGURES_BY_CODE, AdmissionRow, Figures, Progress, Ratio, admissions, weekly_progress
from .models import Target, TargetTable, Term
from .period import Period

# The ratios with targets, in the order the dashboard shows them.
RATIO_CODES = ("elections", "chief_members", "congresses", "chief_secretary_or_deputy")
COUNT_CODES = ("chief_secretary", "chief_deputy", "without_cell", "without_members", "one_two_members",
               "cells_at_risk")
SORTS = ("name", "hamlets", *RATIO_CODES, *COUNT_CODES)


@dataclass(frozen=True)
class Measure:
    """A ratio with its target (percent, after the fallback) and traffic light."""

    ratio: Ratio
    target: Decimal | None = None

    @property
    def gap(self) -> Decimal | None:
        if self.target is None or self.ratio.percent is None:
            return None
        return self.ratio.percent - self.target

    @property
    def light(self) -> str:
        return charts.light(self.ratio.percent, self.target)


@dataclass
class Row:
    unit_id: int | None
    name: str
    ratios: dict[str, Ratio]
    measures: dict[str, Measure] = field(default_factory=dict)
    special: dict[str, Measure] = field(default_factory=dict)
    is_total: bool = False

    @property
    def hamlets(self) -> int:
        return self.ratios["elections"].denominator if self.ratios else 0


ZERO = {code: Ratio(0, 0) for code in (*RATIO_CODES, *COUNT_CODES)}


class Dashboard:
    def __init__(self, scope: Scope, province: Province, district: District | None, term: Term, as_of: dt.date):
        self.scope, self.province, self.district, self.term, self.as_of = scope, province, district, term, as_of
        self.level = "commune" if district else "district"

    @cached_property
    def hamlets(self) -> QuerySet[Hamlet]:
        hamlets = Hamlet.objects.restrict(self.scope).in_province(self.province)
        return hamlets.filter(commune__district=self.district) if self.district else hamlets

    @cached_property
    def targets(self) -> TargetTable:
        return Target.objects.for_province(self.province, self.term)

    def _target(self, code: str, district_id: int | None, special: bool = False) -> Decimal | None:
        metric = FIGURES_BY_CODE[code].metric
        return self.targets.get(metric, district_id, special_area_only=special)

    def _units(self) -> list[tuple[int, str]]:
        if self.district:
            communes = Commune.objects.filter(district=self.district, hamlets__isnull=False).distinct()
            return list(communes.order_by("code").values_list("pk", "name"))
        districts = District.objects.restrict(self.scope).filter(province=self.province)
        return list(districts.order_by("code").values_list("pk", "name"))

    def _row(self, unit_id: int | None, name: str, ratios: dict[str, Ratio], special: dict[str, Ratio],
             total: bool = False) -> Row:
        district_id = self.district.pk if self.district else (None if total else unit_id)
        measures = {code: Measure(ratios[code], self._target(code, district_id)) for code in RATIO_CODES}
        specials = {code: Measure(special.get(code, Ratio(0, 0)), self._target(code, district_id, True))
                    for code in RATIO_CODES}
        return Row(unit_id, name, ratios, measures, specials, total)

    @cached_property
    def rows(self) -> list[Row]:
        figures = Figures(self.hamlets, self.term, self.as_of)
        special = Figures(self.hamlets.filter(special_area=True), self.term, self.as_of)
        by_unit = figures.by(self.level)
        special_by_unit = special.by(self.level, RATIO_CODES)
        return [self._row(pk, name, by_unit.get(pk, ZERO), special_by_unit.get(pk, {})) for pk, name in self._units()]

    @cached_property
    def total(self) -> Row:
        name = self.district.name if self.district else self.province.name
        totals = Figures(self.hamlets, self.term, self.as_of).total()
        special = Figures(self.hamlets.filter(special_area=True), self.term, self.as_of).total(RATIO_CODES)
        return self._row(None, name, totals, special, total=True)

    def sorted_rows(self, sort: str) -> list[Row]:
        key = sort.lstrip("-")
        if key not in SORTS:
            return self.rows
        if key == "name":
            return sorted(self.rows, key=lambda r: r.name, reverse=sort.startswith("-"))
        if key == "hamlets":
            value = lambda r: r.hamlets  # noqa: E731
        elif key in RATIO_CODES:
            value = lambda r: r.ratios[key].fraction if r.ratios[key].denominator else -1  # noqa: E731
        else:
            value = lambda r: r.ratios[key].numerator  # noqa: E731
        return sorted(self.rows, key=value, reverse=sort.startswith("-"))

    @cached_property
    def admissions(self) -> list[AdmissionRow]:
        districts = District.objects.restrict(self.scope).filter(province=self.province)
        if self.district:
            districts = districts.filter(pk=self.district.pk)
        return admissions(districts, self.as_of)

    @cached_property
    def progress(self) -> Progress:
        return weekly_progress(self.hamlets, self.term, self.as_of)

    def charts(self) -> list[Any]:
        titles = {code: FIGURES_BY_CODE[code].label for code in RATIO_CODES}
        made = []
        for code in RATIO_CODES:
            bars = [charts.Bar(r.name, r.ratios[code].percent, r.ratios[code].numerator, r.ratios[code].denominator,
                               r.measures[code].target) for r in self.rows if r.hamlets]
            made.append(charts.bar_chart(str(titles[code]), bars))
        progress = self.progress
        made.append(charts.line_chart(_("Tiến độ theo tuần"), progress.weeks, [
            (_("Đã bầu trưởng thôn"), progress.elections), (_("Đã đại hội chi bộ"), progress.congresses)],
            self.total.hamlets))
        return made


def scoped_province(request: HttpRequest, scope: Scope) -> Province | None:
    """The province a page shows: ``?province=<code>`` (404 outside the scope),
    else the user's own, else (an administrator) the first that has hamlets."""
    provinces = Province.objects.restrict(scope)
    code = request.GET.get("province", "")
    if code.isdigit():
        found = provinces.filter(code=int(code)).first()
        if found is None:
            raise Http404(_("Không có tỉnh này trong phạm vi của bạn."))
        return found
    if scope.province_id:
        return provinces.filter(pk=scope.province_id).first()
    return provinces.filter(districts__communes__hamlets__isnull=False).distinct().order_by("code").first() \
        or provinces.order_by("code").first()


def _district(request: HttpRequest, scope: Scope, province: Province) -> District | None:
    if scope.is_district:
        return District.objects.get(pk=scope.district_id)
    raw = request.GET.get("district", "")
    if not raw:
        return None
    found = District.objects.restrict(scope).filter(province=province, pk=raw).first() if raw.isdigit() else None
    if found is None:
        raise Http404(_("Không có huyện này trong phạm vi của bạn."))
    return found


LABELS = {code: FIGURES_BY_CODE[code].label for code in (*RATIO_CODES, *COUNT_CODES)}
TITLE = gettext_lazy("Tổng hợp tiến độ")


def dashboard(request: HttpRequest) -> HttpResponse:
    scope = Scope.of(request.user)
    period = Period.from_query(request.GET)
    province = scoped_province(request, scope)
    context: dict[str, Any] = {"nav": "dashboard", "title": TITLE, "period": period, "terms": Term.objects.all(),
                               "province": province, "scope": scope}
    if province is None or period.term is None:
        return render(request, "elections/dashboard.html", context)
    district = _district(request, scope, province)
    board = Dashboard(scope, province, district, period.term, period.as_of)
    sort = request.GET.get("sort", "")
    context.update(
        board=board, district=district, rows=board.sorted_rows(sort), total=board.total, sort=sort,
        ratio_codes=RATIO_CODES, count_codes=COUNT_CODES, labels=LABELS, charts=board.charts(),
        admissions=board.admissions, provinces=Province.objects.restrict(scope).filter(
            districts__communes__hamlets__isnull=False).distinct() if scope.everything else [],
        district_names={district.pk: district.name} if district else {r.unit_id: r.name for r in board.rows},
    )
    return render(request, "elections/dashboard.html", context)
