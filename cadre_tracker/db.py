"""Database chores that depend on the engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps
from django.db import connection, models, transaction
from django_tasks import task


def analyze(tables: Iterable[type[models.Model]]) -> bool:
    """Refresh PostgreSQL's planner statistics of these tables after a bulk write.

    Without it, on a server whose autovacuum has not run yet (or is off), the
    planner keeps the estimates of the empty tables and picks nested loops over
    thousands of rows: the province dashboard took 36 s after a bulk import
    until a manual ANALYZE. Does nothing on SQLite (returns False)."""
    if connection.vendor != "postgresql":
        return False
    names = sorted({model._meta.db_table for model in tables})
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return True


# PostgreSQL's own defaults for autovacuum's ANALYZE: a table is analysed again once this many rows plus this
# share of its rows have changed; below that its statistics are what the server itself keeps.
ANALYZE_THRESHOLD, ANALYZE_SCALE = 50, 0.1


def analyze_changed(written: Mapping[type[models.Model], int]) -> list[str]:
    """``analyze`` the tables a bulk write changed by as much as autovacuum's rule (``ANALYZE_THRESHOLD`` rows
    plus ``ANALYZE_SCALE`` of the rows the statistics last counted; a table never analysed, or empty, always):
    an import of 5,000 hamlets into a country of 100,000 leaves the estimates as they were, the same import
    into an empty province refreshes them. The tables analysed (none on SQLite)."""
    if connection.vendor != "postgresql" or not written:
        return []
    tables = {model._meta.db_table: (model, count) for model, count in written.items() if count}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s) "
                       "AND relnamespace = current_schema()::regnamespace", [list(tables)])
        counted = dict(cursor.fetchall())
    chosen = sorted(name for name, (_model, count) in tables.items()
                    if counted.get(name, -1) <= 0 or count >= ANALYZE_THRESHOLD + ANALYZE_SCALE * counted[name])
    analyze(tables[name][0] for name in chosen)
    return chosen


def analyze_after_commit(written: Mapping[type[models.Model], int]) -> None:
    """``analyze_changed`` of a bulk write, handed to the background worker once the write's transaction has
    committed (nothing if it rolls back): the statistics are upkeep that the clerk who imports need not wait
    for (~0.3-0.5 s of a 5,000-row import into a province of 10,000 hamlets, issue 11), and the worker runs
    it right after, well before autovacuum would."""
    labels = {model._meta.label: count for model, count in written.items() if count}
    if labels:
        transaction.on_commit(lambda: analyze_written.enqueue(labels))


@task()
def analyze_written(written: dict[str, int]) -> list[str]:
    """The worker's side of ``analyze_after_commit``: model labels and how many rows of each were written."""
    return analyze_changed({apps.get_model(label): count for label, count in written.items()})
