"""Officials responsible for an area (``domain.md`` item 11): what each still has to see to.

An official's hamlets are those of his or her areas: of a district (earlier list), the hamlets
whose earlier commune lies in it; of a 2025 commune, the hamlets placed in it. For a term on a
date, ``MISSING`` names what is counted, from the people facts (``people.py``) every page shares:

* ``elections``: hamlets without a chief election of the term on or before the date (not in
  item 1's numerator);
* ``congresses``: hamlets with a Party cell without a congress (item 3's denominator less its
  numerator);
* ``stalled``: non-member chiefs whose development plan has had no step for 180 days.

Each user sees the officials with an area in their scope, counted over the hamlets of their
scope (``restrict``). ``count_missing`` is one aggregate query whatever the number of hamlets
and officials: an inner query works out each hamlet's facts once (``Figures._query``'s pattern),
the outer joins them to the areas and counts each official's hamlets once, even where two of
his or her areas overlap (a district and a 2025 commune that took some of its hamlets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from hamlets.models import Hamlet

from .models import Term
from .people import CONGRESS, IN_OFFICE, people_facts, stalled
from .people_models import Official, OfficialArea

# (code, column heading, what the list of those hamlets is called)
MISSING: dict[str, tuple[Any, Any]] = {
    "elections": (_("Chưa bầu trưởng thôn"), _("Thôn chưa bầu trưởng thôn")),
    "congresses": (_("Chi bộ chưa đại hội"), _("Thôn có chi bộ chưa đại hội")),
    "stalled": (_("Kế hoạch bồi dưỡng chậm"),
                _("Thôn có kế hoạch bồi dưỡng trưởng thôn quá 180 ngày chưa có bước mới")),
}


def conditions(as_of: dt.date) -> dict[str, Q]:
    """Each count's condition over the people facts (``people_facts``) on ``as_of``."""
    return {
        "elections": ~IN_OFFICE,
        "congresses": Q(p_cell=True) & ~CONGRESS,
        "stalled": stalled(as_of),
    }


def area_hamlets_q(areas: QuerySet[OfficialArea]) -> Q:
    """The hamlets of ``areas``: a district's by their earlier commune, a 2025 commune's by placement."""
    districts = areas.filter(district__isnull=False).order_by().values("district_id")
    communes = areas.filter(commune__isnull=False).order_by().values("commune_id")
    return Q(commune__district_id__in=districts) | Q(new_commune_id__in=communes)


def visible_areas(user: Any) -> QuerySet[OfficialArea]:
    return OfficialArea.objects.restrict(user)


def visible_officials(user: Any) -> QuerySet[Official]:
    """The officials with an area in the user's scope."""
    return Official.objects.filter(pk__in=visible_areas(user).order_by().values("official_id"))


@dataclass(frozen=True)
class Counts:
    hamlets: int = 0  # the official's hamlets the figures count (in the user's scope)
    missing: dict[str, int] = field(default_factory=dict)


def count_missing(user: Any, term: Term, as_of: dt.date) -> dict[int, Counts]:
    """{official id: Counts} for the officials with an area in the user's scope; one query."""
    areas = visible_areas(user)
    hamlets = Hamlet.objects.restrict(user).filter(area_hamlets_q(areas))
    flags = {f"o_{code}": Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
             for code, condition in conditions(as_of).items()}
    facts = people_facts(hamlets, term, as_of).annotate(
        o_hamlet=F("pk"), o_district=F("commune__district_id"), o_commune=F("new_commune_id"), **flags,
    ).values("o_hamlet", "o_district", "o_commune", *flags)
    try:
        facts_sql, facts_params = facts.query.sql_with_params()
        area_sql, area_params = areas.order_by().values("official_id", "district_id", "commune_id").query \
            .sql_with_params()
    except EmptyResultSet:  # a scope that can see nothing
        return {}
    connection = connections[facts.db]
    quote = connection.ops.quote_name
    names = [quote(name) for name in flags]
    # one row per official and hamlet (DISTINCT: a hamlet in two of the official's areas counts once)
    pairs = (f"SELECT DISTINCT a.{quote('official_id')} AS official, f.{quote('o_hamlet')} AS hamlet, "
             f"{', '.join(f'f.{name} AS {name}' for name in names)} "
             f"FROM ({facts_sql}) f INNER JOIN ({area_sql}) a "
             f"ON (a.{quote('district_id')} = f.{quote('o_district')} "
             f"OR a.{quote('commune_id')} = f.{quote('o_commune')})")
    outer = (f"SELECT official, COUNT(*), {', '.join(f'SUM({name})' for name in names)} "
             f"FROM ({pairs}) pairs GROUP BY official")
    with connection.cursor() as cursor:
        cursor.execute(outer, (*facts_params, *area_params))
        rows = cursor.fetchall()
    return {row[0]: Counts(row[1], {code: int(n or 0) for code, n in zip(MISSING, row[2:], strict=True)})
            for row in rows}


@dataclass(frozen=True)
class Line:
    """One official on ``/officials/``: the areas in the user's scope and the counts."""

    official: Official
    counts: Counts

    @property
    def areas(self) -> list[OfficialArea]:
        return self.official.shown_areas  # type: ignore[attr-defined]


def official_lines(user: Any, term: Term, as_of: dt.date) -> list[Line]:
    """Every official with an area in the user's scope, by name, with the counts: three queries."""
    areas = visible_areas(user).select_related("district", "commune").order_by("district__code", "commune__code")
    officials = visible_officials(user).prefetch_related(Prefetch("areas", queryset=areas, to_attr="shown_areas"))
    counts = count_missing(user, term, as_of)
    return [Line(official, counts.get(official.pk, Counts(0, dict.fromkeys(MISSING, 0))))
            for official in officials.order_by("name_key", "pk")]


def missing_hamlets(user: Any, official: Official, code: str, term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    """The hamlets ``count_missing`` counts for ``official`` under ``code``, with their people facts."""
    areas = visible_areas(user).filter(official=official)
    hamlets = Hamlet.objects.restrict(user).filter(area_hamlets_q(areas))
    return (people_facts(hamlets, term, as_of).filter(conditions(as_of)[code])
            .select_related("commune__district", "new_commune")
            .order_by("new_commune__code", "commune__district__code", "commune__code", "name_sort", "pk"))
