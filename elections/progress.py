"""Weekly progress of a term's elections and congresses, for the dashboards' chart.

Cumulative counts per week (Monday): hamlets that had held their first chief
election of the term, and (with a cell) their congress, by the end of each
week up to the as-of date. Each counted hamlet's first facts row of the term
(``figures.fact_rows``) holds both days; ``live`` recounts from the events
tables (the proof).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import F, Min, QuerySet

from hamlets.models import Hamlet

from .figures import BEFORE_ANY_ELECTION, counted_hamlets, fact_rows, query_sql
from .models import ChiefElection, Congress, Term


@dataclass(frozen=True)
class Progress:
    """Hamlets that had held their first chief election / congress of the term
    by the end of each week, up to the as-of date."""

    weeks: list[dt.date]
    elections: list[int]
    congresses: list[int]


def weekly_progress(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date, live: bool = False) -> Progress:
    """Cumulative weekly counts: one grouped query for the hamlets' first elections, one for their
    congresses, then a running sum over the weeks (never over hamlets). Both read each counted hamlet's
    first facts row of the term (``fact_rows``: the stretch before its first election, which ends on
    that election's day; its cell's congress); ``live`` recounts them from the events tables."""
    if live:
        counted = counted_hamlets(hamlets, term, as_of).values("pk")
        with_cell = counted_hamlets(hamlets, term, as_of, party_cell=True).values("pk")
        # each hamlet's first election of the term (by-elections follow it), grouped by the hamlet first
        first_elections = (ChiefElection.objects.filter(term=term, held_on__lte=as_of, hamlet__in=counted)
                           .order_by().values("hamlet").annotate(day=Min("held_on")))
        # a cell holds at most one congress a term, and a hamlet at most one cell: no grouping by hamlet
        congresses = (Congress.objects.filter(term=term, held_on__lte=as_of, cell__hamlet__in=with_cell)
                      .order_by().annotate(day=F("held_on")).values("day"))
    else:
        rows, params = fact_rows(hamlets, term, as_of)
        first = f"{rows} AND {BEFORE_ANY_ELECTION}"  # one row per counted hamlet
        first_elections = (f"SELECT valid_until AS day {first} AND valid_until <= %s", [*params, as_of])
        congresses = (f"SELECT congress_on AS day {first} AND cell AND congress_on <= %s", [*params, as_of])
    elections, congresses = _per_week(first_elections), _per_week(congresses)
    last = as_of - dt.timedelta(days=as_of.weekday())
    # the chart starts at the first event, but never more than a year before the term starts
    # (a one-digit typo in a year must not stretch it over centuries) nor after the as-of date
    floor = dt.date(term.start_year - 1, 1, 1)
    floor -= dt.timedelta(days=floor.weekday())
    first = max(min([*elections, *congresses], default=last), min(floor, last))
    weeks, e_series, c_series = [], [], []
    e_total = sum(n for week, n in elections.items() if week < first)  # typos far back: counted from the start
    c_total = sum(n for week, n in congresses.items() if week < first)
    week = first
    while week <= last:
        e_total += elections.get(week, 0)
        c_total += congresses.get(week, 0)
        weeks.append(week)
        e_series.append(e_total)
        c_series.append(c_total)
        week += dt.timedelta(days=7)
    return Progress(weeks, e_series, c_series)


def _per_week(days: QuerySet | tuple[str, list[object]]) -> dict[dt.date, int]:
    """How many rows of ``days`` (a values() query with a ``day`` column, or its SQL and parameters) fall
    in each week (Monday): one query, the rows counted by the database per day (a term's events fall on a
    few hundred days), the days put in their weeks here; truncating every row's day to its week in SQL
    cost twice as much."""
    if (found := query_sql(days.values("day") if isinstance(days, QuerySet) else days)) is None:
        return {}
    sql, params, db = found
    weeks: dict[dt.date, int] = {}
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT day, COUNT(*) FROM ({sql}) days GROUP BY day", params)
        for value, n in cursor.fetchall():
            day = _as_date(value)
            monday = day - dt.timedelta(days=day.weekday())
            weeks[monday] = weeks.get(monday, 0) + n
    return weeks


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A day as the cursor gives it: a date, a timestamp, or (SQLite, raw SQL) ISO text."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value
