"""The one formula-safe way to write spreadsheets (CSV and xlsx).

Every CSV or xlsx the project writes goes through this module, so that a
name typed by a user (``=HYPERLINK(...)``, ``+1``, ``@SUM(A1)``) is never
evaluated by the spreadsheet that opens the file (OWASP ASVS 1.2.10, "CSV
injection"). Text is dangerous when it starts with one of
``FORMULA_PREFIXES``.

* **CSV** (``CsvWriter``, ``write_csv``, ``safe_text``, ``safe_row``): a
  dangerous text gets a leading single quote (``'=1+1``), the OWASP advice;
  the file is UTF-8 with a byte-order mark so that Excel shows Vietnamese
  correctly; a date is written as the interface's language writes it
  (``05/03/2022`` in Vietnamese, ISO in English).
* **xlsx** (``text_cell``, ``cell``, ``xlsx_row``; thousands of cells in a few styles:
  ``cadre_tracker.styled_cells``, which writes them as ``cell`` does): every text is written as
  a *string* cell (``data_type == "s"``), never a formula, and a dangerous
  one also gets the ``quotePrefix`` style, so Excel keeps it text even after
  the cell is edited. The text itself stays exactly as given, except what
  XML cannot carry: control characters that XML forbids are dropped, and a
  carriage return becomes a line feed (an XML reader, Excel's included,
  reads a literal CR as LF anyway; we say so rather than leave it to chance).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import batched
from typing import IO, Any

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Border, Fill, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .language import day, english

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a
# formula (OWASP), and their full-width forms, which some East Asian Excel
# versions treat the same way.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_QUOTE = "'"
BOM = "\ufeff"
EXCEL_MAX_TEXT = 32_767
# What XML 1.0 cannot hold at all (openpyxl refuses it): C0 controls but tab, LF, CR.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CR = re.compile(r"\r\n?")
_NOT_AS_IS = re.compile(r"[\x00-\x08\x0b-\x1f]")  # what XML forbids, and CR (which a cell turns into LF)
_ERROR_CODES = frozenset(ERROR_CODES)
# A text that starts with a formula prefix, among texts each preceded by a NUL (``CsvWriter.writechunk``): one
# search per column of a chunk instead of a test per cell; a NUL inside a text can only give a false alarm.
_FORMULA_IN_JOINED = re.compile("\x00[" + "".join(map(re.escape, FORMULA_PREFIXES)) + "]")
_NONE = type(None)
_CSV_QUOTED = (",", '"', "\r", "\n")  # what makes ``csv.writer`` (default dialect) quote a field

Value = str | int | float | Decimal | bool | dt.date | dt.datetime | None


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet could evaluate: it starts with =, +, -, @, tab or CR."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


# --- CSV -------------------------------------------------------------------

def safe_text(value: object) -> object:
    """A CSV field: dangerous text gets a leading ``'``; anything else is unchanged."""
    if looks_like_formula(value):
        return CSV_QUOTE + str(value)
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """``safe_text`` applied to every field of a row."""
    return [safe_text(_csv_value(v)) for v in values]


def _csv_value(value: object) -> object:
    if value is None or isinstance(value, (int, float, Decimal, str)):
        return value
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat() if english() else f"{day(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return day(value)  # 05/03/2022 in Vietnamese (the import reads it back), ISO in English
    return str(value)  # lazy translations, model instances: their text


class CsvWriter:
    """``csv.writer`` that writes a BOM first and every row as ``safe_row`` would.

    ``stream`` is a text stream opened with ``newline=""`` (or a Django
    ``HttpResponse``, which encodes ``str`` with its charset, UTF-8). Dates are
    written in the language active when each is first met (a file is written in
    one language), each distinct date formatted once: ``safe_row`` asks for the
    language at every date cell, a third of a large export's time.
    """

    def __init__(self, stream: IO[str] | Any, *, bom: bool = True, **fmtparams: Any):
        if bom:
            stream.write(BOM)
        self._writer = csv.writer(stream, **fmtparams)
        self._stream = stream if not fmtparams else None  # the default dialect: ``writechunk`` may join lines itself
        self.rows = 0
        self._days: dict[dt.date, str] = {}  # each date as the language writes it (one language per file)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(self._fields(values))
        self.rows += 1

    def _fields(self, values: Iterable[object]) -> list[object]:
        """``safe_row(values)``, the common types (text, whole numbers, None, dates) tested inline."""
        fields: list[object] = []
        add = fields.append
        for value in values:
            kind = type(value)
            if kind is str:
                add(CSV_QUOTE + value if value.startswith(FORMULA_PREFIXES) else value)  # type: ignore[union-attr]
            elif kind is int or value is None:
                add(value)
            elif kind is dt.date:
                add(self._day(value))  # type: ignore[arg-type]
            else:
                add(safe_text(_csv_value(value)))
        return fields

    def _day(self, value: dt.date) -> str:
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = day(value)
        return text

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

    def writechunk(self, rows: Sequence[Sequence[object]]) -> None:
        """``writerow`` for each of ``rows`` (of one length), worked out a column at a time: a column of
        whole numbers, or of texts none of which starts with a formula prefix (one regular expression
        over the column), is written as it is, and a column of dates through the dates already
        formatted; only a column of other or mixed types is converted cell by cell. Then ``csv``
        writes the chunk in one call. A large export spent most of its time testing cells one by one."""
        rows = [row if isinstance(row, (list, tuple)) else list(row) for row in rows]
        lengths = {len(row) for row in rows}
        if len(lengths) != 1 or 0 in lengths:  # none, empty rows or rows of several lengths: one at a time
            self.writerows(rows)
            return
        columns = [self._column(column) for column in zip(*rows, strict=True)]
        texts = [self._texts(column) for column in columns] if self._stream is not None and len(columns) > 1 else []
        if texts and all(text is not None for text in texts):
            self._stream.write("\r\n".join(map(",".join, zip(*texts, strict=True))) + "\r\n")  # type: ignore[union-attr]
        else:
            self._writer.writerows(zip(*columns, strict=True))
        self.rows += len(rows)

    def _column(self, values: tuple[object, ...]) -> Sequence[object]:
        """One column of a chunk as ``_fields`` writes each of its cells."""
        kinds = set(map(type, values))
        kinds.discard(_NONE)
        if not kinds or kinds == {int}:
            return values
        if kinds == {str}:
            joined = "\x00" + "\x00".join(filter(None, values))  # type: ignore[arg-type]
            return values if _FORMULA_IN_JOINED.search(joined) is None else [self._field(v) for v in values]
        if kinds == {dt.date}:
            days, day_of = self._days, self._day
            return [None if v is None else days.get(v) or day_of(v) for v in values]  # type: ignore[call-overload]
        return [self._field(v) for v in values]

    @staticmethod
    def _texts(values: Sequence[object]) -> Sequence[str] | None:
        """A column's fields as ``csv.writer`` writes them (default dialect, a row of two fields or more) when
        none needs quoting: NULL empty, a whole number in digits, a text as it is; None when one needs quotes
        (a comma, a double quote, a line break) or is of another type: ``csv.writer`` then writes the chunk.
        Joining the lines here takes a third of the time ``csv.writer`` takes to test every field."""
        kinds = set(map(type, values))
        kinds.discard(_NONE)
        if kinds <= {int}:
            return ["" if v is None else str(v) for v in values]
        if kinds == {str}:
            texts: list[str] = [v or "" for v in values]  # type: ignore[misc]
            joined = "".join(texts)
            return None if any(mark in joined for mark in _CSV_QUOTED) else texts  # a character: found as by memchr
        return None

    def _field(self, value: object) -> object:
        return self._fields((value,))[0]


def write_csv(target: str | os.PathLike[str] | IO[str], rows: Iterable[Iterable[object]],
              header: Sequence[str] | None = None) -> int:
    """Write ``rows`` (after ``header``) as a formula-safe UTF-8 CSV with BOM;
    returns the number of data rows."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as stream:
            return write_csv(stream, rows, header)
    writer = CsvWriter(target)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return writer.rows - (header is not None)


class _Chunk:
    """A text sink that keeps what was written until taken (for streaming a CSV)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, value: str) -> None:
        self.parts.append(value)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def csv_chunks(rows: Iterable[Iterable[object]], header: Sequence[str] | None = None,
               rows_per_chunk: int = 500) -> Iterator[str]:
    """The same formula-safe CSV as ``write_csv``, as text chunks of ``rows_per_chunk`` rows, for a
    ``StreamingHttpResponse``: memory stays flat whatever the number of rows."""
    sink = _Chunk()
    writer = CsvWriter(sink)
    if header is not None:
        writer.writerow(header)
    for chunk in batched(rows, rows_per_chunk):
        writer.writechunk(chunk)  # type: ignore[arg-type]
        yield sink.take()
    yield sink.take()


# --- xlsx ------------------------------------------------------------------

def xlsx_text(value: object) -> str:
    """The text a string cell will hold: XML-illegal characters dropped,
    CR and CRLF as LF, cut at Excel's 32,767 characters."""
    text = _ILLEGAL_XML.sub("", str(value))
    return _CR.sub("\n", text)[:EXCEL_MAX_TEXT]


def _style(cell: WriteOnlyCell, *, number_format: str | None, font: Font | None, fill: Fill | None,
           alignment: Alignment | None, border: Border | None) -> WriteOnlyCell:
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    return cell


def text_cell(ws: WriteOnlyWorksheet, value: object, *, font: Font | None = None, fill: Fill | None = None,
              alignment: Alignment | None = None, border: Border | None = None) -> WriteOnlyCell:
    """A string cell that no spreadsheet evaluates, whatever the text."""
    original = str(value)
    cell = WriteOnlyCell(ws)
    cell.value = xlsx_text(original)  # openpyxl may type it as a formula ("=...") or an error ("#N/A")
    cell.data_type = "s"  # ... so force a plain string
    if looks_like_formula(original):
        cell.quotePrefix = True
    return _style(cell, number_format=None, font=font, fill=fill, alignment=alignment, border=border)


def number_cell(ws: WriteOnlyWorksheet, value: float) -> WriteOnlyCell:
    """A number cell that keeps every bit of ``value``.

    openpyxl writes numbers with ``"%.16g"``, one digit short of what a
    double needs (233/230 would come back as 1.013043478260869, not
    1.0130434782608695). We bind the float, so the cell is typed as a
    number, then hand the writer its shortest exact spelling, ``repr``:
    openpyxl writes a ``str`` value as it is.
    """
    cell = WriteOnlyCell(ws, value=value)
    if math.isfinite(value):
        cell._value = repr(value)  # noqa: SLF001  (the writer's text for a number cell; type stays "n")
    return cell


def cell(ws: WriteOnlyWorksheet, value: object, *, number_format: str | None = None, font: Font | None = None,
         fill: Fill | None = None, alignment: Alignment | None = None,
         border: Border | None = None) -> WriteOnlyCell:
    """A cell for any value: numbers and dates typed, text through ``text_cell``,
    ``None`` an empty (but styled) cell. ``float``, ``Decimal`` and ``Fraction``
    are written as the nearest double, exactly (``number_cell``)."""
    style = {"font": font, "fill": fill, "alignment": alignment, "border": border}
    if isinstance(value, bool) or value is None or isinstance(value, int):
        typed = WriteOnlyCell(ws, value=value)
    elif isinstance(value, (float, Decimal, Fraction)):
        typed = number_cell(ws, float(value))
    elif isinstance(value, dt.datetime):
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        typed = WriteOnlyCell(ws, value=local)
    elif isinstance(value, dt.date):
        typed = WriteOnlyCell(ws, value=value)
    else:
        return text_cell(ws, value, **style)
    return _style(typed, number_format=number_format, **style)


def xlsx_row(ws: WriteOnlyWorksheet, values: Iterable[object], *, number_formats: Sequence[str | None] = (),
             font: Font | None = None, fill: Fill | None = None, alignment: Alignment | None = None,
             border: Border | None = None) -> list[WriteOnlyCell]:
    """A row of ``cell``s to ``ws.append``; ``number_formats`` by position.

    Without any style, values that openpyxl stores as they are (numbers,
    plain text) go in raw: building a cell object for each of them tripled
    the time of a large export.
    """
    formats = list(number_formats)
    if not (formats or font or fill or alignment or border):
        return [value if _stored_as_is(value) else cell(ws, value) for value in values]
    return [cell(ws, value, number_format=formats[i] if i < len(formats) else None, font=font, fill=fill,
                 alignment=alignment, border=border) for i, value in enumerate(values)]


def _stored_as_is(value: object) -> bool:
    """True for a value openpyxl writes unchanged into a plain cell: a number, or
    text that is not a formula, not an error code and holds nothing XML forbids
    nor a CR (this runs for every cell of an export). Not a date: ``cell``
    registers its format now, openpyxl only when writing the row."""
    if isinstance(value, str):
        return not (value.startswith(FORMULA_PREFIXES) or _NOT_AS_IS.search(value)
                    or value in _ERROR_CODES or len(value) > EXCEL_MAX_TEXT)
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
