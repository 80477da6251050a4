"""Files the import refuses as a whole, with one message and never a
traceback, and the ways cells and headers may be written."""

from __future__ import annotations

import datetime as dt
import io
import random
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from elections.importing import archive, import_workbook, workbook
from elections.models import Target
from hamlets.models import Hamlet
from tests.workbooks import HEADERS, hamlet_row, make_units, set_cached_values, target_row, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_units()


def refused(path: Path | io.BytesIO, **options) -> str:
    started = time.perf_counter()
    result = import_workbook(path, **options)
    assert time.perf_counter() - started < 5
    assert result.refused and not result.ok and len(result.problems) == 1, result.problems
    assert not Hamlet.objects.exists()
    return str(result.problems[0])


def rewrite(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[member] = change(members[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


NOT_XLSX = "The file is not an Excel .xlsx workbook"


def test_a_renamed_csv_is_refused(units, tmp_path):
    path = tmp_path / "hamlets.xlsx"
    path.write_text("Province,District,Commune\nNghệ An,Quế Phong,Thông Thụ\n", encoding="utf-8")
    assert NOT_XLSX in refused(path)


def test_an_empty_file_is_refused(units, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "the file is empty" in refused(path)


@pytest.mark.parametrize("head", [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])  # random, zip, old .xls
def test_random_bytes_are_refused(units, tmp_path, head):
    path = tmp_path / "random.xlsx"
    path.write_bytes(head + random.Random(7).randbytes(20_000))
    assert NOT_XLSX in refused(path)


def test_a_zip_that_is_not_a_workbook_is_refused(units, tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "no xl/workbook.xml inside" in refused(path)


def test_a_truncated_workbook_is_refused(units, tmp_path):
    path = write_workbook(tmp_path / "cut.xlsx", {"Hamlets": [hamlet_row()]})
    path.write_bytes(path.read_bytes()[:-200])
    assert NOT_XLSX in refused(path)


def test_a_missing_file_is_refused(units, tmp_path):
    assert "No file" in refused(tmp_path / "nowhere.xlsx")


def test_a_missing_sheet_is_refused(units, tmp_path):
    path = write_workbook(tmp_path / "s.xlsx", {"Sheet1": [["Province"]]})
    assert refused(path) == ('Bảng tính không có trang "Hamlets" (có: "Sheet1") / '
                             'The workbook has no sheet "Hamlets" (found: "Sheet1")')


def test_a_missing_header_is_refused(units, tmp_path):
    headers = [h for h in HEADERS["Hamlets"] if h not in ("Party members", "Chief elected on")]
    path = write_workbook(tmp_path / "h.xlsx", {"Hamlets": [hamlet_row()]}, headers={"Hamlets": headers})
    assert refused(path) == ('Hamlets: Trang "Hamlets" thiếu cột "Party members", "Chief elected on" ở dòng 1 / '
                             'Sheet "Hamlets" lacks the column "Party members", "Chief elected on" in row 1')


def test_a_missing_header_in_an_optional_sheet_is_refused(units, tmp_path):
    path = write_workbook(tmp_path / "h.xlsx", {"Hamlets": [hamlet_row()], "Targets": [target_row()]},
                          headers={"Targets": ["Province", "District", "Term", "Metric", "Target %"]})
    assert refused(path).startswith('Targets: Trang "Targets" thiếu cột "Special area only"')


def test_a_formula_without_a_saved_value_is_an_error_for_its_cell(units, tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", {"Hamlets": [hamlet_row(party_members="=5+7")]})
    result = import_workbook(path)
    assert [str(p) for p in result.problems] == [
        "Hamlets!H2: Ô có công thức nhưng chưa lưu giá trị: mở tệp bằng Excel rồi lưu lại / "
        "The cell has a formula without a saved value: open the file in Excel and save it again"]


def test_a_formula_is_read_by_its_saved_value(units, tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", {"Hamlets": [hamlet_row(party_members="=5+7")]})
    set_cached_values(path, {"H2": "12"})
    assert import_workbook(path).ok
    assert Hamlet.objects.get().party_members == 12


def test_a_saved_error_value_is_an_error_for_its_cell(units, tmp_path):
    path = write_workbook(tmp_path / "e.xlsx", {"Hamlets": [hamlet_row(party_members="#N/A")]})
    assert [str(p) for p in import_workbook(path).problems] == [
        "Hamlets!H2: Công thức trong ô cho kết quả lỗi #N/A / The cell's formula gives the error #N/A"]


def test_a_zip_bomb_by_ratio_is_refused_before_parsing(units, tmp_path):
    path = write_workbook(tmp_path / "bomb.xlsx", {"Hamlets": [hamlet_row()]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(2 * 1024 * 1024))
    message = refused(path)
    assert '"xl/media/zeros.bin" is compressed' in message and "above 100:1" in message


def test_an_archive_declaring_too_much_is_refused(units, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_UNCOMPRESSED", 20_000)
    path = write_workbook(tmp_path / "big.xlsx", {"Hamlets": [hamlet_row()] * 50})
    assert "The archive declares more than" in refused(path)


def test_a_file_over_the_size_limit_is_refused(units, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 4000)
    path = write_workbook(tmp_path / "big.xlsx", {"Hamlets": [hamlet_row()] * 50})
    assert "The file is larger than" in refused(path)
    with open(path, "rb") as upload:
        assert "The file is larger than" in refused(upload)


def test_a_sheet_declaring_too_many_rows_is_refused_before_reading(units, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    path = write_workbook(tmp_path / "rows.xlsx", {"Hamlets": [hamlet_row(hamlet=f"Bản {i}") for i in range(4)]})
    assert refused(path).endswith('Sheet "Hamlets" has more than 3 data rows (it declares 4 rows)')


def test_rows_are_counted_while_reading_when_the_dimension_lies(units, tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "rows.xlsx", {"Hamlets": [hamlet_row(hamlet=f"Bản {i}") for i in range(4)]})
    rewrite(path, "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b'<dimension ref="A1:Q5"', b'<dimension ref="A1:Q2"'))
    assert import_workbook(path, dry_run=True).summary.hamlets_created == 4  # no row hidden by the dimension
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    assert refused(path).endswith('Sheet "Hamlets" has more than 3 data rows')


def test_xml_is_parsed_through_defusedxml(units, tmp_path):
    assert openpyxl.DEFUSEDXML is True
    path = write_workbook(tmp_path / "laughs.xlsx", {"Hamlets": [hamlet_row()]})
    entities = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    rewrite(path, "xl/worksheets/sheet1.xml",
            lambda xml: entities + xml.replace("<t>Bản Đỉ</t>".encode(), b"<t>&b;</t>"))
    assert refused(path).endswith("The workbook cannot be read: it is damaged or holds unsafe content "
                                  "(EntitiesForbidden)")


def test_no_workbook_is_read_without_defusedxml(units, tmp_path, monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row()]})
    assert "defusedxml is not installed or is disabled" in refused(path)


def test_headers_are_matched_loosely_and_in_vietnamese(units, tmp_path):
    vietnamese = ["Tỉnh", "Huyện", "Xã", "Thôn/xóm", "loại", "ĐỊA BÀN ĐẶC THÙ", "Đề án 01", "Số  đảng  viên",
                  "Chi bộ", "Nhiệm kỳ", "Ngày đại hội", "Bí thư", "Phó bí thư", "Ngày bầu trưởng thôn",
                  "Trưởng thôn", "Ngày vào Đảng", "Chức vụ trong chi bộ"]
    path = write_workbook(tmp_path / "vi.xlsx", {"hamlets ": [[
        "Nghệ An", "Quế Phong", "Thông Thụ", "Bản Đỉ", "bản", "không", "không", 12, "có", "2022-2025", "12/05/2022",
        "Lô Văn Xuân", "Vi Thị Hạnh", "20/05/2022", "Vi Thị Hạnh", "02/03/2001", "Phó bí thư"]]},
        headers={"hamlets ": vietnamese})
    result = import_workbook(path)
    assert result.ok, result.problems
    assert Hamlet.objects.get().party_members == 12
    write_workbook(path, {"hamlets ": [["Nghệ An", "Quế Phong", "Thông Thụ", "Bản Đỉ", "bản", "", "", "ba"]]},
                   headers={"hamlets ": [h.upper() for h in HEADERS["Hamlets"]]})
    assert [str(p)[:11] for p in import_workbook(path).problems] == ["hamlets !H2", "hamlets !J2"]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(units, tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản A"), None, ["", "  ", None], hamlet_row(hamlet="Bản B", party_members="ba")]})
    result = import_workbook(path)
    assert [p.cell for p in result.problems] == ["H5"] and result.summary.rows == {"Hamlets": 2}


def test_a_percent_typed_with_a_percent_format(units, tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"Hamlets": [], "Targets": [target_row(percent=0.9)]})
    book = openpyxl.load_workbook(path)
    book["Targets"]["F2"].number_format = "0%"
    book.save(path)
    assert import_workbook(path).ok
    assert Target.objects.get().percent == Decimal("90.00")


def test_typed_numbers_and_dates_are_read(units, tmp_path):
    path = write_workbook(tmp_path / "t.xlsx", {"Hamlets": [hamlet_row(
        party_members=12.0, special_area=1, project01=False, party_cell=True,
        congress_held_on=dt.datetime(2022, 5, 12, 0, 0), hamlet=7)]})
    assert import_workbook(path).ok
    assert Hamlet.objects.get().name == "7"
