"""The figures of the domain brief, computed by the database.

Every figure is a ratio: a count of hamlets that meet a condition over a
count of hamlets of the scope (``domain.md``, "The figures users read").
Each is defined once, in ``FIGURES``, as a numerator and a denominator
condition on a hamlet; ``Figures`` turns any set of them into one aggregate
SQL query, grouped by province, district or commune, for one term and as-of
date. Hamlet-level facts (latest chief election on the date, congress held,
cell present) are correlated subqueries, so nothing multiplies rows.

    figures = Figures(Hamlet.objects.in_province(nghe_an), term, as_of)
    figures.by("district")            # {district_id: {code: Ratio}}, one query
    figures.total()                   # {code: Ratio}, one query
    figures.ratio("chief_members", by="district")  # one figure, one query
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import ExtractYear
from django.db.models.lookups import In, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from hamlets.models import District, Hamlet, PartyCell, PartyMember

from .models import AdmissionTarget, Congress, Metric, PartyRole, Term
from .results import elections_until

Level = Literal["province", "district", "commune"]
GROUP_FIELDS: dict[str, str] = {
    "province": "commune__district__province_id",
    "district": "commune__district_id",
    "commune": "commune_id",
}


@dataclass(frozen=True)
class Ratio:
    """A count over its denominator; never shown without both."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> Decimal | None:
        """The exact fraction (0..1), or None when the denominator is 0."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    @property
    def percent(self) -> Decimal | None:
        """Percentage rounded half-up to two decimals, as shown on screen."""
        fraction = self.fraction
        if fraction is None:
            return None
        return (fraction * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        percent = self.percent
        return f"{self.numerator}/{self.denominator}" + (f" ({percent}%)" if percent is not None else "")


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    numerator: str
    denominator: str
    metric: str | None = None  # the Target metric this figure is measured against


# Conditions on one hamlet, by name; ``Figures._conditions`` gives each its SQL.
FIGURES: tuple[Figure, ...] = (
    Figure("elections", _("Hoàn thành bầu trưởng thôn"), "elected", "all", Metric.ELECTIONS),
    Figure("chief_members", _("Trưởng thôn là đảng viên"), "chief_member", "elected", Metric.CHIEF_MEMBERS),
    Figure("congresses", _("Hoàn thành đại hội chi bộ"), "congress", "cell", Metric.CONGRESSES),
    Figure("chief_secretary", _("Trưởng thôn kiêm bí thư"), "chief_secretary", "all"),
    Figure("chief_deputy", _("Trưởng thôn kiêm phó bí thư"), "chief_deputy", "all"),
    Figure("chief_secretary_or_deputy", _("Trưởng thôn kiêm bí thư hoặc phó bí thư"),
           "chief_secretary_or_deputy", "all", Metric.CHIEF_SECRETARY_OR_DEPUTY),
    Figure("without_cell", _("Thôn chưa có chi bộ"), "without_cell", "all"),
    Figure("without_members", _("Thôn chưa có đảng viên"), "without_members", "all"),
    Figure("one_two_members", _("Thôn có 1-2 đảng viên"), "one_two_members", "all"),
    Figure("cells_at_risk", _("Chi bộ có nguy cơ (3-4 đảng viên)"), "cell_at_risk", "cell"),
    Figure("special_area", _("Thôn đặc thù"), "special_area", "all"),
    Figure("project01", _("Thôn thuộc Đề án 01"), "project01", "all"),
)
FIGURES_BY_CODE = {f.code: f for f in FIGURES}
# The Project 01 counts (domain.md item 5) split by special area and Project 01.
SPLIT_CODES = ("without_cell", "without_members", "one_two_members", "cells_at_risk")


class Figures:
    """All figures of a set of hamlets for one term and one as-of date."""

    def __init__(self, hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date):
        self.hamlets = hamlets
        self.term = term
        self.as_of = as_of

    def _conditions(self) -> dict[str, Q]:
        term, as_of = self.term, self.as_of
        # The chief in office on the date is the latest one elected; a member
        # from the admission date on, whenever that was.
        latest = elections_until(term, as_of)
        chief_since = Subquery(latest.values("chief_member_since")[:1])
        chief_role = Subquery(latest.values("chief_party_role")[:1])
        chief_member = Q(LessThanOrEqual(chief_since, Value(as_of)))

        cell = Q(Exists(PartyCell.objects.filter(hamlet=OuterRef("pk"), active=True)))
        congress = cell & Q(Exists(Congress.objects.filter(
            cell__hamlet=OuterRef("pk"), term=term, held_on__lte=as_of)))

        def chief_role_in(*roles: str) -> Q:
            return chief_member & congress & Q(In(chief_role, list(roles)))

        conditions = {
            "all": Q(),
            "elected": Q(Exists(latest)),
            "chief_member": chief_member,
            "cell": cell,
            "congress": congress,
            "chief_secretary": chief_role_in(PartyRole.SECRETARY),
            "chief_deputy": chief_role_in(PartyRole.DEPUTY),
            "chief_secretary_or_deputy": chief_role_in(PartyRole.SECRETARY, PartyRole.DEPUTY),
            "without_cell": ~cell,
            "without_members": Q(party_members=0),
            "one_two_members": Q(party_members__gte=1, party_members__lte=2),
            "cell_at_risk": cell & Q(party_members__gte=3, party_members__lte=4),
            "special_area": Q(special_area=True),
            "project01": Q(project01=True),
        }
        return conditions

    def _counts(self, figures: Iterable[Figure], splits: bool) -> dict[str, Count]:
        conditions = self._conditions()
        names: set[str] = set()
        for figure in figures:
            names.update((figure.numerator, figure.denominator))
        counts = {f"n_{name}": Count("pk", filter=conditions[name] or None) for name in names}
        if splits:
            for code in SPLIT_CODES:
                figure = FIGURES_BY_CODE[code]
                for flag in ("special_area", "project01"):
                    counts[f"n_{figure.numerator}__{flag}"] = Count(
                        "pk", filter=conditions[figure.numerator] & conditions[flag])
        return counts

    def _ratios(self, row: dict[str, int], figures: Sequence[Figure], splits: bool) -> dict[str, Ratio]:
        result = {f.code: Ratio(row[f"n_{f.numerator}"] or 0, row[f"n_{f.denominator}"] or 0) for f in figures}
        if splits:
            for code in SPLIT_CODES:
                figure = FIGURES_BY_CODE[code]
                for flag in ("special_area", "project01"):
                    result[f"{code}__{flag}"] = Ratio(row[f"n_{figure.numerator}__{flag}"] or 0, row[f"n_{flag}"] or 0)
        return result

    def _select(self, codes: Sequence[str] | None) -> tuple[list[Figure], bool]:
        figures = list(FIGURES) if codes is None else [FIGURES_BY_CODE[c] for c in codes]
        return figures, codes is None

    def by(self, level: Level, codes: Sequence[str] | None = None) -> dict[int, dict[str, Ratio]]:
        """{unit id: {figure code: Ratio}} for every unit that has hamlets; one query.

        Without ``codes`` all figures come back, with the four hamlet counts
        of item 5 split by special area and Project 01 (``"cells_at_risk__project01"``).
        """
        figures, splits = self._select(codes)
        counts = self._counts(figures, splits)
        group = GROUP_FIELDS[level]
        rows = self.hamlets.order_by().values(group).annotate(**counts)
        return {row[group]: self._ratios(row, figures, splits) for row in rows}

    def total(self, codes: Sequence[str] | None = None) -> dict[str, Ratio]:
        """The same figures over the whole set of hamlets; one query."""
        figures, splits = self._select(codes)
        counts = self._counts(figures, splits)
        row = self.hamlets.order_by().aggregate(**counts)
        return self._ratios(row, figures, splits)

    def ratio(self, code: str, by: Level) -> dict[int, Ratio]:
        """One figure per unit: {unit id: Ratio}; one query."""
        return {unit: ratios[code] for unit, ratios in self.by(by, [code]).items()}


@dataclass(frozen=True)
class AdmissionRow:
    district_id: int
    year: int
    admitted: int
    sitting_chiefs: int
    target: int | None

    @property
    def ratio(self) -> Ratio | None:
        """Admitted over the target (may exceed 100%); None without a target."""
        return Ratio(self.admitted, self.target) if self.target is not None else None


def admissions(districts: QuerySet[District], as_of: dt.date,
               members: QuerySet[PartyMember] | None = None) -> list[AdmissionRow]:
    """Admissions per district and calendar year up to ``as_of``, against the
    districts' annual targets: one query on members, one on targets."""
    members = PartyMember.objects.all() if members is None else members
    counted = (members.filter(hamlet__commune__district__in=districts, admitted_on__lte=as_of)
               .annotate(year=ExtractYear("admitted_on")).order_by()
               .values("hamlet__commune__district_id", "year")
               .annotate(admitted=Count("pk"), sitting=Count("pk", filter=Q(sitting_chief=True))))
    table: dict[tuple[int, int], list[int | None]] = {
        (r["hamlet__commune__district_id"], r["year"]): [r["admitted"], r["sitting"], None] for r in counted}
    targets = AdmissionTarget.objects.filter(district__in=districts, year__lte=as_of.year)
    for district_id, year, target in targets.values_list("district_id", "year", "target"):
        table.setdefault((district_id, year), [0, 0, None])[2] = target
    return [AdmissionRow(d, y, a or 0, s or 0, t) for (d, y), (a, s, t) in sorted(table.items())]
