"""The people figures of ``domain.md`` items 8-10, computed by the database.

``PeopleFigures`` is to the people facts (``people.people_facts``) what ``figures.Figures`` is to
the hamlets' results: one SQL query per call, an inner query that works out each counted
hamlet's facts once (its chief in office, membership, plan, evaluation, congress), and an outer
``SELECT ... SUM(CASE WHEN ...) ... GROUP BY`` that counts the hamlets meeting each condition.
The conditions are the ``Q`` objects of ``people.py`` (``IN_OFFICE``, ``stalled(as_of)``, ...),
compiled once against the inner query's columns, so nothing is defined twice and no correlated
subquery is repeated inside an aggregate.

    figures = PeopleFigures(Hamlet.objects.restrict(user), term, as_of)
    figures.by("district")   # {district id: {code: Ratio}}, one query
    figures.total()          # {code: Ratio}, one query
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import FullResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from hamlets.models import Gender, Hamlet

from .figures import GROUP_FIELDS, Counts, Level, Ratio, Ratios, count_facts
from .models import Term
from .people import CONGRESS, IN_OFFICE, NON_MEMBER, NOT_COMPLETED, WITH_PLAN, aged, people_facts, stalled

# The facts the conditions read (``people.people_facts``'s annotations).
FACTS = ("p_elected_on", "p_member", "p_birth_year", "p_gender", "p_minority", "p_cell", "p_congress_on",
         "p_secretary", "p_secretary_gender", "p_secretary_minority", "p_plan_step", "p_not_completed")
# A congress whose secretary is named: a blank secretary counts in neither group.
_SECRETARY = CONGRESS & ~Q(p_secretary="")

# Each named condition on one hamlet on a date (None: every counted hamlet).
CONDITIONS: dict[str, Callable[[dt.date], Q | None]] = {
    "all": lambda as_of: None,
    "in_office": lambda as_of: IN_OFFICE,
    "aged_60": lambda as_of: aged(as_of, at_least=60),
    "under_40": lambda as_of: aged(as_of, under=40),
    "woman_chief": lambda as_of: IN_OFFICE & Q(p_gender=Gender.FEMALE),
    "minority_chief": lambda as_of: IN_OFFICE & Q(p_minority=True),
    "cell": lambda as_of: Q(p_cell=True),
    "congress": lambda as_of: CONGRESS,
    "woman_secretary": lambda as_of: _SECRETARY & Q(p_secretary_gender=Gender.FEMALE),
    "minority_secretary": lambda as_of: _SECRETARY & Q(p_secretary_minority=True),
    "non_member": lambda as_of: NON_MEMBER,
    "with_plan": lambda as_of: WITH_PLAN,
    "without_plan": lambda as_of: NON_MEMBER & Q(p_plan_step__isnull=True),
    "stalled": stalled,
    "not_completed": lambda as_of: NOT_COMPLETED,
}


@dataclass(frozen=True)
class PeopleFigure:
    code: str
    label: str
    numerator: str
    denominator: str


# domain.md items 8-10, each over its denominator.
PEOPLE_FIGURES: tuple[PeopleFigure, ...] = (
    PeopleFigure("chiefs", _("Trưởng thôn đương nhiệm"), "in_office", "all"),
    PeopleFigure("aged_60", _("Trưởng thôn từ 60 tuổi"), "aged_60", "in_office"),
    PeopleFigure("under_40", _("Trưởng thôn dưới 40 tuổi"), "under_40", "in_office"),
    PeopleFigure("women_chiefs", _("Trưởng thôn là nữ"), "woman_chief", "in_office"),
    PeopleFigure("minority_chiefs", _("Trưởng thôn là người dân tộc thiểu số"), "minority_chief", "in_office"),
    PeopleFigure("congresses", _("Hoàn thành đại hội chi bộ"), "congress", "cell"),
    PeopleFigure("women_secretaries", _("Bí thư là nữ"), "woman_secretary", "congress"),
    PeopleFigure("minority_secretaries", _("Bí thư là người dân tộc thiểu số"), "minority_secretary", "congress"),
    PeopleFigure("non_members", _("Trưởng thôn chưa là đảng viên"), "non_member", "in_office"),
    PeopleFigure("with_plan", _("Có kế hoạch bồi dưỡng"), "with_plan", "non_member"),
    PeopleFigure("without_plan", _("Chưa có kế hoạch bồi dưỡng"), "without_plan", "non_member"),
    PeopleFigure("stalled", _("Kế hoạch quá 180 ngày không có bước mới"), "stalled", "with_plan"),
    PeopleFigure("not_completed", _("Trưởng thôn không hoàn thành nhiệm vụ năm trước"), "not_completed",
                 "in_office"),
)
PEOPLE_FIGURES_BY_CODE = {f.code: f for f in PEOPLE_FIGURES}
PEOPLE_CODES = tuple(f.code for f in PEOPLE_FIGURES)
PAIRS = {f.code: (f"n_{f.numerator}", f"n_{f.denominator}") for f in PEOPLE_FIGURES}
PEOPLE_ZERO = {code: Ratio(0, 0) for code in PEOPLE_CODES}


# The conditions' SQL by (database, condition, date): it depends on nothing else (the facts' columns and
# their types are always the same), and compiling the dozen ``Q`` objects through the ORM cost a page more
# than their query's own planning (issue 11). A few dozen entries a date.
_COMPILED: dict[tuple[str, str, dt.date], tuple[str | None, tuple[object, ...]]] = {}
COMPILED_MAX = 2048


class PeopleFigures:
    """The people figures of a set of hamlets for one term on one date; one query per call."""

    def __init__(self, hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date):
        self.hamlets = hamlets
        self.term = term
        self.as_of = as_of

    def _facts(self, group: str | None) -> QuerySet:
        facts = people_facts(self.hamlets, self.term, self.as_of).order_by()
        group_value = F(GROUP_FIELDS[group]) if group else Value(0)
        return facts.annotate(f_group=group_value).values("f_group", *FACTS)

    def _condition_sql(self, facts: QuerySet, connection: BaseDatabaseWrapper,
                       condition: Q) -> tuple[str, list[object]]:
        """``condition`` as SQL over the inner query's columns (``"p_member"``, not its subquery)."""
        quote = connection.ops.quote_name
        annotations = facts.query.annotations
        columns = {name: RawSQL(quote(name), (), output_field=annotations[name].output_field) for name in FACTS}
        query = Hamlet.objects.annotate(**columns).filter(condition).query
        compiler = query.get_compiler(connection=connection)
        sql, params = query.where.as_sql(compiler, connection)
        return sql, list(params)

    def _query(self, group: str | None) -> Counts:
        facts = self._facts(group)
        connection = connections[facts.db]
        names = sorted({name for f in PEOPLE_FIGURES for name in (f.numerator, f.denominator)})
        columns: dict[str, str | None] = {}
        params: list[object] = []
        for name in names:
            key = (connection.alias, name, self.as_of)
            if (compiled := _COMPILED.get(key)) is None:
                if len(_COMPILED) >= COMPILED_MAX:  # dates typed one after another: keep it bounded
                    _COMPILED.clear()
                compiled = _COMPILED[key] = self._compiled(facts, connection, CONDITIONS[name](self.as_of))
            sql, condition_params = compiled
            params.extend(condition_params)
            columns[f"n_{name}"] = sql
        return count_facts(facts, columns, grouped=group is not None, params=params)

    def _compiled(self, facts: QuerySet, connection: BaseDatabaseWrapper,
                  condition: Q | None) -> tuple[str | None, tuple[object, ...]]:
        """(SQL, params) of one condition; None for one every hamlet meets."""
        if condition is None:
            return None, ()
        try:
            sql, params = self._condition_sql(facts, connection, condition)
        except FullResultSet:
            return None, ()
        return sql, tuple(params)

    def by(self, level: Level) -> dict[int | None, Ratios]:
        """{unit id: {code: Ratio}} for every unit that has counted hamlets; one query
        (``new_commune``: None holds the unplaced hamlets)."""
        return self._query(level).by_group(PAIRS)

    def total(self) -> Ratios:
        """The same figures over the whole set of hamlets; one query."""
        return self._query(None).total(PAIRS)


def add_up(groups: Iterable[Mapping[str, Ratio]]) -> dict[str, Ratio]:
    """The figures of the union of disjoint groups of hamlets, exactly: every numerator and denominator
    is a count of hamlets, so the union's is the groups' sum (``by`` then ``add_up`` saves ``total``'s query)."""
    numerators, denominators = dict.fromkeys(PEOPLE_CODES, 0), dict.fromkeys(PEOPLE_CODES, 0)
    for group in groups:
        for code in PEOPLE_CODES:
            ratio = group[code]
            numerators[code] += ratio.numerator
            denominators[code] += ratio.denominator
    return {code: Ratio(numerators[code], denominators[code]) for code in PEOPLE_CODES}
