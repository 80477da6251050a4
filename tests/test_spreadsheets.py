"""The formula-safe spreadsheet helper: CSV and xlsx (OWASP ASVS 1.2.10)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from cadre_tracker.spreadsheets import (
    BOM,
    CsvWriter,
    cell,
    looks_like_formula,
    number_cell,
    safe_row,
    safe_text,
    text_cell,
    write_csv,
    xlsx_row,
    xlsx_text,
)

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=1+2", "-", "＝1+1"]
HARMLESS = ["Xóm 3", "Bản Nậm Pồ", "Huyện Thanh Chương", "a=b", "1-2", "", " =after a space", "#N/A"]


def test_what_looks_like_a_formula():
    assert all(looks_like_formula(text) for text in DANGEROUS)
    assert not any(looks_like_formula(text) for text in HARMLESS[:6])
    assert not looks_like_formula(-2) and not looks_like_formula(None)


def test_csv_quotes_dangerous_text_and_leaves_the_rest():
    assert safe_text("=1+2") == "'=1+2"
    assert safe_text("\tx") == "'\tx" and safe_text("\rx") == "'\rx"
    assert safe_text("Xóm 3") == "Xóm 3"
    assert safe_text(-2) == -2 and safe_text(None) is None and safe_text(2.5) == 2.5
    assert safe_row(["@SUM(A1)", 3, Fraction(1, 4), dt.date(2022, 7, 15), None]) == [
        "'@SUM(A1)", 3, 0.25, "15/07/2022", None]  # a date as the interface writes it: DD/MM/YYYY in Vietnamese
    with translation.override("en"):
        assert safe_row([dt.date(2022, 7, 15), dt.date(22, 5, 1)]) == ["2022-07-15", "0022-05-01"]
    assert safe_row([dt.date(22, 5, 1)]) == ["01/05/0022"]


def test_csv_writer_writes_bom_and_safe_rows():
    stream = io.StringIO(newline="")
    writer = CsvWriter(stream)
    writer.writerow(["District", "Hamlets"])
    writer.writerows([["=HYPERLINK(\"http://x\",\"y\")", 234], ["Huyện Quỳ Hợp", -2]])
    text = stream.getvalue()
    assert text.startswith(BOM) and text.count(BOM) == 1
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["District", "Hamlets"], ["'=HYPERLINK(\"http://x\",\"y\")", "234"], ["Huyện Quỳ Hợp", "-2"]]
    assert writer.rows == 3


def test_write_csv_to_a_path_is_utf8_with_bom(tmp_path):
    path = tmp_path / "out.csv"
    count = write_csv(path, [["+1", "Bản Nậm Pồ"], ["-2", "Xã Nghi Thạch"]], header=["A", "B"])
    assert count == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [["A", "B"], ["'+1", "Bản Nậm Pồ"], ["'-2", "Xã Nghi Thạch"]]


def _round_trip(values: list[object], **style: object):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    ws.append(xlsx_row(ws, values, **style))
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))["S"]


def test_xlsx_dangerous_text_is_a_string_cell_with_its_exact_text():
    ws = _round_trip(DANGEROUS + HARMLESS)
    read = {c.column - 1: c for c in ws[1]}
    for i, text in enumerate(DANGEROUS + HARMLESS):
        if text == "":
            continue
        c = read[i]
        assert c.data_type == "s", text
        expected = "\nx" if text == "\rx" else text  # XML reads a bare CR as LF: we write the LF ourselves
        assert c.value == expected, text
        assert bool(c.quotePrefix) == looks_like_formula(text), text


def test_xlsx_text_drops_what_xml_cannot_hold():
    assert xlsx_text("Xóm\x00 3\x0b") == "Xóm 3"
    assert xlsx_text("a\r\nb\rc") == "a\nb\nc"
    assert len(xlsx_text("x" * 40_000)) == 32_767
    ws = _round_trip(["Bản\x01 Ít"])
    assert ws["A1"].value == "Bản Ít"


def test_xlsx_numbers_dates_and_empty_cells():
    values = [234, 214 / 218, Decimal("100.00"), Fraction(233, 230), True, dt.date(2022, 7, 15), None, "x"]
    ws = _round_trip(values, number_formats=[None, "0.00%"])
    row = [c.value for c in ws[1]]
    assert row[:5] == [234, 214 / 218, 100, 233 / 230, True]
    assert row[5].date() == dt.date(2022, 7, 15) and row[6] is None and row[7] == "x"
    assert ws["B1"].number_format == "0.00%" and ws["A1"].data_type == "n"


def test_floats_come_back_bit_for_bit():
    """openpyxl alone writes 16 significant digits; a double needs 17."""
    rng = random.Random(20220715)
    values = [233 / 230, 202 / 214, 1 / 3, -16 / 432, 1e-300, 12345678.123456789]
    values += [rng.random() for _ in range(200)]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    for value in values:
        ws.append([number_cell(ws, value)])
    buffer = io.BytesIO()
    wb.save(buffer)
    read = [row[0].value for row in load_workbook(io.BytesIO(buffer.getvalue()))["S"].iter_rows()]
    assert read == values


def test_aware_datetime_is_written_in_local_time():
    moment = timezone.make_aware(dt.datetime(2022, 7, 15, 8, 30), dt.UTC)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    ws.append([cell(ws, moment)])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert load_workbook(io.BytesIO(buffer.getvalue()))["S"]["A1"].value == dt.datetime(2022, 7, 15, 15, 30)


@pytest.mark.parametrize("value", ["=1+2", "#REF!", "plain"])
def test_text_cell_is_always_a_string(value):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    c = text_cell(ws, value)
    assert c.data_type == "s" and c.value == value
