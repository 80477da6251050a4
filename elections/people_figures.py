"""The people figures of ``domain.md`` items 8-10, computed by the database.

``PeopleFigures`` is to the people facts (``people.people_facts``) what ``figures.Figures`` is to
the hamlets' results: one SQL query per call, an inner query that works out each counted
hamlet's facts once (its chief in office, membership, plan, evaluation, congress), and an outer
``SELECT ... COUNT(*) FILTER (...) ... GROUP BY`` that counts the hamlets meeting each condition.
The inner query reads each hamlet's ``HamletFact`` row in force on the date (``elections.facts``:
the chief's profile and key, the membership date, the cell, the congress and its secretary, the
units), so a province costs its own rows, then the chief's plan and evaluation by key; with
``live`` it is ``people_facts``' joins from scratch, the recount the tests compare it with.
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
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from hamlets.models import Gender, Hamlet

from .fact_models import HamletFact
from .figures import FACT_GROUPS, GROUP_FIELDS, ON_THE_DATE, Counts, Level, Ratio, Ratios, count_facts, fact_rows
from .models import Term
from .people import CONGRESS, IN_OFFICE, NON_MEMBER, NOT_COMPLETED, WITH_PLAN, aged, people_facts, plan_step, stalled
from .people_models import ChiefEvaluation, ChiefPlan, Rating

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


# The plan and evaluation subqueries of the facts rows' query by (database, term, date), compiled through the
# ORM once (``plan_step``'s dates differ by database) and bounded as ``_COMPILED`` is.
_PERSON_SQL: dict[tuple[str, int, dt.date], tuple[str, list[object], str, list[object]]] = {}


class PeopleFigures:
    """The people figures of a set of hamlets for one term on one date; one query per call (``live``:
    worked out from the tables they come from instead of the facts rows, for the tests' recount)."""

    def __init__(self, hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date, live: bool = False):
        self.hamlets = hamlets
        self.term = term
        self.as_of = as_of
        self.live = live

    def live_facts(self, group: str | None) -> QuerySet:
        facts = people_facts(self.hamlets, self.term, self.as_of).order_by()
        group_value = F(GROUP_FIELDS[group]) if group else Value(0)
        return facts.annotate(f_group=group_value).values("f_group", *FACTS)

    def _facts(self, group: str | None) -> tuple[str, list[object]]:
        """``FACTS`` of each counted hamlet on the date from its facts row in force (``figures.fact_rows``):
        the chief's profile and the secretary's as the row holds them, the congress if held by the date, the
        plan and the evaluation found by the chief's key, as ``people_facts`` works them out (a secretary
        is only told named or not: ``p_secretary`` is ``''`` for a blank one, as the conditions read it)."""
        as_of = self.as_of
        rows, params = fact_rows(self.hamlets, self.term, as_of)
        plan, plan_params, evaluation, evaluation_params = self._person_sql()
        group_value = FACT_GROUPS[group] if group else "0"
        sql = f"""
            SELECT {group_value} AS f_group, valid_from AS p_elected_on,
                   CASE WHEN chief_member_since <= %s THEN %s ELSE %s END AS p_member,
                   chief_birth_year AS p_birth_year, chief_gender AS p_gender, chief_minority AS p_minority,
                   cell AS p_cell, CASE WHEN congress_on <= %s THEN congress_on END AS p_congress_on,
                   CASE WHEN secretary_named THEN %s WHEN secretary_named IS NOT NULL THEN '' END AS p_secretary,
                   secretary_gender AS p_secretary_gender, secretary_minority AS p_secretary_minority,
                   ({plan}) AS p_plan_step, EXISTS ({evaluation}) AS p_not_completed
            {rows} AND {ON_THE_DATE}"""
        return sql, [as_of, True, False, as_of, "+", *plan_params, *evaluation_params, *params, as_of, as_of]

    def _person_sql(self) -> tuple[str, list[object], str, list[object]]:
        """The chief's plan step and "not completed" evaluation as subqueries on the outer facts row's hamlet
        and chief's key: ``people_facts``' own querysets."""
        key = (DEFAULT_DB_ALIAS, self.term.pk, self.as_of)
        if (found := _PERSON_SQL.get(key)) is not None:
            return found
        facts = connections[DEFAULT_DB_ALIAS].ops.quote_name(HamletFact._meta.db_table)
        hamlet, chief = RawSQL(f"{facts}.hamlet_id", ()), RawSQL(f"{facts}.chief_key", ())
        plans = ChiefPlan.objects.order_by().filter(hamlet_id=hamlet, term_id=self.term.pk, chief_key=chief,
                                                    started_on__lte=self.as_of)
        evaluations = ChiefEvaluation.objects.order_by().filter(
            hamlet_id=hamlet, year=self.as_of.year - 1, chief_key=chief, rating=Rating.NOT_COMPLETED)
        plan, plan_params = plans.annotate(step=plan_step(self.as_of)).values("step")[:1].query.sql_with_params()
        evaluation, evaluation_params = evaluations.values("pk")[:1].query.sql_with_params()
        if len(_PERSON_SQL) >= COMPILED_MAX:
            _PERSON_SQL.clear()
        found = _PERSON_SQL[key] = (plan, list(plan_params), evaluation, list(evaluation_params))
        return found

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
        facts = self.live_facts(group) if self.live else self._facts(group)
        connection = connections[facts.db if isinstance(facts, QuerySet) else DEFAULT_DB_ALIAS]
        names = sorted({name for f in PEOPLE_FIGURES for name in (f.numerator, f.denominator)})
        columns: dict[str, str | None] = {}
        params: list[object] = []
        for name in names:
            key = (connection.alias, name, self.as_of)
            if (compiled := _COMPILED.get(key)) is None:
                if len(_COMPILED) >= COMPILED_MAX:  # dates typed one after another: keep it bounded
                    _COMPILED.clear()
                typed = facts if isinstance(facts, QuerySet) else self.live_facts(group)  # the columns' types
                compiled = _COMPILED[key] = self._compiled(typed, connection, CONDITIONS[name](self.as_of))
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
