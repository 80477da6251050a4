"""The meeting report (workbooks.md, section 2): the workbook read back cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from elections.figures import Ratio
from elections.models import AdmissionTarget, Target
from elections.reports import MeetingReport, UnknownReport, get_report, report_choices
from elections.reports.meeting import QUERIES
from hamlets.models import Commune, District, Province, UserScope
from hamlets.scoping import Scope
from tests.factories import CommuneFactory, DistrictFactory, HamletFactory, PartyMemberFactory, ProvinceFactory
from tests.scenarios import QUY_HOP_2022, QUY_HOP_ELECTIONS_HELD, THANH_CHUONG_2022, Published, build_district

pytestmark = pytest.mark.django_db
JULY_15 = dt.date(2022, 7, 15)
HEADERS = [
    "District", "Hamlets", "Chief elections completed", "Chief elections completed %",
    "Chiefs who are Party members", "Chiefs who are Party members %", "Party cells", "Congresses completed",
    "Congresses completed %", "Chiefs also secretary", "Chiefs also deputy secretary", "Hamlets without Party cell",
    "Hamlets without Party members", "Hamlets with 1-2 members", "Cells at risk (3-4 members)",
    "Target: Chiefs who are Party members %", "Gap to target",
]
PERCENT_COLUMNS = [h for h in HEADERS if h.endswith("%") or h == "Gap to target"]
ADMISSION_HEADERS = ["District", "Year", "Admitted", "Target", "Admitted % of target", "Sitting chiefs admitted"]
HIGHLIGHT = "FFFFC7CE"
MEMBERS = "Chiefs who are Party members"


def export(tmp_path: Path, *args: str, term: str = "2022-2025", as_of: str = "2022-07-15") -> tuple[Workbook, str]:
    out = tmp_path / "report.xlsx"
    stdout = io.StringIO()
    call_command("export_report", "--term", term, "--as-of", as_of, *args, "--out", str(out), stdout=stdout)
    return load_workbook(out), stdout.getvalue()


def table(ws, keys: int = 1) -> tuple[int, list[str], dict[str, list]]:
    """(header row number, header texts, {first ``keys`` cells joined by "/": row of cells}) of a sheet
    that ends with a Total row, found the way the contract says."""
    header_row, header, data = rows_below_header(ws)
    assert data and data[-1][0].value == "Total", "nothing below the Total row"
    return header_row, header, {"/".join(str(c.value) for c in row[:keys] if c.value is not None): row
                                for row in data}


def rows_below_header(ws) -> tuple[int, list[str], list]:
    rows = list(ws.iter_rows())
    index = next(i for i, row in enumerate(rows) if row[0].value == "District")
    header = [c.value for c in rows[index] if c.value is not None]
    data = rows[index + 1:]
    assert all(row[0].value not in (None, "") for row in data), "every data row has its District cell filled"
    return index + 1, header, data


def values(row, header: list[str]) -> dict[str, object]:
    return {h: c.value for h, c in zip(header, row, strict=False)}


@pytest.fixture
def nghe_an_2022(term, nghe_an, district_of):
    """Thanh Chương and Quỳ Hợp as published on 15 July 2022, Nam Đàn without hamlets."""
    thanh_chuong = district_of("Huyện Thanh Chương")
    build_district(thanh_chuong, term, JULY_15, THANH_CHUONG_2022)
    quy_hop = district_of("Huyện Quỳ Hợp")
    build_district(quy_hop, term, JULY_15, QUY_HOP_2022,
        elections_held=QUY_HOP_ELECTIONS_HELD, party_members=lambda i: (0, 2, 4)[i] if i < 3 else 12)
    nam_dan = district_of("Huyện Nam Đàn")
    CommuneFactory(district=nam_dan, name="Xã Không Có Thôn")
    Target.objects.create(province=nghe_an, term=term, metric=MEMBERS, percent=100)
    Target.objects.create(province=nghe_an, district=quy_hop, term=term, metric=MEMBERS, percent=90)
    Target.objects.create(province=nghe_an, district=thanh_chuong, term=term, metric=MEMBERS,
                          special_area_only=True, percent=50)  # not the target for all hamlets
    return {"thanh_chuong": thanh_chuong, "quy_hop": quy_hop, "nam_dan": nam_dan}


def test_districts_sheet_of_nghe_an(tmp_path, nghe_an_2022):
    wb, stdout = export(tmp_path, "--province", "Nghệ An")
    assert wb.sheetnames == ["Districts", "Communes", "Admissions", "People"]
    assert stdout.strip().endswith("Tỉnh Nghệ An, nhiệm kỳ 2022-2025, tính đến ngày 15/07/2022, 3 huyện")
    assert "report.xlsx" in stdout and stdout.count("\n") == 1
    ws = wb["Districts"]
    header_row, header, rows = table(ws)
    assert header == HEADERS
    assert list(rows) == ["Huyện Thanh Chương", "Huyện Quỳ Hợp", "Huyện Nam Đàn", "Total"]  # by code, then Total

    tc = values(rows["Huyện Thanh Chương"], header)
    assert tc == {
        "District": "Huyện Thanh Chương", "Hamlets": 234, "Chief elections completed": 218,
        "Chief elections completed %": 218 / 234, "Chiefs who are Party members": 214,
        "Chiefs who are Party members %": 214 / 218, "Party cells": 230, "Congresses completed": 206,
        "Congresses completed %": 206 / 230, "Chiefs also secretary": 14, "Chiefs also deputy secretary": 189,
        "Hamlets without Party cell": 4, "Hamlets without Party members": 0, "Hamlets with 1-2 members": 0,
        "Cells at risk (3-4 members)": 0, "Target: Chiefs who are Party members %": 1.0,
        "Gap to target": -4 / 218,
    }
    assert tc["Chiefs who are Party members %"] == 0.981651376146789  # exact, not rounded to 98.17%
    assert all(type(tc[h]) is int for h in HEADERS[1:] if h not in PERCENT_COLUMNS)

    qh = values(rows["Huyện Quỳ Hợp"], header)
    assert (qh["Chiefs who are Party members"], qh["Chiefs who are Party members %"]) == (202, 202 / 214)
    assert (qh["Hamlets without Party members"], qh["Hamlets with 1-2 members"]) == (1, 1)
    assert qh["Cells at risk (3-4 members)"] == 1
    assert qh["Target: Chiefs who are Party members %"] == 0.9  # the district's own target
    assert qh["Gap to target"] == pytest.approx(202 / 214 - 0.9) and qh["Gap to target"] > 0

    empty = values(rows["Huyện Nam Đàn"], header)
    assert all(empty[h] == 0 for h in HEADERS[1:] if h not in PERCENT_COLUMNS)
    assert all(empty[h] is None for h in PERCENT_COLUMNS if h != "Target: Chiefs who are Party members %")
    assert empty["Target: Chiefs who are Party members %"] == 1.0  # the province's, by fallback

    total = values(rows["Total"], header)
    assert (total["Hamlets"], total["Chief elections completed"]) == (448, 432)
    assert total["Chiefs who are Party members %"] == 416 / 432
    assert total["Target: Chiefs who are Party members %"] == 1.0  # province-wide
    assert total["Gap to target"] == -16 / 432  # the exact gap, rounded once


def test_districts_sheet_presentation(tmp_path, nghe_an_2022):
    wb, _stdout = export(tmp_path, "--province", "Tỉnh Nghệ An")
    ws = wb["Districts"]
    header_row, header, rows = table(ws)
    assert header_row > 1 and "Nghệ An" in " ".join(str(ws.cell(r, 1).value) for r in range(1, header_row))
    assert ws.freeze_panes == f"B{header_row + 1}"
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["A"].width >= len("Huyện Thanh Chương")
    assert all(c.font.b for c in ws[header_row])
    assert all(c.font.b for c in rows["Total"]) and not rows["Huyện Nam Đàn"][1].font.b
    for name, row in rows.items():
        for h, c in zip(header, row, strict=False):
            if h in PERCENT_COLUMNS:
                assert c.number_format == "0.00%", (name, h)
    # Thanh Chương (98.17% < 100%) and the total are below target; Quỳ Hợp (94.39% >= 90%) and Nam Đàn are not.
    highlighted = {name for name, row in rows.items() if all(c.fill.fgColor.rgb == HIGHLIGHT for c in row)}
    assert highlighted == {"Huyện Thanh Chương", "Total"}
    assert rows["Huyện Quỳ Hợp"][0].fill.fill_type is None and rows["Huyện Nam Đàn"][0].fill.fill_type is None


def test_no_formula_no_merged_cell_anywhere(tmp_path, nghe_an_2022):
    wb, _stdout = export(tmp_path, "--province", "40")
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
        header_row, _header, _rows = rows_below_header(ws)
        titles = [ws.cell(r, 1).value for r in range(1, header_row)]
        assert "District" not in titles and "Total" not in titles


def test_communes_sheet_rows_only_for_communes_with_hamlets(tmp_path, nghe_an_2022):
    wb, _stdout = export(tmp_path, "--province", "nghe an")
    ws = wb["Communes"]
    header_row, header, rows = table(ws, keys=2)
    assert header == ["District", "Commune", *HEADERS[1:]]
    assert ws.freeze_panes == f"C{header_row + 1}"
    assert list(rows) == [f"Huyện Thanh Chương/Xã Huyện Thanh Chương {k}" for k in range(3)] + [
        f"Huyện Quỳ Hợp/Xã Huyện Quỳ Hợp {k}" for k in range(3)] + ["Total"]
    first = values(rows["Huyện Thanh Chương/Xã Huyện Thanh Chương 0"], header)
    assert first["Hamlets"] == 78 and first["Target: Chiefs who are Party members %"] == 1.0
    quy_hop = values(rows["Huyện Quỳ Hợp/Xã Huyện Quỳ Hợp 1"], header)
    assert quy_hop["Target: Chiefs who are Party members %"] == 0.9
    total = values(rows["Total"], header)
    assert total["Commune"] is None and total["Hamlets"] == 448
    assert sum(values(r, header)["Hamlets"] for k, r in rows.items() if k != "Total") == 448


def test_nam_po_admissions_against_target(tmp_path, term):
    dien_bien = ProvinceFactory(code=11, name="Tỉnh Điện Biên")
    nam_po = DistrictFactory(code=103, name="Huyện Nậm Pồ", province=dien_bien)
    muong_nhe = DistrictFactory(code=95, name="Huyện Mường Nhé", province=dien_bien)
    hamlets = [HamletFactory(commune__district=nam_po) for _ in range(4)]
    for i in range(233):
        PartyMemberFactory(hamlet=hamlets[i % 4], admitted_on=dt.date(2024, 1, 1) + dt.timedelta(days=i),
                           sitting_chief=i < 3)
    PartyMemberFactory(hamlet=hamlets[0], admitted_on=dt.date(2025, 1, 2))  # after the as-of date
    PartyMemberFactory(hamlet=hamlets[1], admitted_on=dt.date(2023, 3, 2))
    AdmissionTarget.objects.create(district=nam_po, year=2024, target=230)
    AdmissionTarget.objects.create(district=nam_po, year=2025, target=240)  # after the as-of year: no row
    AdmissionTarget.objects.create(district=muong_nhe, year=2024, target=150)  # a target without admissions

    wb, _stdout = export(tmp_path, "--province", "Điện Biên", as_of="2024-12-31")
    _header_row, header, rows = rows_below_header(wb["Admissions"])  # no Total row on this sheet
    assert header == ADMISSION_HEADERS
    lines = [values(r, header) for r in rows]
    assert lines == [
        {"District": "Huyện Mường Nhé", "Year": 2024, "Admitted": 0, "Target": 150, "Admitted % of target": 0.0,
         "Sitting chiefs admitted": 0},
        {"District": "Huyện Nậm Pồ", "Year": 2023, "Admitted": 1, "Target": None, "Admitted % of target": None,
         "Sitting chiefs admitted": 0},
        {"District": "Huyện Nậm Pồ", "Year": 2024, "Admitted": 233, "Target": 230,
         "Admitted % of target": 233 / 230, "Sitting chiefs admitted": 3},
    ]
    assert rows[-1][4].number_format == "0.00%" and rows[-1][1].number_format == "0"


def test_formula_looking_names_are_written_as_text(tmp_path, term):
    province = ProvinceFactory(code=77, name='=cmd|" /C calc"!A0')
    weird = DistrictFactory(code=7701, name='=HYPERLINK("http://x","y")', province=province)
    tabbed = DistrictFactory(code=7702, name="Huyện Thường", province=province)
    names = ["+1", "-2", "@SUM(A1)"]
    for k, name in enumerate(names):
        HamletFactory(commune=CommuneFactory(code=770100 + k, name=name, district=weird))
    carriage = CommuneFactory(code=770200, district=tabbed)
    HamletFactory(commune=carriage)
    HamletFactory(commune=CommuneFactory(code=770201, name="Xã Thử 0", district=tabbed))
    # The models store names cleaned (white space folded); a raw write can still hold a tab or a CR.
    District.objects.filter(pk=tabbed.pk).update(name="\tx")
    Commune.objects.filter(pk=carriage.pk).update(name="\rx")
    wb, _stdout = export(tmp_path, "--province", "77")

    districts = wb["Districts"]
    cells = {c.value: c for row in districts.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x","y")', "\tx", '=cmd|" /C calc"!A0'):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    communes = {c.value: c for row in wb["Communes"].iter_rows() for c in row if isinstance(c.value, str)}
    for text in names:
        assert communes[text].data_type == "s" and communes[text].quotePrefix, text
    # XML cannot carry a bare CR: it is written as the LF every reader would see, still as text.
    assert communes["\nx"].data_type == "s" and communes["\nx"].quotePrefix
    assert not communes["Total"].quotePrefix and not communes["Xã Thử 0"].quotePrefix


def _scenario(province: Province, districts: int, term) -> None:
    for k in range(districts):
        district = DistrictFactory(code=province.code * 100 + k, name=f"Huyện {province.code}-{k}",
                                   province=province)
        build_district(district, term, JULY_15, Published(hamlets=6 + k, elected=5, chief_members=4, cells=5,
                                                          congresses=4, secretary=1, deputy=1), communes=2)
        PartyMemberFactory(hamlet__commune__district=district, admitted_on=dt.date(2022, 3, 1))
        AdmissionTarget.objects.create(district=district, year=2022, target=5)
    Target.objects.create(province=province, term=term, metric=MEMBERS, percent=95)


def test_query_count_is_fixed_whatever_the_size(term, django_assert_num_queries):
    small, large = ProvinceFactory(code=81, name="Tỉnh Nhỏ"), ProvinceFactory(code=82, name="Tỉnh Lớn")
    _scenario(small, 2, term)
    _scenario(large, 6, term)
    for province, expected_rows in ((small, 3), (large, 7)):
        report = MeetingReport(province, term, JULY_15)
        with django_assert_num_queries(QUERIES):
            report.write_xlsx(io.BytesIO())
            assert len(report.districts_rows()) == expected_rows  # cached: no more queries
            report.communes_rows()
            report.admissions_rows()
    assert QUERIES == 8


def test_rows_for_the_dashboard_hold_ratios(term, nghe_an, nghe_an_2022):
    report = get_report("meeting")(nghe_an, term, JULY_15)
    assert isinstance(report, MeetingReport)
    thanh_chuong = report.districts_rows()[0]
    assert thanh_chuong.district_id == nghe_an_2022["thanh_chuong"].pk
    assert thanh_chuong["chief_members"] == Ratio(214, 218)
    assert thanh_chuong.gap == Fraction(214, 218) - 1 and thanh_chuong.below_target
    assert report.districts_rows(total=False)[-1].district == "Huyện Nam Đàn"
    assert report.total_row().is_total and report.admissions_rows() == []
    assert report.filename() == "meeting-40-2022-2025-2022-07-15.xlsx"
    response = HttpResponse(content_type=report.content_type)  # what the dashboard's download will do
    report.write_xlsx(response)
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Districts", "Communes", "Admissions", "People"]


def test_a_user_may_stand_for_the_scope(term, nghe_an_2022):
    user = User.objects.create_user("board", password="x")
    UserScope.objects.create(user=user, province=nghe_an_2022["thanh_chuong"].province,
                             district=nghe_an_2022["thanh_chuong"])
    report = MeetingReport(nghe_an_2022["thanh_chuong"].province, term, JULY_15, scope=user)
    assert [row.district for row in report.districts_rows()] == ["Huyện Thanh Chương", "Total"]
    assert [row.district for row in report.communes_rows(total=False)] == ["Huyện Thanh Chương"] * 3
    assert MeetingReport(nghe_an_2022["thanh_chuong"].province, term, JULY_15, scope=None).districts_rows() == [
        MeetingReport(nghe_an_2022["thanh_chuong"].province, term, JULY_15, scope=None).total_row()]


def test_registry():
    assert get_report("meeting") is MeetingReport
    assert ("meeting", MeetingReport.name) in report_choices()
    with pytest.raises(UnknownReport, match="known reports: meeting"):
        get_report("nope")


def test_district_user_sees_only_their_district(tmp_path, nghe_an_2022):
    user = User.objects.create_user("quyhop", password="x")
    UserScope.objects.create(user=user, province=nghe_an_2022["quy_hop"].province,
                             district=nghe_an_2022["quy_hop"])
    wb, stdout = export(tmp_path, "--user", "quyhop")  # the province is the user's one
    _row, header, rows = table(wb["Districts"])
    assert list(rows) == ["Huyện Quỳ Hợp", "Total"] and stdout.strip().endswith(", 1 huyện")
    total = values(rows["Total"], header)
    assert total["Hamlets"] == 214 and total["Target: Chiefs who are Party members %"] == 0.9
    _row, _header, communes = table(wb["Communes"], keys=2)
    assert len(communes) == 4
    assert Scope.of(user).is_district


def test_user_of_another_province_is_refused(tmp_path, nghe_an_2022):
    user = User.objects.create_user("dienbien", password="x")
    UserScope.objects.create(user=user, province=ProvinceFactory(name="Tỉnh Điện Biên"))
    with pytest.raises(CommandError, match="không được xem Tỉnh Nghệ An"):
        export(tmp_path, "--province", "Nghệ An", "--user", "dienbien")
    with pytest.raises(CommandError, match="không có người dùng 'nobody'"):
        export(tmp_path, "--user", "nobody")


@pytest.mark.parametrize(("args", "message"), [
    (["--province", "Hà Giang"], "no province named 'Hà Giang'"),
    (["--province", "99"], "no province with the code 99"),
    (["--province", "Nghệ An", "--as-of", "15/13/2022"], "--as-of: expected a date YYYY-MM-DD, got '15/13/2022'"),
    (["--province", "Nghệ An", "--as-of", "2022-02-30"], "expected a date YYYY-MM-DD"),
    (["--province", "Nghệ An", "--term", "2019-2022"], "no term 2019-2022 in the database (known terms: 2022-2025)"),
    (["--province", "Nghệ An", "--term", "soon"], "--term: expected a term like 2022-2025, got 'soon'"),
    ([], "--province NAME is needed: 2 provinces have hamlets (Tỉnh Điện Biên, Tỉnh Nghệ An)"),
])
def test_command_errors(tmp_path, nghe_an_2022, commands_in_english, args, message):
    HamletFactory(commune__district__province=ProvinceFactory(code=11, name="Tỉnh Điện Biên"))
    options = {"--term": "2022-2025", "--as-of": "2022-07-15"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    argv = [item for flag, value in options.items() for item in (flag, value)]
    with pytest.raises(CommandError) as error:
        call_command("export_report", *argv, "--out", str(tmp_path / "x.xlsx"))
    assert message in str(error.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_as_of_after_today_and_bad_out(tmp_path, nghe_an_2022):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="là ngày sau hôm nay"):
        export(tmp_path, as_of=tomorrow)
    for out, message in ((tmp_path / "missing" / "r.xlsx", "không có thư mục"),
                         (tmp_path / "r.csv", "tên tệp phải có đuôi .xlsx")):
        with pytest.raises(CommandError, match=message):
            call_command("export_report", "--term", "2022-2025", "--as-of", "2022-07-15", "--out", str(out))


def test_no_province_with_hamlets(tmp_path, term):
    with pytest.raises(CommandError, match="chưa tỉnh nào có thôn, xóm"):
        export(tmp_path)


def test_exit_code_and_message_without_traceback(tmp_path):
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    # --skip-checks: the system checks are not what this test is about; the bad date fails before any query.
    result = subprocess.run([sys.executable, str(manage), "export_report", "--skip-checks", "--term", "2022-2025",
                             "--as-of", "yesterday", "--out", str(tmp_path / "r.xlsx")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "--as-of: cần ngày dạng DD/MM/YYYY hoặc YYYY-MM-DD, nhận được 'yesterday'" in result.stderr
    assert "Traceback" not in result.stderr
