"""The dashboard: each figure per unit, as count over denominator and percentage, against its
targets, with charts, in the layout of the as-of date (``layout.py``):

* earlier list (before 1 July 2025, district boards): per district, and per commune of one
  district (``?district=ID``), then the hamlet list (``/hamlets/?commune=ID``);
* 2025 list (from 1 July 2025, ``?units=2025``, commune boards): per 2025 commune, then an
  ``Unplaced`` row for the hamlets that lie in no 2025 commune yet, then the hamlet list
  (``/hamlets/?new_commune=ID``, ``?new_commune=unplaced``).

Everything comes from the figures engine in a fixed number of queries,
whatever the number of hamlets and units: figures by unit, of all hamlets and
of the special-area ones (one query; the totals are their sums), the units' names, the targets, the
admissions (two), the weekly progress (two), and the people tables (two:
``dashboard_people``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from hamlets import text
from hamlets.models import NEW_LIST_FROM, Commune, District, Hamlet, Province
from hamlets.scoping import Scope

from . import charts
from .admissions import AdmissionRow, admissions, admissions_by_commune
from .dashboard_people import PATH_CODES, PEOPLE_LABELS, PEOPLE_SHORT, PROFILE_CODES, PeopleBoard
from .figures import (
    FIGURES_BY_CODE,
    Figures,
    Ratio,
    Ratios,
    add_up,
)
from .layout import (
    EARLIER,
    NEW,
    UNPLACED,
    ProvinceNotFound,
    choose_layout,
    districts_of,
    find_province,
    new_communes_of,
    province_key,
    provinces_with_hamlets,
)
from .models import Target, TargetTable, Term
from .period import Period
from .progress import Progress, weekly_progress

# The ratios with targets, in the order the dashboard shows them.
RATIO_CODES = ("elections", "chief_members", "congresses", "chief_secretary_or_deputy")
COUNT_CODES = ("chief_secretary", "chief_deputy", "without_cell", "without_members", "one_two_members",
               "cells_at_risk")
GAP_SORT = "gap_chief_members"  # the units furthest below the chiefs-who-are-members target first
SORTS = ("name", "hamlets", *RATIO_CODES, *COUNT_CODES, GAP_SORT)
CHART_BARS = 30  # beyond this many units a bar chart shows the lowest ones


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
    def exact_gap(self) -> Decimal | None:
        """The gap from the exact fraction (what sorting uses)."""
        fraction = self.ratio.fraction
        return None if self.target is None or fraction is None else fraction * 100 - self.target

    @property
    def light(self) -> str:
        return charts.light(self.ratio.percent, self.target)

    @property
    def note(self) -> str:
        """``Mục tiêu 100,00 % · chênh lệch −54,85 điểm %`` (a cell's title and its text for screen readers)."""
        return charts.target_text(self.target, self.gap)

    @property
    def meter(self) -> str:
        """The cell's bar: the percentage, the target as a tick."""
        return charts.meter(self.ratio.percent, self.target)


# The "cần xem" links: the hamlets a ratio still misses (its denominator less its numerator), as
# the hamlet list filters them; shown only where there are some. (figure, text, title, hamlet list filter)
TODO = (
    ("elections", gettext_lazy("%(n)s chưa bầu"), gettext_lazy("%(n)s thôn chưa bầu trưởng thôn"),
     "chief_elected=false"),
    ("congresses", gettext_lazy("%(n)s chưa đại hội"), gettext_lazy("%(n)s thôn có chi bộ chưa đại hội"),
     "has_cell=true&congress_held=false"),
    ("chief_members", gettext_lazy("%(n)s chưa là đảng viên"),
     gettext_lazy("%(n)s thôn có trưởng thôn chưa là đảng viên"), "chief_member=false"),
)


@dataclass
class Row:
    unit_id: int | None
    name: str
    ratios: dict[str, Ratio]
    measures: dict[str, Measure] = field(default_factory=dict)
    special: dict[str, Measure] = field(default_factory=dict)
    is_total: bool = False
    is_unplaced: bool = False
    drill: str = ""  # the dashboard's next level (``district=3``), where there is one
    hamlet_filter: str = ""  # the hamlet list's filter for the row's hamlets (``new_commune=5``)

    @property
    def hamlets(self) -> int:
        return self.ratios["elections"].denominator if self.ratios else 0

    @property
    def todo(self) -> list[tuple[str, str, str]]:
        """(text, title, hamlet list query) of each "cần xem" link whose count is above zero."""
        return self.todo_links(todo_texts())

    def todo_links(self, texts: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
        """``todo`` from ``todo_texts()`` (read once for a table's rows, not once a row)."""
        links = []
        for code, shown, title, query in texts:
            ratio = self.ratios[code]
            if missing := ratio.denominator - ratio.numerator:
                links.append((shown % {"n": missing}, title % {"n": missing},
                              f"{self.hamlet_filter}&{query}" if self.hamlet_filter else query))
        return links


def todo_texts() -> list[tuple[str, str, str, str]]:
    """``TODO`` in the active language."""
    return [(code, str(shown), str(title), query) for code, shown, title, query in TODO]


ZERO = {code: Ratio(0, 0) for code in (*RATIO_CODES, *COUNT_CODES)}
UNPLACED_LABEL = gettext_lazy("Chưa xếp vào xã mới")


class Dashboard:
    """One province (or, earlier layout, one district of it) for one term and date, in one layout."""

    row_class: type[Row] = Row

    def __init__(self, scope: Scope, province: Province, district: District | None, term: Term, as_of: dt.date,
                 layout: str = EARLIER):
        self.scope, self.province, self.term, self.as_of, self.layout = scope, province, term, as_of, layout
        self.district = district if layout == EARLIER else None
        self.level = "new_commune" if layout == NEW else "commune" if self.district else "district"

    @property
    def is_new(self) -> bool:
        return self.layout == NEW

    @cached_property
    def hamlets(self) -> QuerySet[Hamlet]:
        hamlets = Hamlet.objects.restrict(self.scope).in_province(self.province)
        return hamlets.filter(commune__district=self.district) if self.district else hamlets

    @cached_property
    def targets(self) -> TargetTable:
        return Target.objects.for_province(self.province, self.term, self.as_of.year)

    def _target(self, code: str, unit: tuple[int | None, int | None], special: bool = False) -> Decimal | None:
        district_id, commune_id = unit
        return self.targets.get(FIGURES_BY_CODE[code].metric, district_id, special_area_only=special,
                                commune_id=commune_id)

    def _target_unit(self, unit_id: int | None, total: bool) -> tuple[int | None, int | None]:
        """(district id, 2025 commune id) whose targets a row is measured against (else the province's)."""
        if self.district:
            return self.district.pk, None
        if total:
            return self.scope.district_id, self.scope.commune_id
        return (None, unit_id) if self.is_new else (unit_id, None)

    @cached_property
    def units(self) -> list[tuple[int, str]]:
        """(id, name) of the units listed, in official code order (one query)."""
        if self.is_new:
            units: QuerySet = new_communes_of(self.province, self.scope, self.hamlets)
        elif self.district:
            units = Commune.objects.filter(district=self.district, hamlets__isnull=False).distinct()
        else:
            units = districts_of(self.province, self.scope)
        return list(units.order_by("code").values_list("pk", "name"))

    def _row(self, unit_id: int | None, name: str, ratios: dict[str, Ratio], special: dict[str, Ratio],
             total: bool = False, unplaced: bool = False) -> Row:
        unit = self._target_unit(unit_id, total)
        measures = {code: Measure(ratios[code], self._target(code, unit)) for code in RATIO_CODES}
        specials = {code: Measure(special.get(code, Ratio(0, 0)), self._target(code, unit, True))
                    for code in RATIO_CODES}
        row = self.row_class(unit_id, name, ratios, measures, specials, total, unplaced)
        if not total:
            row.drill, row.hamlet_filter = self._links(unit_id)
        elif self.district:  # the district shown stays selected on the hamlet list
            row.hamlet_filter = f"district={self.district.pk}"
        return row

    def _links(self, unit_id: int | None) -> tuple[str, str]:
        if self.is_new:
            return "", f"new_commune={UNPLACED if unit_id is None else unit_id}"
        if self.district:  # the district stays selected on the hamlet list, beside its commune
            return "", f"district={self.district.pk}&commune={unit_id}"
        return f"district={unit_id}", f"district={unit_id}"

    @cached_property
    def _figures(self) -> tuple[dict[int | None, Ratios], dict[int | None, Ratios]]:
        """The figures by unit, of all hamlets and of the special-area ones (one query)."""
        return Figures(self.hamlets, self.term, self.as_of).by_with_special(self.level, RATIO_CODES,
                                                                            (*RATIO_CODES, *COUNT_CODES))

    @cached_property
    def rows(self) -> list[Row]:
        by_unit, special = self._figures
        rows = [self._row(pk, name, by_unit.get(pk, ZERO), special.get(pk, {})) for pk, name in self.units]
        if self.is_new and None in by_unit:
            rows.append(self._row(None, str(UNPLACED_LABEL), by_unit[None], special.get(None, {}), unplaced=True))
        return rows

    @cached_property
    def total(self) -> Row:
        """The sums of every group's counts (each hamlet lies in exactly one group, ``None`` included: the
        unplaced hamlets, or those of no unit listed), not two more queries over the same hamlets."""
        name = self.district.name if self.district else self.province.name
        return self._row(None, name, *self._total_figures(), total=True)

    def _total_figures(self) -> tuple[dict[str, Ratio], dict[str, Ratio]]:
        by_unit, special = self._figures
        return add_up(by_unit.values(), (*RATIO_CODES, *COUNT_CODES)), add_up(special.values(), RATIO_CODES)

    def sorted_rows(self, sort: str, query: str = "") -> list[Row]:
        """The rows whose name contains ``query`` (case and diacritics ignored), sorted by ``sort``
        (a code of ``SORTS``, ``-`` first to reverse); rows without a value go last either way."""
        key = text.search_key(query)
        rows = [r for r in self.rows if key in text.search_key(r.name)] if key else list(self.rows)
        code = sort.lstrip("-")
        if code not in SORTS:
            return rows
        value = _sort_value(code)
        valued = [r for r in rows if value(r) is not None]
        return [*sorted(valued, key=value, reverse=sort.startswith("-")), *(r for r in rows if value(r) is None)]

    @cached_property
    def admissions(self) -> list[AdmissionRow]:
        first = self.term.start_year
        if self.is_new:
            return admissions_by_commune(self.hamlets, self.as_of, scope=self.scope, first_year=first,
                                         communes=new_communes_of(self.province, self.scope, self.hamlets))
        districts = districts_of(self.province, self.scope)
        if self.district:
            districts = districts.filter(pk=self.district.pk)
        return admissions(districts, self.as_of, scope=self.scope, first_year=first)

    def unit_names(self) -> dict[int | None, str]:
        if self.district:
            return {self.district.pk: self.district.name}
        return {None: str(UNPLACED_LABEL), **dict(self.units)}

    @cached_property
    def people(self) -> PeopleBoard:
        """The people tables (``dashboard_people``): two more queries."""
        return PeopleBoard(self)

    @cached_property
    def progress(self) -> Progress:
        return weekly_progress(self.hamlets, self.term, self.as_of)

    def charts(self, rows: list[Row] | None = None) -> list[Any]:
        rows = [r for r in (self.rows if rows is None else rows) if r.hamlets]
        made = []
        for code in RATIO_CODES:
            title = str(FIGURES_BY_CODE[code].label)
            shown = rows
            if len(rows) > CHART_BARS:  # 130 communes: the lowest ones, where action is needed
                shown = sorted(rows, key=lambda r: r.ratios[code].fraction if r.ratios[code].denominator else 2)
                shown = shown[:CHART_BARS]
                title += " " + _("(%(n)s đơn vị thấp nhất)") % {"n": CHART_BARS}
            bars = [charts.Bar(r.name, r.ratios[code].percent, r.ratios[code].numerator, r.ratios[code].denominator,
                               r.measures[code].target) for r in shown]
            made.append(charts.bar_chart(title, bars))
        # the same denominators as the cards: elections over all hamlets, congresses over those with a cell
        progress, total = self.progress, self.total.ratios
        made.append(charts.line_chart(_("Tiến độ theo tuần"), progress.weeks, [
            charts.Series(_("Đã bầu trưởng thôn"), progress.elections, total["elections"].denominator,
                          _("trên tổng số thôn")),
            charts.Series(_("Đã đại hội chi bộ"), progress.congresses, total["congresses"].denominator,
                          _("trên số thôn có chi bộ"))]))
        return made


def _sort_value(code: str) -> Callable[[Row], Any]:
    if code == "name":
        return lambda r: text.search_key(r.name)
    if code == "hamlets":
        return lambda r: r.hamlets
    if code == GAP_SORT:
        return lambda r: r.measures["chief_members"].exact_gap
    if code in RATIO_CODES:
        return lambda r: r.ratios[code].fraction if r.ratios[code].denominator else -1
    return lambda r: r.ratios[code].numerator


def scoped_province(request: HttpRequest, scope: Scope) -> Province | None:
    """The province a page shows: ``?province=`` a 2025 province's code or a name (``layout.find_province``;
    404 outside the scope), else the user's own, else (an administrator) the first that has hamlets."""
    provinces = Province.objects.restrict(scope)
    raw = request.GET.get("province", "").strip()
    if raw:
        try:
            found = find_province(raw)
        except ProvinceNotFound:
            raise Http404(_("Không có tỉnh “%(province)s”.") % {"province": raw}) from None
        if not provinces.filter(pk=found.pk).exists():
            raise Http404(_("Không có tỉnh này trong phạm vi của bạn."))
        return found
    if scope.province_id:
        return provinces.filter(pk=scope.province_id).first()
    return provinces_with_hamlets(scope).order_by("code").first() or provinces.new().order_by("code").first() \
        or provinces.order_by("code").first()


def province_choices(scope: Scope, shown: Province | None = None) -> list[Province]:
    """The provinces the selector offers those who see the country: the (2025) provinces with hamlets, and
    the province shown (an earlier province that merged, or one without hamlets yet)."""
    if not scope.sees_all:
        return []
    provinces = list(provinces_with_hamlets(scope).order_by("code"))
    provinces = provinces if shown is None or shown in provinces else [shown, *provinces]
    for province in provinces:
        province.key = province_key(province)  # type: ignore[attr-defined]  # what the option submits
    return provinces


def _district(request: HttpRequest, scope: Scope, province: Province) -> District | None:
    if scope.is_district:
        return District.objects.get(pk=scope.district_id)
    raw = request.GET.get("district", "")
    if not raw:
        return None
    chosen = text.whole_number(raw)
    found = districts_of(province, scope).filter(pk=chosen).first() if chosen is not None else None
    if found is None:
        raise Http404(_("Không có huyện này trong phạm vi của bạn."))
    return found


LABELS = {code: FIGURES_BY_CODE[code].label for code in (*RATIO_CODES, *COUNT_CODES)}
# Shorter names where a phone's card shows a figure under its unit's name.
SHORT_LABELS = {**LABELS, "elections": gettext_lazy("Bầu trưởng thôn"), "congresses": gettext_lazy("Đại hội chi bộ"),
                "chief_secretary_or_deputy": gettext_lazy("Kiêm bí thư hoặc phó bí thư"),
                "without_cell": gettext_lazy("Chưa có chi bộ"), "without_members": gettext_lazy("Chưa có đảng viên"),
                "one_two_members": gettext_lazy("Có 1-2 đảng viên"),
                "cells_at_risk": gettext_lazy("Chi bộ 3-4 đảng viên")}
TITLE = gettext_lazy("Tổng hợp tiến độ")


def texts(labels: dict[str, Any]) -> dict[str, str]:
    """Lazy labels turned into the request language's text once, not once per table cell."""
    return {code: str(label) for code, label in labels.items()}


def sort_choices(current: str = "") -> list[tuple[str, str]]:
    """The orders the "Xếp theo" list offers (on a phone the only way to sort), and ``current``
    where a column header chose another."""
    lowest = [(code, _("%(figure)s: thấp nhất trước") % {"figure": LABELS[code]}) for code in RATIO_CODES]
    most = [(f"-{code}", _("%(figure)s: nhiều nhất trước") % {"figure": LABELS[code]}) for code in COUNT_CODES]
    choices = [("", _("Thứ tự danh mục")), ("name", _("Tên")),
               (GAP_SORT, _("Thiếu nhiều nhất so với mục tiêu trưởng thôn là đảng viên")), *lowest,
               ("-hamlets", _("Số thôn: nhiều nhất trước")), *most]
    if current.lstrip("-") in SORTS and current not in dict(choices):
        choices.append((current, _("Theo cột đã chọn")))
    return choices


@require_safe  # a page to read: a POST (nothing here takes one) is 405
def dashboard(request: HttpRequest) -> HttpResponse:
    """A province's dashboard; for central staff and administrators without ``?province=``, the country's
    (``dashboard_national``)."""
    scope = Scope.of(request.user)
    period = Period.from_query(request.GET)
    if scope.sees_all and not request.GET.get("province", "").strip():
        from .dashboard_national import national_dashboard

        return national_dashboard(request, scope, period)
    province = scoped_province(request, scope)
    context: dict[str, Any] = {"nav": "dashboard", "title": TITLE, "period": period, "terms": Term.objects.all(),
                               "province": province, "scope": scope}
    if province is None or period.term is None:
        return render(request, "elections/dashboard.html", context)
    layout = choose_layout(scope, period.as_of, period.units)
    district = _district(request, scope, province) if layout == EARLIER else None
    board = Dashboard(scope, province, district, period.term, period.as_of, layout)
    sort, query = request.GET.get("sort", ""), request.GET.get("q", "").strip()
    key = province_key(province)
    rows = board.sorted_rows(sort, query)
    own = {"province": key, "district": district.pk if district and not scope.is_district else None}
    context.update(
        board=board, district=district, commune=Commune.objects.filter(pk=scope.commune_id).first()
        if scope.is_commune else None, rows=rows, total=board.total, sort=sort, q=query, gap_sort=GAP_SORT,
        ratio_codes=RATIO_CODES, count_codes=COUNT_CODES, labels=texts(LABELS), short_labels=texts(SHORT_LABELS),
        sort_choices=sort_choices(sort), charts=board.charts(rows),
        admissions=board.admissions, unit_names=board.unit_names(), province_key=key,
        province_query=period.query(province=key), report_query=period.query(province=key),
        here=period.query(**own, q=query),
        provinces=province_choices(scope, province),
        merged_into=province.successor if province.successor_id else None,
        can_regroup=not scope.is_board and period.as_of < NEW_LIST_FROM,
        unit_word=_("Xã") if board.is_new or district else _("Huyện"),
        admission_unit_word=_("Xã") if board.is_new else _("Huyện"),
        people=board.people.lines(rows), people_total=board.people.total_line(board.total),
        profile_codes=PROFILE_CODES, path_codes=PATH_CODES, people_labels=texts(PEOPLE_LABELS),
        people_short=texts(PEOPLE_SHORT),
    )
    return render(request, "elections/dashboard.html", context)
