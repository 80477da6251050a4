"""Interval columns kept in step with every write, so the figures join instead of searching.

A chief election's ``until`` is the day of the hamlet's next election of the same term (None:
the latest), so "the chief in office on D" is the one row with ``held_on <= D < until``; a
hamlet's term record's ``until_year`` is the start year of its next record (None: the latest), so
"the record in force for a term starting in S" is the one row with ``start_year <= S < until_year``.
Both used to be correlated subqueries that PostgreSQL re-ran per hamlet and per figure.

``relink(hamlet_ids)`` recomputes both for those hamlets (on PostgreSQL one UPDATE per table from a window,
elsewhere correlated subqueries), then their facts rows
(``elections.facts``, which read both); it runs in the writer's
transaction: after every ``save()``/``delete()`` of an election or a record (signals, below), after
the import's bulk writes (``importing.writer``) and after bulk generators (demo and national data).
``mismatches()`` recounts everything from scratch; a test holds that it always finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hamlets.models import PartyCell
from hamlets.signals import hamlets_changed

from .facts import Pending, held, in_step, pending, refresh
from .models import ChiefElection, HamletTerm, Term

CHUNK = 500


def _next_election(elections: type) -> Subquery:
    later = elections.objects.filter(hamlet=OuterRef("hamlet"), term=OuterRef("term"), held_on__gt=OuterRef("held_on"))
    return Subquery(later.order_by().values("hamlet").annotate(first=Min("held_on")).values("first")[:1])


def _next_record(records: type, terms: type) -> Subquery:
    end_year = Subquery(terms.objects.filter(pk=OuterRef(OuterRef("term"))).values("end_year")[:1])
    later = records.objects.filter(hamlet=OuterRef("hamlet")).filter(
        Q(term__start_year__gt=OuterRef("start_year"))
        | Q(term__start_year=OuterRef("start_year"), term__end_year__gt=end_year))
    return Subquery(later.order_by().values("hamlet").annotate(first=Min("term__start_year")).values("first")[:1])


def relink(hamlet_ids: Iterable[int] | None = None, *, elections: type = ChiefElection,
           records: type = HamletTerm, terms: type = Term, with_facts: bool = True) -> None:
    """Recompute the interval columns of these hamlets' elections and records (None: of every hamlet),
    then (``with_facts``) their facts rows, which read them (``elections.facts``). The models are
    parameters so that a migration can pass its historical ones (with no facts table yet)."""
    ids = None if hamlet_ids is None else sorted(set(hamlet_ids))
    if connection.vendor == "postgresql":
        if ids is None or ids:
            _relink_set_based(ids, elections, records, terms)
    else:
        _relink_correlated(ids, elections, records, terms)
    if with_facts:
        refresh(ids)


def _relink_set_based(ids: list[int] | None, elections: type, records: type, terms: type) -> None:
    """PostgreSQL: each table's intervals in one ``UPDATE`` from a window over these hamlets' rows (``LEAD``:
    the unique constraints make the next row the next election day, the next record's term), writing only
    the rows whose columns change. A large import's 5,000 hamlets took 30 statements of correlated
    subqueries, ~280 ms; this is two statements."""
    quote = connection.ops.quote_name

    def column(model: type, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    e, r, t = (quote(m._meta.db_table) for m in (elections, records, terms))
    e_id, e_hamlet, e_term = column(elections, "id"), column(elections, "hamlet"), column(elections, "term")
    held_on, until = column(elections, "held_on"), column(elections, "until")
    r_id, r_hamlet, r_term = column(records, "id"), column(records, "hamlet"), column(records, "term")
    start, until_year = column(records, "start_year"), column(records, "until_year")
    t_id, t_start, t_end = column(terms, "id"), column(terms, "start_year"), column(terms, "end_year")
    mine, params = ("", []) if ids is None else ("WHERE {hamlet} = ANY(%s)", [ids])
    # Only the rows that change are joined back, and when hamlets are named by their ids (``= ANY(ARRAY(...))``):
    # PostgreSQL, which guesses half the hamlets' rows change, otherwise hashed them against the whole
    # table's (~50 ms a table at 100,000 hamlets for the 5,000 of an import, where a few hundred change).
    by_id = "" if ids is None else " AND {table}.{id} = ANY(ARRAY(SELECT id FROM n))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH n AS MATERIALIZED (SELECT id, next FROM (SELECT {e_id} AS id, {until} AS until, "
            f"LEAD({held_on}) OVER (PARTITION BY {e_hamlet}, {e_term} ORDER BY {held_on}) AS next FROM {e} "
            f"{mine.format(hamlet=e_hamlet)}) AS w WHERE until IS DISTINCT FROM next) "
            f"UPDATE {e} AS e SET {until} = n.next FROM n WHERE e.{e_id} = n.id{by_id.format(table='e', id=e_id)}",
            params)
        cursor.execute(
            f"WITH n AS MATERIALIZED (SELECT id, start, next FROM (SELECT x.{r_id} AS id, x.{start} AS old_start, "
            f"x.{until_year} AS old_next, t.{t_start} AS start, LEAD(t.{t_start}) OVER (PARTITION BY x.{r_hamlet} "
            f"ORDER BY t.{t_start}, t.{t_end}) AS next FROM {r} AS x JOIN {t} AS t ON t.{t_id} = x.{r_term} "
            f"{mine.format(hamlet='x.' + r_hamlet)}) AS w "
            f"WHERE old_start IS DISTINCT FROM start OR old_next IS DISTINCT FROM next) "
            f"UPDATE {r} AS r SET {start} = n.start, {until_year} = n.next FROM n "
            f"WHERE r.{r_id} = n.id{by_id.format(table='r', id=r_id)}", params)


def _relink_correlated(ids: list[int] | None, elections: type, records: type, terms: type) -> None:
    """Other databases (SQLite: the quick start's and the tests'): correlated subqueries, 500 hamlets at a
    time."""
    start_year = Subquery(terms.objects.filter(pk=OuterRef("term")).values("start_year")[:1])
    chunks = [None] if ids is None else [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        mine = {} if chunk is None else {"hamlet_id__in": chunk}
        # the plain ``update``: these columns are this function's own, not a write to watch
        # (``hamlets.signals.KeepsHamletsInStep``)
        QuerySet.update(elections.objects.filter(**mine), until=_next_election(elections))
        QuerySet.update(records.objects.filter(**mine), start_year=start_year)
        QuerySet.update(records.objects.filter(**mine), until_year=_next_record(records, terms))


@contextmanager
def kept_once() -> Iterator[Pending]:
    """A block of writes whose hamlets are brought in step (interval columns, then facts rows) once, at
    its end, in the same transaction: what its saves, deletes and bulk updates note (``facts.held``),
    and what the caller notes in the ``Pending`` it yields (bulk creations send no signal). Inside an
    outer block, the outer one does it."""
    if (outer := pending()) is not None:
        yield outer
        return
    with held() as notes:
        yield notes
        hamlets = set(notes.hamlets)
        if notes.cells:
            hamlets.update(PartyCell.objects.filter(pk__in=notes.cells).values_list("hamlet_id", flat=True))
    relink(hamlets)


def mismatches() -> list[str]:
    """Every stored interval that disagrees with a recount from scratch (empty: all in step)."""
    wrong: list[str] = []
    elections: dict[tuple[int, int], list[tuple[Any, Any, int]]] = {}
    for pk, hamlet, term, held_on, until in ChiefElection.objects.values_list(
            "pk", "hamlet_id", "term_id", "held_on", "until"):
        elections.setdefault((hamlet, term), []).append((held_on, until, pk))
    for rows in elections.values():
        rows.sort()
        for (_held_on, until, pk), following in zip(rows, [*rows[1:], None], strict=True):
            expected = following[0] if following else None
            if until != expected:
                wrong.append(f"election {pk}: until {until}, expected {expected}")
    records: dict[int, list[tuple[int, int, Any, Any, int]]] = {}
    for pk, hamlet, start, end, start_year, until_year in HamletTerm.objects.values_list(
            "pk", "hamlet_id", "term__start_year", "term__end_year", "start_year", "until_year"):
        records.setdefault(hamlet, []).append((start, end, start_year, until_year, pk))
    for rows in records.values():
        rows.sort()
        for start, end, start_year, until_year, pk in rows:
            later = [r[0] for r in rows if (r[0], r[1]) > (start, end)]
            expected = min(later) if later else None
            if (start_year, until_year) != (start, expected):
                wrong.append(f"record {pk}: {start_year}..{until_year}, expected {start}..{expected}")
    return wrong


@receiver(post_save, sender=ChiefElection)
@receiver(post_delete, sender=ChiefElection)
@receiver(post_save, sender=HamletTerm)
@receiver(post_delete, sender=HamletTerm)
def _relink_after_write(sender: type, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # loading fixtures: they carry their own values
        in_step([instance.hamlet_id], now=relink)


@receiver(hamlets_changed)
def _relink_after_bulk(sender: type, hamlet_ids: Iterable[int], **kwargs: Any) -> None:
    """Hamlets, their records, elections, cells or congresses written in bulk (``QuerySet.update``,
    ``bulk_update``) or moved to other units (``hamlets.signals``)."""
    in_step(hamlet_ids, now=relink)


@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
def _relink_after_term(sender: type, instance: Term, created: bool = False, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if not created and kwargs["signal"] is post_save:  # a term's years changed: its records' order may have
        relink(HamletTerm.objects.filter(term=instance).values_list("hamlet_id", flat=True), with_facts=False)
    refresh()  # a term made, moved or deleted: which record is in force for it changes for every hamlet


__all__ = ["kept_once", "mismatches", "relink"]
