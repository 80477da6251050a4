"""The national report (workbooks.md, section 4): the whole country for one term and as-of date.

Only central staff (``Scope.national``), administrators and the command line
may have it (``Scope.sees_all``); anyone else gets ``NationalScopeRequired``.

* Sheet ``Provinces``: one row per province of the list in force on the
  date (the earlier list's 63 before 1 July 2025, the 2025 list's 34 from
  then on, or with ``units="2025"``), in official code order, zeros for a
  province without hamlets, then ``Total``; the columns of the meeting
  report's ``Districts`` from ``Hamlets`` on, each province measured against
  its own target (a 2025 province's target; an earlier province takes the
  target of the 2025 province it lies in). The country has no target of its
  own: the total's target and gap cells stay empty.
* Sheet ``Communes`` (2025 layout only): ``Province``, ``Commune``, then the
  same columns, one row per 2025 commune with hamlets (province code, then
  commune code order), each against its own target or its province's
  (``TargetTable``'s fallback); after a province's communes an ``Unplaced``
  row where hamlets of that province lie in no 2025 commune yet (as the
  province report does), so that the rows add up to the ``Total`` row at
  the bottom.

No ``People`` and no ``Admissions`` sheet. A fixed number of queries,
whatever the country's size: ``QUERIES`` in the earlier layout (the
provinces, the figures by province, the targets), ``QUERIES_2025`` in the
2025 layout (the provinces, the 2025 communes holding hamlets, the figures
by 2025 commune, the unplaced hamlets' figures by province, the targets;
one fewer where no hamlet is unplaced). Every figure counts hamlets, so the
figures of a group of units are the sums of theirs (``add_up``): a
province's in the 2025 layout are its communes' and its unplaced hamlets',
the total is every group's, and the whole country is aggregated by the
database once (not once per sheet and once more for the total).

    report = NationalReport(term, as_of, scope=Scope.of(user), units=None)
    report.provinces_rows()   # [NationalRow, ..., NationalRow(is_total=True)]
    report.communes_rows()    # 2025 layout: communes with hamlets, Unplaced per province, the total
    report.write_xlsx(path_or_binary_stream)
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import IO, Any

from django.db.models import QuerySet

from hamlets.models import Commune, Hamlet, list_in_force
from hamlets.scoping import FULL_SCOPE, Scope

from ..figures import Figures, Ratio, add_up
from ..layout import EARLIER, NEW, choose_layout, province_key, provinces_of_layout
from ..models import Target, TargetTable, Term
from .meeting import CODES, FIGURE_COLUMNS, TARGET_METRIC, TOTAL, UNPLACED, ZERO, UnitRow
from .registry import Report, register
from .xlsx import Column, Table, write_workbook

QUERIES = 3  # the whole report in the earlier layout, whatever the country's size (asserted by the tests)
QUERIES_2025 = 5  # the same in the 2025 layout where some hamlet is unplaced (4 where none is)
WHOLE_COUNTRY = "Toàn quốc / Whole country"


class NationalScopeRequired(PermissionError):
    """The national view and report are for central staff and administrators only."""

    def __init__(self) -> None:
        super().__init__("the national report is for central staff and administrators only")


@dataclass(frozen=True)
class ProvinceUnit:
    """A province the national view lists: its id, name, what a URL names it by, and the id of the
    2025 province whose targets it is measured against."""

    pk: int
    name: str
    key: str
    current_id: int


def national_provinces(scope: Scope, layout: str) -> list[ProvinceUnit]:
    """The provinces of the layout's list in scope, in official code order (one query)."""
    rows = provinces_of_layout(scope, layout).order_by("code").only("pk", "code", "name", "unit_list",
                                                                    "successor_id")
    return [ProvinceUnit(p.pk, p.name, province_key(p), p.successor_id or p.pk) for p in rows]


def province_target_tables(scope: Scope, term: Term, *, metrics: Iterable[str] | None = None,
                           special_area_only: bool | None = None, province_wide: bool = False,
                           year: int | None = None) -> dict[int, TargetTable]:
    """Every (2025) province's targets of the term that hold in ``year`` (the as-of date's), each a
    ``TargetTable`` with its own lookup order, in one query; ``metrics``/``special_area_only`` narrow
    the query, ``province_wide`` leaves the communes' and districts' own targets out."""
    targets = Target.objects.restrict(scope).filter(term=term).for_year(year)
    if metrics is not None:
        targets = targets.filter(metric__in=list(metrics))
    if special_area_only is not None:
        targets = targets.filter(special_area_only=special_area_only)
    if province_wide:
        targets = targets.filter(district__isnull=True, commune__isnull=True)
    tables: dict[int, TargetTable] = {}
    for province_id, *row in targets.values_list(
            "province_id", "district_id", "commune_id", "metric", "special_area_only", "year", "percent"):
        tables.setdefault(province_id, TargetTable(year=year)).add(*row)
    return tables


NO_TARGETS = TargetTable({})


@dataclass(frozen=True)
class NationalRow(UnitRow):
    """A province's (or a 2025 commune's, or the total's) figures on the national report."""

    province: str = ""
    province_id: int | None = None

    @property
    def name(self) -> str:
        return self.commune or self.province


PROVINCE_COLUMN = Column("Province", "text", lambda row: row.province)
PROVINCE_COLUMNS: tuple[Column, ...] = (PROVINCE_COLUMN, *FIGURE_COLUMNS)
NATIONAL_COMMUNE_COLUMNS: tuple[Column, ...] = (PROVINCE_COLUMN, Column("Commune", "text", lambda row: row.commune),
                                                *FIGURE_COLUMNS)
SHEET_TITLES = {
    "Provinces": "Theo tỉnh / By province",
    "Communes": "Theo xã, phường (danh mục từ 01/07/2025), xã có thôn / By commune (2025 list), communes with "
                "hamlets",
}
LIST_TITLES = {NEW: "Tỉnh, xã theo danh mục từ 01/07/2025 / Provinces and communes of the 2025 list",
               EARLIER: "Tỉnh theo danh mục trước 01/07/2025 / Provinces of the earlier list"}
REGROUPED = "Nhóm theo tỉnh, xã, phường từ 01/07/2025 / Grouped by the 2025 provinces and communes"


@register
class NationalReport(Report):
    """The whole country per province (and per 2025 commune) for a meeting of the central staff."""

    code = "national"
    name = ("Báo cáo toàn quốc: đại hội chi bộ và bầu trưởng thôn / "
            "National report: Party cell congresses and hamlet-chief elections")

    def __init__(self, term: Term, as_of: dt.date, scope: Scope | Any = FULL_SCOPE, units: str | None = None):
        super().__init__(None, term, as_of, scope=scope, units=units)
        if not self.scope.sees_all:
            raise NationalScopeRequired
        self.layout = choose_layout(self.scope, as_of, units)

    @property
    def is_new(self) -> bool:
        """The 2025 layout: 34 provinces and the ``Communes`` sheet."""
        return self.layout == NEW

    # --- the rows --------------------------------------------------------

    def provinces_rows(self, total: bool = True) -> list[NationalRow]:
        """One row per province of the layout's list (code order, zeros without hamlets), then the total."""
        by_province = self._by_province
        rows = [NationalRow(district="", province=p.name, province_id=p.pk, ratios=by_province.get(p.pk, ZERO),
                            target_percent=self._target(p.current_id)) for p in self.provinces]
        return [*rows, self.total_row()] if total else rows

    def communes_rows(self, total: bool = True) -> list[NationalRow]:
        """2025 layout: per province (code order) its 2025 communes with hamlets (code order), then its
        ``Unplaced`` row where it has unplaced hamlets; then the total."""
        if not self.is_new:
            return []
        communes: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pk, name, province_id in self._communes:
            communes[province_id].append((pk, name))
        rows: list[NationalRow] = []
        for p in self.provinces:
            rows.extend(NationalRow(district="", province=p.name, province_id=p.pk, commune=name, commune_id=pk,
                                    ratios=self._by_commune.get(pk, ZERO),
                                    target_percent=self._target(p.current_id, pk))
                        for pk, name in communes.get(p.pk, []))
            if p.pk in self._unplaced:
                rows.append(NationalRow(district="", province=p.name, province_id=p.pk, commune=UNPLACED,
                                        ratios=self._unplaced[p.pk], target_percent=self._target(p.current_id)))
        return [*rows, self.total_row()] if total else rows

    def total_row(self) -> NationalRow:
        """The whole country; no target (each province has its own)."""
        return NationalRow(district="", province=TOTAL, ratios=self._total, is_total=True)

    # --- the workbook ----------------------------------------------------

    def titles(self, sheet: str) -> list[str]:
        titles = [str(self.name), WHOLE_COUNTRY, f"Nhiệm kỳ / Term {self.term.name}",
                  f"Tính đến ngày / As of {self.as_of:%d/%m/%Y}", LIST_TITLES[self.layout], SHEET_TITLES[sheet]]
        if self.is_new and list_in_force(self.as_of) != NEW:
            titles.append(REGROUPED)
        return titles

    def tables(self) -> list[Table]:
        tables = [Table("Provinces", self.titles("Provinces"), PROVINCE_COLUMNS, self.provinces_rows())]
        if self.is_new:
            tables.append(Table("Communes", self.titles("Communes"), NATIONAL_COMMUNE_COLUMNS, self.communes_rows(),
                                frozen_columns=2))
        return tables

    def write_xlsx(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        write_workbook(target, self.tables(), title=f"{self.name} - {self.term.name}")

    # --- the queries: each runs once, when first needed ------------------

    @property
    def hamlets(self) -> QuerySet[Hamlet]:
        return Hamlet.objects.restrict(self.scope)

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.hamlets, self.term, self.as_of)

    @cached_property
    def provinces(self) -> list[ProvinceUnit]:
        return national_provinces(self.scope, self.layout)

    @cached_property
    def _by_province(self) -> dict[int | None, dict[str, Ratio]]:
        """Each province's figures: the database's by earlier province (earlier layout); the sums of its
        2025 communes' and of its unplaced hamlets' (2025 layout)."""
        if not self.is_new:
            return self.figures.by("province", CODES)
        parts: dict[int, list[Mapping[str, Ratio]]] = defaultdict(list)
        province_of = {pk: province_id for pk, _name, province_id in self._communes}
        for commune_id, ratios in self._by_commune.items():
            if commune_id is not None and commune_id in province_of:
                parts[province_of[commune_id]].append(ratios)
        for province_id, ratios in self._unplaced.items():
            parts[province_id].append(ratios)
        return {province_id: add_up(groups, CODES) for province_id, groups in parts.items()}

    @cached_property
    def _total(self) -> dict[str, Ratio]:
        """Every hamlet counted: the sum of every group the database returned (those of no listed unit too)."""
        groups = self._by_commune if self.is_new else self._by_province
        return add_up(groups.values(), CODES)

    @cached_property
    def _by_commune(self) -> dict[int | None, dict[str, Ratio]]:
        return self.figures.by("new_commune", CODES)

    @cached_property
    def _unplaced(self) -> dict[int, dict[str, Ratio]]:
        """The unplaced hamlets' figures by their (2025) province; no query where none is unplaced."""
        if None not in self._by_commune:
            return {}
        return Figures(self.hamlets.unplaced(), self.term, self.as_of).by("new_province", CODES)

    @cached_property
    def _communes(self) -> list[tuple[int, str, int]]:
        """(id, name, province id) of the 2025 communes holding hamlets, in province and commune code order."""
        communes = Commune.objects.restrict(self.scope).new().filter(
            pk__in=self.hamlets.order_by().values("new_commune_id"))
        return list(communes.order_by("province__code", "code").values_list("pk", "name", "province_id"))

    @cached_property
    def _targets(self) -> dict[int, TargetTable]:
        return province_target_tables(self.scope, self.term, metrics=[TARGET_METRIC], special_area_only=False,
                                      year=self.as_of.year)

    def _target(self, province_id: int, commune_id: int | None = None) -> Decimal | None:
        return self._targets.get(province_id, NO_TARGETS).get(TARGET_METRIC, commune_id=commune_id)
