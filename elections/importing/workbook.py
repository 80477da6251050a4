"""Opening an uploaded workbook safely and reading its cells.

A hostile or wrong file is refused (``Refused``, one message) before any
row is read, fast and in bounded memory:

* more than ``MAX_FILE_BYTES`` (a file-like source is never read beyond it);
* not a zip archive holding ``xl/workbook.xml`` (a renamed CSV, an empty
  file, random bytes, an old ``.xls``);
* an archive declaring more than ``MAX_UNCOMPRESSED`` bytes in total, or a
  member compressed more than ``MAX_RATIO``:1 (a zip bomb). The sizes are
  the ones the archive declares; Python's ``zipfile`` never inflates a member
  beyond its declared size, so the check bounds what parsing can allocate;
* XML with entity declarations (openpyxl parses through ``defusedxml``);
* a sheet declaring (or, while reading, holding) more than ``MAX_ROWS`` data rows.

Cells are read with openpyxl in read-only mode: the value Excel last saved
(``data_only=True``). A formula without a saved value reads as blank there,
so for a sheet whose XML holds formulas a second read-only pass
(``data_only=False``) runs in step to tell such cells from blank ones.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter

from . import messages as msg
from .template import SheetSpec, header_key

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 100_000
MAX_HEADER_COLUMNS = 256
PROGRESS_EVERY = 1000
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s>/]")

Source = str | os.PathLike[str] | IO[bytes]


class Refused(Exception):
    """The whole file is refused; ``message`` says why, in the clerk's words."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


@dataclass(frozen=True)
class ColumnMap:
    """Where each field's column is in one sheet (1-based column numbers)."""

    sheet: str  # the sheet's title as the workbook spells it
    spec: SheetSpec
    columns: dict[str, int]

    @property
    def last(self) -> int:
        return max(self.columns.values())

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def ref(self, name: str, row: int) -> str:
        return f"{get_column_letter(self.columns[name])}{row}"

    def later(self, names: tuple[str, ...] | list[str]) -> str:
        """Of several fields, the one whose column stands furthest right."""
        present = [n for n in names if n in self.columns]
        return max(present, key=self.columns.__getitem__) if present else names[-1]


@dataclass
class RawRow:
    number: int
    values: dict[str, Any]
    bad: dict[str, str] = field(default_factory=dict)  # field -> why the cell cannot be read


class _Source:
    """A path, or the bytes of a file-like object (never more than the size limit)."""

    def __init__(self, source: Source):
        self.path: str | None = None
        self.data: bytes | None = None
        if isinstance(source, str | os.PathLike):
            self.path = os.fspath(source)
            self.name = Path(self.path).name
            try:
                size = os.path.getsize(self.path)
            except OSError:
                raise Refused(msg.file_missing(self.path)) from None
            if not os.path.isfile(self.path):
                raise Refused(msg.file_missing(self.path))
        else:
            self.name = Path(str(getattr(source, "name", "") or "upload.xlsx")).name
            temporary = getattr(source, "temporary_file_path", None)
            if callable(temporary):
                self.path = temporary()
                size = os.path.getsize(self.path)
            else:
                if hasattr(source, "seek"):
                    source.seek(0)
                self.data = source.read(MAX_FILE_BYTES + 1)
                size = len(self.data)
        if size > MAX_FILE_BYTES:
            raise Refused(msg.too_large(MAX_FILE_BYTES // (1024 * 1024)))
        if size == 0:
            raise Refused(msg.not_xlsx("tệp rỗng", "the file is empty"))

    def open(self) -> str | IO[bytes]:
        return self.path if self.path is not None else io.BytesIO(self.data or b"")


def check_archive(source: str | IO[bytes]) -> None:
    """Refuse anything that is not a sane .xlsx archive, from its directory alone."""
    if not zipfile.is_zipfile(source):
        raise Refused(msg.not_xlsx())
    if not isinstance(source, str):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused(msg.not_xlsx()) from None
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise Refused(msg.not_xlsx("không có xl/workbook.xml", "no xl/workbook.xml inside"))
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise Refused(msg.zip_too_large(MAX_UNCOMPRESSED // (1024 * 1024)))
    for member in members:
        if member.file_size and (not member.compress_size or member.file_size / member.compress_size > MAX_RATIO):
            ratio = member.file_size / member.compress_size if member.compress_size else float("inf")
            raise Refused(msg.zip_ratio(member.filename, ratio, MAX_RATIO))


class Workbook:
    """An opened, checked workbook; use as a context manager (read-only mode keeps the file open)."""

    def __init__(self, source: Source):
        if not openpyxl.DEFUSEDXML:  # openpyxl parses through defusedxml only when it is installed and enabled
            raise Refused(msg.UNSAFE_PARSER)
        self._source = _Source(source)
        self.name = self._source.name
        check_archive(self._source.open())
        self._values = self._load(data_only=True)
        self._formulas: Any = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for book in (self._values, self._formulas):
            if book is not None:
                book.close()

    def _load(self, data_only: bool) -> Any:
        try:
            return openpyxl.load_workbook(self._source.open(), read_only=True, data_only=data_only)
        except Exception as error:  # any parser failure is one refusal
            raise Refused(msg.unreadable_file(_reason(error))) from None

    @property
    def sheet_titles(self) -> list[str]:
        return list(self._values.sheetnames)

    def _sheet(self, book: Any, title: str) -> Any:
        """A read-only worksheet (opening it parses its dimension: guarded too)."""
        try:
            return book[title]
        except Exception as error:  # a damaged or hostile sheet: refused, never a traceback
            raise Refused(msg.unreadable_file(_reason(error)), title) from None

    def find(self, spec: SheetSpec) -> str | None:
        """The title of the sheet ``spec`` names (case and spaces ignored), or None."""
        wanted = header_key(spec.name)
        return next((title for title in self._values.sheetnames if header_key(title) == wanted), None)

    def columns(self, spec: SheetSpec, title: str) -> ColumnMap:
        """Map the header row; refuse a sheet lacking a required header."""
        ws = self._sheet(self._values, title)
        found: dict[str, int] = {}
        rows = _guard(lambda: ws.iter_rows(min_row=1, max_row=1, max_col=MAX_HEADER_COLUMNS, values_only=True))
        for row in rows:
            for index, value in enumerate(row, start=1):
                name = spec.by_key.get(header_key(value)) if isinstance(value, str) else None
                if name and name not in found:
                    found[name] = index
        missing = [c.header for c in spec.columns if c.header_required and c.field not in found]
        if missing:
            raise Refused(msg.missing_headers(title, missing), title)
        return ColumnMap(title, spec, found)

    def check_size(self, title: str) -> None:
        """Refuse a sheet whose dimension declares too many rows, before reading any."""
        declared = self._sheet(self._values, title).max_row
        if declared is not None and declared - 1 > MAX_ROWS:
            raise Refused(msg.too_many_rows(title, MAX_ROWS, declared - 1), title)

    def rows(self, columns: ColumnMap, progress: Callable[[str], None] | None = None) -> Iterator[RawRow]:
        """The non-blank data rows (from row 2) with their cells by field."""
        ws = self._sheet(self._values, columns.sheet)
        ws.reset_dimensions()  # a wrong <dimension> must not hide rows
        cells = _guard(lambda: ws.iter_rows(min_row=2, max_col=columns.last))
        formulas = self._formula_rows(columns) if self._has_formulas(ws) else None
        fields = [(name, index - 1, columns.spec.column(name).percent) for name, index in columns.columns.items()]
        count = 0
        for number, row in enumerate(cells, start=2):
            formula_row = next(formulas, ()) if formulas is not None else ()
            raw = _raw_row(number, row, formula_row, fields)
            if raw is None:
                continue
            count += 1
            if count > MAX_ROWS:
                raise Refused(msg.too_many_rows(columns.sheet, MAX_ROWS), columns.sheet)
            if progress and count % PROGRESS_EVERY == 0:
                progress(f"{columns.sheet}: {count} rows read")
            yield raw

    def _has_formulas(self, ws: Any) -> bool:
        """Whether the sheet's XML holds any <f> element: a cheap scan, no parsing."""
        path = getattr(ws, "_worksheet_path", None)
        if path is None:
            return True
        try:
            with zipfile.ZipFile(self._source.open()) as archive, archive.open(path) as stream:
                tail = b""
                while chunk := stream.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-32:]
        except (KeyError, zipfile.BadZipFile, OSError):
            return True
        return False

    def _formula_rows(self, columns: ColumnMap) -> Iterator[tuple[Any, ...]]:
        if self._formulas is None:
            self._formulas = self._load(data_only=False)
        ws = self._sheet(self._formulas, columns.sheet)
        ws.reset_dimensions()
        return _guard(lambda: ws.iter_rows(min_row=2, max_col=columns.last, values_only=True))


def _raw_row(number: int, row: tuple[Any, ...], formula_row: tuple[Any, ...],
             fields: list[tuple[str, int, bool]]) -> RawRow | None:
    values: dict[str, Any] = {}
    bad: dict[str, str] = {}
    blank = True
    for name, index, percent in fields:
        cell = row[index] if index < len(row) else None
        value = getattr(cell, "value", None)
        if value is None:
            formula = formula_row[index] if index < len(formula_row) else None
            if formula is not None:
                bad[name] = msg.FORMULA_WITHOUT_VALUE
                blank = False
            continue
        if isinstance(value, str):
            if value.strip() in ERROR_CODES:
                bad[name] = msg.formula_error(value.strip())
                blank = False
                continue
            if not value.strip():
                continue
        if percent and isinstance(value, int | float) and "%" in str(getattr(cell, "number_format", "")):
            value = Decimal(repr(value)) * 100
        values[name] = value
        blank = False
    return None if blank else RawRow(number, values, bad)


def _reason(error: BaseException) -> str:
    """The name of the error at the root of a chain (openpyxl wraps parser errors in ValueError)."""
    while error.__cause__ is not None:
        error = error.__cause__
    return type(error).__name__


def _guard(make: Callable[[], Iterator[Any]]) -> Iterator[Any]:
    """Iterate, turning any parser failure into one refusal."""
    try:
        yield from make()
    except Refused:
        raise
    except Exception as error:  # a damaged or hostile sheet: refused, never a traceback
        raise Refused(msg.unreadable_file(_reason(error))) from None
