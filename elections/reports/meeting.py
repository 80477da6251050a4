"""The meeting report (workbooks.md, section 2): one province, one term, one as-of date.

Every count comes from the figures engine (``elections.figures``), i.e.
from database aggregates, and the whole report costs a fixed number of
queries whatever the province's size (``QUERIES``): the districts, the
figures by district, the province total, the figures by commune, the
communes' names, the targets, and the admissions (members, targets).

    report = MeetingReport(province, term, as_of, scope=Scope.of(user))
    report.districts_rows()    # [UnitRow, ..., UnitRow(is_total=True)]
    report.communes_rows()     # communes with hamlets, then the total
    report.admissions_rows()   # [AdmissionLine]
    report.write_xlsx(path_or_binary_stream)

The rows hold ``Ratio`` objects (``row["chief_members"]`` is ``214/218``),
the target as a percentage and the gap as an exact ``Fraction``, so the
dashboard renders the same rows the workbook is written from;
``DISTRICT_COLUMNS``, ``COMMUNE_COLUMNS`` and ``ADMISSION_COLUMNS`` give
the header texts and how each value is read from a row.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import IO, Any

from hamlets.models import Commune, District, Hamlet, PartyMember

from ..figures import AdmissionRow, Figures, Ratio, admissions
from ..models import Metric, Target, TargetTable
from .registry import Report, register
from .xlsx import Column, Table, write_workbook

TOTAL = "Total"
# The figures the report shows, by engine code; each also gives its denominator.
CODES: tuple[str, ...] = ("elections", "chief_members", "congresses", "chief_secretary", "chief_deputy",
                          "without_cell", "without_members", "one_two_members", "cells_at_risk")
ZERO: Mapping[str, Ratio] = {code: Ratio(0, 0) for code in CODES}
TARGET_METRIC = Metric.CHIEF_MEMBERS
QUERIES = 8  # the whole report, whatever the province's size (asserted by the tests)


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
    def hamlets(self) -> int:
        return self.ratios["elections"].denominator

    @property
    def party_cells(self) -> int:
        return self.ratios["congresses"].denominator

    @property
    def target(self) -> Fraction | None:
        """The target for Chiefs who are Party members as a fraction (100 -> 1)."""
        return None if self.target_percent is None else Fraction(self.target_percent) / 100

    @property
    def gap(self) -> Fraction | None:
        """Chiefs who are Party members % minus the target, exactly; None if either is missing."""
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
    """Admissions of one district in one calendar year against its target."""

    district: str
    year: int
    admitted: int
    sitting_chiefs: int
    target: int | None
    district_id: int | None = None

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
ADMISSION_COLUMNS: tuple[Column, ...] = (
    DISTRICT_COLUMN,
    Column("Year", "year", lambda line: line.year),
    Column("Admitted", "count", lambda line: line.admitted),
    Column("Target", "count", lambda line: line.target),
    Column("Admitted % of target", "percent", lambda line: line.ratio),
    Column("Sitting chiefs admitted", "count", lambda line: line.sitting_chiefs),
)
SHEET_TITLES = {
    "Districts": "Theo huyện / By district",
    "Communes": "Theo xã / By commune (communes with hamlets)",
    "Admissions": "Kết nạp đảng viên theo năm / Party admissions by year",
}


@register
class MeetingReport(Report):
    """Districts, communes and admissions of one province for a meeting."""

    code = "meeting"
    name = ("Báo cáo tiến độ đại hội chi bộ và bầu trưởng thôn / "
            "Party cell congresses and hamlet-chief elections")

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

    def total_row(self) -> UnitRow:
        """The whole scope; its target is the province-wide one (a district board's: its district's)."""
        return UnitRow(district=TOTAL, ratios=self._total, target_percent=self._target(self.scope.district_id),
                       is_total=True)

    def admissions_rows(self) -> list[AdmissionLine]:
        """One line per district and year with admissions or a target, up to the as-of year."""
        names = dict(self._districts)
        order = {pk: i for i, (pk, _name) in enumerate(self._districts)}
        lines = [AdmissionLine(names[r.district_id], r.year, r.admitted, r.sitting_chiefs, r.target, r.district_id)
                 for r in self._admissions if r.district_id in names]
        return sorted(lines, key=lambda line: (order[line.district_id], line.year))

    # --- the workbook ----------------------------------------------------

    def titles(self, sheet: str) -> list[str]:
        titles = [str(self.name), self.province.name, f"Nhiệm kỳ / Term {self.term.name}",
                  f"Tính đến ngày / As of {self.as_of:%d/%m/%Y}", SHEET_TITLES[sheet]]
        if self.scope.is_district:
            titles.append(f"Phạm vi / Scope: {', '.join(name for _pk, name in self._districts)}")
        return titles

    def tables(self) -> list[Table]:
        return [
            Table("Districts", self.titles("Districts"), DISTRICT_COLUMNS, self.districts_rows()),
            Table("Communes", self.titles("Communes"), COMMUNE_COLUMNS, self.communes_rows(), frozen_columns=2),
            Table("Admissions", self.titles("Admissions"), ADMISSION_COLUMNS, self.admissions_rows()),
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
        return list(District.objects.filter(province=self.province).restrict(self.scope)
                    .order_by("code").values_list("pk", "name"))

    @cached_property
    def _by_district(self) -> dict[int, dict[str, Ratio]]:
        return self.figures.by("district", CODES)

    @cached_property
    def _total(self) -> dict[str, Ratio]:
        return self.figures.total(CODES)

    @cached_property
    def _by_commune(self) -> dict[int, dict[str, Ratio]]:
        return self.figures.by("commune", CODES)

    @cached_property
    def _communes(self) -> list[tuple[int, str, int]]:
        communes = Commune.objects.filter(pk__in=self.hamlets.order_by().values("commune_id"))
        return list(communes.order_by("district__code", "code").values_list("pk", "name", "district_id"))

    @cached_property
    def _targets(self) -> TargetTable:
        return Target.objects.restrict(self.scope).for_province(self.province, self.term)

    def _target(self, district_id: int | None) -> Decimal | None:
        return self._targets.get(TARGET_METRIC, district_id)

    @cached_property
    def _admissions(self) -> list[AdmissionRow]:
        districts = District.objects.filter(province=self.province).restrict(self.scope)
        return admissions(districts, self.as_of, members=PartyMember.objects.restrict(self.scope))

