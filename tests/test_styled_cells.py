"""``cadre_tracker.styled_cells`` writes every cell exactly as ``spreadsheets.cell`` does, only faster."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from cadre_tracker.spreadsheets import EXCEL_MAX_TEXT, cell
from cadre_tracker.styled_cells import CellsSheet, StyledCells, StyledRow, cells_sheet

VALUES: list[Any] = [
    0, 7, -12, 2_000_000, 1 / 3, 233 / 230, -0.5, 2.0, None, True, False, Decimal("0.905"), Fraction(214, 218),
    dt.date(2022, 3, 5), dt.datetime(2022, 3, 5, 8, 30), "Xóm 3", "", " =after a space", "a=b", "#N/A",
    "=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tx", "line\rbreak", "bell\x07",
    "x" * (EXCEL_MAX_TEXT + 5), "Thôn\nhai dòng", "A & B <c> \"d\" 'e'", " leading", "trailing ", "   ",
    10**17, 2**60, -(10**16) - 1, 1e300, 5e-324, float("inf"), -0.0,
]
RED = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
SETTINGS: list[dict[str, Any]] = [
    {},
    {"number_format": "#,##0"},
    {"number_format": "0.00%", "font": Font(bold=True)},
    {"number_format": "0", "fill": RED},
    {"font": Font(bold=True), "fill": RED},
    {"alignment": Alignment(wrap_text=True, horizontal="center"), "border": Border(left=Side(style="thin"))},
    {"number_format": "dd/mm/yyyy"},  # not a built-in format: the workbook registers it
]


def _described(book_bytes: bytes) -> list[list[tuple[Any, ...]]]:
    """Every cell of the first sheet: its value, type and every part of its style."""
    sheet = load_workbook(io.BytesIO(book_bytes)).worksheets[0]
    return [[(repr(c.value), c.data_type, c.number_format, c.quotePrefix, repr(c.font), repr(c.fill),
              repr(c.border), repr(c.alignment), repr(c.protection)) for c in row] for row in sheet.iter_rows()]


def _written(fill_sheet: Callable[[Workbook], None]) -> bytes:
    workbook = Workbook(write_only=True)
    fill_sheet(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _through_cell(workbook: Workbook) -> None:
    ws = workbook.create_sheet("S")
    for settings in SETTINGS:
        ws.append([cell(ws, value, **settings) for value in VALUES])


def _through_rows(workbook: Workbook) -> None:
    ws = cells_sheet(workbook, "S")
    cells = StyledCells(ws)
    for settings in SETTINGS:
        ws.append(cells.row(VALUES, [cells.style(**settings)] * len(VALUES)))


def _through_make(workbook: Workbook) -> None:
    ws = workbook.create_sheet("S")
    cells = StyledCells(ws)
    for settings in SETTINGS:
        style = cells.style(**settings)
        ws.append([cells.make(value, style) for value in VALUES])


def _through_plain_rows(workbook: Workbook) -> None:  # ``row`` on a sheet that is not a CellsSheet
    ws = workbook.create_sheet("S")
    cells = StyledCells(ws)
    for settings in SETTINGS:
        row = cells.row(VALUES, [cells.style(**settings)] * len(VALUES))
        assert not isinstance(row, StyledRow)
        ws.append(row)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # huge numbers in a date format, both ways
@pytest.mark.parametrize("fill_sheet", [_through_rows, _through_make, _through_plain_rows])
def test_every_value_in_every_style_is_written_as_cell_writes_it(fill_sheet):
    expected = _described(_written(_through_cell))
    assert len(expected) == len(SETTINGS) and all(len(row) == len(VALUES) for row in expected)
    assert _described(_written(fill_sheet)) == expected


def test_the_sheet_and_its_styles_are_the_very_bytes_openpyxl_writes():
    """``CellsSheet`` writes the common cells of a ``StyledRow`` as text itself: byte for byte what
    openpyxl serialises, the style indexes included (the styles registered in the same order)."""
    def parts(book: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(book)) as archive:
            return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}

    expected, written = parts(_written(_through_cell)), parts(_written(_through_rows))
    assert b"<c r=" in expected["xl/worksheets/sheet1.xml"]
    assert written == expected


def test_a_style_is_worked_out_once_and_shared():
    workbook = Workbook(write_only=True)
    cells = StyledCells(cells_sheet(workbook, "S"))
    bold = Font(bold=True)
    first = cells.style(number_format="#,##0", font=bold)
    assert cells.style(number_format="#,##0", font=bold) is first
    assert first.array is not None and first.text_array is not None and first.text_array != first.array
    assert cells.style().array is None and cells.style().text_array is None


def test_cells_sheet_still_takes_plain_rows_and_ready_cells():
    def fill(workbook: Workbook) -> None:
        ws = cells_sheet(workbook, "S")
        assert isinstance(ws, CellsSheet) and workbook.sheetnames == ["S"]
        ws.append(["Xóm 3", 5, None, 1.5])
        ws.append([cell(ws, "=1+1", font=Font(bold=True)), cell(ws, 2, number_format="0.00%")])
        ws.append([])

    sheet = load_workbook(io.BytesIO(_written(fill))).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Xóm 3", 5, None, 1.5], ["=1+1", 2, None, None]]
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix and sheet["A2"].font.bold
    assert sheet["B2"].number_format == "0.00%"


def _tall_second_row_through_cell(workbook: Workbook) -> None:
    ws = workbook.create_sheet("S")
    ws.row_dimensions[2].height = 30.0
    for settings in SETTINGS:
        ws.append([cell(ws, value, **settings) for value in VALUES])


def _tall_second_row_through_rows(workbook: Workbook) -> None:
    ws = cells_sheet(workbook, "S")
    ws.row_dimensions[2].height = 30.0
    cells = StyledCells(ws)
    for settings in SETTINGS:
        ws.append(cells.row(VALUES, [cells.style(**settings)] * len(VALUES)))


def test_a_row_openpyxl_must_write_itself_is_the_same_too():
    """A row with its own dimensions (here a height) goes through openpyxl's ``write_row``, each value
    bound in turn to one reused cell: the same bytes again."""
    def sheet(book: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(book)) as archive:
            return archive.read("xl/worksheets/sheet1.xml") + archive.read("xl/styles.xml")

    expected = sheet(_written(_tall_second_row_through_cell))
    assert b'<row r="2" ht="30"' in expected
    assert sheet(_written(_tall_second_row_through_rows)) == expected


def test_a_list_export_writes_the_bytes_plain_rows_of_cells_would():
    """``generic.write_xlsx`` (the hamlet list's and every list's xlsx export) writes the very sheet that
    appending ``xlsx_row`` rows to a plain write-only sheet wrote, whatever the values."""
    import datetime as dt
    import io
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cadre_tracker.generic import write_xlsx
    from cadre_tracker.spreadsheets import xlsx_row

    header = ["Tên", "Số", "Ngày", "Ghi chú"]
    rows = [["Xóm 1", 12, dt.date(2022, 6, 15), None], ["=SUM(A1)", -0, None, " lề "], ["a & <b>", 2**40, "",
            "Có"], ["x\x07y", 3, dt.date(1930, 1, 1), "@cmd"], [None, None, None, None], ["Bản Mới", 0, "", "+1"]]

    def sheet_bytes(book: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(book)) as archive:
            return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}

    made = io.BytesIO()
    write_xlsx(made, iter([header, *rows]), "Thôn")
    plain = Workbook(write_only=True)
    sheet = plain.create_sheet(title="Thôn")
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, header, font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    expected = io.BytesIO()
    plain.save(expected)
    assert sheet_bytes(made.getvalue()) == sheet_bytes(expected.getvalue())
