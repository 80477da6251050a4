"""The workbook's XML, scanned in a stream without being parsed.

calamine (``workbook.py``) builds a dense range of a whole sheet in memory:
from its first to its last cell holding a value, every row times every
column. A 5 KB sheet with one value in row 100,000,000 would make it
allocate billions of cells, whatever its ``<dimension>`` says. So before
calamine sees a sheet, ``scan_sheet`` reads the sheet's XML as a stream of
chunks (a few megabytes at a time, never a DOM) and finds the last row and
column holding a value: the ``r`` of every ``<row>`` and ``<c>``, rows and
cells without ``r`` counted in sequence as calamine counts them, a
self-closing cell (a formatted empty one, as LibreOffice writes down to row
1,048,576) holding nothing. Reading is refused as soon as a value lies in a
row above ``max_row``, or when the range would exceed ``max_cells``.

calamine reads a formula cell by its saved value, but says nothing of a
formula without one, nor of error cells (it gives ``""`` for both), nor of
number formats. ``cell_marks`` scans the sheet once more, in step with the
rows read, for those cells only: a formula without a saved value (``"f"``),
an error (its code, ``"#N/A"``), a number in a percent format (``"%"``).
``scan_sheet`` says whether that second scan is needed.

Every loop checks a ``Deadline`` between chunks.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import time
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from . import messages as msg
from .archive import Refused

clock = time.monotonic  # tests replace it with a slow clock
CHUNK_BYTES = 1 << 22
MAX_TAG_BYTES = 16 << 20  # no legitimate start tag, nor a cell's XML (rich text included), is longer
MAX_COLUMN = 16_384  # XFD, Excel's last column
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix: <x:row>
_ATTR = rb"""\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*')"""
_NOT_R = rb"""\s+(?!r\s*=)[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*')"""
# A <row> or <c> start tag, its r split into letters and digits; a tag these well-formed attributes do not
# describe matches the last alternative (group 6) and is refused, so that no r calamine reads escapes the scan.
_TAG = re.compile(rb"<" + _P + rb"(row|c)(?:" + _NOT_R + rb")*(?:\s+r\s*=\s*([\"'])([A-Za-z]*)(\d*)\2(?:"
                  + _ATTR + rb")*)?\s*(/?)>|<" + _P + rb"(row|c)[\s/>][^>]*>")
_FORMULA = re.compile(rb"<" + _P + rb"f[\s/>]")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_CELL = re.compile(rb"<" + _P + rb"(row|c)(?=[\s/>])([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</" + _P + rb"c\s*>")
_VALUE = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?>([^<]*)</" + _P + rb"v\s*>")
_ATTRS = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]{1,3})(\d+)")
_TEXT_TYPES = frozenset({b"str", b"s", b"inlineStr"})
_START = re.compile(rb"<" + _P + rb"(row|c)[\s/>]")
# A formula not followed by a value that is not empty (those followed by one, the most, are passed over in C).
_FORMULA_WITHOUT_VALUE = re.compile(rb"<" + _P + rb"f(?:\s[^>]*)?(?:/>|>[^<]*</" + _P + rb"f\s*>)(?!\s*<" + _P
                                    + rb"v(?:\s[^>]*)?>[^<])")
_PREFIXED_FORMULA = re.compile(rb"<[A-Za-z_][\w.-]*:f[\s/>]")
_ERROR_ATTRIBUTE = re.compile(rb"""t\s*=\s*["']e["']""")


class Deadline:
    """``seconds`` of reading from now; ``check()`` refuses the sheet once they have been spent.

    ``pause()`` and ``resume()`` leave out the time the reader is not working (while the caller checks a
    row it was given): the bound is on reading, whatever the file; the caller's own work on at most
    ``MAX_ROWS`` rows is bounded by the caller.
    """

    def __init__(self, seconds: float, sheet: str = "", spent: float = 0.0):
        self.seconds = seconds
        self.sheet = sheet
        self._spent = spent
        self._since: float | None = clock()

    @property
    def elapsed(self) -> float:
        return self._spent + (clock() - self._since if self._since is not None else 0.0)

    def pause(self) -> None:
        self._spent, self._since = self.elapsed, None

    def resume(self) -> None:
        self._since = clock()

    def check(self) -> None:
        if self.elapsed > self.seconds:
            raise Refused(msg.too_slow(self.sheet, self.seconds), self.sheet)


@dataclass(frozen=True)
class SheetScan:
    path: str
    last_row: int  # of the cells holding a value; 0 when there is none
    last_column: int
    formulas: bool  # some cell holds a formula
    errors: bool  # some cell is typed as an error
    refs: bool = True  # every cell with content names itself (r): cell_marks need not count them

    @property
    def cells(self) -> int:
        return self.last_row * self.last_column


@dataclass(frozen=True)
class Parts:
    """Where a workbook's sheets (title -> member), styles and shared strings are."""

    sheets: dict[str, str]
    styles: str | None
    strings: str | None


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _chunks(archive: zipfile.ZipFile, path: str, deadline: Deadline) -> Iterator[bytes]:
    with archive.open(path) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            deadline.check()
            yield chunk
    deadline.check()


def _pieces(archive: zipfile.ZipFile, path: str, deadline: Deadline, sheet: str,
            boundary: bytes = b"<") -> Generator[tuple[bytes, int], int | None, None]:
    """(data, end): every tag starting before ``end`` is whole in ``data``; the consumer may ``send`` back
    where it stopped instead, and what follows is carried over to the next piece.

    ``end`` is the last ``boundary`` (e.g. ``<row``) of the new bytes, else their last ``<``. No tag, nor a
    cell the consumer needs whole, may be longer than ``MAX_TAG_BYTES``.
    """
    carry = b""
    for chunk in _chunks(archive, path, deadline):
        data = carry + chunk
        end = data.rfind(boundary, len(carry))
        if end <= 0:
            end = data.rfind(b"<")
        stop = (yield data, end) if end > 0 else 0
        carry = data[end if stop is None else stop:] if end > 0 else data
        if len(carry) > MAX_TAG_BYTES:
            raise Refused(msg.unreadable_file(f"{path}: an element longer than {MAX_TAG_BYTES} bytes"), sheet)
    if carry:
        yield carry + b"<", len(carry)


_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d')
_LAST_ROW_REF = re.compile(rb'<row r="(\d+)"')


def _at_most(bound: str, first: str, low: str, high: str) -> str:
    """A pattern of the words of ``len(bound)`` characters from ``low``-``high`` (``first``-``high`` for the
    first) that sort at or before ``bound``: the same length, so the order is that of their values."""
    choices = []
    for at, char in enumerate(bound):
        start = first if at == 0 else low
        if char > start:
            rest = len(bound) - at - 1
            choices.append(re.escape(bound[:at]) + f"[{start}-{chr(ord(char) - 1)}]"
                           + (f"[{low}-{high}]{{{rest}}}" if rest else ""))
    choices.append(re.escape(bound))
    return "|".join(choices)


@functools.lru_cache(maxsize=256)
def _beyond(row: int, column: int) -> re.Pattern[bytes]:
    """A cell reference beyond ``row`` or ``column``, or not written ``A1`` with capitals and no leading zero."""
    letters, digits = get_column_letter(column), str(row)
    shorter_letters = f"[A-Z]{{1,{len(letters) - 1}}}|" if len(letters) > 1 else ""
    shorter_digits = f"[1-9][0-9]{{0,{len(digits) - 2}}}|" if len(digits) > 1 else ""
    within = (f"(?:{shorter_letters}{_at_most(letters, 'A', 'A', 'Z')})"
              f"(?:{shorter_digits}{_at_most(digits, '1', '0', '9')})")
    return re.compile(rb'<c r="(?!' + within.encode() + rb'")')


class _Extent:
    """The last row and column holding a value, and the counters of rows and cells without ``r``."""

    def __init__(self, sheet: str, path: str, max_row: int, max_cells: int):
        self.sheet, self.path, self.max_row, self.max_cells = sheet, path, max_row, max_cells
        self.row = self.column = self.last_row = self.last_column = 0
        self.refs = True
        self._columns: dict[bytes, int] = {}

    def column_of(self, letters: bytes) -> int:
        return self._columns.get(letters) or self._columns.setdefault(letters, _column(letters))

    def quick(self, data: bytes, end: int) -> bool:
        """A piece as Excel, LibreOffice and openpyxl write it: no namespace prefix, every ``<row`` and
        ``<c`` with ``r`` first, no self-closing cell. Read in bulk; False (nothing done) for any other.

        The extent is that of the piece's last cell (its row) and of the widest cell seen so far, in this
        piece's first row or before it (its column), when one search finds no cell beyond both (nor a
        reference written otherwise): a few passes over the piece in C. Else every cell's reference is
        read."""
        piece = data[:end]
        cells = piece.count(b"<c ")
        if (piece.count(b"</c>") != cells or b"<c>" in piece or b"<c/" in piece or b":c " in piece
                or b":row" in piece or piece.count(b"<row ") != piece.count(b'<row r="') or b"<row>" in piece
                or b"<row/" in piece or piece.count(b'<c r="') != cells):
            return False
        last_row_tag = piece.rfind(b"<row ")
        if last_row_tag >= 0:
            self.row = int(_LAST_ROW_REF.match(piece, last_row_tag).group(1))  # type: ignore[union-attr]
            self.column = 0
        if not cells:
            return True
        last_cell = _CELL_REF.match(piece, piece.rfind(b"<c "))
        if last_cell is None:
            return False
        first_row = piece.find(b"</row>")
        widest = max(map(self.column_of, set(_CELL_COLUMN.findall(piece, 0, first_row if first_row > 0 else end))),
                     default=0)
        row, column = int(last_cell.group(2)), max(self.last_column, widest, self.column_of(last_cell.group(1)))
        if row > self.max_row or column > MAX_COLUMN or _beyond(row, column).search(piece):
            rows = _CELL_ROW.findall(piece)  # every cell's reference read
            if len(rows) != cells:
                return False
            row = max(map(int, set(rows)))
            if row > self.max_row:  # read again tag by tag, to name the first row beyond the limit
                return False
            column = max(map(self.column_of, set(_CELL_COLUMN.findall(piece))))
        if last_cell.start() > last_row_tag:
            self.column = self.column_of(last_cell.group(1))
        self.reach(row, column)
        return True

    def precise(self, data: bytes, end: int) -> None:
        """A piece read tag by tag, as calamine counts rows and cells."""
        for kind, _quote, letters, digits, closed, loose in _TAG.findall(data, 0, end):
            if loose:
                raise Refused(msg.unreadable_file(f"{self.path}: a <{loose.decode()}> tag that cannot be read"),
                              self.sheet)
            if kind == b"row":
                self.row, self.column = (int(digits) if digits else self.row + 1), 0
                continue
            self.column = self.column_of(letters) if letters else self.column + 1
            if closed:  # <c .../>: a formatted empty cell, nothing calamine keeps
                continue
            self.refs = self.refs and bool(digits)
            self.reach(int(digits) if digits else self.row, self.column)

    def reach(self, row: int, column: int) -> None:
        """Values reach ``row`` and ``column``: refused beyond the bounds."""
        self.last_row, self.last_column = max(self.last_row, row), max(self.last_column, column)
        if self.last_row > self.max_row:
            raise Refused(msg.too_many_rows(self.sheet, self.max_row - 1, self.last_row), self.sheet)
        if self.last_column > MAX_COLUMN:
            raise Refused(msg.unreadable_file(f"{self.path}: a cell beyond column XFD"), self.sheet)
        if self.last_row * self.last_column > self.max_cells:
            last = f"{get_column_letter(self.last_column)}{self.last_row}"
            raise Refused(msg.too_many_cells(self.sheet, self.max_cells, last), self.sheet)


def scan_sheet(archive: zipfile.ZipFile, path: str, sheet: str, *, max_row: int, max_cells: int,
               deadline: Deadline) -> SheetScan:
    """The extent of the sheet's values, refused (``Refused``) beyond ``max_row`` or ``max_cells``."""
    extent = _Extent(sheet, path, max_row, max_cells)
    formulas = errors = False
    for data, end in _pieces(archive, path, deadline, sheet, boundary=b"<row"):
        if b"<!" in data and (b"<!DOCTYPE" in data or b"<!ENTITY" in data):
            raise Refused(msg.xml_entities(path), sheet)
        formulas = formulas or ((b"<f" in data or b":f" in data) and _FORMULA.search(data) is not None)
        errors = errors or ((b'"e"' in data or b"'e'" in data) and _ERROR_TYPE.search(data) is not None)
        if not extent.quick(data, end):
            extent.precise(data, end)
    return SheetScan(path, extent.last_row, extent.last_column, formulas, errors, extent.refs)


def cell_marks(archive: zipfile.ZipFile, path: str, percent_styles: frozenset[int], deadline: Deadline,
               sheet: str, refs: bool = True) -> Iterator[tuple[int, int, str]]:
    """(row, column, mark) of the cells calamine cannot describe, in the sheet's order (see the docstring).

    Where every cell holding a value names itself (``refs``, as ``scan_sheet`` found), only the cells a
    quick search points at are read; else every tag, counting rows and cells as calamine does. Refused when
    marks come out of the order of their rows (calamine reorders the cells; marks read in step with its
    rows would be missed; the whole import is refused then, so nothing read before counts)."""
    percent = {str(s).encode() for s in percent_styles}
    marks = _pointed_marks(archive, path, percent, deadline, sheet) if refs else \
        _counted_marks(archive, path, percent, deadline, sheet)
    previous = 0
    for row, column, mark in marks:
        if row < previous:
            raise Refused(msg.unreadable_file(f"{path}: rows out of order"), sheet)
        previous = row
        yield row, column, mark


Marks = Iterator[tuple[int, int, str]]
Step = Callable[[bytes, int], Generator[tuple[int, int, str], None, int | None]]


def _feed(pieces: Generator[tuple[bytes, int], int | None, None], step: Step) -> Marks:
    """Run ``step`` on each piece; the position it returns (via StopIteration) is sent back as where to go on."""
    stop: int | None = None
    while True:
        try:
            data, end = pieces.send(stop) if stop is not None else next(pieces)
        except StopIteration:
            return
        stop = yield from step(data, end)


def _pointed_marks(archive: zipfile.ZipFile, path: str, percent: set[bytes], deadline: Deadline,
                   sheet: str) -> Iterator[tuple[int, int, str]]:
    searches = [(_ERROR_ATTRIBUTE, (b'"e"', b"'e'"))]
    if percent:
        styles = re.compile(rb"s\s*=\s*[\"'](?:" + b"|".join(sorted(percent)) + rb")[\"']")
        searches.append((styles, tuple(b'"%s"' % style for style in percent)))

    def hits(data: bytes, end: int) -> list[int]:
        """Where a formula without a saved value, an error type or a percent style may be (in order)."""
        found = [m.start() for search, needles in searches if any(n in data for n in needles)
                 for m in search.finditer(data, 0, end) if data[m.start() - 1:m.start()].isspace()]
        at = data.find(b"<f", 0, end)
        while at >= 0:  # most formulas have a saved value: passed over without a regex search of the piece
            if _FORMULA_WITHOUT_VALUE.match(data, at):
                found.append(at)
            at = data.find(b"<f", at + 2, end)
        if b":f" in data:
            found.extend(m.start() for m in _PREFIXED_FORMULA.finditer(data, 0, end))
        return sorted(found)

    def step(data: bytes, end: int) -> Generator[tuple[int, int, str], None, int | None]:
        seen = -1
        for position in hits(data, end):
            start = _owner(data, position)
            if start is None or start == seen:
                continue
            seen = start
            tag = _CELL.match(data, start)
            assert tag is not None
            if tag.group(3):  # a self-closing cell holds no value
                continue
            cell_end = _CELL_END.search(data, tag.end(), len(data) - 1)
            if cell_end is None:  # the cell goes on in the next chunk: read it whole then
                return start
            values = {name: a or b for name, a, b in _ATTRS.findall(tag.group(2))}
            ref = _REF.fullmatch(values.get(b"r", b""))
            mark = _mark(values, data[tag.end():cell_end.start()], percent) if ref else None
            if mark and ref:
                yield int(ref.group(2)), _column(ref.group(1)), mark
        return _owner(data, end)

    return _feed(_pieces(archive, path, deadline, sheet), step)


def _owner(data: bytes, position: int) -> int | None:
    """Where the cell holding ``position`` starts (a ``<c`` tag), or None outside any cell."""
    at = position + 1
    while (at := data.rfind(b"<", 0, at)) >= 0:
        if start := _START.match(data, at):
            if start.group(1) == b"row":
                return None
            tag_end = data.find(b">", at)
            return None if 0 <= tag_end < position and data[tag_end - 1:tag_end] == b"/" else at
        if _CELL_END.match(data, at) and at < position:
            return None
    return None


def _counted_marks(archive: zipfile.ZipFile, path: str, percent: set[bytes], deadline: Deadline,
                   sheet: str) -> Iterator[tuple[int, int, str]]:
    row = column = 0

    def step(data: bytes, end: int) -> Generator[tuple[int, int, str], None, int | None]:
        nonlocal row, column
        for match in _CELL.finditer(data, 0, end):
            kind, attributes, closed = match.groups()
            values = {name: a or b for name, a, b in _ATTRS.findall(attributes)}
            if kind == b"row":
                number = values.get(b"r", b"")
                row, column = (int(number) if number.isdigit() else row + 1), 0
                continue
            cell_end = None if closed else _CELL_END.search(data, match.end(), len(data) - 1)
            if not closed and cell_end is None:  # the cell goes on in the next chunk: read it whole then
                return match.start()
            ref = _REF.fullmatch(values.get(b"r", b""))
            column = _column(ref.group(1)) if ref else column + 1
            if cell_end is not None and (mark := _mark(values, data[match.end():cell_end.start()], percent)):
                yield (int(ref.group(2)) if ref else row), column, mark
        return None

    return _feed(_pieces(archive, path, deadline, sheet), step)


def _mark(values: dict[bytes, bytes], content: bytes, percent: set[bytes]) -> str | None:
    kind = values.get(b"t", b"n")
    value = _VALUE.search(content)
    if kind == b"e":
        code = html.unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
        return code if code.startswith("#") else "#VALUE!"
    if _FORMULA.search(content) and (value is None or (not value.group(1) and kind not in _TEXT_TYPES)):
        return "f"
    if values.get(b"s") in percent and kind == b"n":
        return "%"
    return None


# --- the parts that say where the sheets are, and the styles -----------------

_SHEET = re.compile(rb"<" + _P + rb"sheet\s([^>]*?)/?>")
_RELATIONSHIP = re.compile(rb"<" + _P + rb"Relationship\s([^>]*?)/?>")
_CELL_XFS = re.compile(rb"<" + _P + rb"cellXfs\b[^>]*>(.*?)</" + _P + rb"cellXfs\s*>", re.DOTALL)
_XF = re.compile(rb"<" + _P + rb"xf\b([^>]*?)/?>")
_NUMBER_FORMAT = re.compile(rb"<" + _P + rb"numFmt\s([^>]*?)/?>")
_PERCENT_BUILT_IN = frozenset({9, 10})  # 0% and 0.00%
MAX_PART_BYTES = 32 * 1024 * 1024


def _attributes(raw: bytes) -> dict[str, str]:
    """Attributes by local name (``r:id`` -> ``id``), unescaped."""
    return {name.decode().rpartition(":")[2]: html.unescape((a or b).decode("utf-8", "replace"))
            for name, a, b in _ATTRS.findall(raw)}


def _read_part(archive: zipfile.ZipFile, path: str) -> bytes:
    with archive.open(path) as stream:
        data = stream.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise Refused(msg.unreadable_file(f"{path} is larger than {MAX_PART_BYTES // (1024 * 1024)} MB"))
    return data


def workbook_parts(archive: zipfile.ZipFile) -> Parts:
    """The members of the sheets, styles and shared strings, from ``xl/workbook.xml`` and its relationships."""
    names = set(archive.namelist())
    relationships: dict[str, tuple[str, str]] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for raw in _RELATIONSHIP.findall(_read_part(archive, "xl/_rels/workbook.xml.rels")):
            found = _attributes(raw)
            target = found.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            relationships[found.get("Id", "")] = (found.get("Type", "").rpartition("/")[2], member)
    sheets = {}
    for raw in _SHEET.findall(_read_part(archive, "xl/workbook.xml")):
        found = _attributes(raw)
        kind, member = relationships.get(found.get("id", ""), ("", ""))
        if kind == "worksheet" and member in names:
            sheets[found.get("name", "")] = member
    by_kind = {kind: member for kind, member in relationships.values() if member in names}
    return Parts(sheets, by_kind.get("styles"), by_kind.get("sharedStrings"))


def percent_styles(archive: zipfile.ZipFile, path: str | None) -> frozenset[int]:
    """The indices of the cell formats (``s``) that show a number as a percentage."""
    if path is None:
        return frozenset()
    data = _read_part(archive, path)
    codes = {}
    for raw in _NUMBER_FORMAT.findall(data):
        found = _attributes(raw)
        if found.get("numFmtId", "").isdecimal():
            codes[int(found["numFmtId"])] = found.get("formatCode", "")
    formats = _CELL_XFS.search(data)
    styles = set()
    for index, raw in enumerate(_XF.findall(formats.group(1)) if formats else []):
        number = _attributes(raw).get("numFmtId", "0")
        number_id = int(number) if number.isdecimal() else 0
        if number_id in _PERCENT_BUILT_IN or "%" in codes.get(number_id, ""):
            styles.add(index)
    return frozenset(styles)


_STRING_ITEM = re.compile(rb"<" + _P + rb"si[\s/>]")


def count_strings(archive: zipfile.ZipFile, path: str | None, limit: int, deadline: Deadline) -> int:
    """The number of shared strings, refused above ``limit`` (calamine keeps them all in memory)."""
    if path is None:
        return 0
    count = 0
    for data, end in _pieces(archive, path, deadline, ""):
        count += len(_STRING_ITEM.findall(data, 0, end))
        if count > limit:
            raise Refused(msg.too_many_strings(limit))
    return count
