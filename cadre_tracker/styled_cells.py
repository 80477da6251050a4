"""Many xlsx cells in a few styles, written as ``cadre_tracker.spreadsheets.cell`` writes them, but fast.

A report sheet is thousands of cells in a handful of styles (a number format per column, bold for
the total row, a fill for a row below its target). Through ``cell``, every cell hashed its font,
fill and number format into the workbook's style lists, and ``ws.append`` then tried each ready cell
as a value and fell back on it through an exception: most of a report's Python time. Here

* ``StyledCells(ws).style(...)`` works each combination of settings out once for the workbook
  (a ``CellStyle``: the openpyxl ``StyleArray`` shared by its cells, its hash computed once);
* ``cells_sheet(workbook, title)`` makes a ``CellsSheet``, to which ``StyledCells.row(values, styles)``
  is appended: with openpyxl's own XML writer (et_xmlfile, no lxml), each common value is written
  as the very text openpyxl would serialise for its cell (building and serialising an element per
  cell was then most of the time); otherwise each is bound in turn to one reused cell, as
  openpyxl's own ``append`` does with plain values.

Only values bound exactly as ``cell`` binds them take the short way (whole numbers, finite floats,
None, text that XML carries as it is and no spreadsheet evaluates); any other value (a date, a
formula-like or XML-unsafe text, a bool, NaN...) is made by ``cell`` itself. The workbook written is
the same, byte for byte (``tests/test_styled_cells.py``). This leans on openpyxl 3.1's write-only
internals (``_values_to_row``, ``WorksheetWriter.write_row``, the cell XML); the tests say so if
an upgrade changes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Fill, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter

from .spreadsheets import _NOT_AS_IS, EXCEL_MAX_TEXT, FORMULA_PREFIXES, _style, cell


class _SharedStyle(StyleArray):
    """A ``StyleArray`` shared by many cells and never changed, its hash worked out once: openpyxl
    looks every styled cell's array up in the workbook's styles (two hashes of its nine fields)."""

    def __init__(self, values: StyleArray) -> None:
        self._hash = hash(tuple(values))

    def __hash__(self) -> int:
        return self._hash


class CellStyle(NamedTuple):
    """One combination of cell settings, worked out once for a workbook (``StyledCells.style``)."""

    array: StyleArray | None  # what openpyxl writes (indexes into the workbook's fonts, fills, formats)
    text_array: StyleArray | None  # the same without the number format, which ``cell`` leaves off a text
    settings: dict[str, Any]  # the settings, as ``cell`` takes them


class StyledCells:
    """``cell`` for the many cells of one sheet that share a few styles, each style worked out once.

    Setting a font, a fill or a number format on a cell hashes the style object into the workbook's
    lists at every cell (openpyxl's ``StyleableObject``): that was half the Python time of a report.
    Here each distinct combination is applied once, to a prototype cell, and its ``StyleArray`` (the
    indexes openpyxl writes) is shared by every cell of that style.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws
        self._styles: dict[tuple[int, ...], CellStyle] = {}

    def style(self, *, number_format: str | None = None, font: Font | None = None, fill: Fill | None = None,
              alignment: Alignment | None = None, border: Border | None = None) -> CellStyle:
        """The shared style of these settings, worked out once per sheet."""
        key = (id(number_format), id(font), id(fill), id(alignment), id(border))
        made = self._styles.get(key)
        if made is None:
            settings = {"number_format": number_format, "font": font, "fill": fill, "alignment": alignment,
                        "border": border}  # the settings keep the objects (and so their ids) alive
            made = CellStyle(self._array(settings), self._array({**settings, "number_format": None}), settings)
            self._styles[key] = made
        return made

    def _array(self, settings: dict[str, Any]) -> StyleArray | None:
        """The array ``cell`` gives a cell with ``settings`` (its font, fill and format are registered with
        the workbook now; the array itself, as ever, when a cell is written with it)."""
        array = _style(WriteOnlyCell(self._ws), **settings)._style  # noqa: SLF001
        return None if array is None or not any(array) else _SharedStyle(array)

    def make(self, value: object, style: CellStyle) -> WriteOnlyCell:
        """``cell(ws, value, **settings)`` for the settings ``style`` was made from: a value that
        ``_bind`` can bind is bound to a new cell directly, anything else goes through ``cell``."""
        made = Cell(self._ws, 1, 1)
        if not _bind(made, value, style):
            return cell(self._ws, value, **style.settings)
        return made

    def row(self, values: Iterable[object], styles: Sequence[CellStyle]) -> list[Any]:
        """A row to ``ws.append``, each value in the style at its position: a ``StyledRow`` for a
        ``CellsSheet`` (bound to one reused cell as it is written), else a list of ``make``'s cells."""
        if isinstance(self._ws, CellsSheet):
            return StyledRow(values, styles)
        return [self.make(value, style) for value, style in zip(values, styles, strict=True)]


def _bind(target: Cell, value: object, style: CellStyle) -> bool:
    """Put ``value`` in ``target`` with ``style`` exactly as ``cell`` would, for the common values (a whole
    number, a finite float, None, a text that XML carries as it is and no spreadsheet evaluates); False
    for any other value (dates, formula-like or XML-unsafe text...), which ``cell`` must make."""
    kind = type(value)
    if kind is int or value is None:
        target._value = value  # noqa: SLF001  (what binding an int or None stores)
        target.data_type = "n"
    elif kind is float and math.isfinite(value):  # type: ignore[arg-type]
        target._value = repr(value)  # noqa: SLF001  (as ``number_cell``)
        target.data_type = "n"
    elif kind is str and not (_NOT_AS_IS.search(value) or value.startswith(FORMULA_PREFIXES)  # type: ignore[arg-type]
                              or len(value) > EXCEL_MAX_TEXT):  # type: ignore[arg-type]
        target._value = value  # noqa: SLF001  (as ``text_cell``: the text as it is, a string cell ...)
        target.data_type = "s"
        target._style = style.text_array  # noqa: SLF001  (... without a number format)
        return True
    else:
        return False
    target._style = style.array  # noqa: SLF001  (shared, never changed: openpyxl only reads it when writing)
    return True


class StyledRow(list):  # type: ignore[type-arg]
    """A row of values for ``CellsSheet.append``, each written in the style at its position."""

    def __init__(self, values: Iterable[object], styles: Sequence[CellStyle]) -> None:
        super().__init__(values)
        self.styles = styles


class CellsSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows of ready cells, or of values with their styles, are placed directly.

    openpyxl's ``append`` binds every item of a row to a reusable cell and, when the item is a cell
    already, falls back on it through a ``ValueError`` whose message holds the cell's ``repr``: a
    third of the time a sheet of styled cells spent outside writing XML. A row made only of cells
    (``StyledCells.make``, ``cell``, ``text_cell``) is placed here directly, and a ``StyledRow`` is
    bound value by value to one reused cell (a cell object per value was most of the rest); any
    other row goes the usual way. What is written is the same.
    """

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = _CellsWriter(self)
            self._writer.write_top()

    def _values_to_row(self, values: Any, row_idx: int) -> Any:
        if type(values) is StyledRow:
            return _BoundRow(self, values, row_idx)
        if isinstance(values, list) and all(type(value) is Cell for value in values):
            return self._ready_cells(values, row_idx)
        return super()._values_to_row(values, row_idx)

    @staticmethod
    def _ready_cells(values: list[Cell], row_idx: int) -> Iterator[Cell]:
        for col_idx, made in enumerate(values, 1):
            made.column = col_idx
            made.row = row_idx
            if made._hyperlink is not None:  # noqa: SLF001  (as openpyxl places a linked cell)
                made._hyperlink.ref = made.coordinate  # noqa: SLF001
            yield made

    def _styled_row(self, values: StyledRow, row_idx: int) -> Iterator[Cell]:
        reused = Cell(self, row_idx, 1)  # one cell for the row, as openpyxl's ``append`` does for values
        for col_idx, (value, style) in enumerate(zip(values, values.styles, strict=True), 1):
            if _bind(reused, value, style):  # written before the next value is bound (``write_row``)
                reused.column = col_idx
                yield reused
            else:
                made = cell(self, value, **style.settings)
                made.column = col_idx
                made.row = row_idx
                yield made


class _BoundRow:
    """A ``StyledRow`` at its place in a ``CellsSheet``: its cells one after another (one reused cell)."""

    __slots__ = ("row_idx", "sheet", "values")

    def __init__(self, sheet: CellsSheet, values: StyledRow, row_idx: int) -> None:
        self.sheet, self.values, self.row_idx = sheet, values, row_idx

    def __iter__(self) -> Iterator[Cell]:
        return self.sheet._styled_row(self.values, self.row_idx)  # noqa: SLF001


class _CellsWriter(WorksheetWriter):
    """openpyxl's sheet writer, but a ``StyledRow``'s common cells are written as text.

    openpyxl builds an XML element per cell and serialises it (most of the time a report takes):
    here a whole number, a finite float, None or a plain text is written as the very text openpyxl
    would serialise for it (``<c r="B7" s="3" t="n"><v>12</v></c>``), into the same stream; any
    other cell, and every row when the stream is not the plain one this expects, goes through
    openpyxl. ``tests/test_styled_cells.py`` compares the bytes with openpyxl's own.
    """

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        write = getattr(xf, "_file", None)  # et_xmlfile's writer (openpyxl without lxml)
        if type(row) is not _BoundRow or not callable(write) or row_idx in self.ws.row_dimensions:
            super().write_row(xf, row, row_idx)
            return
        styles = self.ws.parent._cell_styles  # noqa: SLF001
        parts = [f'<row r="{row_idx}">']
        for col_idx, (value, style) in enumerate(zip(row.values, row.values.styles, strict=True), 1):
            kind = type(value)
            if kind is int or kind is float and math.isfinite(value) or value is None:
                array, text = style.array, None if value is None else (
                    "%.16g" % value if kind is int else repr(value))  # noqa: UP031  (openpyxl's safe_string; number_cell)
                kind_attr = "n"
            elif (kind is str and value and value == value.strip() and not (
                    _NOT_AS_IS.search(value) or value.startswith(FORMULA_PREFIXES) or len(value) > EXCEL_MAX_TEXT)):
                array, text, kind_attr = style.text_array, escape(value), "inlineStr"
            else:
                made = cell(self.ws, value, **style.settings)
                made.column, made.row = col_idx, row_idx
                write("".join(parts))
                parts = []
                if made._value is not None or made.has_style:  # noqa: SLF001  (as openpyxl's write_row)
                    write_cell(xf, self.ws, made, made.has_style)
                continue
            if array is None and text is None:
                continue  # an empty cell without style: not written
            where = f'{get_column_letter(col_idx)}{row_idx}'
            styled = "" if array is None else f' s="{styles.add(array)}"'
            if text is None:
                parts.append(f'<c r="{where}"{styled} t="{kind_attr}" />')
            elif kind_attr == "n":
                parts.append(f'<c r="{where}"{styled} t="n"><v>{text}</v></c>')
            else:
                parts.append(f'<c r="{where}"{styled} t="inlineStr"><is><t>{text}</t></is></c>')
        parts.append("</row>")
        write("".join(parts))


def cells_sheet(workbook: Workbook, title: str) -> CellsSheet:
    """``workbook.create_sheet(title)`` (a write-only workbook) as a ``CellsSheet``."""
    if not workbook.write_only:
        raise ValueError("a CellsSheet belongs to a write-only workbook")
    sheet = CellsSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)  # noqa: SLF001  (what create_sheet does with the sheet it makes)
    return sheet
