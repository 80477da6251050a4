"""The meeting report (workbooks.md, sections 2 and 3): one province, one term, one as-of date.

The as-of date decides the layout (``elections.layout``): before 1 July
2025 the earlier list's sheets ``Districts``, ``Communes`` (district,
commune) and ``Admissions`` per district; from that day, with
``units="2025"``, or for a commune board, the 2025 list's ``Communes`` (one
row per 2025 commune of the province, ``Unplaced``, ``Total``) and
``Admissions`` per commune. District boards always get the earlier layout.

Every count comes from the figures engine (``elections.figures``), i.e.
from database aggregates, and the whole report costs a fixed number of
queries whatever the province's size: ``QUERIES`` in the earlier layout
(the districts, the figures by district, the figures by commune, the
communes' names, the targets, the admissions: members, targets, and the
people figures by district; the province total is the districts' sum),
``QUERIES_2025`` in the 2025 layout (the communes, the figures by commune,
the targets, the admissions, the people figures by commune).

    report = MeetingReport(province, term, as_of, scope=Scope.of(user), units=None)
    report.districts_rows()    # [UnitRow, ..., UnitRow(is_total=True)]   (earlier layout)
    report.communes_rows()     # communes with hamlets, then the total    (earlier layout)
    report.new_communes_rows() # every 2025 commune, Unplaced, the total  (2025 layout)
    report.admissions_rows()   # [AdmissionLine] of the report's layout
    report.people_rows()       # the People sheet's rows (workbooks.md section 5), either layout
    report.write_xlsx(path_or_binary_stream)

The rows hold ``Ratio`` objects (``row["chief_members"]`` is ``214/218``),
the target as a percentage and the gap as an exact ``Fraction``, so the
dashboard renders the same rows the workbook is written from;
``DISTRICT_COLUMNS``, ``COMMUNE_COLUMNS`` and ``ADMISSION_COLUMNS`` give
the header texts and how each value is read from a row (``NEW_COMMUNE_COLUMNS`` and
``NEW_ADMISSION_COLUMNS`` in the 2025 layout).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import IO, Any

from hamlets.models import Commune, Hamlet, Province, list_in_force
from hamlets.scoping import FULL_SCOPE, Scope

from ..admissions import AdmissionRow, admissions, admissions_by_commune
from ..figures import Figures, Ratio, add_up
from ..layout import NEW, choose_layout, districts_of, new_communes_of
from ..models import Metric, Target, TargetTable, Term
from ..people_figures import PeopleFigures
from . import people_sheet
from .registry import Report, register
from .xlsx import Column, Table, write_workbook

TOTAL = "Total"
UNPLACED = "Unplaced"  # the 2025 layout's row of the hamlets that lie in no 2025 commune yet
# The figures the report shows, by engine code; each also gives its denominator.
CODES: tuple[str, ...] = ("elections", "chief_members", "congresses", "chief_secretary", "chief_deputy",
                          "without_cell", "without_members", "one_two_members", "cells_at_risk")
ZERO: Mapping[str, Ratio] = {code: Ratio(0, 0) for code in CODES}
TARGET_METRIC = Metric.CHIEF_MEMBERS
QUERIES = 8  # the whole report, whatever the province's size (asserted by the tests)
QUERIES_2025 = 6  # the same in the 2025 layout


@lru_cache(maxsize=256)
def _fraction(percent: Decimal) -> Fraction:
    """A target percentage as an exact fraction (90 -> 9/10); a province has a handful of distinct
    targets, and the rows ask for them thousands of times."""
    return Fraction(percent) / 100


@dataclass(frozen=True)
class UnitRow:
    """A district's, a commune's or the total's figures, as the sheets show them."""

    district: str
    ratios: Mapping[str, Ratio] = field(default_factory=lambda: ZERO)
    target_percent: Decimal | None = None  # target for all hamlets, 0..100, after the fallback
    commune: str = ""
    district_id: int | None = None
    commune_id: int | None = None
    is_total: bool = False

    def __getitem__(self, code: str) -> Ratio:
        return self.ratios[code]

    @property
    def name(self) -> str:
        """What the first cell shows: the commune, else the district (``Total``)."""
        return self.commune or self.district

    @property
    def hamlets(self) -> int:
        return self.ratios["elections"].denominator

    @property
    def party_cells(self) -> int:
        return self.ratios["congresses"].denominator

    @property
    def target(self) -> Fraction | None:
        """The target for Chiefs who are Party members as a fraction (100 -> 1)."""
        return None if self.target_percent is None else _fraction(self.target_percent)

    @cached_property
    def gap(self) -> Fraction | None:
        """Chiefs who are Party members % minus the target, exactly; None if either is missing.
        Worked out once per row: the sheet reads it for its column and for the highlight."""
        ratio, target = self.ratios["chief_members"], self.target
        if target is None or not ratio.denominator:
            return None
        return Fraction(ratio.numerator, ratio.denominator) - target

    @property
    def below_target(self) -> bool:
        gap = self.gap
        return gap is not None and gap < 0


@dataclass(frozen=True)
class AdmissionLine:
    """Admissions of one district (or one 2025 commune, or the unplaced hamlets) in one calendar
    year against its target."""

    district: str
    year: int
    admitted: int
    sitting_chiefs: int
    target: int | None
    district_id: int | None = None
    commune: str = ""
    commune_id: int | None = None

    @property
    def ratio(self) -> Ratio | None:
        """Admitted over the target (may exceed 100%); None without a target."""
        return None if self.target is None else Ratio(self.admitted, self.target)


def _numerator(code: str) -> Any:
    return lambda row: row[code].numerator


def _ratio(code: str) -> Any:
    return lambda row: row[code]


FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("Hamlets", "count", lambda row: row.hamlets),
    Column("Chief elections completed", "count", _numerator("elections")),
    Column("Chief elections completed %", "percent", _ratio("elections")),
    Column("Chiefs who are Party members", "count", _numerator("chief_members")),
    Column("Chiefs who are Party members %", "percent", _ratio("chief_members")),
    Column("Party cells", "count", lambda row: row.party_cells),
    Column("Congresses completed", "count", _numerator("congresses")),
    Column("Congresses completed %", "percent", _ratio("congresses")),
    Column("Chiefs also secretary", "count", _numerator("chief_secretary")),
    Column("Chiefs also deputy secretary", "count", _numerator("chief_deputy")),
    Column("Hamlets without Party cell", "count", _numerator("without_cell")),
    Column("Hamlets without Party members", "count", _numerator("without_members")),
    Column("Hamlets with 1-2 members", "count", _numerator("one_two_members")),
    Column("Cells at risk (3-4 members)", "count", _numerator("cells_at_risk")),
    Column("Target: Chiefs who are Party members %", "percent", lambda row: row.target),
    Column("Gap to target", "percent", lambda row: row.gap),
)
DISTRICT_COLUMN = Column("District", "text", lambda row: row.district)
DISTRICT_COLUMNS: tuple[Column, ...] = (DISTRICT_COLUMN, *FIGURE_COLUMNS)
COMMUNE_COLUMNS: tuple[Column, ...] = (DISTRICT_COLUMN, Column("Commune", "text", lambda row: row.commune),
                                       *FIGURE_COLUMNS)
ADMISSION_FIGURES: tuple[Column, ...] = (
    Column("Year", "year", lambda line: line.year),
    Column("Admitted", "count", lambda line: line.admitted),
    Column("Target", "count", lambda line: line.target),
    Column("Admitted % of target", "percent", lambda line: line.ratio),
    Column("Sitting chiefs admitted", "count", lambda line: line.sitting_chiefs),
)
ADMISSION_COLUMNS: tuple[Column, ...] = (DISTRICT_COLUMN, *ADMISSION_FIGURES)
# The 2025 layout (workbooks.md, section 3): the first column is the 2025 commune.
NEW_COMMUNE_COLUMNS: tuple[Column, ...] = (Column("Commune", "text", lambda row: row.name), *FIGURE_COLUMNS)
NEW_ADMISSION_COLUMNS: tuple[Column, ...] = (Column("Commune", "text", lambda line: line.commune),
                                             *ADMISSION_FIGURES)
SHEET_TITLES = {
    "Districts": "Theo huyện / By district",
    "Communes": "Theo xã / By commune (communes with hamlets)",
    "Admissions": "Kết nạp đảng viên theo năm / Party admissions by year",
    "People": people_sheet.TITLES[False],
}
NEW_SHEET_TITLES = {
    "Communes": "Theo xã, phường (danh mục từ 01/07/2025) / By commune (2025 list)",
    "Admissions": "Kết nạp đảng viên theo năm và xã, phường / Party admissions by year and commune (2025 list)",
    "People": people_sheet.TITLES[True],
}
REGROUPED = "Nhóm theo xã, phường từ 01/07/2025 / Grouped by the 2025 communes"


@register
class MeetingReport(Report):
    """Districts, communes and admissions of one province for a meeting."""

    code = "meeting"
    name = ("Báo cáo tiến độ đại hội chi bộ và bầu trưởng thôn / "
            "Party cell congresses and hamlet-chief elections")

    def __init__(self, province: Province, term: Term, as_of: Any, scope: Scope | Any = FULL_SCOPE,
                 units: str | None = None):
        super().__init__(province, term, as_of, scope=scope, units=units)
        self.layout = choose_layout(self.scope, as_of, units)

    @property
    def is_new(self) -> bool:
        """The 2025 layout (workbooks.md, section 3)."""
        return self.layout == NEW

    # --- the rows (what a page renders) ---------------------------------

    def districts_rows(self, total: bool = True) -> list[UnitRow]:
        """One row per official district of the province in scope (code order,
        zeros without hamlets), then the total row."""
        rows = [UnitRow(district=name, ratios=self._by_district.get(pk, ZERO), district_id=pk,
                        target_percent=self._target(pk)) for pk, name in self._districts]
        return [*rows, self.total_row()] if total else rows

    def communes_rows(self, total: bool = True) -> list[UnitRow]:
        """One row per commune that has hamlets (district code, commune code order), then the total row."""
        names = dict(self._districts)
        rows = [UnitRow(district=names[district_id], commune=name, ratios=self._by_commune.get(pk, ZERO),
                        district_id=district_id, commune_id=pk, target_percent=self._target(district_id))
                for pk, name, district_id in self._communes if district_id in names]
        return [*rows, self.total_row()] if total else rows

    def new_communes_rows(self, total: bool = True) -> list[UnitRow]:
        """2025 layout: one row per 2025 commune of the province in scope (code order, zeros without
        hamlets), then ``Unplaced`` where counted hamlets lie in no 2025 commune, then the total row."""
        rows = [UnitRow(district="", commune=name, ratios=self._by_new_commune.get(pk, ZERO), commune_id=pk,
                        target_percent=self._target(commune_id=pk)) for pk, name in self._new_communes]
        if None in self._by_new_commune:
            rows.append(UnitRow(district="", commune=UNPLACED, ratios=self._by_new_commune[None],
                                target_percent=self._target()))
        return [*rows, self.total_row()] if total else rows

    def total_row(self) -> UnitRow:
        """The whole scope; its target is the province-wide one (a board's: its district's or commune's)."""
        return UnitRow(district=TOTAL, ratios=self._total, is_total=True,
                       target_percent=self._target(self.scope.district_id, self.scope.commune_id))

    def admissions_rows(self) -> list[AdmissionLine]:
        """One line per unit of the layout and year with admissions or a target, up to the as-of year
        (2025 layout: the unplaced hamlets' admissions last, as ``Unplaced``)."""
        if self.is_new:
            return self._new_admissions_rows()
        names = dict(self._districts)
        order = {pk: i for i, (pk, _name) in enumerate(self._districts)}
        lines = [AdmissionLine(names[r.district_id], r.year, r.admitted, r.sitting_chiefs, r.target, r.district_id)
                 for r in self._admissions if r.district_id in names]
        return sorted(lines, key=lambda line: (order[line.district_id], line.year))

    def _new_admissions_rows(self) -> list[AdmissionLine]:
        names: dict[int | None, str] = {**dict(self._new_communes), None: UNPLACED}
        order = {pk: i for i, pk in enumerate(names)}
        lines = [AdmissionLine("", r.year, r.admitted, r.sitting_chiefs, r.target, commune=names[r.unit_id],
                               commune_id=r.unit_id) for r in self._admissions if r.unit_id in names]
        return sorted(lines, key=lambda line: (order[line.commune_id], line.year))

    def people_rows(self) -> list[people_sheet.PeopleRow]:
        """The ``People`` sheet: per district (earlier layout) or per 2025 commune with ``Unplaced``
        (2025 layout), as the layout's first sheet lists them, then ``Total``."""
        if self.is_new:
            return people_sheet.rows(self._new_communes, self._people, unplaced=UNPLACED, total=TOTAL)
        return people_sheet.rows(self._districts, self._people, total=TOTAL)

    # --- the workbook ----------------------------------------------------

    def titles(self, sheet: str) -> list[str]:
        province = self.province.name
        if self.province.successor_id:  # an earlier province that merged: its own hamlets only
            province += f" (danh mục trước 01/07/2025, nay thuộc / earlier list, now in {self.province.successor})"
        titles = [str(self.name), province, f"Nhiệm kỳ / Term {self.term.name}",
                  f"Tính đến ngày / As of {self.as_of:%d/%m/%Y}",
                  (NEW_SHEET_TITLES if self.is_new else SHEET_TITLES)[sheet]]
        if self.is_new and list_in_force(self.as_of) != NEW:
            titles.append(REGROUPED)
        if self.scope.is_district:
            titles.append(f"Phạm vi / Scope: {', '.join(name for _pk, name in self._districts)}")
        if self.scope.is_commune:
            titles.append(f"Phạm vi / Scope: {', '.join(name for _pk, name in self._new_communes)}")
        return titles

    def tables(self) -> list[Table]:
        if self.is_new:
            return [
                Table("Communes", self.titles("Communes"), NEW_COMMUNE_COLUMNS, self.new_communes_rows()),
                Table("Admissions", self.titles("Admissions"), NEW_ADMISSION_COLUMNS, self.admissions_rows()),
                Table(people_sheet.SHEET, self.titles("People"), people_sheet.columns("Commune"), self.people_rows()),
            ]
        return [
            Table("Districts", self.titles("Districts"), DISTRICT_COLUMNS, self.districts_rows()),
            Table("Communes", self.titles("Communes"), COMMUNE_COLUMNS, self.communes_rows(), frozen_columns=2),
            Table("Admissions", self.titles("Admissions"), ADMISSION_COLUMNS, self.admissions_rows()),
            Table(people_sheet.SHEET, self.titles("People"), people_sheet.columns("District"), self.people_rows()),
        ]

    def write_xlsx(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        write_workbook(target, self.tables(), title=f"{self.name} - {self.province.name} - {self.term.name}")

    # --- the queries: each runs once, when first needed ------------------

    @property
    def hamlets(self) -> Any:
        return Hamlet.objects.in_province(self.province).restrict(self.scope)

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.hamlets, self.term, self.as_of)

    @cached_property
    def _districts(self) -> list[tuple[int, str]]:
        """The earlier list's districts in scope: for a 2025 province, those of every earlier province
        merged into it."""
        return list(districts_of(self.province, self.scope).order_by("code").values_list("pk", "name"))

    @cached_property
    def _new_communes(self) -> list[tuple[int, str]]:
        """The 2025 communes of the province in scope, in official code order."""
        communes = new_communes_of(self.province, self.scope, self.hamlets)
        return list(communes.order_by("code").values_list("pk", "name"))

    @cached_property
    def _by_new_commune(self) -> dict[int | None, dict[str, Ratio]]:
        return self.figures.by("new_commune", CODES)

    @cached_property
    def _by_district(self) -> dict[int, dict[str, Ratio]]:
        return self.figures.by("district", CODES)

    @cached_property
    def _total(self) -> dict[str, Ratio]:
        """The sums of the layout's groups (each hamlet lies in exactly one, None included: the unplaced, or
        those of no district), not one more query over the same hamlets."""
        return add_up((self._by_new_commune if self.is_new else self._by_district).values(), CODES)

    @cached_property
    def _by_commune(self) -> dict[int, dict[str, Ratio]]:
        return self.figures.by("commune", CODES)

    @cached_property
    def _people(self) -> dict[int | None, dict[str, Ratio]]:
        """The people figures per unit of the layout (district, or 2025 commune with None: unplaced)."""
        return PeopleFigures(self.hamlets, self.term, self.as_of).by("new_commune" if self.is_new else "district")

    @cached_property
    def _communes(self) -> list[tuple[int, str, int]]:
        communes = Commune.objects.filter(pk__in=self.hamlets.order_by().values("commune_id"))
        return list(communes.order_by("district__code", "code").values_list("pk", "name", "district_id"))

    @cached_property
    def _targets(self) -> TargetTable:
        return Target.objects.restrict(self.scope).for_province(self.province, self.term, self.as_of.year)

    def _target(self, district_id: int | None = None, commune_id: int | None = None) -> Decimal | None:
        return self._targets.get(TARGET_METRIC, district_id, commune_id=commune_id)

    @cached_property
    def _admissions(self) -> list[AdmissionRow]:
        first = self.term.start_year
        if self.is_new:
            return admissions_by_commune(self.hamlets, self.as_of, scope=self.scope, first_year=first,
                                         communes=new_communes_of(self.province, self.scope, self.hamlets))
        return admissions(districts_of(self.province, self.scope), self.as_of, scope=self.scope,
                          first_year=first)

