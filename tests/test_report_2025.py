"""The meeting report in the 2025 list (workbooks.md, section 3), read back with openpyxl, and the
earlier layout of a 2025 province made of two earlier provinces."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from elections.reports import MeetingReport
from elections.reports.meeting import QUERIES, QUERIES_2025, REGROUPED
from tests.test_figures_2025 import AUGUST, JULY_15, JUNE_30, LaoCai, build_lao_cai, build_sized
from tests.test_report import HEADERS, HIGHLIGHT

pytestmark = pytest.mark.django_db
COMMUNE_HEADERS = ["Commune", *HEADERS[1:]]
ADMISSION_HEADERS = ["Commune", "Year", "Admitted", "Target", "Admitted % of target", "Sitting chiefs admitted"]


@pytest.fixture
def lao_cai(term) -> LaoCai:
    return build_lao_cai(term)


def export(tmp_path: Path, *args: str, as_of: dt.date = AUGUST) -> tuple[Workbook, str]:
    out = tmp_path / "report.xlsx"
    stdout = io.StringIO()
    call_command("export_report", "--term", "2022-2025", "--as-of", as_of.isoformat(), *args, "--out", str(out),
                 stdout=stdout)
    return load_workbook(out), stdout.getvalue()


def sheet(ws, first: str = "Commune") -> tuple[list[str], list[list], list[str]]:
    """(header, data rows as cells, title texts) found the way the contract says: the header row is the
    first row whose first cell is ``first``; every data row has that cell filled; nothing below Total."""
    rows = list(ws.iter_rows())
    index = next(i for i, row in enumerate(rows) if row[0].value == first)
    header = [c.value for c in rows[index] if c.value is not None]
    data = rows[index + 1:]
    assert all(row[0].value not in (None, "") for row in data), f"every data row has its {first} cell filled"
    return header, data, [row[0].value for row in rows[:index] if row[0].value]


def named(data: list, header: list[str]) -> dict[str, dict[str, object]]:
    return {row[0].value: {h: c.value for h, c in zip(header, row, strict=False)} for row in data}


def test_communes_sheet_of_a_2025_date(tmp_path, lao_cai):
    wb, stdout = export(tmp_path, "--province", "Lào Cai")
    assert wb.sheetnames == ["Communes", "Admissions", "People"]  # no Districts sheet
    header, data, titles = sheet(wb["Communes"])
    assert header == COMMUNE_HEADERS
    assert [row[0].value for row in data] == ["Phường Cam Đường", "Xã Mậu A", "Xã Đông Cuông", "Xã Châu Quế",
                                              "Unplaced", "Total"]  # code order, then Unplaced, then Total
    rows = named(data, header)
    cam = rows["Phường Cam Đường"]
    assert (cam["Hamlets"], cam["Chief elections completed"], cam["Chiefs who are Party members"],
            cam["Party cells"], cam["Congresses completed"]) == (3, 3, 2, 2, 2)
    assert cam["Chiefs who are Party members %"] == pytest.approx(2 / 3)
    assert cam["Target: Chiefs who are Party members %"] == 0.9  # its own target
    assert cam["Gap to target"] == pytest.approx(2 / 3 - 0.9)
    assert cam["Cells at risk (3-4 members)"] == 1 and cam["Hamlets without Party cell"] == 1
    assert rows["Xã Đông Cuông"]["Hamlets"] == 2  # Thôn Mới counts from 1 July 2025
    assert rows["Xã Đông Cuông"]["Target: Chiefs who are Party members %"] == 1  # province fallback
    assert rows["Xã Đông Cuông"]["Congresses completed %"] == 1
    chau_que = rows["Xã Châu Quế"]
    assert chau_que["Hamlets"] == 0 and chau_que["Chief elections completed %"] is None
    assert chau_que["Gap to target"] is None
    unplaced = rows["Unplaced"]
    assert (unplaced["Hamlets"], unplaced["Chiefs who are Party members"]) == (1, 1)
    assert unplaced["Target: Chiefs who are Party members %"] == 1
    total = rows["Total"]
    assert (total["Hamlets"], total["Chief elections completed"], total["Chiefs who are Party members"]) == (7, 6, 5)
    assert total["Hamlets"] == sum(r["Hamlets"] for name, r in rows.items() if name != "Total")
    assert total["Target: Chiefs who are Party members %"] == 1
    # presentation: percent format, highlight below target only, bold total
    cells = {row[0].value: row for row in data}
    assert cells["Phường Cam Đường"][header.index("Chiefs who are Party members %")].number_format == "0.00%"
    assert cells["Phường Cam Đường"][0].fill.start_color.rgb == HIGHLIGHT
    assert cells["Xã Mậu A"][0].fill.start_color.rgb != HIGHLIGHT
    assert cells["Total"][0].font.b
    assert "Tỉnh Lào Cai" in titles and REGROUPED not in titles
    assert stdout.strip().endswith("4 xã, phường (danh mục từ 01/07/2025), 1 thôn chưa xếp")


def test_admissions_sheet_per_commune_with_unplaced(tmp_path, lao_cai):
    wb, _stdout = export(tmp_path, "--province", "Lào Cai")
    header, data, _titles = sheet(wb["Admissions"])
    assert header == ADMISSION_HEADERS
    lines = [[c.value for c in row] for row in data]
    assert lines == [["Phường Cam Đường", 2024, 1, 2, 0.5, 0], ["Unplaced", 2024, 1, None, None, 1]]


def test_no_formula_and_no_merged_cell(tmp_path, lao_cai):
    wb, _stdout = export(tmp_path, "--province", "Lào Cai")
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not str(cell.value or "").startswith("=")


def test_units_2025_regroups_an_earlier_date(tmp_path, lao_cai):
    earlier, _stdout = export(tmp_path, "--province", "Lào Cai", as_of=JULY_15)
    assert earlier.sheetnames == ["Districts", "Communes", "Admissions", "People"]
    header, data, _titles = sheet(earlier["Districts"], "District")
    districts = named(data, header)
    wb, stdout = export(tmp_path, "--province", "Lào Cai", "--units", "2025", as_of=JULY_15)
    assert wb.sheetnames == ["Communes", "Admissions", "People"]
    header, data, titles = sheet(wb["Communes"])
    rows = named(data, header)
    assert {name: row["Hamlets"] for name, row in rows.items()} == {
        "Phường Cam Đường": 3, "Xã Mậu A": 1, "Xã Đông Cuông": 1, "Xã Châu Quế": 0, "Unplaced": 1, "Total": 6}
    same = {h: v for h, v in districts["Total"].items() if h != "District"}
    assert rows["Total"] == {"Commune": "Total", **same}  # the same hamlets and figures
    assert REGROUPED in titles
    assert "1 thôn chưa xếp" in stdout
    report = MeetingReport(lao_cai.province, lao_cai.term, JULY_15, units="2025")
    assert report.filename() == "meeting-15-2022-2025-2022-07-15-units-2025.xlsx"


def test_earlier_layout_lists_the_districts_of_every_merged_province(tmp_path, lao_cai):
    wb, stdout = export(tmp_path, "--province", "Lào Cai", as_of=JUNE_30)
    header, data, _titles = sheet(wb["Districts"], "District")
    rows = named(data, header)
    assert list(rows) == ["Thành phố Lào Cai", "Huyện Bảo Thắng", "Huyện Văn Yên", "Total"]
    assert [rows[n]["Hamlets"] for n in rows] == [3, 0, 3, 6]  # Thôn Mới (2025 list) not before 1 July 2025
    assert rows["Huyện Văn Yên"]["Target: Chiefs who are Party members %"] == 0.8
    assert stdout.strip().endswith("3 huyện")
    header, data, _titles = sheet(wb["Communes"], "District")
    assert [(row[0].value, row[1].value) for row in data] == [
        ("Thành phố Lào Cai", "Xã Cam Đường"), ("Thành phố Lào Cai", "Xã Hợp Thành"),
        ("Huyện Văn Yên", "Thị trấn Mậu A"), ("Huyện Văn Yên", "Xã Đông Cuông"), ("Total", None)]
    header, data, _titles = sheet(wb["Admissions"], "District")
    assert [[c.value for c in row] for row in data] == [["Thành phố Lào Cai", 2024, 1, 3, 1 / 3, 0],
                                                        ["Huyện Văn Yên", 2024, 1, None, None, 1]]


def test_an_earlier_province_that_merged_means_its_own_hamlets(tmp_path, lao_cai):
    wb, _stdout = export(tmp_path, "--province", "Yên Bái", as_of=JULY_15)
    header, data, titles = sheet(wb["Districts"], "District")
    assert [row[0].value for row in data] == ["Huyện Văn Yên", "Total"]
    assert named(data, header)["Total"]["Hamlets"] == 3
    assert any("now in Tỉnh Lào Cai" in t for t in titles)
    wb, _stdout = export(tmp_path, "--province", "Yên Bái")
    header, data, _titles = sheet(wb["Communes"])
    assert {row[0].value: row[1].value for row in data} == {"Xã Mậu A": 1, "Xã Đông Cuông": 1, "Unplaced": 1,
                                                            "Total": 3}


def test_commune_board_report_covers_its_commune_in_the_2025_layout(tmp_path, lao_cai):
    lao_cai.user("dongcuong", commune=lao_cai.new["dong_cuong"])
    for day, hamlets in ((JULY_15, 1), (AUGUST, 2)):  # its hamlets' 2022 results, grouped by its commune
        wb, stdout = export(tmp_path, "--user", "dongcuong", as_of=day)
        assert wb.sheetnames == ["Communes", "Admissions", "People"]
        header, data, titles = sheet(wb["Communes"])
        rows = named(data, header)
        assert list(rows) == ["Xã Đông Cuông", "Total"]
        assert rows["Total"]["Hamlets"] == hamlets
        assert "Phạm vi / Scope: Xã Đông Cuông" in titles
        assert stdout.strip().endswith("1 xã, phường (danh mục từ 01/07/2025)")
    lao_cai.user("camduong", commune=lao_cai.new["cam_duong"])
    wb, _stdout = export(tmp_path, "--user", "camduong")
    header, data, _titles = sheet(wb["Communes"])
    assert named(data, header)["Total"]["Target: Chiefs who are Party members %"] == 0.9  # its commune's target
    assert [[c.value for c in row] for row in sheet(wb["Admissions"])[1]] == [["Phường Cam Đường", 2024, 1, 2, 0.5,
                                                                               0]]


def test_district_board_keeps_the_earlier_layout(tmp_path, lao_cai):
    lao_cai.user("vanyen", district=lao_cai.districts["van_yen"])
    wb, _stdout = export(tmp_path, "--user", "vanyen", "--units", "2025")
    assert wb.sheetnames == ["Districts", "Communes", "Admissions", "People"]
    header, data, _titles = sheet(wb["Districts"], "District")
    assert [row[0].value for row in data] == ["Huyện Văn Yên", "Total"]
    assert named(data, header)["Total"]["Hamlets"] == 3  # by earlier commune: not Thôn Mới


def test_provincial_user_and_the_province_left_out(tmp_path, lao_cai):
    lao_cai.user("tinh")
    wb, _stdout = export(tmp_path, "--user", "tinh")  # the one (2025) province with hamlets
    header, data, _titles = sheet(wb["Communes"])
    assert named(data, header)["Total"]["Hamlets"] == 7
    wb, _stdout = export(tmp_path)  # the command line: two earlier provinces, one 2025 province
    assert wb.sheetnames == ["Communes", "Admissions", "People"]
    wb, _stdout = export(tmp_path, "--user", "tinh", "--province", "Yên Bái", as_of=JULY_15)
    assert [row[0].value for row in sheet(wb["Districts"], "District")[1]] == ["Huyện Văn Yên", "Total"]


@pytest.mark.parametrize(("args", "message"), [
    (["--units", "2026"], "--units: only 2025 is accepted (the 2025 list's communes), got '2026'"),
    (["--units", "earlier"], "--units: only 2025 is accepted"),
    (["--province", "10"], "--province: no province with the code 10 in the 2025 list (10 was Tỉnh Lào Cai"),
    (["--province", "Hà Giang"], "--province: no province named 'Hà Giang'"),
])
def test_command_errors(tmp_path, lao_cai, commands_in_english, args, message):
    with pytest.raises(CommandError) as error:
        export(tmp_path, *args)
    assert message in str(error.value)
    assert not (tmp_path / "report.xlsx").exists()


@pytest.mark.parametrize("units", [None, "2025"])
def test_query_count_is_fixed_for_10_and_100_hamlets(term, django_assert_num_queries, units):
    small, large = build_sized(81, 10, 3, term), build_sized(82, 100, 12, term)
    expected = QUERIES_2025 if units else QUERIES
    for province, communes in ((small, 4), (large, 13)):
        report = MeetingReport(province, term, JULY_15, units=units)
        with django_assert_num_queries(expected):
            report.write_xlsx(io.BytesIO())
            report.admissions_rows()
        if units:
            rows = report.new_communes_rows()
            assert [r.name for r in rows[-2:]] == ["Unplaced", "Total"]
            assert len(rows) == communes + 2
            assert rows[-1].hamlets == sum(r.hamlets for r in rows[:-1])
        else:
            assert len(report.districts_rows()) == 2
    assert (QUERIES, QUERIES_2025) == (8, 6)


def test_query_count_as_of_a_2025_date(term, django_assert_num_queries):
    for province in (build_sized(81, 10, 3, term), build_sized(82, 100, 12, term)):
        report = MeetingReport(province, term, AUGUST)
        with django_assert_num_queries(QUERIES_2025):
            report.write_xlsx(io.BytesIO())


@pytest.mark.parametrize(("as_of", "units"), [(JULY_15, None), (AUGUST, None), (AUGUST, "2025"), (JULY_15, "2025")])
def test_the_total_row_is_the_sum_of_the_groups_and_equals_a_count_of_every_hamlet(term, as_of, units):
    """The total is the layout's groups added up (no query of its own): the same as counting the province's
    hamlets at once, the unplaced and those of no district included."""
    from elections.figures import Figures
    from elections.reports.meeting import CODES
    from hamlets.models import Hamlet

    province = build_sized(82, 100, 12, term)
    report = MeetingReport(province, term, as_of, units=units)
    counted = Figures(Hamlet.objects.in_province(province), term, as_of).total(CODES)
    assert dict(report.total_row().ratios) == dict(counted)
    assert counted["elections"].denominator
