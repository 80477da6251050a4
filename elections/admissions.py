"""Admissions of new members per unit and calendar year, against the annual targets (``domain.md``):
the dashboards' and the meeting report's Admissions tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from hamlets.models import Commune, District, Hamlet, PartyMember

from .facts import HAMLET_PATHS, unit_conditions
from .figures import Ratio
from .models import AdmissionTarget


@dataclass(frozen=True)
class AdmissionRow:
    unit_id: int | None  # a district (earlier layout) or a 2025 commune (None: unplaced hamlets)
    year: int
    admitted: int
    sitting_chiefs: int
    target: int | None

    @property
    def district_id(self) -> int | None:
        return self.unit_id

    @property
    def ratio(self) -> Ratio | None:
        """Admitted over the target (may exceed 100%); None without a target."""
        return Ratio(self.admitted, self.target) if self.target is not None else None


def admitted_by_year(members: QuerySet[PartyMember], group: str, first_year: int | None,
                     as_of: dt.date) -> dict[tuple[int | None, int], list[int | None]]:
    """{(group, year): [admitted, of them sitting chiefs]} for the members admitted from ``first_year`` up
    to ``as_of``: one query. Counted on ``hamlet`` (never null) rather than the pk, so that PostgreSQL
    reads them from a covering index alone; with ``first_year``, grouped by ``group`` only, a pair of
    ``COUNT(*) FILTER`` on each year's days (a term spans at most a few years): grouping every member
    by the year of its day cost the whole country's dashboard twice as much."""
    members = members.filter(admitted_on__lte=as_of).order_by()
    if first_year is None:
        counted = members.annotate(year=ExtractYear("admitted_on")).values(group, "year").annotate(
            admitted=Count("hamlet"), sitting=Count("hamlet", filter=Q(sitting_chief=True)))
        return {(r[group], r["year"]): [r["admitted"], r["sitting"], None] for r in counted}
    years = range(first_year, as_of.year + 1)
    counts = {}
    for year in years:
        days = Q(admitted_on__gte=dt.date(year, 1, 1), admitted_on__lt=dt.date(year + 1, 1, 1))
        counts[f"a{year}"] = Count("hamlet", filter=days)
        counts[f"s{year}"] = Count("hamlet", filter=days & Q(sitting_chief=True))
    rows = members.filter(admitted_on__gte=dt.date(first_year, 1, 1)).values(group).annotate(**counts)
    return {(r[group], year): [r[f"a{year}"], r[f"s{year}"], None] for r in rows for year in years
            if r[f"a{year}"]}


def admissions(districts: QuerySet[District], as_of: dt.date, members: QuerySet[PartyMember] | None = None,
               first_year: int | None = None) -> list[AdmissionRow]:
    """Admissions per district (earlier layout) and calendar year, from ``first_year`` (the term's
    first year) up to ``as_of``, against the districts' annual targets: one query on members, one
    on targets."""
    members = PartyMember.objects.all() if members is None else members
    return _admissions(members.filter(hamlet__commune__district__in=districts), "hamlet__commune__district_id",
                       AdmissionTarget.objects.filter(district__in=districts), "district_id", as_of, first_year)


def admissions_by_commune(hamlets: QuerySet[Hamlet], as_of: dt.date, members: QuerySet[PartyMember] | None = None,
                          communes: QuerySet[Commune] | None = None,
                          first_year: int | None = None) -> list[AdmissionRow]:
    """Admissions per 2025 commune (None: unplaced hamlets) and calendar year, from ``first_year``
    up to ``as_of``, against the annual targets of ``communes`` (default: those holding ``hamlets``),
    for the members of ``hamlets``: two queries."""
    members = PartyMember.objects.all() if members is None else members
    if communes is None:
        targets = AdmissionTarget.objects.filter(commune_id__in=hamlets.order_by().values("new_commune_id"))
    else:
        targets = AdmissionTarget.objects.filter(commune__in=communes)
    return _admissions(members_of(hamlets, members), "hamlet__new_commune_id", targets, "commune_id", as_of,
                       first_year)


def members_of(hamlets: QuerySet[Hamlet], members: QuerySet[PartyMember]) -> QuerySet[PartyMember]:
    """``members`` of ``hamlets``: a scope said on the units (a province, a district, a user's area) is said
    on the members' hamlets' own columns, so that a province's hamlets are read through an index, not the
    country's hashed against a subquery of the same table (PostgreSQL then probes each hamlet's admissions,
    12-18 ms for a province at 100,000 hamlets, or, its estimates lying close, hashes the country's
    admissions of the years against them, 30-37 ms); any other filter, by the hamlets' ids."""
    found = unit_conditions(hamlets)
    if found is None:
        return members.filter(hamlet__in=hamlets.order_by().values("pk"))
    for column, lookup, value in found:
        if lookup == "exact" and value is None:
            lookup, value = "isnull", True
        members = members.filter(**{f"hamlet__{HAMLET_PATHS[column]}__{lookup}": value})
    return members


def _admissions(members: QuerySet[PartyMember], member_group: str, targets: QuerySet[AdmissionTarget],
                target_group: str, as_of: dt.date, first_year: int | None) -> list[AdmissionRow]:
    if first_year is not None:
        targets = targets.filter(year__gte=first_year)
    table = admitted_by_year(members, member_group, first_year, as_of)
    for unit_id, year, target in targets.filter(year__lte=as_of.year).values_list(target_group, "year", "target"):
        table.setdefault((unit_id, year), [0, 0, None])[2] = target
    key = lambda item: (item[0][0] is None, item[0][0] or 0, item[0][1])  # noqa: E731 - unplaced last
    return [AdmissionRow(u, y, a or 0, s or 0, t) for (u, y), (a, s, t) in sorted(table.items(), key=key)]
