"""A workbook reproducing the articles' figures goes in through import_workbook
and comes out through export_report with the same figures."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.core.management import call_command

from tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from tests.workbooks import write_workbook

pytestmark = pytest.mark.django_db


def thanh_chuong_row(i: int) -> dict:
    """Hamlet i of Thanh Chương as the article reports it on 15 July 2022; what
    is not done yet by then is dated after that day."""
    role, chief = "", f"Trưởng thôn {i}"
    if i < 14:
        role, chief = "Secretary", f"Bí thư {i}"
    elif i < 14 + 189:
        role, chief = "Deputy secretary", f"Phó bí thư {i}"
    return {
        "province": "Nghệ An", "district": "Thanh Chương", "commune": ("Thanh Hà", "Thanh Lĩnh", "Thanh Ngọc")[i % 3],
        "hamlet": f"Xóm {i + 1}", "kind": "xóm", "special_area": "no", "project01": "no", "party_members": 12,
        "party_cell": "yes" if i < 230 else "no", "term": "2022-2025",
        "congress_held_on": (dt.date(2022, 6, 1) if i < 206 else dt.date(2022, 7, 25)) if i < 230 else None,
        "secretary": f"Bí thư {i}" if i < 230 else None, "deputy_secretary": f"Phó bí thư {i}" if i < 230 else None,
        "chief_elected_on": dt.date(2022, 6, 20) if i < 218 else dt.date(2022, 7, 20), "chief": chief,
        "chief_member_since": dt.date(2001, 3, 2) if i < 214 else (dt.date(2023, 4, 19) if i % 2 else None),
        "chief_party_role": role,
    }


def nam_po_hamlet(i: int) -> dict:
    return {"province": "Điện Biên", "district": "Nậm Pồ", "commune": "Chà Tở", "hamlet": f"Bản {i + 1}",
            "kind": "bản", "special_area": "yes", "project01": "no", "party_members": 8, "party_cell": "yes",
            "term": "2022-2025"}


def admission(i: int, day: dt.date, sitting: bool) -> dict:
    return {"province": "Điện Biên", "district": "Nậm Pồ", "commune": "Chà Tở", "hamlet": f"Bản {i % 4 + 1}",
            "full_name": f"Lò Văn Mới {i}", "birth_year": 1990 + i % 10, "gender": "Nam", "ethnicity": "Thái",
            "admitted_on": day, "sitting_chief": "yes" if sitting else "no"}


def report_rows(path, sheet: str) -> dict:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "District")
    header = rows[start]
    return {r[0] if sheet == "Districts" else (r[0], r[1]): dict(zip(header, r, strict=True))
            for r in rows[start + 1:]}


def test_nghe_an_and_nam_po_round_trip(tmp_path, capsys):
    nghe_an = ProvinceFactory(code=40, name="Tỉnh Nghệ An")
    thanh_chuong = DistrictFactory(code=421, name="Huyện Thanh Chương", province=nghe_an)
    DistrictFactory(code=420, name="Huyện Đô Lương", province=nghe_an)
    for code, name in ((17770, "Xã Thanh Hà"), (17773, "Xã Thanh Lĩnh"), (17776, "Xã Thanh Ngọc")):
        CommuneFactory(code=code, name=name, district=thanh_chuong)
    dien_bien = ProvinceFactory(code=11, name="Tỉnh Điện Biên")
    nam_po = DistrictFactory(code=103, name="Huyện Nậm Pồ", province=dien_bien)
    CommuneFactory(code=3163, name="Xã Chà Tở", district=nam_po)

    admissions = [admission(i, dt.date(2024, 1, 2) + dt.timedelta(days=i), sitting=i < 3) for i in range(233)]
    admissions.append(admission(233, dt.date(2025, 1, 2), sitting=True))  # after the as-of date
    workbook = write_workbook(tmp_path / "in.xlsx", {
        "Hamlets": [thanh_chuong_row(i) for i in range(234)] + [nam_po_hamlet(i) for i in range(4)],
        "Targets": [{"province": "Nghệ An", "district": None, "term": "2022-2025",
                     "metric": "Chiefs who are Party members", "special_area_only": "no", "percent": 100}],
        "Admissions": admissions,
        "Admission targets": [{"province": "Điện Biên", "district": "Nậm Pồ", "year": 2024, "target": 230}],
    })
    call_command("import_workbook", str(workbook))
    assert capsys.readouterr().out.startswith("Đã nhập ")

    out = tmp_path / "nghe-an.xlsx"
    call_command("export_report", term="2022-2025", as_of="2022-07-15", province="Nghệ An", out=str(out))
    districts = report_rows(out, "Districts")
    tc = districts["Huyện Thanh Chương"]
    assert (tc["Hamlets"], tc["Chief elections completed"], tc["Chiefs who are Party members"]) == (234, 218, 214)
    assert tc["Chiefs who are Party members %"] == pytest.approx(214 / 218)
    assert (tc["Party cells"], tc["Congresses completed"]) == (230, 206)
    assert (tc["Chiefs also secretary"], tc["Chiefs also deputy secretary"]) == (14, 189)
    assert tc["Target: Chiefs who are Party members %"] == 1 and tc["Gap to target"] == pytest.approx(214 / 218 - 1)
    assert districts["Huyện Đô Lương"]["Hamlets"] == 0
    assert list(districts)[-1] == "Total"

    out = tmp_path / "dien-bien.xlsx"
    call_command("export_report", term="2022-2025", as_of="2024-12-31", province="Điện Biên", out=str(out))
    line = report_rows(out, "Admissions")[("Huyện Nậm Pồ", 2024)]
    assert (line["Admitted"], line["Target"], line["Sitting chiefs admitted"]) == (233, 230, 3)
    assert round(line["Admitted % of target"] * 100, 1) == 101.3
    assert ("Huyện Nậm Pồ", 2025) not in report_rows(out, "Admissions")
