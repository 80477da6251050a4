"""Rule 10 (every value within its bounds) and rule 11 (the hamlet of a 2025-list row), each clause at
its cell, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from elections.importing import import_workbook, rules
from hamlets.models import Hamlet
from tests.factories import CommuneFactory, succeed
from tests.workbooks import (
    HEADERS_2025,
    admission_row,
    admission_target_row,
    hamlet_row,
    make_both_lists,
    new_row,
    snapshot,
    target_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db
THIS_YEAR = rules.today().year
LONG = "Nguyễn " + "A" * 114  # 121 characters


@pytest.fixture
def units(db):
    return make_both_lists()


@pytest.fixture
def check(units, tmp_path):
    """Import the sheets; the problems as ``{"Sheet!Cell": message}``, and nothing written."""

    def run(**sheets):
        sheets.setdefault("hamlets", [])
        before = snapshot()
        path = write_workbook(tmp_path / "b.xlsx", {k.replace("_", " ").capitalize(): v for k, v in sheets.items()},
                              headers=HEADERS_2025)
        result = import_workbook(path)
        problems = {f"{p.sheet}!{p.cell}": p.message for p in result.problems}
        assert problems == {} or snapshot() == before
        return problems

    return run


@pytest.mark.parametrize(("values", "cell", "english"), [
    ({"hamlet": "Xóm " + "9" * 117}, "D2", "Hamlet is 121 characters long, more than 120"),
    ({"secretary": LONG}, "L2", "Secretary is 121 characters long, more than 120"),
    ({"deputy_secretary": LONG}, "M2", "Deputy secretary is 121 characters long"),
    ({"chief": LONG, "chief_party_role": None}, "O2", "Chief is 121 characters long"),
    ({"party_members": 10_000}, "H2", 'Party members must be a whole number from 0 to 9,999, got "10000"'),
    ({"party_members": 2_147_483_648}, "H2", "Party members must be a whole number from 0 to 9,999"),
    ({"congress_held_on": "1929-12-31"}, "K2", "Congress held on (1929-12-31) is before 1930-01-01"),
    ({"chief_member_since": "0022-05-01"}, "P2", "Chief member since (0022-05-01) is before 1930-01-01"),
])
def test_rule_10_hamlets(check, in_english, values, cell, english):
    problems = check(hamlets=[hamlet_row(**values)])
    assert list(problems) == [f"Hamlets!{cell}"] and english in problems[f"Hamlets!{cell}"]


def test_rule_10_the_bounds_themselves_are_accepted(check):
    assert check(hamlets=[hamlet_row(hamlet="Xóm " + "9" * 116, party_members=9_999, secretary="B" * 120,
                                     chief_member_since="1930-01-01")]) == {}


@pytest.mark.parametrize(("sheet", "row", "cell", "message"), [
    ("admissions", admission_row(full_name=LONG), "Admissions!E2", "Họ và tên dài 121 ký tự, quá 120 ký tự"),
    ("admissions", admission_row(ethnicity="Ê" * 61), "Admissions!H2", "Dân tộc dài 61 ký tự, quá 60 ký tự"),
    ("admissions", admission_row(birth_year=1899), "Admissions!F2",
     f'Năm sinh phải là năm từ 1900 đến {THIS_YEAR}, nhận được "1899"'),
    ("admissions", admission_row(birth_year=THIS_YEAR + 1), "Admissions!F2", "Năm sinh phải là năm từ 1900"),
    ("admissions", admission_row(admitted_on="1929-06-30"), "Admissions!I2",
     "Ngày kết nạp (30/06/1929) là ngày trước 01/01/1930"),
    ("targets", target_row(percent=100.5), "Targets!G2", "Mục tiêu % phải là số từ 0 đến 100"),
    ("targets", target_row(percent=-1), "Targets!G2", "Mục tiêu % phải là số từ 0 đến 100"),
    ("admission_targets", admission_target_row(target=100_000), "Admission targets!E2",
     "Chỉ tiêu kết nạp phải là số nguyên từ 0 đến 99.999"),
    ("admission_targets", admission_target_row(year=1929), "Admission targets!D2",
     f"Năm phải là năm từ 1930 đến {THIS_YEAR + 10}"),
    ("admission_targets", admission_target_row(year=THIS_YEAR + 11), "Admission targets!D2", "Năm phải là năm"),
])
def test_rule_10_other_sheets(check, sheet, row, cell, message):
    hamlets = [hamlet_row(hamlet="Bản Đỉ")] if sheet == "admissions" else []
    problems = check(hamlets=hamlets, **{sheet: [row]})
    assert list(problems) == [cell] and message in problems[cell]


def test_rule_11_former_cells_that_name_no_candidate(check, units, in_english):
    # a second Xã Đồng Văn (of Huyện Quế Phong, made up) merged into Đại Đồng too: the name needs its district
    succeed(CommuneFactory(code=99001, name="Xã Đồng Văn", district=units["Huyện Quế Phong"]),
            units["2025/Xã Đại Đồng"])
    problems = check(hamlets=[
        new_row(hamlet="Xóm 1", former_commune="Thanh Lĩnh"),
        new_row(hamlet="Xóm 1", former_commune="Đồng Văn"),
        new_row(hamlet="Xóm 1", former_commune="Thanh Đức"),
        new_row(hamlet="Xóm 1", former_district="Quế Phong", former_commune="Thanh Phong"),
        new_row(hamlet="Xóm 1", former_district="Thanh Chương"),
        new_row(hamlet="Xóm 1", former_commune_code=17824),
        new_row(hamlet="Xóm 1", former_commune_code=99999),
        new_row(hamlet="Xóm 1", former_commune="Thanh Phong", former_commune_code=17755),
    ])
    assert problems == {
        "Hamlets!S2": 'No commune of the earlier list "Thanh Lĩnh" merged into Xã Đại Đồng of the 2025 list',
        "Hamlets!S3": '"Đồng Văn" is ambiguous: Xã Đồng Văn, Huyện Thanh Chương or Xã Đồng Văn, Huyện Quế Phong; '
                      "fill in Former district or Former commune code",
        "Hamlets!S4": "Xã Thanh Đức, Huyện Thanh Chương did not merge into Xã Đại Đồng of the 2025 list (it went into "
                      "Xã Hạnh Lâm of the 2025 list)",
        "Hamlets!R5": '"Thanh Phong" is not in Huyện Quế Phong: Xã Thanh Phong, Huyện Thanh Chương',
        "Hamlets!S6": "Former district is given but Former commune is blank",
        "Hamlets!T7": "Xã Thanh Đức, Huyện Thanh Chương did not merge into Xã Đại Đồng of the 2025 list (it went into "
                      "Xã Hạnh Lâm of the 2025 list)",
        "Hamlets!T8": "Former commune code 99999 is not the code of a commune of the earlier list in Tỉnh Nghệ An",
        "Hamlets!T9": 'Former commune code 17755 is "Xã Thanh Ngọc", which does not match "Thanh Phong"',
    }
    assert check(hamlets=[new_row(hamlet="Xóm 1", former_district="Thanh Chương", former_commune="Đồng Văn")]) == {}
    assert Hamlet.objects.get().commune == units["Xã Đồng Văn"]


def test_rule_11_the_hamlet_named_lies_in_another_commune_or_the_name_fits_two(check, units):
    ky_loi = {"province": "Hà Tĩnh", "district": "Thị xã Kỳ Anh", "commune": "Kỳ Lợi", "chief_party_role": None}
    assert check(hamlets=[hamlet_row(district="Thanh Chương", commune="Thanh Phong", hamlet="Xóm 1",
                                     chief_party_role=None),
                          hamlet_row(district="Thanh Chương", commune="Thanh Ngọc", hamlet="Xóm 1",
                                     chief_party_role=None),
                          hamlet_row(**ky_loi, hamlet="Thôn Hải Phong"),
                          new_row(province="Hà Tĩnh", commune="Vũng Áng", hamlet="Thôn Hải Phong")]) == {}
    assert Hamlet.objects.get(name="Thôn Hải Phong").new_commune == units["2025/Phường Vũng Áng"]
    problems = check(hamlets=[new_row(hamlet="Xóm 1"),
                              new_row(province="Hà Tĩnh", commune="Sông Trí", hamlet="Thôn Hải Phong",
                                      former_commune="Kỳ Lợi")])
    assert list(problems) == ["Hamlets!S2", "Hamlets!S3"]
    assert problems["Hamlets!S2"].endswith("ghi Xã cũ là Thanh Phong hoặc Thanh Ngọc")
    assert problems["Hamlets!S3"].endswith("Thôn Hải Phong của Xã Kỳ Lợi, Thị xã Kỳ Anh đã thuộc Phường Vũng Áng")


def test_dates_before_1930_are_refused_by_the_forms_rules_too():
    with pytest.raises(rules.CellError, match="trước 01/01/1930"):
        rules.parse_date(dt.date(1900, 1, 1), rules.Label("Ngày", "Day"))
