"""The hamlet list's pages read off the facts rows (``elections.facts``), where they can be.

``PageRows`` already works a page's results out for its own rows only; what
was left was choosing them: ``COUNT(*)`` over the hamlets joined to their
record in force, and ``ORDER BY`` the 2025 commune's code, the name, the
earlier commune's code over three tables, which no index gives, so the last
page of the country sorted 100,000 joined rows (issue 11). The facts rows
hold one row per counted hamlet and term (the stretch before any election,
``valid_from IS NULL``) with the hamlet's units, record and the list's order
columns, under a partial index in each layout's default order; the row in
force on a date holds the chief in office. A page whose filters and order can
be said on those columns is counted and chosen there (an index-only scan in
the default order); any other (a search, the kind, a result filter, an order
by a name of a person) is chosen as before. Either way its rows are then read
with their results (``PageRows``), so the page shows the same thing, which
``tests/test_hamlet_list_pages.py`` compares with the one annotated query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from cadre_tracker.page_rows import PageRows, RowReader
from hamlets.models import Hamlet

from .figures import BEFORE_ANY_ELECTION, ON_THE_DATE, fact_rows
from .models import Term

# The filters a page may have and still be chosen on the facts rows: the units (said on the rows' unit
# columns by ``facts.scope_sql``) and the record's flags (below); the period's choices filter nothing.
UNIT_FILTERS = ("district", "commune", "new_commune")
RECORD_FILTERS = {"special_area": "special", "project01": "p01", "has_cell": "cell"}
PERIOD_FILTERS = ("term", "as_of", "units")

# A sorted accessor of the list (``results.with_record`` / ``add_results`` names) -> the same value on the
# facts row read: the hamlet's own, or its record's (the same on each of its rows of the term), or its
# results on the date, which the row in force on that date holds (``IN_FORCE``).
ON_FACTS = {
    "pk": "hamlet_id", "id": "hamlet_id", "name_sort": "name_sort", "commune__code": "commune_code",
    "commune__district__code": "district_code", "new_commune__code": "new_commune_code",
    "term_special_area": "special", "term_project01": "p01", "term_party_members": "members", "has_cell": "cell",
    "congress_held_on": "CASE WHEN cell AND congress_on <= %s THEN congress_on END",
    "chief_elected_on": "valid_from", "chief_member_since": "chief_member_since",
}
IN_FORCE = frozenset({"chief_elected_on", "chief_member_since"})


class FactPages(PageRows):
    """``PageRows`` whose count and page's primary keys come from the facts rows when the page's order
    (the queryset's, read when the page is asked for) can be said on them; else from the queryset."""

    def __init__(self, data: QuerySet, read: RowReader, rows: tuple[str, list[Any]], as_of: dt.date):
        super().__init__(data, read)
        self.rows, self.as_of = rows, as_of
        self.read_from_facts = False  # whether the page was chosen on the facts rows (tests, benchmarks)
        self.read_backwards = False  # ... in the reversed order, from the last row

    def __len__(self) -> int:
        if getattr(self, "_length", None) is None:
            sql, params = self.rows
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) {sql} AND {BEFORE_ANY_ELECTION}", params)
                self._length = cursor.fetchone()[0]
        return self._length

    def __getitem__(self, key: Any) -> Any:
        order = self.order_sql() if isinstance(key, slice) and key.stop is not None else None
        if order is None:
            return super().__getitem__(key)
        (order_sql, order_params), in_force, total = order
        start, stop = key.start or 0, key.stop
        # A page past the middle is read from the other end, the order reversed (an index read backwards):
        # the country's last page reads its 50 entries instead of skipping 99,950. Only under a total order
        # (it ends with the hamlet's id), where reversed it is exactly the reverse.
        backwards = total and start > len(self) // 2
        if backwards:
            stop = min(stop, len(self))
            order_sql, _ = self.order_sql(reverse=True)[0]
            limit, offset = max(0, stop - start), len(self) - stop
        else:
            limit, offset = max(0, stop - start), start
        sql, params = self.rows
        when, when_params = (ON_THE_DATE, [self.as_of, self.as_of]) if in_force else (BEFORE_ANY_ELECTION, [])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT hamlet_id {sql} AND {when} ORDER BY {order_sql} LIMIT %s OFFSET %s",
                           [*params, *when_params, *order_params, limit, offset])
            pks = [row[0] for row in cursor.fetchall()]
        if backwards:
            pks.reverse()
        self.read_from_facts, self.read_backwards = True, backwards
        found = {row.pk: row for row in self.read(pks)} if pks else {}
        return [found[pk] for pk in pks if pk in found]

    def order_sql(self, reverse: bool = False) -> tuple[tuple[str, list[Any]], bool, bool] | None:
        """The queryset's order said on the facts rows (SQL, parameters; ``reverse``: each direction turned,
        which reverses NULLs' places too on both databases), whether it reads the row in force on the date,
        and whether it is total (ends with the hamlet's id); None when any part of it cannot be said there
        (an expression, a person's name...)."""
        parts, params, in_force, seen = [], [], False, set()
        for accessor in self.data.query.order_by:
            if not isinstance(accessor, str):
                return None
            name = accessor.lstrip("-").replace(".", "__")
            column = ON_FACTS.get(name)
            if column is None:
                return None
            if column in seen:  # ``?sort=new_commune,name`` names the commune twice: the second adds nothing
                continue
            seen.add(column)
            parts.append(f"{column} {'DESC' if accessor.startswith('-') != reverse else 'ASC'}")
            params += [self.as_of] * column.count("%s")
            in_force = in_force or name in IN_FORCE
        if not parts:
            return None
        return (", ".join(parts), params), in_force, parts[-1].startswith("hamlet_id ")


def fact_pages(data: QuerySet, read: RowReader, filterset: Any, scoped: QuerySet[Hamlet], term: Term | None,
               as_of: dt.date) -> PageRows:
    """``FactPages`` over ``data`` when its filters can be said on the facts rows (``scoped``: the user's
    hamlets before any filter), else ``PageRows``."""
    if term is None or (filterset.is_bound and not filterset.is_valid()):
        return PageRows(data, read)
    chosen = {name: value for name, value in (filterset.form.cleaned_data if filterset.is_bound else {}).items()
              if value not in (None, "") and name not in PERIOD_FILTERS}
    if not set(chosen) <= {*UNIT_FILTERS, *RECORD_FILTERS}:
        return PageRows(data, read)
    for name in UNIT_FILTERS:
        if name in chosen:
            scoped = filterset.filters[name].filter(scoped, chosen[name])
    sql, params = fact_rows(scoped, term, as_of)
    for name, column in RECORD_FILTERS.items():
        if name in chosen:
            sql += f" AND {column} = %s"
            params.append(bool(chosen[name]))
    return FactPages(data, read, (sql, params), as_of)
