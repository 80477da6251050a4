"""A CSV export written by PostgreSQL's ``COPY``: the same bytes as ``spreadsheets.CsvWriter``, at COPY's speed.

The fast export (``export_values``) reads every cell into Python and writes it
there: at 100,000 hamlets ~1.5 million values converted, tested for a formula
prefix and for quoting, then joined, four times what ``COPY ... TO STDOUT`` of
the same cells costs. Here the query of the table's declared reads
(``value_rows``'s ``values_list()``: same filters, same order) is wrapped in a
``SELECT`` of every cell's text as ``CsvWriter`` gives it to ``csv.writer``,
and ``COPY (...) TO STDOUT WITH (FORMAT csv)`` quotes and joins the fields as
``csv.writer``'s default dialect does (a field holding a comma, a double quote,
CR or LF is quoted, its double quotes doubled):

* text: ``'`` before a leading formula prefix
  (``spreadsheets.FORMULA_PREFIXES``); an empty text as NULL, which ``COPY``
  writes unquoted, as ``csv.writer`` writes ``""``;
* a whole number as the database writes it (digits); a date as the export's
  language writes it (``language.day``: ``05/03/2022``, ISO in English);
* a column read through a table of texts (``export_values.yes_no``, ``labels``)
  as a ``CASE`` over those texts;
* a column whose converter says its value in SQL (``convert.sql(columns)``:
  ``export_values.or_text``, ``hamlets.models.ListName``) as that value, then
  as text.

``COPY`` ends a record with LF where ``csv.writer`` writes CRLF: the records'
ends are rewritten as the lines are streamed (an LF inside a quoted field
stays). ``COPY`` writes into a temporary file, which the response then
streams: memory stays flat whatever the size, and the query is one. PostgreSQL
only, and only for reads said in SQL: otherwise ``csv_lines`` gives None and
the export writes the lines in Python. The tests compare both, byte for byte
(``tests/test_csv_lines.py``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import QuerySet

from .export_values import FromValues, Words
from .language import english
from .spreadsheets import FORMULA_PREFIXES, safe_text

_TEXT = (models.CharField, models.TextField)
_WHOLE = (models.IntegerField, models.AutoField)
_BLOCK = 1 << 16  # bytes streamed at a time
_OUTSIDE_QUOTES = re.compile(rb'("(?:[^"]|"")*")|\n')  # a quoted field, whole, or an LF between fields
_GUARD = "CASE WHEN left({v}, 1) = ANY(%s) THEN '''' || {v} ELSE NULLIF({v}, '') END"


def csv_lines(queryset: QuerySet, reads: Sequence[FromValues]) -> Iterator[bytes] | None:
    """The UTF-8 CSV lines (CRLF after each) of ``queryset``'s rows as ``reads`` export them, written by
    PostgreSQL, block by block; None on another database, or when a read cannot be said in SQL (the caller
    then writes them in Python). Call it under the export's language (dates, yes/no, labels)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        built = fields_sql(queryset, reads)
    except EmptyResultSet:  # a filter that matches nothing (``none()``, an empty choice): the header alone
        return iter(())
    if built is None:
        return None
    return _streamed(queryset.db, *built)


def fields_sql(queryset: QuerySet, reads: Sequence[FromValues]) -> tuple[str, list[Any]] | None:
    """A ``SELECT`` of every row's fields as ``csv.writer`` is given them, in ``queryset``'s order, and its
    parameters; None when a read cannot be said in SQL."""
    paths = list(dict.fromkeys(path for read in reads for path in read.paths))
    rows = queryset.values_list(*paths)
    compiler = rows.query.get_compiler(rows.db)
    inner, inner_params = compiler.as_sql()
    selected = [alias for _expr, _sql, alias in compiler.select]
    if selected[:len(paths)] != paths:  # pragma: no cover -- Django 5.2 selects values_list()'s paths in order
        raise ValueError(f"values_list() selected {selected}, not {paths}")
    fields = [expr.output_field for expr, _sql, _alias in compiler.select[:len(paths)]]
    where = {path: i for i, path in enumerate(paths)}
    values: list[tuple[str, tuple[Any, ...]]] = []  # the converters' values, worked out once per row (``m.vK``)
    texts = [_field(read, [where[p] for p in read.paths], fields, values) for read in reads]
    if any(text is None for text in texts):
        return None
    names = ", ".join(f"c{i}" for i in range(len(compiler.select)))
    middle = "".join(f", {sql} AS v{k}" for k, (sql, _params) in enumerate(values))
    select = ", ".join(sql for sql, _params in texts)  # type: ignore[misc]
    # OFFSET 0: the middle query is not folded into the outer one, which reads a value up to three times
    sql = f"SELECT {select} FROM (SELECT q.*{middle} FROM ({inner}) AS q ({names}) OFFSET 0) AS m"
    params = [p for _sql, text_params in texts for p in text_params]  # type: ignore[misc]
    params += [p for _sql, value_params in values for p in value_params]
    return sql, [*params, *inner_params]


def _field(read: FromValues, at: list[int], fields: list[models.Field],
           values: list[tuple[str, tuple[Any, ...]]]) -> tuple[str, tuple[Any, ...]] | None:
    """SQL giving one column's field and its parameters; None when it cannot be said in SQL. A converter's
    value (``convert.sql``) is added to ``values``, and read from the middle query."""
    convert, field = read.convert, fields[at[0]]
    if isinstance(getattr(convert, "__self__", None), Words):  # a table of texts: yes/no, a choice's label
        return _case(f"m.c{at[0]}", convert.__self__, field)  # type: ignore[union-attr]
    if convert is not None:
        if not hasattr(convert, "sql"):
            return None
        values.append(convert.sql([f"q.c{i}" for i in at]))
        return _GUARD.format(v=f"m.v{len(values) - 1}"), (list(FORMULA_PREFIXES),)
    if isinstance(field, _TEXT):
        return _GUARD.format(v=f"m.c{at[0]}"), (list(FORMULA_PREFIXES),)
    if isinstance(field, _WHOLE):
        return f"m.c{at[0]}", ()
    if type(field) is models.DateField:
        return f"to_char(m.c{at[0]}, %s)", ("YYYY-MM-DD" if english() else "DD/MM/YYYY",)
    return None  # another type (a float, a moment, a boolean without yes/no...): Python writes the lines


def _case(value: str, words: Words, field: models.Field) -> tuple[str, tuple[Any, ...]]:
    """SQL giving a column's text through its table of texts, each as ``_GUARD`` gives a text; a value not
    in the table is looked up by ``words.default_of`` (a boolean column: its truth, always in the table)."""
    whens, params = [f"WHEN {value} IS NULL THEN %s"], [_guarded(words[None])]
    if isinstance(field, models.BooleanField):
        whens += [f"WHEN {value} THEN %s", "ELSE %s"]
        params += [_guarded(words[True]), _guarded(words[False])]
    else:
        for key, text in words.items():
            if key is not None:
                whens.append(f"WHEN {value} = %s THEN %s")
                params += [key, _guarded(text)]
        whens.append("ELSE NULL")
    return f"CASE {' '.join(whens)} END", tuple(params)


def _guarded(text: str) -> str | None:
    """A fixed text as ``_GUARD`` gives it: ``'`` before a formula prefix, None for an empty one."""
    return safe_text(text) or None  # type: ignore[return-value]


def _streamed(alias: str, sql: str, params: list[Any]) -> Iterator[bytes]:
    """The lines: ``COPY`` of ``sql`` as CSV into a temporary file (when first read), then the file, block by
    block, each record's end as CRLF."""
    with tempfile.TemporaryFile() as stored:
        with connections[alias].cursor() as cursor:
            statement = cursor.mogrify(sql, params).decode()  # COPY takes no parameters
            cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", stored)
        stored.seek(0)
        yield from crlf_records(stored)


def crlf_records(stored: IO[bytes]) -> Iterator[bytes]:
    """``COPY``'s CSV records with CRLF after each, as ``csv.writer`` ends a row, where ``COPY`` writes LF; an
    LF inside a quoted field stays as it is. A block holding no double quote has no quoted field: each LF
    ends a record. Otherwise the LFs between quoted fields do (a quoted field's double quotes, its own doubled
    ones too, are even in number, so an LF after an even number of them lies outside every field); a block
    is cut after its last such LF, the rest kept for the next."""
    held = b""
    while block := stored.read(_BLOCK):
        block, held = held + block, b""
        if b'"' not in block:
            yield block.replace(b"\n", b"\r\n")
            continue
        end = len(block)
        while (end := block.rfind(b"\n", 0, end)) != -1 and block.count(b'"', 0, end) % 2:
            pass
        if end == -1:  # no record ends in this block (a quoted field of over 64 KiB): keep it all
            held = block
            continue
        block, held = block[:end + 1], block[end + 1:]
        yield _OUTSIDE_QUOTES.sub(_record_end, block)
    if held:  # pragma: no cover -- COPY ends every record with LF
        yield _OUTSIDE_QUOTES.sub(_record_end, held)


def _record_end(match: re.Match[bytes]) -> bytes:
    return match.group(1) or b"\r\n"
