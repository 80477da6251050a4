"""Lay a report's tables out as a streaming (write-only) openpyxl workbook.

Each ``Table`` becomes one sheet: title rows, a blank row, the header row
(the first row whose first cell is the first column's header), the data
rows, and nothing else. The header is frozen and repeated on every printed
page; pages are A4 landscape, fitted to the width. Every cell goes through
``cadre_tracker.spreadsheets`` (the data rows through ``cadre_tracker.styled_cells``,
which writes them as ``spreadsheets.cell`` does, each style worked out once), so no
text is ever a formula, and no cell is merged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cadre_tracker.spreadsheets import text_cell
from cadre_tracker.styled_cells import StyledCells, cells_sheet

from ..figures import Ratio

Kind = Literal["text", "count", "percent", "year"]
NUMBER_FORMATS: dict[str, str | None] = {"text": None, "count": "#,##0", "percent": "0.00%", "year": "0"}

TITLE_FONT = Font(bold=True, size=13)
BOLD = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
BELOW_TARGET_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
TEXT_WIDTH = (12.0, 48.0)  # a text column fits its longest value within these bounds
NUMBER_WIDTH = 13.0
HEADER_HEIGHT = 64.0  # four wrapped lines of the longest header
A4 = "9"


@dataclass(frozen=True)
class Column:
    """A column: its header text, its kind and how to get its value from a row.

    ``value`` returns a ``str`` (text), an ``int`` (count, year), or, for a
    percent, a ``Ratio`` (written as its exact fraction, empty over 0) or a
    ``Fraction`` / ``Decimal`` / ``None``.
    """

    header: str
    kind: Kind
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """One sheet. Rows may say ``is_total`` (bold) and ``below_target`` (highlighted)."""

    sheet: str
    titles: Sequence[str]
    columns: Sequence[Column]
    rows: Sequence[Any]
    frozen_columns: int = 1

    @property
    def header_row(self) -> int:
        """1-based index of the header row: after the titles and one blank row."""
        return len(self.titles) + 2 if self.titles else 1


def cell_value(column: Column, row: Any) -> Any:
    """The value written for ``row`` in ``column``: a percent becomes its exact fraction (float)."""
    value = column.value(row)
    if column.kind != "percent" or value is None:
        return value
    if isinstance(value, Ratio):
        return value.numerator / value.denominator if value.denominator else None
    if isinstance(value, (Fraction, Decimal)):
        return float(value)
    return value


def write_workbook(target: str | os.PathLike[str] | IO[bytes], tables: Sequence[Table], *,
                   title: str = "", creator: str = "Cadre Tracker") -> None:
    """Write ``tables`` as the sheets of one workbook to a path or a binary stream."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = creator
    workbook.properties.title = title
    for table in tables:
        write_table(cells_sheet(workbook, table.sheet), table)
    workbook.save(target)


def write_table(ws: WriteOnlyWorksheet, table: Table) -> None:
    _layout(ws, table)  # a write-only sheet takes its layout before the first row
    first_header = table.columns[0].header
    for i, title in enumerate(table.titles):
        # The header row is found as the first row starting with the first header: no title may read so.
        safe_title = f"{title} ({table.sheet})" if title.strip() == first_header else title
        ws.append([text_cell(ws, safe_title, font=TITLE_FONT if i == 0 else BOLD)])
    if table.titles:
        ws.append([])
    ws.append([text_cell(ws, c.header, font=BOLD, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
               for c in table.columns])
    cells = StyledCells(ws)
    styles: dict[tuple[bool, bool], list[Any]] = {}  # (total, below target): each column's style
    for row in table.rows:
        state = (getattr(row, "is_total", False), getattr(row, "below_target", False))
        row_styles = styles.get(state)
        if row_styles is None:
            font, fill = BOLD if state[0] else None, BELOW_TARGET_FILL if state[1] else None
            row_styles = styles[state] = [cells.style(number_format=NUMBER_FORMATS[c.kind], font=font, fill=fill)
                                          for c in table.columns]
        ws.append(cells.row([cell_value(c, row) for c in table.columns], row_styles))


def _layout(ws: WriteOnlyWorksheet, table: Table) -> None:
    header = table.header_row
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _width(column, table.rows)
    ws.row_dimensions[header].height = HEADER_HEIGHT
    ws.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed down
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"


def _width(column: Column, rows: Sequence[Any]) -> float:
    if column.kind != "text":
        return NUMBER_WIDTH
    longest = max([len(column.header), *(len(str(column.value(r))) for r in rows)])
    low, high = TEXT_WIDTH
    return min(max(longest * 1.1 + 2, low), high)  # Vietnamese diacritics sit a little wider
