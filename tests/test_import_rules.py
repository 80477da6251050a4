"""The nine rules that make a Hamlets row wrong, each at its exact cell, and
the reading of cells (``elections.importing.rules``)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from elections.importing import import_workbook, messages, rules
from elections.importing.messages import Label
from elections.importing.template import HAMLETS, SHEETS, header_key
from elections.models import ChiefElection, Congress
from hamlets.models import Commune, Hamlet, UserScope
from tests.workbooks import (
    HEADERS,
    HEADERS_2025,
    hamlet_row,
    make_units,
    new_row,
    placement_row,
    snapshot,
    write_workbook,
)

pytestmark = pytest.mark.django_db
TOMORROW = rules.today() + dt.timedelta(days=1)
LABEL = Label("Ô", "Cell")


@pytest.fixture
def units(db):
    return make_units()


@pytest.fixture
def check(units, tmp_path):
    """Imports the rows (dry run) and gives the problems as ``{cell: message}``; nothing must be written."""

    def run(*rows, headers=None):
        before = snapshot()
        path = write_workbook(tmp_path / "rows.xlsx", {"Hamlets": list(rows)},
                              headers={"Hamlets": headers} if headers else None)
        result = import_workbook(path)
        assert snapshot() == before or result.ok
        return {p.cell: p.message for p in result.problems}

    return run


def test_a_valid_row_has_no_problem(check):
    assert check(hamlet_row()) == {}


@pytest.mark.parametrize(("field", "cell", "label"), [
    ("province", "A2", "Tỉnh"), ("district", "B2", "Huyện"), ("commune", "C2", "Xã"),
    ("hamlet", "D2", "Thôn/xóm"), ("party_members", "H2", "Số đảng viên"), ("term", "J2", "Nhiệm kỳ"),
])
def test_rule_1_a_required_cell_is_empty(check, field, cell, label):
    problems = check(hamlet_row(**{field: "  "}))
    assert problems[cell] == f"{label} không được để trống"


def test_rule_1_a_required_cell_in_english(check, in_english):
    assert check(hamlet_row(party_members="  ")) == {"H2": "Party members is required"}


def test_rule_1_chief_is_empty_while_chief_elected_on_is_given(check):
    problems = check(hamlet_row(chief=None, chief_party_role=None))
    assert problems == {"O2": "Đã có ngày bầu nhưng chưa ghi tên trưởng thôn"}


@pytest.mark.parametrize(("values", "cell", "english"), [
    ({"province": "Nghệ Tĩnh"}, "A2", 'No province "Nghệ Tĩnh"'),
    ({"district": "Quỳ Châu"}, "B2", 'No district "Quỳ Châu" in Tỉnh Nghệ An'),
    ({"commune": "Xã Tiền Phong"}, "C2", 'No commune "Xã Tiền Phong" in Huyện Quế Phong'),
    ({"district": "Kỳ Anh"}, "B2", 'No district "Kỳ Anh" in Tỉnh Nghệ An'),  # it is in Hà Tĩnh
    ({"district": "Huyện Vinh"}, "B2", 'No district "Huyện Vinh" in Tỉnh Nghệ An (did you mean "Thành phố Vinh"?)'),
    ({"district": "Que Phong"}, "B2", '(did you mean "Huyện Quế Phong"?)'),
])
def test_rule_2_an_unknown_unit(check, in_english, values, cell, english):
    problems = check(hamlet_row(**values))
    assert list(problems) == [cell] and english in problems[cell]


def test_rule_2_an_unknown_unit_in_vietnamese(check):
    assert check(hamlet_row(district="Huyện Vinh")) == {
        "B2": 'Không có huyện "Huyện Vinh" thuộc Tỉnh Nghệ An (có phải "Thành phố Vinh"?)'}


def test_rule_2_a_bare_name_that_fits_two_districts_needs_its_prefix(check):
    problems = check(hamlet_row(province="Hà Tĩnh", district="Kỳ Anh", commune="Kỳ Xuân"))
    assert problems == {"B2": (
        '"Kỳ Anh" chưa rõ thuộc Tỉnh Hà Tĩnh: có thể là Huyện Kỳ Anh hoặc Thị xã Kỳ Anh; ghi rõ tên kèm tiền tố '
        '(ví dụ "Huyện Kỳ Anh")')}
    assert check(hamlet_row(province="Hà Tĩnh", district="Thị xã Kỳ Anh", commune="Kỳ Lợi")) == {}
    assert check(hamlet_row(province="Hà Tĩnh", district="huyện  kỳ anh", commune="Xã Kỳ Xuân")) == {}


CODE_HEADERS = [*HEADERS["Hamlets"], "District code", "Commune code"]


def test_rule_2_the_codes_decide_and_the_names_are_only_checked(check, units):
    row = hamlet_row(province="Hà Tĩnh", district="Kỳ Anh", commune="Kỳ Lợi", district_code=449, commune_code="18796")
    assert check(row, headers=CODE_HEADERS) == {}
    assert Hamlet.objects.get().commune == units["Xã Kỳ Lợi"]
    ambiguous = check(hamlet_row(province="Hà Tĩnh", district="Kỳ Anh", commune="Kỳ Xuân"), headers=CODE_HEADERS)
    assert ambiguous["B2"].endswith("hoặc điền Mã huyện")


@pytest.mark.parametrize(("values", "cell", "english"), [
    ({"district_code": 447, "commune": "Kỳ Lợi"}, "C2", 'No commune "Kỳ Lợi" in Huyện Kỳ Anh'),
    ({"district_code": 415}, "R2", "District code 415 is not the code of a district in Tỉnh Hà Tĩnh"),
    ({"district": "Huyện Kỳ Anh", "district_code": 449}, "R2",
     'District code 449 is "Thị xã Kỳ Anh", which does not match "Huyện Kỳ Anh"'),
    ({"district_code": 449, "commune_code": 18757}, "S2", "Commune code 18757 is not the code of a commune"),
    ({"district_code": "mã"}, "R2", 'District code must be a whole number ≥ 0, got "mã"'),
])
def test_rule_2_a_code_that_does_not_fit(check, in_english, values, cell, english):
    row = hamlet_row(**{"province": "Hà Tĩnh", "district": "Kỳ Anh", "commune": "Kỳ Lợi", **values})
    problems = check(row, headers=CODE_HEADERS)
    assert list(problems) == [cell] and english in problems[cell]


@pytest.mark.parametrize(("values", "cell", "message"), [
    ({"congress_held_on": "31/02/2022"}, "K2", 'Ngày đại hội phải là ngày (DD/MM/YYYY hoặc YYYY-MM-DD), '
                                               'nhận được "31/02/2022"'),
    ({"chief_elected_on": "20.5.22"}, "N2", "Ngày bầu trưởng thôn phải là ngày"),
    ({"special_area": "maybe"}, "F2", 'Địa bàn đặc thù phải là có hoặc không, nhận được "maybe"'),
    ({"party_cell": "có lẽ"}, "I2", 'Chi bộ phải là có hoặc không, nhận được "có lẽ"'),
    ({"term": "2022/2025"}, "J2", 'Nhiệm kỳ phải viết như 2022-2025, nhận được "2022/2025"'),
    ({"party_members": "ba"}, "H2", 'Số đảng viên phải là số nguyên ≥ 0, nhận được "ba"'),
    ({"chief_party_role": "Chairman"}, "Q2",
     'Chức vụ trong chi bộ của trưởng thôn phải là Bí thư, Phó bí thư hoặc để trống, nhận được "Chairman"'),
])
def test_rule_3_a_cell_that_cannot_be_read(check, values, cell, message):
    problems = check(hamlet_row(**values))
    assert list(problems) == [cell] and message in problems[cell]


@pytest.mark.parametrize(("values", "cell", "english_message"), [
    ({"congress_held_on": "31/02/2022"}, "K2", 'Congress held on must be a date (YYYY-MM-DD or DD/MM/YYYY), '
                                               'got "31/02/2022"'),
    ({"party_members": "ba"}, "H2", 'Party members must be a whole number ≥ 0, got "ba"'),
    ({"chief_party_role": "Chairman"}, "Q2",
     'Chief Party role must be Secretary, Deputy secretary or blank, got "Chairman"'),
])
def test_rule_3_in_english(check, in_english, values, cell, english_message):
    assert check(hamlet_row(**values)) == {cell: english_message}


@pytest.mark.parametrize("members", [-1, 12.5, "12,5", "-3"])
def test_rule_4_party_members_negative_or_not_whole(check, members):
    assert list(check(hamlet_row(party_members=members))) == ["H2"]


@pytest.mark.parametrize(("field", "cell"), [("congress_held_on", "K2"), ("chief_elected_on", "N2"),
                                             ("chief_member_since", "P2")])
def test_rule_5_a_date_after_today(check, field, cell):
    row = hamlet_row(**{field: TOMORROW, "chief_party_role": None})
    assert check(row) == {cell: messages.after_today(HAMLETS.label(field), TOMORROW, rules.today())}
    assert check(row)[cell].endswith(f"({TOMORROW:%d/%m/%Y}) là ngày sau hôm nay ({rules.today():%d/%m/%Y})")


def test_rule_5_in_english(check, in_english):
    problems = check(hamlet_row(congress_held_on=TOMORROW, chief_party_role=None))
    assert problems == {"K2": f"Congress held on ({TOMORROW.isoformat()}) is after today ({rules.today().isoformat()})"}


def test_rule_6_congress_held_but_no_party_cell(check):
    assert check(hamlet_row(party_cell="no", chief_party_role=None)) == {
        "K2": "Có ngày đại hội nhưng thôn không có chi bộ (Chi bộ = không)"}


def test_a_problem_between_two_columns_points_at_the_later_one_as_the_sheet_has_them(check):
    headers = [h for h in HEADERS["Hamlets"] if h != "Party cell"] + ["Party cell"]
    assert list(check(hamlet_row(party_cell="no", chief_party_role=None), headers=headers)) == ["Q2"]


def test_rule_7_secretary_and_deputy_are_the_same_person(check):
    problems = check(hamlet_row(secretary="Vi Thị Hạnh", deputy_secretary="  vi thị  HẠNH"))
    assert problems == {"M2": 'Bí thư và phó bí thư là cùng một người ("vi thị HẠNH")'}


@pytest.mark.parametrize(("values", "message"), [
    ({"congress_held_on": None, "secretary": None, "deputy_secretary": "Vi Thị Hạnh"},
     "Trưởng thôn kiêm phó bí thư nhưng chưa có ngày đại hội"),
    ({"chief": "Lô Văn Khác"}, 'Trưởng thôn kiêm phó bí thư nhưng tên trưởng thôn "Lô Văn Khác" khác tên ở cột '
                               'Phó bí thư "Vi Thị Hạnh"'),
    ({"chief_party_role": "Secretary"}, 'Trưởng thôn kiêm bí thư nhưng tên trưởng thôn "Vi Thị Hạnh" khác tên ở cột '
                                        'Bí thư "Lô Văn Xuân"'),
    ({"chief_member_since": None}, "Trưởng thôn kiêm phó bí thư nhưng chưa ghi ngày vào Đảng của trưởng thôn"),
    ({"chief_member_since": dt.date(2022, 5, 13)}, "Trưởng thôn kiêm phó bí thư nhưng ngày vào Đảng (13/05/2022) "
                                                   "sau ngày đại hội (12/05/2022)"),
])
def test_rule_8_the_chief_holds_a_role_the_row_does_not_bear_out(check, values, message):
    assert check(hamlet_row(**values)) == {"Q2": message}


@pytest.mark.parametrize(("values", "english_message"), [
    ({"chief": "Lô Văn Khác"}, 'Chief Party role is Deputy secretary but the chief "Lô Văn Khác" is not the '
                               'Deputy secretary "Vi Thị Hạnh"'),
    ({"chief_member_since": dt.date(2022, 5, 13)}, "Chief Party role is Deputy secretary but Chief member since "
                                                   "(2022-05-13) is later than Congress held on (2022-05-12)"),
])
def test_rule_8_in_english(check, in_english, values, english_message):
    assert check(hamlet_row(**values)) == {"Q2": english_message}


def test_rule_8_is_met_by_the_secretary_too(check):
    assert check(hamlet_row(chief="lô  văn xuân", chief_party_role="bí thư")) == {}


def test_rule_9_the_same_hamlet_and_term_twice(check):
    problems = check(hamlet_row(hamlet="Bản Đỉ"), hamlet_row(hamlet="Bản Đỉ", term="2025-2030"),
                     hamlet_row(hamlet="  BẢN  ĐỈ ", term="2022 – 2025"))
    assert problems == {"D4": "Thôn này với nhiệm kỳ 2022-2025 đã có ở dòng 2"}


def test_nothing_else_refuses_a_row(check):
    row = hamlet_row(kind="bản làng", chief_party_role=None, party_cell="no", congress_held_on=None,
                     chief_member_since=dt.date(1930, 2, 3), party_members=0)
    assert check(row) == {}


def test_all_problems_of_a_row_are_listed(check):
    row = hamlet_row(province=None, party_members="ba", term="x", chief_member_since=None, chief="Khác")
    assert sorted(check(row)) == ["A2", "H2", "J2", "Q2"]
    assert len([m for m in check(row).values()]) == 4


@pytest.mark.parametrize("value", ["yes", "Y", "x", "X", "có", "CÓ", "co", "true", "TRUE", "1", 1, 1.0, True])
def test_yes(value):
    assert rules.parse_yes_no(value, LABEL) is True


@pytest.mark.parametrize("value", ["no", "N", "không", "Không", "khong", "false", "0", 0, False, None, "  "])
def test_no(value):
    assert rules.parse_yes_no(value, LABEL) is False


@pytest.mark.parametrize(("value", "day"), [
    (dt.datetime(2022, 5, 12, 0, 0), dt.date(2022, 5, 12)), (dt.date(2022, 5, 12), dt.date(2022, 5, 12)),
    ("2022-05-12", dt.date(2022, 5, 12)), (" 12/05/2022 ", dt.date(2022, 5, 12)), ("2/5/2022", dt.date(2022, 5, 2)),
    (44693, dt.date(2022, 5, 12)), (None, None), ("", None),
])
def test_dates(value, day):
    assert rules.parse_date(value, LABEL) == day


@pytest.mark.parametrize("value", ["2022-13-01", "12/05/22", "hôm qua", 2022, True, "2022/05/12"])
def test_not_dates(value):
    with pytest.raises(rules.CellError):
        rules.parse_date(value, LABEL)


@pytest.mark.parametrize("value", ["2022-2025", "2022 – 2025", " 2022 -2025 ", "2022—2025"])
def test_terms(value):
    assert rules.parse_term(value, LABEL) == (2022, 2025)


@pytest.mark.parametrize(("value", "number"), [(12, 12), (12.0, 12), ("12", 12), (" 0 ", 0), (Decimal("7"), 7)])
def test_whole_numbers(value, number):
    assert rules.parse_whole_number(value, LABEL) == number


@pytest.mark.parametrize(("value", "role"), [("Secretary", "secretary"), ("bí thư", "secretary"),
                                             ("PHÓ BÍ THƯ", "deputy"), ("Deputy secretary", "deputy"), (None, "")])
def test_party_roles(value, role):
    assert rules.parse_party_role(value, LABEL) == role


@pytest.mark.parametrize(("value", "percent"), [(90, Decimal("90.00")), ("90%", Decimal("90.00")),
                                                ("90,5", Decimal("90.50")), (33.3333, Decimal("33.33"))])
def test_percents(value, percent):
    assert rules.parse_percent(value, LABEL) == percent


def test_check_congress_and_roles_names_the_fields_for_a_web_form():
    problems = rules.check_congress_and_roles(
        party_cell=False, congress_held_on=dt.date(2022, 5, 1), secretary="A", deputy_secretary="a",
        chief_elected_on=dt.date(2022, 5, 2), chief="", chief_member_since=None, chief_party_role="secretary")
    assert [p.field for p in problems] == ["chief", "congress_held_on", "deputy_secretary", "chief_party_role",
                                           "chief_party_role"]


def test_an_unknown_kind_is_a_warning_and_left_blank(units, tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"Hamlets": [hamlet_row(kind="buôn")]})
    result = import_workbook(path)
    assert result.ok and [w.cell for w in result.warnings] == ["E2"]
    assert result.warnings[0].message == ('Loại không rõ nên để trống (thôn, xóm, bản, làng, khối, tổ dân phố, ấp), '
                                          'nhận được "buôn"')
    assert Hamlet.objects.get().kind == ""


def test_header_aliases_do_not_collide():
    for spec in SHEETS:
        spellings = [(header_key(s), c.field) for c in spec.columns for s in (c.header, c.vi, *c.aliases)]
        owners: dict[str, set[str]] = {}
        for key, field in spellings:
            owners.setdefault(key, set()).add(field)
        assert all(len(fields) == 1 for fields in owners.values()), spec.name


def test_nothing_is_written_for_a_wrong_row_among_right_ones(check):
    assert check(hamlet_row(hamlet="Bản A"), hamlet_row(hamlet="Bản B", party_members=-2)) == {
        "H3": 'Số đảng viên phải là số nguyên ≥ 0, nhận được "-2"'}
    assert not Hamlet.objects.exists() and not Congress.objects.exists() and not ChiefElection.objects.exists()


# --- two units with the same full name: only the code tells them apart (issue 9, item 9) -----------------

@pytest.fixture
def thanh_hoa(db):
    """The official units of Thanh Hóa, both lists: its earlier list has two Xã Đông Khê in Thành phố
    Thanh Hóa, 16387 (absent from the conversion table) and 16408 (now in Phường Đông Sơn)."""
    call_command("load_admin_units", province=["Thanh Hóa"], stdout=io.StringIO())
    dong_khe = Commune.objects.earlier().filter(name="Xã Đông Khê").select_related("district").order_by("code")
    assert [(c.code, c.district.name, [s.name for s in c.successors.all()]) for c in dong_khe] == [
        (16387, "Thành phố Thanh Hóa", []), (16408, "Thành phố Thanh Hóa", ["Phường Đông Sơn"])]
    return dong_khe


def imported(tmp_path, sheets, headers=None):
    before = snapshot()
    result = import_workbook(write_workbook(tmp_path / "dong-khe.xlsx", sheets, headers=headers))
    problems = {f"{p.sheet}!{p.cell}": p.message for p in result.problems}
    assert problems == {} or snapshot() == before
    return problems


SAME_NAME = '"Đông Khê" ứng với hai xã cùng tên thuộc Thành phố Thanh Hóa: ghi {vi} (16387 hoặc 16408)'
SAME_NAME_EN = ('"Đông Khê" fits two communes of Thành phố Thanh Hóa with the same name: write the {en} '
                '(16387 or 16408)')
THANH_HOA = {"province": "Thanh Hóa", "district": "Thành phố Thanh Hóa", "commune": "Đông Khê", "hamlet": "Thôn 1"}


def test_an_earlier_list_row_naming_two_communes_of_one_name_asks_for_the_commune_code(thanh_hoa, tmp_path):
    problems = imported(tmp_path, {"Hamlets": [hamlet_row(**THANH_HOA)]})
    assert problems == {"Hamlets!C2": SAME_NAME.format(vi="Mã xã")}
    with translation.override("en"):
        assert imported(tmp_path, {"Hamlets": [hamlet_row(**THANH_HOA)]}) == {
            "Hamlets!C2": SAME_NAME_EN.format(en="Commune code")}
    assert imported(tmp_path, {"Hamlets": [hamlet_row(**THANH_HOA, commune_code=16408)]},
                    headers={"Hamlets": CODE_HEADERS}) == {}
    hamlet = Hamlet.objects.select_related("commune", "new_commune").get()
    assert (hamlet.commune.code, hamlet.new_commune.name) == (16408, "Phường Đông Sơn")


def test_a_2025_list_row_naming_them_as_its_former_commune_asks_for_the_former_commune_code(thanh_hoa, tmp_path):
    headers = {"Hamlets": HEADERS_2025["Hamlets"]}
    former = {"province": "Thanh Hóa", "commune": "Phường Đông Sơn", "hamlet": "Thôn 1", "former_commune": "Đông Khê"}
    message = SAME_NAME.format(vi="Mã xã cũ")
    assert imported(tmp_path, {"Hamlets": [new_row(**former)]}, headers) == {"Hamlets!S2": message}
    assert imported(tmp_path, {"Hamlets": [new_row(**former, former_district="Thành phố Thanh Hóa")]},
                    headers) == {"Hamlets!S2": message}
    assert imported(tmp_path, {"Hamlets": [new_row(**former, former_commune_code=16387)]}, headers) == {}
    hamlet = Hamlet.objects.select_related("commune", "new_commune").get()
    assert (hamlet.commune.code, hamlet.new_commune.name) == (16387, "Phường Đông Sơn")


def test_a_placement_naming_them_asks_for_the_former_commune_code(thanh_hoa, tmp_path):
    headers = {"Placements": HEADERS_2025["Placements"]}
    row = placement_row(province="Thanh Hóa", former_district="Thành phố Thanh Hóa", former_commune="Đông Khê",
                        hamlet="Thôn 1", commune="Phường Đông Sơn")
    problems = imported(tmp_path, {"Placements": [row]}, headers)
    assert list(problems.values()) == [SAME_NAME.format(vi="Mã xã cũ")]
    assert list(problems) == ["Placements!C2"]


def test_add_account_asks_for_the_code_of_a_district_whose_full_name_is_twice_in_one_province(db, monkeypatch,
                                                                                             commands_in_english):
    """Bến Tre's and Trà Vinh's Huyện Châu Thành both lie in the 2025 Tỉnh Vĩnh Long."""
    call_command("load_admin_units", province=["Vĩnh Long"], stdout=io.StringIO())
    monkeypatch.setenv("CT_PASSWORD", "Xóm-3-mật-khẩu-dài-hơn")
    with pytest.raises(CommandError) as refused:
        call_command("add_account", "chau.thanh", province="Vĩnh Long", district="Châu Thành", stdout=io.StringIO())
    assert str(refused.value).endswith(
        '"Châu Thành" fits two districts in Tỉnh Vĩnh Long with the same name: Huyện Châu Thành (Tỉnh Bến Tre); '
        "Huyện Châu Thành (Tỉnh Trà Vinh); write the code (831 or 847), e.g. --district 831")
    call_command("add_account", "chau.thanh", province="Vĩnh Long", district="847", stdout=io.StringIO())
    scope = UserScope.objects.select_related("district__province").get(user__username="chau.thanh")
    assert (scope.district.name, scope.district.province.name) == ("Huyện Châu Thành", "Tỉnh Trà Vinh")
