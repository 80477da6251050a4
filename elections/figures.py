"""The figures of the domain brief, computed by the database.

Every figure is a ratio: a count of hamlets that meet a condition over a
count of hamlets of the scope (``domain.md``, "The figures users read").
Each is defined once, in ``FIGURES``, as a numerator and a denominator
condition on a hamlet; ``Figures`` turns any set of them into one aggregate
SQL query, grouped by province, district or commune, for one term and as-of
date. Hamlet-level facts (its chief on the date, congress held, cell present,
units) are read from one ``HamletFact`` row per hamlet (``elections.facts``,
kept in step with every write), so nothing multiplies rows and nothing is
joined; ``live=True`` works them out from the tables instead (the recount).

    figures = Figures(Hamlet.objects.in_province(nghe_an), term, as_of)
    figures.by("district")            # {district_id: {code: Ratio}}, one query
    figures.total()                   # {code: Ratio}, one query
    figures.ratio("chief_members", by="district")  # one figure, one query
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import Literal

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from hamlets.models import Hamlet
from hamlets.units import NEW_LIST_FROM

from .fact_models import HamletFact
from .facts import scope_sql
from .models import Metric, PartyRole, Term
from .results import congress_held, in_office

Level = Literal["province", "district", "commune", "new_province", "new_commune"]
# How hamlets are grouped: the earlier list's province, district, commune; the 2025
# list's province and commune (``new_commune`` None: the province's unplaced hamlets).
GROUP_FIELDS: dict[str, str] = {
    "province": "commune__district__province_id",
    "district": "commune__district_id",
    "commune": "commune_id",
    "new_province": "province_id",
    "new_commune": "new_commune_id",
}
# The same groups on a ``HamletFact`` row.
FACT_GROUPS: dict[str, str] = {"province": "province", "district": "district", "commune": "commune",
                               "new_province": "new_province", "new_commune": "new_commune"}


@dataclass(frozen=True)
class Ratio:
    """A count over its denominator; never shown without both."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> Decimal | None:
        """The exact fraction (0..1), or None when the denominator is 0."""
        return _fraction(self.numerator, self.denominator)

    @cached_property  # a dashboard cell reads it three times (figure, light, gap)
    def percent(self) -> Decimal | None:
        """Percentage rounded half-up to two decimals, as shown on screen."""
        return _percent(self.numerator, self.denominator)

    def __str__(self) -> str:
        percent = self.percent
        return f"{self.numerator}/{self.denominator}" + (f" ({percent}%)" if percent is not None else "")


# A province's dashboard shows some 16,000 ratios, most of them of small counts that repeat (3/4, 0/1...):
# their Decimal arithmetic was the page's largest single cost in Python (issue 11). Decimals are immutable,
# so one worked out is shared.
@lru_cache(maxsize=65536)
def _fraction(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


@lru_cache(maxsize=65536)
def _percent(numerator: int, denominator: int) -> Decimal | None:
    fraction = _fraction(numerator, denominator)
    if fraction is None:
        return None
    return (fraction * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def add_up(groups: Iterable[Mapping[str, Ratio]], codes: Sequence[str]) -> dict[str, Ratio]:
    """The figures of the union of disjoint groups of hamlets: each numerator and denominator is a count
    of hamlets, so the union's is the sum of the groups' (exactly)."""
    numerators, denominators = dict.fromkeys(codes, 0), dict.fromkeys(codes, 0)
    for group in groups:
        for code in codes:
            if (ratio := group.get(code)) is not None:
                numerators[code] += ratio.numerator
                denominators[code] += ratio.denominator
    return {code: Ratio(numerators[code], denominators[code]) for code in codes}


class Ratios(Mapping[str, Ratio]):
    """One unit's figures by code, each ``Ratio`` made from the unit's row of counts when read: a
    whole country by commune is 10,000 rows of some 20 figures, and making them all up front cost
    several times the query itself (issue 11). A ``Ratio`` once made is kept: a dashboard reads each
    of a unit's figures several times (its cell, the sort, the chart, the "cần xem" links, the total),
    and the kept one remembers its percentage."""

    __slots__ = ("_columns", "_made", "_row")

    def __init__(self, row: Sequence[int | None], columns: Mapping[str, tuple[int, int]]):
        self._row, self._columns, self._made = row, columns, {}

    def __getitem__(self, code: str) -> Ratio:
        if (made := self._made.get(code)) is None:
            numerator, denominator = self._columns[code]
            made = self._made[code] = Ratio(self._row[numerator] or 0, self._row[denominator] or 0)
        return made

    def get(self, code: str, default: Ratio | None = None) -> Ratio | None:  # type: ignore[override]
        """``Mapping.get`` without its ``KeyError``: a unit's special-area figures lack most codes, and the
        dashboard asks for each (~3,000 raised and caught a page)."""
        return self[code] if code in self._columns else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return f"Ratios({dict(self)!r})"


@dataclass(frozen=True)
class Counts:
    """The rows of an aggregate over facts: ``f_group`` first when grouped, then one count per column."""

    names: list[str]
    rows: list[tuple]

    def _maker(self, pairs: Mapping[str, tuple[str, str]]) -> Callable[[Sequence[int | None]], Ratios]:
        """For figures given as code -> (numerator column, denominator column): a function from a row
        to its ``Ratios`` (the columns' positions worked out once)."""
        index = {name: i for i, name in enumerate(self.names)}
        blank = len(self.names)  # a column the query lacks reads as 0 (the row is padded with None)
        columns = {code: (index.get(n, blank), index.get(d, blank)) for code, (n, d) in pairs.items()}
        return lambda row: Ratios((*row, None), columns)

    def by_group(self, pairs: Mapping[str, tuple[str, str]]) -> dict[int | None, Ratios]:
        make = self._maker(pairs)
        return {row[0]: make(row) for row in self.rows}

    def total(self, pairs: Mapping[str, tuple[str, str]]) -> Ratios:
        return self._maker(pairs)(self.rows[0] if self.rows else (None,) * len(self.names))


def count_facts(facts: QuerySet | tuple[str, Sequence[object]], columns: Mapping[str, str | None], grouped: bool,
                params: Sequence[object] = ()) -> Counts:
    """One aggregate query over ``facts`` (a values() queryset, or its SQL and parameters, with ``f_group``
    when ``grouped``): per output column, ``COUNT(*)`` (condition None) or the number of facts rows
    meeting its SQL condition (its ``params`` come before the inner query's)."""
    if (found := query_sql(facts)) is None:  # a scope that can see nothing
        return Counts(["f_group", *columns] if grouped else list(columns), [])
    inner, inner_params, db = found
    connection = connections[db]
    quote = connection.ops.quote_name
    # FILTER (PostgreSQL; SQLite 3.30+, which Django 5.2 requires) is cheaper than SUM(CASE ...)
    select = ", ".join(f"COUNT(*) AS {quote(name)}" if condition is None
                       else f"COUNT(*) FILTER (WHERE {condition}) AS {quote(name)}"
                       for name, condition in columns.items())
    if grouped:
        outer = f"SELECT f_group, {select} FROM ({inner}) facts GROUP BY f_group"
    else:
        outer = f"SELECT {select} FROM ({inner}) facts"
    with connection.cursor() as cursor:
        cursor.execute(outer, [*params, *inner_params])
        return Counts([c[0] for c in cursor.description], cursor.fetchall())


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    numerator: str
    denominator: str
    metric: str | None = None  # the Target metric this figure is measured against


# Each figure names its numerator and denominator conditions (``CONDITIONS``).
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

_MEMBER = "SUBSTR(f_chief, 1, 2) = 'm:'"
# a congress counts for a hamlet whose record for the term says it has a Party cell
_CONGRESS = "(f_cell AND f_congress)"
_ROLE = {role: f"f_chief = 'm:{role.value}'" for role in PartyRole}
# Each named condition on one hamlet, in SQL over the facts of ``Figures._facts``
# (booleans there are SQL booleans on PostgreSQL and 0/1 on SQLite; both read as truth values).
CONDITIONS: dict[str, str | None] = {
    "all": None,
    "elected": "f_chief IS NOT NULL",
    "chief_member": _MEMBER,
    "cell": "f_cell",
    "congress": _CONGRESS,
    "chief_secretary": f"{_CONGRESS} AND {_ROLE[PartyRole.SECRETARY]}",
    "chief_deputy": f"{_CONGRESS} AND {_ROLE[PartyRole.DEPUTY]}",
    "chief_secretary_or_deputy": f"{_CONGRESS} AND ({_ROLE[PartyRole.SECRETARY]} OR {_ROLE[PartyRole.DEPUTY]})",
    "without_cell": "NOT f_cell",
    "without_members": "f_members = 0",
    "one_two_members": "f_members BETWEEN 1 AND 2",
    "cell_at_risk": "f_cell AND f_members BETWEEN 3 AND 4",
    "special_area": "f_special",
    "project01": "f_p01",
}


def counted_hamlets(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date,
                    special_only: bool = False, **record: object) -> QuerySet[Hamlet]:
    """The hamlets a term's figures count on a date, joined to the record they use.

    Only hamlets with a record for the term or an earlier one count, each
    with that record's attributes (``units.md``); a hamlet first entered in
    the 2025 list counts in nothing dated before 1 July 2025. The join to
    ``term_records`` holds one row per hamlet (the record in force); later
    ``F("term_records__...")`` references reuse it; ``record`` adds conditions on
    the record in the same join (``party_cell=True``).
    """
    start = term.start_year
    condition = {f"term_records__{name}": value for name, value in record.items()}
    if special_only:
        condition["term_records__special_area"] = True
    # the record in force (``elections.intervals``): start_year <= S < until_year, one per hamlet
    in_force = Q(term_records__start_year__lte=start) & (
        Q(term_records__until_year__isnull=True) | Q(term_records__until_year__gt=start))
    return hamlets.counted_on(as_of).order_by().filter(in_force, **condition)


# Which of a hamlet's facts rows of the term to read: the first (before any election; one per counted hamlet),
# or the one in force on a date (its two parameters: the date, twice).
BEFORE_ANY_ELECTION = "valid_from IS NULL"
ON_THE_DATE = "(valid_from IS NULL OR valid_from <= %s) AND (valid_until IS NULL OR valid_until > %s)"


def fact_rows(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> tuple[str, list[object]]:
    """``FROM ... WHERE ...`` of the facts rows of the hamlets a term's figures count on a date (each
    hamlet's record in force, one row per stretch with one chief), and its parameters: ``hamlets``' filter
    said on the rows' own columns (``facts.scope_sql``). Written as SQL, not through the ORM, whose
    building of this one table's query cost as much as running it for a province."""
    scope, params = scope_sql(hamlets)
    where = f"term_id = %s AND {scope}"
    if as_of < NEW_LIST_FROM:  # a hamlet first entered in the 2025 list counts in nothing dated before
        where += " AND commune IS NOT NULL"
    return f"FROM {connection.ops.quote_name(HamletFact._meta.db_table)} WHERE {where}", [term.pk, *params]


def query_sql(query: QuerySet | tuple[str, Sequence[object]]) -> tuple[str, Sequence[object], str] | None:
    """A query given as a queryset or as its SQL and parameters: (SQL, parameters, database alias); None
    for a queryset that can see nothing."""
    if isinstance(query, tuple):
        return query[0], query[1], DEFAULT_DB_ALIAS
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, params, query.db


class Figures:
    """All figures of a set of hamlets for one term and one as-of date.

    One query per call: an inner query reads each hamlet's facts once (its
    chief on the date and whether a member, its cell, its congress, its
    units: one ``HamletFact`` row, or with ``live`` the joins of the tables
    they come from); the outer query counts the hamlets that meet each
    figure's condition over those facts (``COUNT(*) FILTER``).
    """

    def __init__(self, hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date, special_only: bool = False,
                 live: bool = False):
        self.hamlets = hamlets
        self.term = term
        self.as_of = as_of
        self.special_only = special_only
        self.live = live

    def _facts(self, group: str | None) -> tuple[str, list[object]]:
        """Each counted hamlet's facts on the date, one row per hamlet, read from its ``HamletFact`` row
        of the term whose stretch holds the date (``elections.facts``, kept in step with every write)."""
        as_of = self.as_of
        rows, params = fact_rows(self.hamlets, self.term, as_of)
        sql = (f"SELECT {FACT_GROUPS[group] if group else '0'} AS f_group, cell AS f_cell, "
               "CASE WHEN congress_on <= %s THEN %s ELSE %s END AS f_congress, "
               "CASE WHEN has_chief AND chief_member_since <= %s THEN 'm:' || chief_role "
               "WHEN has_chief THEN 'n:' ELSE NULL END AS f_chief, "
               f"members AS f_members, special AS f_special, p01 AS f_p01 {rows} AND {ON_THE_DATE}"
               + (" AND special" if self.special_only else ""))
        return sql, [as_of, True, False, as_of, *params, as_of, as_of]

    def live_facts(self, group: str | None) -> QuerySet:
        """The same facts worked out from the tables they live in (records, elections, cells, congresses,
        units), joined afresh: the recount ``_facts`` is proved equal to (tests, benchmarks' floor)."""
        term, as_of = self.term, self.as_of
        # The chief in office on the date (a join, ``results.in_office``); a member from the
        # admission date on, whenever that was: "m:<role>" or "n:"; NULL without a chief.
        chief = Case(When(office__chief_member_since__lte=as_of, then=Concat(Value("m:"), "office__chief_party_role")),
                     When(office__pk__isnull=False, then=Value("n:")), default=None, output_field=CharField())
        congress = Case(When(held__pk__isnull=False, then=Value(True)), default=Value(False),
                        output_field=BooleanField())
        return counted_hamlets(self.hamlets, term, as_of, self.special_only).annotate(
            office=in_office(term, as_of), held=congress_held(term, as_of)).annotate(
            f_group=F(GROUP_FIELDS[group]) if group else Value(0), f_cell=F("term_records__party_cell"),
            f_congress=congress, f_chief=chief, f_members=F("term_records__party_members"),
            f_special=F("term_records__special_area"), f_p01=F("term_records__project01"),
        ).values("f_group", "f_cell", "f_congress", "f_chief", "f_members", "f_special", "f_p01")

    def _counts(self, figures: Iterable[Figure], splits: bool) -> dict[str, str]:
        """Output column -> SQL condition over the facts (None: every hamlet)."""
        names: set[str] = set()
        for figure in figures:
            names.update((figure.numerator, figure.denominator))
        counts = {f"n_{name}": CONDITIONS[name] for name in sorted(names)}
        if splits:
            for code in SPLIT_CODES:
                numerator = FIGURES_BY_CODE[code].numerator
                for flag in ("special_area", "project01"):
                    counts[f"n_{flag}"] = CONDITIONS[flag]
                    counts[f"n_{numerator}__{flag}"] = f"({CONDITIONS[numerator]}) AND {CONDITIONS[flag]}"
        return counts

    def _query(self, group: str | None, figures: Iterable[Figure], splits: bool) -> Counts:
        return count_facts(self._facts_read(group), self._counts(figures, splits), grouped=group is not None)

    def _facts_read(self, group: str | None) -> QuerySet | tuple[str, list[object]]:
        """The facts the counts read: the facts rows, or (``live``) the recount from the tables."""
        return self.live_facts(group) if self.live else self._facts(group)

    @staticmethod
    def _pairs(figures: Sequence[Figure], splits: bool) -> dict[str, tuple[str, str]]:
        """Figure code -> (numerator column, denominator column) of the aggregate."""
        pairs = {f.code: (f"n_{f.numerator}", f"n_{f.denominator}") for f in figures}
        if splits:
            for code in SPLIT_CODES:
                figure = FIGURES_BY_CODE[code]
                for flag in ("special_area", "project01"):
                    pairs[f"{code}__{flag}"] = (f"n_{figure.numerator}__{flag}", f"n_{flag}")
        return pairs

    def _select(self, codes: Sequence[str] | None) -> tuple[list[Figure], bool]:
        figures = list(FIGURES) if codes is None else [FIGURES_BY_CODE[c] for c in codes]
        return figures, codes is None

    def by(self, level: Level, codes: Sequence[str] | None = None) -> dict[int | None, Ratios]:
        """{unit id: {figure code: Ratio}} for every unit that has hamlets; one query.

        Without ``codes`` all figures come back, with the four hamlet counts
        of item 5 split by special area and Project 01 (``"cells_at_risk__project01"``).
        """
        figures, splits = self._select(codes)
        return self._query(level, figures, splits).by_group(self._pairs(figures, splits))

    def by_with_special(self, level: Level, special_codes: Sequence[str], codes: Sequence[str] | None = None,
                        ) -> tuple[dict[int | None, Ratios], dict[int | None, Ratios]]:
        """``by(level, codes)`` and, from the same query, what ``special_only=True`` gives for ``special_codes``:
        a special-area figure counts the same facts with ``f_special`` added to its numerator's and its
        denominator's conditions (the record in force, as ``counted_hamlets`` filters it), so one scan
        of the hamlets serves the dashboard's two tables. Every unit with hamlets is in both dicts (the
        special figures of a unit without special-area hamlets are 0/0). A dashboard names the ``codes`` it
        shows: each count left out is a condition fewer on every row (the country's 30 are its cost)."""
        if self.special_only:
            raise ValueError("by_with_special counts every hamlet and the special-area ones beside them")
        figures, splits = self._select(codes)
        counts = self._counts(figures, splits)
        special_pairs = {}
        for code in special_codes:
            figure = FIGURES_BY_CODE[code]
            for name in (figure.numerator, figure.denominator):
                condition = CONDITIONS[name]
                counts[f"n_{name}__in_special"] = CONDITIONS["special_area"] if condition is None else (
                    f"({condition}) AND {CONDITIONS['special_area']}")
            special_pairs[code] = (f"n_{figure.numerator}__in_special", f"n_{figure.denominator}__in_special")
        found = count_facts(self._facts_read(level), counts, grouped=True)
        return found.by_group(self._pairs(figures, splits)), found.by_group(special_pairs)

    def total(self, codes: Sequence[str] | None = None) -> Ratios:
        """The same figures over the whole set of hamlets; one query."""
        figures, splits = self._select(codes)
        return self._query(None, figures, splits).total(self._pairs(figures, splits))

    def ratio(self, code: str, by: Level) -> dict[int, Ratio]:
        """One figure per unit: {unit id: Ratio}; one query."""
        return {unit: ratios[code] for unit, ratios in self.by(by, [code]).items()}
