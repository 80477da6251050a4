"""Opening an uploaded workbook safely and reading its cells.

A hostile or wrong file is refused (``Refused``, one message) before any
of it is parsed, fast and in bounded memory, by ``check_archive``
(``archive.py``: size, not an .xlsx, macros, password, zip bomb, XML
entities). Then each sheet the import reads is first scanned as a stream
(``sheetxml.py``) and refused with one message when a value lies in a row
numbered above ``MAX_ROWS + 1`` or the range to read exceeds ``MAX_CELLS``
cells, whatever its ``<dimension>`` declares; only then does calamine parse
it.

Cells are read with calamine (``python-calamine``; openpyxl stays for
writing): the value Excel last saved for a formula; numbers as ``int`` when
whole, else ``float``; dates as ``date``/``datetime``/``time``; booleans;
text. What calamine does not tell (a formula without a saved value, an
error cell, a percent format) comes from a second streaming scan of the
sheet's XML, in step with the rows, only for sheets that need it.

Time: opening, and reading each sheet (its scan, calamine's parse and its
rows, but not what the caller does with each row), are each bounded by
``settings.IMPORT_READ_SECONDS`` (``Deadline``). calamine's parse cannot be
interrupted; the scan bounds what it parses (at most ``MAX_CELLS`` cells
and ``MAX_UNCOMPRESSED`` bytes), and the time it took counts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

import python_calamine
from django.conf import settings
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter

from . import messages as msg
from .archive import MAX_FILE_BYTES, MAX_RATIO, MAX_UNCOMPRESSED, Refused, Source, check_archive
from .sheetxml import Deadline, SheetScan, cell_marks, count_strings, percent_styles, scan_sheet, workbook_parts
from .template import SheetSpec, header_key

__all__ = ["MAX_CELLS", "MAX_FILE_BYTES", "MAX_RATIO", "MAX_ROWS", "MAX_UNCOMPRESSED", "ColumnMap", "RawRow",
           "Refused", "Source", "Workbook", "check_archive"]

MAX_ROWS = 100_000  # data rows: a value in a row numbered above MAX_ROWS + 1 refuses the sheet
MAX_CELLS = 4_000_000  # rows x columns calamine may hold for one sheet: 100,001 rows up to column AN
MAX_HEADER_COLUMNS = 256
PROGRESS_EVERY = 1000
BATCH = 5000  # rows digested before they are looked up (``Known``)


def read_seconds() -> float:
    return float(getattr(settings, "IMPORT_READ_SECONDS", 60))


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
    known: bool = False  # applied before and unchanged since (``known.py``): cells not read


class Known(Protocol):
    """What ``rows`` asks about each row (``known.Known``)."""

    recorded: list[tuple[int, str]] | None  # (number, digest) of each row holding a value, when recorded
    numbers: list[int]  # the rows holding a value, as they are read

    def digest(self, cells: list[Any], marks: dict[int, str]) -> str: ...

    def find(self, batch: list[tuple[int, str]]) -> set[int]: ...

    def find_all(self, rows: list[tuple[int, str]]) -> set[int]: ...


class _Source:
    """A path, or the bytes of a file-like object (never more than the size limit)."""

    def __init__(self, source: Source):
        self.path: str | None = None
        self.data: bytes | None = None
        if isinstance(source, str | os.PathLike):
            self.path = os.fspath(source)
            self.name = Path(self.path).name
            if not os.path.isfile(self.path):
                raise Refused(msg.file_missing(self.path))
        else:
            self.name = Path(str(getattr(source, "name", "") or "upload.xlsx")).name
            temporary = getattr(source, "temporary_file_path", None)
            if callable(temporary):
                self.path = temporary()
            else:
                if hasattr(source, "seek"):
                    source.seek(0)
                self.data = source.read(MAX_FILE_BYTES + 1)

    def open(self) -> str | IO[bytes]:
        return self.path if self.path is not None else io.BytesIO(self.data or b"")

    def digest(self) -> str:
        """The blake2b of the file's bytes (at most the size limit: ``check_archive`` refused a larger one)."""
        if self.path is None:
            return hashlib.blake2b(self.data or b"", digest_size=16).hexdigest()
        with open(self.path, "rb") as stream:
            return hashlib.file_digest(stream, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


@dataclass
class _Sheet:
    """A sheet calamine has parsed, with where its range starts (0-based) and what its scan found."""

    data: Any
    scan: SheetScan
    first_row: int
    first_column: int
    seconds: float  # spent scanning and parsing it


class Workbook:
    """An opened, checked workbook; use as a context manager."""

    def __init__(self, source: Source):
        self._source = _Source(source)
        self.name = self._source.name
        check_archive(self._source.open())
        deadline = Deadline(read_seconds())
        self._archive = zipfile.ZipFile(self._source.open())
        self._sheets: dict[str, _Sheet] = {}
        self._scans: dict[str, SheetScan] = {}
        try:
            self._parts = workbook_parts(self._archive)
            self._percent = percent_styles(self._archive, self._parts.styles)
            count_strings(self._archive, self._parts.strings, MAX_CELLS, deadline)
            self._book = _calamine(lambda: _open(self._source.open()))
            deadline.check()
        except BaseException:
            self._archive.close()
            raise

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sheets.clear()
        self._archive.close()
        self._book.close()

    @property
    def sheet_titles(self) -> list[str]:
        return list(self._book.sheet_names)

    def find(self, spec: SheetSpec) -> str | None:
        """The title of the sheet ``spec`` names (case and spaces ignored), or None."""
        wanted = header_key(spec.name)
        return next((title for title in self.sheet_titles if header_key(title) == wanted), None)

    def _scan(self, title: str, deadline: Deadline) -> SheetScan:
        """The sheet's scan (``sheetxml.scan_sheet``), once: it refuses a sheet calamine must not parse."""
        if title not in self._scans:
            member = self._parts.sheets.get(title)
            if member is None:
                raise Refused(msg.unreadable_file(f'no worksheet part for "{title}"'), title)
            self._scans[title] = _calamine(lambda: scan_sheet(self._archive, member, title, max_row=MAX_ROWS + 1,
                                                              max_cells=MAX_CELLS, deadline=deadline), title)
        return self._scans[title]

    def adopt(self, title: str, scan: SheetScan) -> None:
        """The scan an earlier reading of these very bytes made (``again.py``, which does not keep the
        sheet's member): not done again."""
        if title in self._parts.sheets:
            self._scans[title] = dataclasses.replace(scan, path=self._parts.sheets[title])

    def file_digest(self) -> str:
        return self._source.digest()

    def _sheet(self, title: str, deadline: Deadline) -> _Sheet:
        """The sheet parsed by calamine once its scan allows it; kept while the kept sheets fit ``MAX_CELLS``."""
        if title in self._sheets:
            return self._sheets[title]
        scan = self._scan(title, deadline)
        if sum(s.scan.cells for s in self._sheets.values()) + scan.cells > MAX_CELLS:
            self._sheets.clear()
        data = _calamine(lambda: self._book.get_sheet_by_name(title), title)
        deadline.check()
        first_row, first_column = data.start or (0, 0)
        sheet = self._sheets[title] = _Sheet(data, scan, first_row, first_column, deadline.elapsed)
        return sheet

    def columns(self, spec: SheetSpec, title: str) -> ColumnMap:
        """Map the header row; refuse a sheet lacking a required header."""
        sheet = self._sheet(title, Deadline(read_seconds(), title))
        found: dict[str, int] = {}
        header = next(iter(sheet.data.iter_rows()), []) if sheet.first_row == 0 and sheet.scan.last_row else []
        for index, value in enumerate(header, start=sheet.first_column + 1):
            if index > MAX_HEADER_COLUMNS:
                break
            name = spec.by_key.get(header_key(value)) if isinstance(value, str) else None
            if name and name not in found:
                found[name] = index
        missing = [c.header for c in spec.columns if c.header_required and c.field not in found]
        if missing:
            raise Refused(msg.missing_headers(title, missing), title)
        return ColumnMap(title, spec, found)

    def check_size(self, title: str) -> SheetScan:
        """Refuse a sheet with a value beyond row ``MAX_ROWS + 1`` (or too wide), before reading any row; its
        scan (done once, or given by ``adopt``)."""
        return self._scan(title, Deadline(read_seconds(), title))

    def data_rows(self, title: str) -> int:
        """At most how many data rows the sheet holds (its last row with a value, less the header)."""
        return max(self._scan(title, Deadline(read_seconds(), title)).last_row - 1, 0)

    def rows(self, columns: ColumnMap, progress: Callable[[str], None] | None = None,
             known: Known | None = None) -> Iterator[RawRow]:
        """The non-blank data rows (from row 2) with their cells by field.

        ``known`` (``known.Known``): each row's cells digested, looked up ``BATCH`` rows at a time; a row
        known unchanged comes as ``RawRow(number, {}, known=True)``, its cells left unread. Where
        ``known.recorded`` already holds the digests of the rows holding a value (the same file read before,
        ``again.py``), those are looked up first: every one known, the sheet is not parsed at all; else the
        rows not known are read from calamine, the others' cells left unread.
        Refused when the sheet (its scan and parse included) is not read within
        ``IMPORT_READ_SECONDS``; the time the caller spends on each row is not counted.
        """
        title = columns.sheet
        hits: set[int] | None = None  # the rows known unchanged, where the digests are recorded
        if known is not None and known.recorded is not None:
            hits = known.find_all(known.recorded)
            if len(hits) == len(known.recorded):  # every row: the sheet is not parsed
                rows = (RawRow(number, {}, known=True) for number, _ in known.recorded)
                yield from self._counted(title, rows, progress, Deadline(read_seconds(), title), known)
                return
        cached = self._sheets.get(title)
        deadline = Deadline(read_seconds(), title, spent=cached.seconds if cached else 0.0)
        sheet = cached or self._sheet(title, deadline)
        fields = [(name, index - 1 - sheet.first_column, index, columns.spec.column(name).percent)
                  for name, index in columns.columns.items()]
        marks = self._marks(sheet, columns, deadline)
        batch: list[tuple[int, list[Any], dict[int, str], str]] = []

        def flush() -> Iterator[RawRow | None]:
            found = known.find([(number, digest) for number, _row, _marks, digest in batch]) if known else set()
            for number, row, at, _digest in batch:
                yield RawRow(number, {}, known=True) if number in found else _raw_row(number, row, at, fields)
            batch.clear()

        def read() -> Iterator[RawRow | None]:
            indexes = [index for _name, index, _column, _percent in fields]
            for number, row in enumerate(_guard(sheet.data.iter_rows, title), start=sheet.first_row + 1):
                deadline.check()
                if number < 2:
                    continue
                at = marks.at(number) if marks else {}
                if hits is not None:  # the digests are recorded, and were looked up
                    yield RawRow(number, {}, known=True) if number in hits else _raw_row(number, row, at, fields)
                    continue
                digest = ""
                if known is not None:
                    width = len(row)
                    digest = known.digest([row[i] if 0 <= i < width else None for i in indexes], at)
                batch.append((number, row, at, digest))
                if len(batch) >= (BATCH if known is not None else 1):
                    yield from flush()
            yield from flush()

        yield from self._counted(title, read(), progress, deadline, known)
        self._sheets.pop(title, None)

    @staticmethod
    def _counted(title: str, raws: Iterator[RawRow | None], progress: Callable[[str], None] | None,
                 deadline: Deadline, known: Known | None) -> Iterator[RawRow]:
        """The rows holding a value, counted (refused beyond ``MAX_ROWS``, progress every ``PROGRESS_EVERY``);
        the deadline paused while the caller works on each."""
        count = 0
        for raw in raws:
            if raw is None:
                continue
            count += 1
            if count > MAX_ROWS:
                raise Refused(msg.too_many_rows(title, MAX_ROWS), title)
            if progress and count % PROGRESS_EVERY == 0:
                progress(msg.both(f"{title}: đã đọc {count} dòng", f"{title}: {count} rows read"))
            if known is not None:
                known.numbers.append(raw.number)
            deadline.pause()
            yield raw
            deadline.resume()

    def _marks(self, sheet: _Sheet, columns: ColumnMap, deadline: Deadline) -> _Marks | None:
        percent = self._percent if any(columns.spec.column(n).percent for n in columns.columns) else frozenset()
        if not (sheet.scan.formulas or sheet.scan.errors or percent):
            return None
        return _Marks(cell_marks(self._archive, sheet.scan.path, percent, deadline, columns.sheet,
                                 sheet.scan.refs))


class _Marks:
    """The marks of ``cell_marks`` for one row after another."""

    def __init__(self, marks: Iterator[tuple[int, int, str]]):
        self._marks = marks
        self._next = next(marks, None)

    def at(self, row: int) -> dict[int, str]:
        found: dict[int, str] = {}
        while self._next is not None and self._next[0] <= row:
            if self._next[0] == row:
                found[self._next[1]] = self._next[2]
            self._next = next(self._marks, None)
        return found


def _open(source: str | IO[bytes]) -> Any:
    if isinstance(source, str):
        return python_calamine.CalamineWorkbook.from_path(source)
    return python_calamine.CalamineWorkbook.from_filelike(source)


def _raw_row(number: int, row: list[Any], marks: dict[int, str],
             fields: list[tuple[str, int, int, bool]]) -> RawRow | None:
    values: dict[str, Any] = {}
    bad: dict[str, str] = {}
    width = len(row)
    for name, index, column, percent in fields:
        value = row[index] if 0 <= index < width else None
        mark = marks.get(column) if marks else None
        if mark == "f":
            bad[name] = msg.FORMULA_WITHOUT_VALUE
            continue
        if mark and mark.startswith("#"):
            bad[name] = msg.formula_error(mark)
            continue
        if isinstance(value, str):
            stripped = value.strip()
            if not stripped:
                continue
            if stripped in ERROR_CODES:
                bad[name] = msg.formula_error(stripped)
                continue
        elif value is None:
            continue
        elif isinstance(value, float):
            if not math.isfinite(value):  # NaN or infinity, which no spreadsheet program writes: read as text
                value = repr(value)
            elif percent and mark == "%":
                value = Decimal(repr(value)) * 100
            elif value.is_integer():
                value = int(value)
        values[name] = value
    return RawRow(number, values, bad) if values or bad else None


def _calamine(make: Callable[[], Any], sheet: str = "") -> Any:
    """Call the reader, turning any parser failure into one refusal."""
    try:
        return make()
    except Refused:
        raise
    except Exception as error:  # a damaged or hostile file: refused, never a traceback
        raise Refused(msg.unreadable_file(_reason(error)), sheet) from None


def _reason(error: BaseException) -> str:
    """The name of the error at the root of a chain."""
    while error.__cause__ is not None:
        error = error.__cause__
    return type(error).__name__


def _guard(make: Callable[[], Iterator[Any]], sheet: str = "") -> Iterator[Any]:
    """Iterate, turning any reader failure into one refusal."""
    try:
        yield from make()
    except Refused:
        raise
    except Exception as error:  # a damaged or hostile sheet: refused, never a traceback
        raise Refused(msg.unreadable_file(_reason(error)), sheet) from None
