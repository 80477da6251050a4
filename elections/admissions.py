"""Admissions of new members per unit and calendar year, against the annual targets (``domain.md``):
the dashboards' and the meeting report's Admissions tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from hamlets.models import Commune, District, Hamlet, PartyMember
from hamlets.scoping import Scope

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


def per_hamlet(hamlets: QuerySet[Hamlet], group: str, first_year: int,
               as_of: dt.date) -> dict[tuple[int | None, int], list[int | None]]:
    """``admitted_by_year`` of the members of ``hamlets`` grouped by the hamlets' ``group``, on PostgreSQL:
    each hamlet's admissions counted in a ``LATERAL`` subquery, which PostgreSQL can only run once per
    hamlet, off ``member_hamlet_admitted_cover`` (a province at 100,000 hamlets: ~14 ms). Joined instead,
    its estimates of the two plans lie so close that an ``ANALYZE`` flips it, one time in two, to hashing
    the whole country's admissions of those years against the province's hamlets (~40-50 ms, a third of
    the province dashboard's time). For a unit's hamlets, not the country's (the national dashboard keeps
    the join, where hashing is right)."""
    years = range(first_year, as_of.year + 1)
    if not years:  # a day before the term's first year: nothing counted
        return {}
    try:
        hamlet_sql, hamlet_params = hamlets.order_by().values_list("pk", group).query.sql_with_params()
    except EmptyResultSet:
        return {}
    quote = connection.ops.quote_name
    meta = PartyMember._meta
    member, admitted = quote(meta.get_field("hamlet").column), quote(meta.get_field("admitted_on").column)
    sitting = quote(meta.get_field("sitting_chief").column)
    counts, params = [], list(hamlet_params)
    for year in years:
        counts += [f"COUNT(*) FILTER (WHERE m.{admitted} >= %s AND m.{admitted} < %s)",
                   f"COUNT(*) FILTER (WHERE m.{admitted} >= %s AND m.{admitted} < %s AND m.{sitting})"]
        params += [dt.date(year, 1, 1), dt.date(year + 1, 1, 1)] * 2
    params += [dt.date(first_year, 1, 1), as_of]
    sql = (f"SELECT h.unit, {', '.join(f'SUM(c.n{i})' for i in range(len(counts)))} "
           f"FROM ({hamlet_sql}) AS h (id, unit) CROSS JOIN LATERAL (SELECT "
           f"{', '.join(f'{count} AS n{i}' for i, count in enumerate(counts))} FROM {quote(meta.db_table)} AS m "
           f"WHERE m.{member} = h.id AND m.{admitted} >= %s AND m.{admitted} <= %s) AS c GROUP BY h.unit")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(row[0], year): [int(row[1 + 2 * i]), int(row[2 + 2 * i]), None] for row in rows
            for i, year in enumerate(years) if row[1 + 2 * i]}


def admissions(districts: QuerySet[District], as_of: dt.date, members: QuerySet[PartyMember] | None = None,
               first_year: int | None = None, scope: Scope | None = None) -> list[AdmissionRow]:
    """Admissions per district (earlier layout) and calendar year, from ``first_year`` (the term's
    first year) up to ``as_of``, against the districts' annual targets: one query on members, one
    on targets. ``scope``: the members of the hamlets the user sees (instead of ``members``)."""
    targets = AdmissionTarget.objects.filter(district__in=districts)
    if _hamlet_by_hamlet(scope, first_year):
        hamlets = Hamlet.objects.filter(scope.hamlet_q(), commune__district__in=districts)
        return _rows(per_hamlet(hamlets, "commune__district_id", first_year, as_of), targets, "district_id",
                     as_of, first_year)
    members = _members(members, scope)
    return _admissions(members.filter(hamlet__commune__district__in=districts), "hamlet__commune__district_id",
                       targets, "district_id", as_of, first_year)


def admissions_by_commune(hamlets: QuerySet[Hamlet], as_of: dt.date, members: QuerySet[PartyMember] | None = None,
                          communes: QuerySet[Commune] | None = None,
                          first_year: int | None = None, scope: Scope | None = None) -> list[AdmissionRow]:
    """Admissions per 2025 commune (None: unplaced hamlets) and calendar year, from ``first_year``
    up to ``as_of``, against the annual targets of ``communes`` (default: those holding ``hamlets``),
    for the members of ``hamlets``: two queries. ``scope``: only the hamlets the user sees (instead of
    ``members``)."""
    if communes is None:
        targets = AdmissionTarget.objects.filter(commune_id__in=hamlets.order_by().values("new_commune_id"))
    else:
        targets = AdmissionTarget.objects.filter(commune__in=communes)
    if _hamlet_by_hamlet(scope, first_year):
        return _rows(per_hamlet(hamlets.filter(scope.hamlet_q()), "new_commune_id", first_year, as_of), targets,
                     "commune_id", as_of, first_year)
    return _admissions(members_of(hamlets, _members(members, scope)), "hamlet__new_commune_id", targets,
                       "commune_id", as_of, first_year)


def _hamlet_by_hamlet(scope: Scope | None, first_year: int | None) -> bool:
    """Whether a unit's admissions for the user's ``scope`` are counted by ``per_hamlet`` (PostgreSQL, a
    term's years) rather than by joining the members the scope sees."""
    return scope is not None and first_year is not None and connection.vendor == "postgresql"


def _members(members: QuerySet[PartyMember] | None, scope: Scope | None) -> QuerySet[PartyMember]:
    if scope is not None:
        assert members is None, "scope or members, not both"
        return PartyMember.objects.restrict(scope)
    return PartyMember.objects.all() if members is None else members


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
    return _rows(admitted_by_year(members, member_group, first_year, as_of), targets, target_group, as_of,
                 first_year)


def _rows(table: dict[tuple[int | None, int], list[int | None]], targets: QuerySet[AdmissionTarget],
          target_group: str, as_of: dt.date, first_year: int | None) -> list[AdmissionRow]:
    """The admissions counted, with each unit's target of each year, in the units' order (unplaced last)."""
    if first_year is not None:
        targets = targets.filter(year__gte=first_year)
    for unit_id, year, target in targets.filter(year__lte=as_of.year).values_list(target_group, "year", "target"):
        table.setdefault((unit_id, year), [0, 0, None])[2] = target
    key = lambda item: (item[0][0] is None, item[0][0] or 0, item[0][1])  # noqa: E731 - unplaced last
    return [AdmissionRow(u, y, a or 0, s or 0, t) for (u, y), (a, s, t) in sorted(table.items(), key=key)]
