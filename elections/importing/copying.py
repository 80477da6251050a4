"""Writing the import's new and changed objects and their history rows in bulk on PostgreSQL.

``bulk_create_with_history`` spent most of a large import in Python: Django prepares every
value of every row (and simple-history builds a historical model instance per row first),
then PostgreSQL parses one ``INSERT ... UNNEST`` per 500 rows. Here the rows go out as the
text ``COPY`` reads, built from the objects' attributes in one pass, with the same values
``bulk_create`` would store:

* primary keys are drawn from the table's sequence in one query (``nextval`` n times), so
  children (records, congresses...) can point at their new parents before they are written,
  and the objects come back saved (``pk`` set, ``_state.adding`` False) as after ``bulk_create``;
* every field's ``pre_save(obj, add=True)`` runs, as in ``bulk_create`` (``auto_now``);
* a field whose database value is not its Python value as is (anything but text, numbers,
  booleans, dates and foreign keys) goes through ``get_db_prep_save`` as Django would;
* each history row is what ``bulk_history_create`` writes: the tracked fields, ``history_type``
  "+", the change reason (the object's own ``_change_reason`` first), the user (the object's
  ``_history_user``, else ``user``, else the history's default user) and the time of the write.

The ``COPY`` statements go through Django's cursor wrappers and error translation, so they are
counted and timed like queries (``CaptureQueriesContext``) and a unique clash is Django's
``IntegrityError`` (``writer.Conflict``); inside ``pipeline.pipelined()`` they are sent while the next rows
are built. Changed objects go out in one ``UPDATE ... FROM unnest``
(``update_with_history``), their "~" history rows by ``COPY``; deleted ones in one ``DELETE`` after their
"-" history rows (``delete_with_history``). Other databases keep simple-history's
``bulk_create_with_history`` and ``bulk_update_with_history``, and delete object by object.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from typing import Any

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_change_reason_from_object

from elections.national_data.writer import copy_value

from .pipeline import send

# Fields whose value is written as is (``copy_value``): their ``get_db_prep_save`` returns it unchanged.
PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.DateField,
         models.ForeignKey, models.AutoField, models.BigAutoField, models.SmallAutoField)


def create_with_history(model: type[models.Model], objs: Sequence[models.Model], *, user: Any, reason: str,
                        batch_size: int, ids: Sequence[int] | None = None) -> None:
    """Insert ``objs`` (new, unsaved) and one "+" history row each; see the module's docstring. ``ids``: their
    primary keys, drawn beforehand (``reserve_ids``), else drawn here."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        bulk_create_with_history(list(objs), model, batch_size=batch_size, default_user=user,
                                 default_change_reason=reason)
        return
    fields = list(model._meta.concrete_fields)
    _check_parents(model, objs)
    for obj, pk in zip(objs, _next_ids(model, len(objs)) if ids is None else ids, strict=True):
        obj.pk = pk
    # (attname, None, text) where ``pre_save`` is Django's own (the attribute as it is), else (_, field, text)
    reads = [(field.attname, None if _plain_pre_save(field) else field, _text(field)) for field in fields]
    rows = []
    alias = connection.alias
    for obj in objs:
        data = obj.__dict__
        rows.append([text(field.pre_save(obj, True) if field is not None else
                          data[attname] if attname in data else getattr(obj, attname))
                     for attname, field, text in reads])
        obj._state.adding = False
        obj._state.db = alias
    copy_rows(model._meta.db_table, [f.column for f in fields], rows)
    history = model.history.model  # type: ignore[attr-defined]
    # a tracked field written as is in both tables reads its text from the row just written
    written = {attname: i for i, (attname, _field, text) in enumerate(reads) if text is copy_value}
    copy_rows(history._meta.db_table, *_history_rows(history, objs, user, reason, "+", (written, rows)))


def update_with_history(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str], *,
                        user: Any, reason: str, batch_size: int) -> None:
    """Write ``fields`` of ``objs`` (stored) and one "~" history row each, as ``bulk_update_with_history``
    would: on PostgreSQL one ``UPDATE ... FROM unnest(...)`` (arrays of the values ``bulk_update`` sends,
    ``get_db_prep_save`` of each attribute) and one ``COPY``, whatever the number of objects."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        bulk_update_with_history(list(objs), model, list(fields), batch_size=batch_size, default_user=user,
                                 default_change_reason=reason)
        return
    quote = connection.ops.quote_name
    pk = model._meta.pk
    columns = [pk, *(model._meta.get_field(name) for name in dict.fromkeys(fields))]
    arrays = [[column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in objs]
              for column in columns]
    unnest = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
    names = [quote(column.column) for column in columns]
    sets = ", ".join(f"{name} = u.{name}" for name in names[1:])
    sql = (f"UPDATE {quote(model._meta.db_table)} AS t SET {sets} FROM unnest({unnest}) "
           f"AS u({', '.join(names)}) WHERE t.{names[0]} = u.{names[0]}")
    send(lambda cursor: cursor.execute(sql, arrays))
    history = model.history.model  # type: ignore[attr-defined]
    copy_rows(history._meta.db_table, *_history_rows(history, objs, user, reason, "~"))


def delete_with_history(model: type[models.Model], objs: Sequence[models.Model], *, user: Any, reason: str) -> None:
    """Delete ``objs`` (stored) and write one "-" history row each, as ``obj.delete()`` would with
    simple-history, user and reason taken as ``_history_rows`` takes them. On PostgreSQL one ``COPY`` and one
    ``DELETE``, whatever the number: no signal is sent (as for the bulk creations and updates), so the caller
    notes what the deletions change (``writer._note_touched``). A model that other rows point at is deleted
    object by object, so that Django's collector applies their ``on_delete``."""
    if not objs:
        return
    if connection.vendor != "postgresql" or model._meta.related_objects:
        for obj in objs:
            obj._history_user = getattr(obj, "_history_user", user)  # type: ignore[attr-defined]
            obj._change_reason = get_change_reason_from_object(obj) or reason  # type: ignore[attr-defined]
            obj.delete()
        return
    history = model.history.model  # type: ignore[attr-defined]
    copy_rows(history._meta.db_table, *_history_rows(history, objs, user, reason, "-"))
    quote = connection.ops.quote_name
    sql = f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = ANY(%s)"
    ids = [obj.pk for obj in objs]
    send(lambda cursor: cursor.execute(sql, [ids]))
    for obj in objs:
        obj.pk = None  # as Collector.delete leaves a deleted object


def _check_parents(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """What ``bulk_create`` checks of each foreign key set by object (``_prepare_related_fields_for_save``):
    the parent is saved, and its id is the one the child holds."""
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            continue
        target, name, attname, empty = field.target_field.attname, field.cache_name, field.attname, field.empty_values
        for obj in objs:
            # what field.is_cached / get_cached_value read, in one look-up
            parent = obj._state.fields_cache.get(name)
            if parent is None:  # not cached, or cached as None
                continue
            if parent.pk is None:
                raise ValueError(f"bulk_create() prohibited to prevent data loss due to unsaved related object "
                                 f"'{field.name}'.")
            own = obj.__dict__.get(attname)  # a concrete field's attname is a plain attribute
            if own is None or (type(own) is not int and own in empty):
                setattr(obj, field.name, parent)
            elif getattr(parent, target) != own:
                field.delete_cached_value(obj)


def _history_rows(history: type[models.Model], objs: Sequence[models.Model], user: Any, reason: str,
                  kind: str, written: tuple[dict[str, int], list[list[str]]] | None = None,
                  ) -> tuple[list[str], list[list[str]]]:
    """The history rows of ``objs`` (columns, rows). ``written``: the column of each attname in the rows
    just written for the same objects, in the same order, where those are the text ``copy_value`` gives."""
    fields = {f.attname: f for f in history._meta.concrete_fields}
    tracked = [(f.attname, _text(fields[f.attname])) for f in history.tracked_fields]  # type: ignore[attr-defined]
    columns = [fields[name].column for name, _ in tracked]
    positions, source = written or ({}, [])
    # (None, i): the text of column i of the written row; (name, text): worked out from the object
    reads = [(None, positions[name]) if text is copy_value and name in positions else (name, text)
             for name, text in tracked]
    columns += [fields[name].column for name in
                ("history_date", "history_change_reason", "history_type", "history_user_id")]
    now = copy_value(timezone.now())
    anyone, asked = user, bool(user)
    rows = []
    for number, obj in enumerate(objs):
        if hasattr(obj, "_history_user"):
            who = obj._history_user
        else:
            if not asked:  # simple-history's default user: the request's (no get_user= on HistoricalRecords
                # here), the same for every object: asked once, not per row
                anyone, asked = history.get_default_history_user(obj), True  # type: ignore[attr-defined]
            who = anyone
        same = source[number] if source else ()
        row = [same[how] if name is None else how(getattr(obj, name)) for name, how in reads]  # type: ignore[index,operator]
        why = get_change_reason_from_object(obj) or reason
        row += [now, copy_value(why), kind, copy_value(getattr(who, "pk", None))]
        rows.append(row)
    return columns, rows


def _plain_pre_save(field: models.Field) -> bool:
    """Whether ``field.pre_save(obj, add=True)`` is the attribute itself: ``Field``'s own, or a date field's
    without ``auto_now``/``auto_now_add`` (which then calls ``Field``'s)."""
    method = type(field).pre_save
    if method is models.Field.pre_save:
        return True
    return (method in (models.DateField.pre_save, models.DateTimeField.pre_save)
            and not field.auto_now and not field.auto_now_add)  # type: ignore[attr-defined]


def _text(field: models.Field) -> Callable[[Any], str]:
    """How a value of ``field`` is written: as is, or as Django prepares it for the database."""
    if isinstance(field, PLAIN):
        return copy_value

    def prepared(value: Any) -> str:
        return copy_value(None if value is None else field.get_db_prep_save(value, connection))

    return prepared


def reserve_ids(counts: Mapping[type[models.Model], int]) -> dict[type[models.Model], list[int]]:
    """The primary keys of the objects about to be created (``create_with_history``'s ``ids``), one query per
    model on PostgreSQL, nothing elsewhere: drawn before the writes are pipelined, since a draw inside
    ``pipeline.pipelined()`` waits for every statement sent before it."""
    if connection.vendor != "postgresql":
        return {}
    return {model: _next_ids(model, count) for model, count in counts.items() if count}


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        # the sequence named once (MATERIALIZED): named in nextval's argument, it was looked up again for
        # every row (50 ms for the 23,000 ids of a 5,000-row import, against 6 ms)
        cursor.execute("WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
                       "SELECT nextval(s.seq) FROM s, generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table: str, columns: list[str], rows: list[list[str]]) -> None:
    """``COPY`` these rows (text, as ``copy_value`` writes them) into ``table``, sent as ``pipeline.send`` sends."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    buffer = io.StringIO()
    buffer.writelines("\t".join(row) + "\n" for row in rows)
    buffer.seek(0)

    def copy(sql: str, params: Any, many: bool, context: dict[str, Any]) -> None:
        with context["connection"].wrap_database_errors:
            context["cursor"].cursor.copy_expert(sql, buffer)  # the psycopg2 cursor under Django's wrapper

    def statement(cursor: Any) -> None:
        # Django's own path for a statement (execute wrappers, the debug log and its clock), private but
        # stable since 2.0: the COPY is then counted and timed like any query.
        with cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext():
            cursor._execute_with_wrappers(sql, None, False, copy)

    send(statement)
