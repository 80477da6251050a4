"""Writing generated rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Rows are tuples in the order of the model's concrete columns named by the
caller (attnames: ``hamlet_id``), each with its primary key already chosen
(``next_id``), so that children can point at parents without reading them
back. ``save()`` is bypassed: the caller fills every derived column itself
(keys, ``chief_minority``...). ``finish`` moves PostgreSQL's sequences past
the ids used and refreshes the planner's statistics.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.db import connection
from django.db.models import Max, Model

CHUNK = 50_000  # rows per COPY (a streamed buffer of a few MiB)


class Progress:
    """A one-line progress bar on stderr: ``members  [#####.....]  2,750,000/5,500,000  41 s``."""

    def __init__(self, stream: IO[str] | None = None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.perf_counter()
        self._last = 0.0

    def show(self, label: str, done: int, total: int, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and now - self._last < 0.2:
            return
        self._last = now
        width = 30
        filled = width if total <= 0 else min(width, done * width // total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{label:<22} [{bar}] {done:>11,}/{total:<11,} {now - self.started:6.0f} s")
        if final:
            self.stream.write("\n")
        self.stream.flush()


def copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class BulkWriter:
    """Writes tuples into a model's table; counts what it wrote per model."""

    def __init__(self, progress: Progress | None = None):
        self.progress = progress or Progress(enabled=False)
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._touched: list[type[Model]] = []

    def begin(self) -> None:
        """Inside the writing transaction."""
        if self.postgres:
            # The generator chooses every key itself and writes parents first: skip the per-row foreign
            # key triggers (queued to the commit, they cost most of the COPY's time). Superuser only.
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")

    def next_id(self, model: type[Model]) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, model: type[Model], columns: Sequence[str], rows: Iterable[tuple], label: str = "",
              total: int = 0, rebuild_indexes: bool = False) -> int:
        """``rebuild_indexes`` (PostgreSQL): drop the table's secondary indexes during the COPY and build
        them again after (sorting once beats millions of index insertions)."""
        label = label or model._meta.model_name
        rebuild = self._drop_indexes(model) if rebuild_indexes and self.postgres else []
        written = 0
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                written += self._flush(model, columns, chunk)
                chunk = []
                self.progress.show(label, written, total or written)
        if chunk:
            written += self._flush(model, columns, chunk)
        self.progress.show(label, written, total or written, final=True)
        if rebuild:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for statement in rebuild:
                    cursor.execute(statement)
        self.counts[label] = self.counts.get(label, 0) + written
        if model not in self._touched:
            self._touched.append(model)
        return written

    def _drop_indexes(self, model: type[Model]) -> list[str]:
        """Drop the secondary indexes (and unique constraints) of the model's table; the statements that
        build them again."""
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
                           "pg_get_constraintdef(c.oid) FROM pg_index i LEFT JOIN pg_constraint c "
                           "ON c.conindid = i.indexrelid AND c.contype = 'u' "
                           "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary", [model._meta.db_table])
            found = cursor.fetchall()
            rebuild = []
            for index, definition, constraint, constraint_def in found:
                if constraint:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(constraint)}")
                    rebuild.append(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(constraint)} "
                                   f"{constraint_def}")
                else:
                    cursor.execute(f"DROP INDEX {index}")
                    rebuild.append(definition)
        return rebuild

    def _flush(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> int:
        if self.postgres:
            fields = {f.attname: f.column for f in model._meta.concrete_fields}
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(copy_value, row)) + "\n" for row in rows)
            buffer.seek(0)
            sql = (f"COPY {connection.ops.quote_name(model._meta.db_table)} "
                   f"({', '.join(connection.ops.quote_name(fields[c]) for c in columns)}) FROM STDIN")
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(sql, buffer)  # the psycopg2 cursor under Django's wrapper
        else:
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows],
                                      batch_size=2000)
        return len(rows)

    def finish(self) -> None:
        """Sequences past the explicit ids; planner statistics for the new rows and the units."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in self._touched:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), "
                               f"(SELECT COALESCE(MAX({pk}), 0) + 1 FROM {table}), false)", [table, pk])
            cursor.execute("ANALYZE")  # every table: the units' too, loaded just before (else the planner
            # guesses their sizes and picks nested loops over 100,000 hamlets)
