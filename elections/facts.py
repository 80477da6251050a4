"""Keep ``HamletFact`` (``fact_models``) in step with every write, and prove it.

``refresh(hamlet_ids)`` deletes those hamlets' rows and writes them again from
the tables they come from with one ``INSERT ... SELECT`` per chunk: for every
term, the hamlet's record in force (``start_year <= S < until_year``, see
``intervals``), its cell's congress of the term, its units, and one row per
stretch with one chief (before the first election: no chief; then each
election's ``held_on <= D < until``). It runs in the writer's transaction:

- after every ``intervals.relink`` (which every ``save()``/``delete()`` of an
  election or record runs, and every bulk writer of them: the import, the demo
  and national data generators), once the interval columns it reads are in step;
- after every ``save()``/``delete()`` of a hamlet, cell or congress (the
  signals below), and the import's bulk writes of them (``importing.writer``);
- after every ``save()``/``delete()`` of a term (``intervals``: which record
  is in force for it changes for every hamlet);
- after any bulk ``update()``/``bulk_update()`` of what the rows read, and the
  hamlets app's bulk moves (placing hamlets, loading the lists), through
  ``hamlets.signals.hamlets_changed`` and ``intervals.relink``.

``stale()`` compares the stored rows with what ``rows_sql`` works out now, and
``Figures`` reads the same figures from the rows as the live joins did
(``figures.live_facts``); tests hold both after every kind of write.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Expression, Lookup, QuerySet
from django.db.models.expressions import Col
from django.db.models.signals import post_delete, post_save
from django.db.models.sql.where import AND, WhereNode
from django.dispatch import receiver

from hamlets.models import Commune, District, Hamlet, PartyCell

from .fact_models import HamletFact
from .models import ChiefElection, Congress, HamletTerm, Term

CHUNK = 2000
COLUMNS = ("hamlet_id", "term_id", "valid_from", "valid_until", "has_chief", "chief_role", "chief_member_since",
           "cell", "congress_on", "members", "special", "p01", "commune", "district", "province", "new_commune",
           "new_province", "name_sort", "district_code", "commune_code", "new_commune_code", "chief_birth_year",
           "chief_gender", "chief_minority", "chief_key", "secretary_named", "secretary_gender", "secretary_minority")


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# A rebuild of every row writes them in the order of the scopes that read them, a term's rows by (2025)
# province, then earlier province, commune...: a province's dashboard then reads its ~10,000 rows off some
# 200 pages rather than 3,900 scattered ones (~9 ms of the page at 100,000 hamlets). Rows rewritten later
# by a form or an import go where the table has room; the next rebuild lays them out again.
LAID_OUT = " ORDER BY {}".format(", ".join(str(COLUMNS.index(c) + 1) for c in (
    "term_id", "new_province", "province", "new_commune", "commune", "hamlet_id")))


def rows_sql(hamlet_ids: list[int] | None, *, array: bool = False) -> tuple[str, list[Any]]:
    """The facts rows of these hamlets (None: of every hamlet), as a SELECT of ``COLUMNS`` and its
    parameters. ``array`` (PostgreSQL): the hamlets named as one array parameter (``= ANY(%s)``) rather
    than a mark each.

    What a hamlet's rows share is worked out once, then given to each stretch (its elections, and the one
    before the first): its units and cell once per hamlet (``hu``), its record in force and its cell's
    congress once per hamlet and term (``ht``). Joined per stretch instead, an import's 5,300 hamlets made
    16,000 nested probes of each of those tables: the SELECT took 156 ms, now 89 (EXPLAIN ANALYZE, 10,000
    hamlets), and a rebuild of all 100,000 hamlets' rows 10.3 s, now 8.3 (issue 11)."""
    if hamlet_ids is None:
        only, ids = "1 = 1", []
    elif array:
        only, ids = "h.id = ANY(%s)", [list(hamlet_ids)]
    else:
        only, ids = f"h.id IN ({', '.join(['%s'] * len(hamlet_ids))})", list(hamlet_ids)
    # PostgreSQL would fold ``hu`` (used once) into ``ht`` and guess the joins' sizes wrong again (nested
    # loops over 10,000 rows); SQLite (3.35+ only) chooses by itself
    materialized = " MATERIALIZED" if connection.vendor == "postgresql" else ""
    shared = ("x.party_cell, x.congress_on, x.party_members, x.special_area, x.project01, x.commune_id, "
              "x.district_id, x.province_id, x.new_commune_id, x.new_province_id, x.name_sort, x.district_code, "
              "x.commune_code, x.new_commune_code")
    secretary = "x.secretary_named, x.secretary_gender, x.secretary_minority"
    sql = f"""
        WITH hu AS{materialized} (
            SELECT h.id, h.commune_id, c.district_id, d.province_id, h.new_commune_id, h.province_id AS new_province_id,
                   h.name_sort, d.code AS district_code, c.code AS commune_code, nc.code AS new_commune_code,
                   pc.id AS cell_id
            FROM {_table(Hamlet)} h
            LEFT JOIN {_table(Commune)} c ON c.id = h.commune_id
            LEFT JOIN {_table(District)} d ON d.id = c.district_id
            LEFT JOIN {_table(Commune)} nc ON nc.id = h.new_commune_id
            LEFT JOIN {_table(PartyCell)} pc ON pc.hamlet_id = h.id
            WHERE {only}),
        ht AS (
            SELECT u.id AS hamlet_id, t.id AS term_id, r.party_cell, g.held_on AS congress_on, r.party_members,
                   r.special_area, r.project01, u.commune_id, u.district_id, u.province_id, u.new_commune_id,
                   u.new_province_id, u.name_sort, u.district_code, u.commune_code, u.new_commune_code,
                   CASE WHEN g.id IS NULL THEN NULL WHEN g.secretary = '' THEN %s ELSE %s END AS secretary_named,
                   COALESCE(g.secretary_gender, '') AS secretary_gender, g.secretary_minority
            FROM hu u
            JOIN {_table(HamletTerm)} r ON r.hamlet_id = u.id
            JOIN {_table(Term)} t ON r.start_year <= t.start_year
                 AND (r.until_year IS NULL OR r.until_year > t.start_year)
            LEFT JOIN {_table(Congress)} g ON g.cell_id = u.cell_id AND g.term_id = t.id AND g.held_on IS NOT NULL)
        SELECT x.hamlet_id, x.term_id, e.held_on, e.until, %s, e.chief_party_role, e.chief_member_since, {shared},
               e.chief_birth_year, e.chief_gender, e.chief_minority, e.chief_key, {secretary}
        FROM ht x JOIN {_table(ChiefElection)} e ON e.hamlet_id = x.hamlet_id AND e.term_id = x.term_id
        UNION ALL
        SELECT x.hamlet_id, x.term_id, NULL, (SELECT MIN(e0.held_on) FROM {_table(ChiefElection)} e0
                                              WHERE e0.hamlet_id = x.hamlet_id AND e0.term_id = x.term_id),
               %s, '', NULL, {shared}, NULL, '', NULL, '', {secretary}
        FROM ht x"""
    return sql, [*ids, False, True, True, False]  # in the order of their marks


class Pending:
    """What writes inside ``held()`` left to bring in step: their hamlets, and the cells of congresses."""

    def __init__(self) -> None:
        self.hamlets: set[int] = set()
        self.cells: set[int] = set()


_held = threading.local()


def pending() -> Pending | None:
    """The notes of the ``held()`` block this thread is in, if any."""
    return getattr(_held, "pending", None)


@contextmanager
def held() -> Iterator[Pending]:
    """Inside, each save, delete or bulk update notes its hamlets (a congress its cell) instead of bringing
    them in step itself; the caller does so once at the end (``intervals.kept_once``): an import that
    deletes 77 elections one by one (for their history rows) otherwise relinked a hamlet 77 times.
    Nested blocks share the outermost's notes."""
    outer = pending()
    if outer is not None:
        yield outer
        return
    _held.pending = Pending()
    try:
        yield _held.pending
    finally:
        _held.pending = None


def _chunks(hamlet_ids: Iterable[int] | None, size: int | None) -> list[list[int] | None]:
    """The hamlets in chunks of ``size`` (None: all in one), none for none; [None] for every hamlet."""
    if hamlet_ids is None:
        return [None]
    ids = sorted({int(pk) for pk in hamlet_ids if pk is not None})
    size = size or len(ids) or 1
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def refresh(hamlet_ids: Iterable[int] | None = None) -> None:
    """Rewrite the facts rows of these hamlets (None: of every hamlet), in the caller's transaction.
    PostgreSQL takes the hamlets as one array in one statement whatever their number (the 5,000 of an
    import were three statements of 2,000 marks, each planned anew: ~40 ms more); SQLite, a mark each, in
    chunks under its limit of parameters."""
    table = _table(HamletFact)
    array = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for chunk in _chunks(hamlet_ids, None if array else CHUNK):
            if chunk is None:
                cursor.execute(f"DELETE FROM {table}")
            elif array:
                cursor.execute(f"DELETE FROM {table} WHERE hamlet_id = ANY(%s)", [chunk])
            else:
                cursor.execute(f"DELETE FROM {table} WHERE hamlet_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            sql, params = rows_sql(chunk, array=array)
            cursor.execute(f"INSERT INTO {table} ({', '.join(COLUMNS)}) {sql}{LAID_OUT if chunk is None else ''}",
                           params)


def stale() -> list[str]:
    """Every difference between the stored facts rows and a recount from the tables (empty: in step)."""
    with connection.cursor() as cursor:
        cursor.execute(*rows_sql(None))
        expected = Counter(_normal(row) for row in cursor.fetchall())
    stored = Counter(_normal(row) for row in HamletFact.objects.values_list(*COLUMNS))
    missing, extra = expected - stored, stored - expected
    return ([f"missing: {dict(zip(COLUMNS, row, strict=True))}" for row in sorted(missing, key=repr)]
            + [f"not expected: {dict(zip(COLUMNS, row, strict=True))}" for row in sorted(extra, key=repr)])


BOOLEANS = ("has_chief", "cell", "special", "p01", "chief_minority", "secretary_named", "secretary_minority")


def _normal(row: tuple) -> tuple:
    """A row as comparable values (SQLite gives booleans as 0/1 and dates as text from a raw cursor)."""
    return tuple(None if v is None else bool(v) if c in BOOLEANS
                 else str(v) for c, v in zip(COLUMNS, row, strict=True))


# Elections and records: ``intervals.relink`` refreshes the rows after their interval columns.
# A hamlet filter on these (path from the hamlet, field) reads the same on its facts rows' own columns.
_SAME_ON_FACTS = {
    ("", "id"): "hamlet_id", ("", "commune"): "commune", ("", "new_commune"): "new_commune",
    ("", "province"): "new_province", ("commune", "id"): "commune", ("commune", "district"): "district",
    ("commune.district", "id"): "district", ("commune.district", "province"): "province",
}
# Read the other way: a facts row's unit column -> a lookup path from the hamlet that filters the same
# (``admissions.members_of`` says a scope on the members' hamlet with it).
HAMLET_PATHS = {column: "__".join([*filter(None, path.split(".")), field])
                for (path, field), column in _SAME_ON_FACTS.items()}
_LOOKUPS = ("exact", "in", "isnull")


def scope_sql(hamlets: QuerySet[Hamlet]) -> tuple[str, list[Any]]:
    """The filter of ``hamlets`` (a scope: ``restrict``, ``in_province``, a district, the unplaced...) as an
    SQL condition on the facts table and its parameters (``1 = 1`` for every hamlet): said on the rows'
    unit columns (``unit_conditions``), so that a province's figures read its own rows through an index
    instead of probing every hamlet's rows, or, when it cannot be said so, the hamlets' ids (a subquery)."""
    if not (hamlets.query.where or hamlets.query.is_sliced):
        return "1 = 1", []
    found = unit_conditions(hamlets)
    if found is None:
        try:
            sub, params = hamlets.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return "1 = 0", []
        return f"hamlet_id IN ({sub})", list(params)
    parts, params = ["1 = 1"], []
    for column, lookup, value in found:
        if lookup == "isnull" or value is None:
            parts.append(f"{column} IS {'' if lookup != 'isnull' or value else 'NOT '}NULL")
        elif lookup == "in":
            values = list(value)
            parts.append(f"{column} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0")
            params.extend(values)
        else:
            parts.append(f"{column} = %s")
            params.append(value)
    return " AND ".join(parts), params


def unit_conditions(hamlets: QuerySet[Hamlet]) -> list[tuple[str, str, Any]] | None:
    """The filter of ``hamlets`` as conditions on the facts rows' unit columns, (column, lookup, value);
    None when any part of it cannot be said so (an OR, a NOT, a subquery, a name...)."""
    query = hamlets.query
    if query.is_sliced or query.distinct or query.combinator or query.extra or query.group_by is not None:
        return None
    paths = {query.get_initial_alias(): ""}
    for alias, join in query.alias_map.items():  # the joins, each after its parent
        parent = paths.get(getattr(join, "parent_alias", None))
        if parent is not None and join.join_field is not None and not join.join_field.many_to_many:
            paths[alias] = f"{parent}.{join.join_field.name}".lstrip(".")
    found: list[tuple[str, str, Any]] = []
    for part in _and_parts(query.where):
        if part is None or not isinstance(part, Lookup) or not isinstance(part.lhs, Col):
            return None
        column = _SAME_ON_FACTS.get((paths.get(part.lhs.alias), part.lhs.target.name))
        value = part.rhs
        if column is None or part.lookup_name not in _LOOKUPS or isinstance(value, (Expression, QuerySet)) \
                or hasattr(value, "as_sql") or (part.lookup_name == "isnull" and part.lhs.alias != query.base_table):
            return None
        if part.lookup_name == "in":
            value = [getattr(v, "pk", v) for v in value]
        found.append((column, part.lookup_name, getattr(value, "pk", value)))
    return found


def _and_parts(where: WhereNode) -> list[Any]:
    """The conditions of a WHERE that holds them all (AND, no NOT), nested ANDs flattened; [None] if not."""
    if where.negated or (where.connector != AND and len(where.children) > 1):
        return [None]
    parts: list[Any] = []
    for child in where.children:
        parts.extend(_and_parts(child) if isinstance(child, WhereNode) else [child])
    return parts


def in_step(hamlet_ids: Iterable[int], now: Callable[[list[int]], None] = refresh) -> None:
    """Bring these hamlets in step ``now`` (their facts rows; ``intervals.relink``: their interval columns,
    then their rows), or note them for the end of the ``held()`` block they were written in."""
    if (notes := pending()) is not None:
        notes.hamlets.update(hamlet_ids)
    else:
        now(list(hamlet_ids))


@receiver(post_save, sender=PartyCell)
@receiver(post_delete, sender=PartyCell)
def _after_cell(sender: type, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # fixtures carry no facts: ``refresh()`` after loading them
        in_step([instance.hamlet_id])


@receiver(post_save, sender=Congress)
@receiver(post_delete, sender=Congress)
def _after_congress(sender: type, instance: Congress, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if (notes := pending()) is not None:
        notes.cells.add(instance.cell_id)
        return
    hamlet_id = PartyCell.objects.filter(pk=instance.cell_id).values_list("hamlet_id", flat=True).first()
    refresh([hamlet_id] if hamlet_id is not None else [])


@receiver(post_save, sender=Hamlet)
def _after_hamlet(sender: type, instance: Hamlet, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        in_step([instance.pk])


@receiver(post_delete, sender=Hamlet)
def _after_hamlet_deleted(sender: type, instance: Hamlet, **kwargs: Any) -> None:
    # after its records, elections and cell (whose signals rewrote its rows while it still existed)
    HamletFact.objects.filter(hamlet_id=instance.pk).delete()


__all__ = ["COLUMNS", "HAMLET_PATHS", "Pending", "held", "in_step", "pending", "refresh", "rows_sql", "scope_sql",
           "stale", "unit_conditions"]
