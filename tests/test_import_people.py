"""Issue 12 on the Hamlets and Targets sheets: the chief's and the secretary's birth year, gender and
ethnicity (optional headers, ``workbooks.md`` rules 3, 8 and 10), and annual targets (``Targets`` with
``Year``, ``domain.md`` item 12)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import F
from django.test import Client
from django.utils import translation

from elections.importing import import_workbook
from elections.importing.rules import today
from elections.importing.template import AREA_OFFICIALS, CHIEF_EVALUATIONS, CHIEF_PLANS, HAMLETS
from elections.models import ChiefElection, Congress, Target
from hamlets.models import Hamlet
from tests.personas import make_user
from tests.workbooks import HEADERS, HEADERS_PROFILES, hamlet_row, make_units, snapshot, target_row, write_workbook

pytestmark = pytest.mark.django_db
# The Hamlets columns of HEADERS_PROFILES: A-Q the template's, then R-W the profiles.
CHIEF = {"chief_birth_year": 1969, "chief_gender": "Nữ", "chief_ethnicity": "Thái"}
SECRETARY = {"secretary_birth_year": 1975, "secretary_gender": "nam", "secretary_ethnicity": "Kinh"}
CHIEF_IS_SECRETARY = {"secretary": "Vi Thị Hạnh", "deputy_secretary": "Lô Văn Xuân", "chief_party_role": "Secretary"}


@pytest.fixture
def units(db):
    return make_units()


@pytest.fixture
def book(units, tmp_path):
    def book(*rows, headers=HEADERS_PROFILES, **sheets):
        sheets = {"Hamlets": list(rows), **{k.capitalize(): v for k, v in sheets.items()}}
        return write_workbook(tmp_path / "people.xlsx", sheets, headers=headers)

    return book


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def chief() -> tuple:
    return ChiefElection.objects.values_list("chief_birth_year", "chief_gender", "chief_ethnicity",
                                             "chief_minority").get()


def secretary() -> tuple:
    return Congress.objects.values_list("secretary_birth_year", "secretary_gender", "secretary_ethnicity",
                                        "secretary_minority").get()


def test_profiles_are_stored_with_the_election_and_the_congress(book):
    result = import_workbook(book(hamlet_row(**CHIEF, **SECRETARY)))
    assert result.ok, problems(result)
    assert chief() == (1969, "female", "Thái", True)
    assert secretary() == (1975, "male", "Kinh", False)
    again = import_workbook(book(hamlet_row(**CHIEF, **SECRETARY)))
    assert again.ok and again.summary.written == 0


@pytest.mark.parametrize(("spelling", "gender"), [
    ("Nam", "male"), ("NAM", "male"), ("male", "male"), ("Male", "male"), ("Nữ", "female"), ("NỮ", "female"),
    ("nu", "female"), ("Nu", "female"), ("FEMALE", "female"), (" nữ ", "female")])
def test_gender_in_any_case_with_or_without_diacritics(book, spelling, gender):
    result = import_workbook(book(hamlet_row(chief_gender=spelling, secretary_gender=spelling)))
    assert result.ok, problems(result)
    assert chief()[1] == secretary()[1] == gender


def test_unreadable_profile_cells_refuse_the_row_naming_the_cell(book):
    this_year = today().year
    rows = [hamlet_row(chief_gender="ông"),
            hamlet_row(hamlet="Bản 2", chief_birth_year=1899, secretary_birth_year=this_year + 1),
            hamlet_row(hamlet="Bản 3", chief_birth_year="bốn mươi", secretary_ethnicity="x" * 61),
            hamlet_row(hamlet="Bản 4", chief_ethnicity="Thái" * 15, secretary_gender="khác")]
    result = import_workbook(book(*rows))
    assert problems(result) == [
        'Hamlets!S2: Giới tính trưởng thôn phải là Nam hoặc Nữ, nhận được "ông"',
        f'Hamlets!R3: Năm sinh trưởng thôn phải là năm từ 1900 đến {this_year}, nhận được "1899"',
        f'Hamlets!U3: Năm sinh bí thư phải là năm từ 1900 đến {this_year}, nhận được "{this_year + 1}"',
        f'Hamlets!R4: Năm sinh trưởng thôn phải là năm từ 1900 đến {this_year}, nhận được "bốn mươi"',
        "Hamlets!W4: Dân tộc bí thư dài 61 ký tự, quá 60 ký tự",
        'Hamlets!V5: Giới tính bí thư phải là Nam hoặc Nữ, nhận được "khác"']
    assert not Hamlet.objects.exists()  # all or nothing: the valid cells of these rows are not written either
    with translation.override("en"):
        assert problems(import_workbook(book(rows[0])))[0] == (
            'Hamlets!S2: Chief gender must be Nam/Nữ (male/female), got "ông"')
    assert import_workbook(book(hamlet_row(chief_ethnicity="Thái" * 15))).ok  # 60 characters: the bound


def test_absent_headers_keep_the_stored_profiles_and_blank_cells_clear_them(book):
    assert import_workbook(book(hamlet_row(**CHIEF, **SECRETARY))).ok
    stored = snapshot()
    without = import_workbook(book(hamlet_row(party_members=13), headers=HEADERS))  # no profile column
    assert without.ok and without.summary.records_updated == 1
    assert without.summary.elections_updated == without.summary.congresses_updated == 0
    assert chief() == (1969, "female", "Thái", True) and secretary() == (1975, "male", "Kinh", False)
    assert snapshot()["ChiefElection"] == stored["ChiefElection"]
    only_gender = {"Hamlets": [*HEADERS["Hamlets"], "Chief gender"]}  # one header present: only it changes
    assert import_workbook(book(hamlet_row(chief_gender="Nam"), headers=only_gender)).ok
    assert chief() == (1969, "male", "Thái", True)
    cleared = import_workbook(book(hamlet_row()))  # every header present, every cell blank
    assert cleared.ok
    assert chief() == (None, "", "", None) and secretary() == (None, "", "", None)
    change = cleared.changes[0]
    assert "Năm sinh trưởng thôn: 1969 → trống" in change.details
    assert "Giới tính bí thư: Nam → trống" in change.details


def test_profile_changes_are_in_the_preview_and_the_history(book, units):
    board = make_user("quephong", district=units["Huyện Quế Phong"])
    assert import_workbook(book(hamlet_row(**CHIEF)), user=board).ok
    preview = import_workbook(book(hamlet_row(**{**CHIEF, "chief_birth_year": 1970})), user=board, dry_run=True)
    assert preview.changes[0].details == ("Năm sinh trưởng thôn: 1969 → 1970",)
    assert preview.summary.elections_updated == 1
    with translation.override("en"):
        english = import_workbook(book(hamlet_row(**{**CHIEF, "chief_gender": "male"})), dry_run=True)
        assert english.changes[0].details == ("Chief gender: Female → Male",)
    assert import_workbook(book(hamlet_row(**{**CHIEF, "chief_birth_year": 1970})), user=board).ok
    election = ChiefElection.objects.get()
    latest = election.history.first()
    assert (latest.chief_birth_year, latest.history_user) == (1970, board)
    assert election.history.count() == 2


def test_a_chief_also_secretary_lends_the_blank_secretary_cells_his_profile(book):
    result = import_workbook(book(hamlet_row(**CHIEF_IS_SECRETARY, **CHIEF)))
    assert result.ok, problems(result)
    assert secretary() == chief() == (1969, "female", "Thái", True)
    same = hamlet_row(**CHIEF_IS_SECRETARY, **CHIEF, secretary_birth_year=1969, secretary_gender="NU",
                      secretary_ethnicity="thái")  # the same values, spelt otherwise
    assert import_workbook(book(same)).ok
    without_chief_headers = {"Hamlets": [*HEADERS["Hamlets"], "Secretary birth year"]}
    assert import_workbook(book(hamlet_row(**CHIEF_IS_SECRETARY), headers=without_chief_headers)).ok
    assert secretary()[:3] == (1969, "female", "thái")  # blank: the stored chief's birth year


def test_a_chief_also_secretary_whose_secretary_cells_differ_is_wrong(book):
    row = hamlet_row(**CHIEF_IS_SECRETARY, **CHIEF, secretary_birth_year=1970, secretary_gender="Nam",
                     secretary_ethnicity="Thái")
    assert problems(import_workbook(book(row))) == [
        "Hamlets!U2: Trưởng thôn kiêm bí thư nhưng Năm sinh bí thư (1970) khác Năm sinh trưởng thôn (1969)",
        "Hamlets!V2: Trưởng thôn kiêm bí thư nhưng Giới tính bí thư (Nam) khác Giới tính trưởng thôn (Nữ)"]
    with translation.override("en"):
        assert problems(import_workbook(book(row)))[0] == (
            "Hamlets!U2: Chief Party role is Secretary but Secretary birth year (1970) differs from Chief birth "
            "year (1969)")
    assert not ChiefElection.objects.exists()
    # without the Chief's headers the stored chief is compared
    assert import_workbook(book(hamlet_row(**CHIEF_IS_SECRETARY, **CHIEF))).ok
    only_secretary = {"Hamlets": [*HEADERS["Hamlets"], "Secretary birth year"]}
    assert problems(import_workbook(book(hamlet_row(**CHIEF_IS_SECRETARY, secretary_birth_year=1980),
                                         headers=only_secretary))) == [
        "Hamlets!R2: Trưởng thôn kiêm bí thư nhưng Năm sinh bí thư (1980) khác Năm sinh trưởng thôn (1969)"]
    # a deputy secretary's profile is the congress's secretary's business: no comparison
    deputy = hamlet_row(**CHIEF, secretary_birth_year=1950, secretary_gender="Nam")
    assert import_workbook(book(deputy)).ok


def test_a_profile_without_its_person_is_wrong(book):
    no_chief = hamlet_row(chief_elected_on=None, chief="", chief_member_since=None, chief_party_role=None,
                          chief_birth_year=1969, chief_ethnicity="Thái")
    no_secretary = hamlet_row(hamlet="Bản 2", secretary="", secretary_gender="Nữ")
    assert problems(import_workbook(book(no_chief, no_secretary))) == [
        "Hamlets!R2: Có Năm sinh trưởng thôn nhưng chưa ghi Trưởng thôn",
        "Hamlets!T2: Có Dân tộc trưởng thôn nhưng chưa ghi Trưởng thôn",
        "Hamlets!V3: Có Giới tính bí thư nhưng chưa ghi Bí thư"]
    with translation.override("en"):
        assert problems(import_workbook(book(no_secretary)))[0] == (
            "Hamlets!V2: Secretary gender is given but Secretary is blank")


def test_a_by_election_carries_its_own_chief_profile(book):
    assert import_workbook(book(hamlet_row(**CHIEF))).ok
    by_election = hamlet_row(chief_elected_on=dt.date(2023, 3, 1), chief="Lương Văn Mới", chief_member_since=None,
                             chief_party_role=None, chief_birth_year=1990, chief_gender="Nam", chief_ethnicity="Kinh")
    assert import_workbook(book(by_election)).ok
    assert list(ChiefElection.objects.order_by("held_on").values_list("chief", "chief_birth_year")) == [
        ("Vi Thị Hạnh", 1969), ("Lương Văn Mới", 1990)]


# --- Targets with Year -------------------------------------------------------------------

YEAR = {"Hamlets": HEADERS["Hamlets"], "Targets": [*HEADERS["Targets"], "Year"]}


def targets() -> list[tuple]:
    return list(Target.objects.order_by(F("year").asc(nulls_last=True)).values_list("year", "percent"))


def test_an_annual_target_is_stored_beside_the_terms_and_updated_on_import_again(book):
    rows = [target_row(percent=100), target_row(percent=60, year=2023), target_row(percent=80, year="2024")]
    first = import_workbook(book(targets=rows, headers=YEAR))
    assert first.ok, problems(first)
    assert first.warnings == []
    assert targets() == [(2023, Decimal(60)), (2024, Decimal(80)), (None, Decimal(100))]
    assert [c.subject for c in first.changes] == [
        "Tỉnh Nghệ An: Trưởng thôn là đảng viên, 2022-2025", "Tỉnh Nghệ An: Trưởng thôn là đảng viên, 2022-2025, 2023",
        "Tỉnh Nghệ An: Trưởng thôn là đảng viên, 2022-2025, 2024"]
    again = import_workbook(book(targets=[target_row(percent=65, year=2023)], headers=YEAR))
    assert again.ok and (again.summary.targets_created, again.summary.targets_updated) == (0, 1)
    assert targets() == [(2023, Decimal(65)), (2024, Decimal(80)), (None, Decimal(100))]
    district = import_workbook(book(targets=[target_row(district="Quế Phong", percent=70, year=2023)], headers=YEAR))
    assert district.ok and Target.objects.get(district__isnull=False).year == 2023


def test_a_year_outside_the_term_or_twice_is_wrong(book):
    rows = [target_row(year=2021), target_row(year=2026), target_row(year=1929), target_row(year=2023),
            target_row(year=2023, percent=50), target_row(year="hai nghìn")]
    assert problems(import_workbook(book(targets=rows, headers=YEAR))) == [
        "Targets!G2: Năm 2021 không thuộc nhiệm kỳ 2022-2025",
        "Targets!G3: Năm 2026 không thuộc nhiệm kỳ 2022-2025",
        f'Targets!G4: Năm phải là năm từ 1930 đến {today().year + 10}, nhận được "1929"',
        "Targets!D6: Mục tiêu này đã có ở dòng 5",
        f'Targets!G7: Năm phải là năm từ 1930 đến {today().year + 10}, nhận được "hai nghìn"']
    with translation.override("en"):
        assert problems(import_workbook(book(targets=rows[:1], headers=YEAR))) == [
            "Targets!G2: Year 2021 is not a year of the term 2022-2025"]
    assert not Target.objects.exists()


def test_a_board_may_not_set_annual_targets_either(book, units):
    board = make_user("quephong", district=units["Huyện Quế Phong"])
    result = import_workbook(book(targets=[target_row(district="Quế Phong", year=2023)], headers=YEAR), user=board)
    assert problems(result) == ["Targets!A2: Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu"]


# --- the blank template and the pre-filled download ---------------------------------------

def test_the_prefilled_download_carries_the_profiles_and_imports_back_unchanged(book, units, tmp_path):
    board = make_user("quephong", district=units["Huyện Quế Phong"])
    rows = [hamlet_row(**CHIEF_IS_SECRETARY, **CHIEF),
            hamlet_row(hamlet="Bản 2", **CHIEF, **SECRETARY),
            hamlet_row(hamlet="Bản 3", party_cell="no", congress_held_on=None, secretary="", deputy_secretary="",
                       chief_party_role=None, chief_birth_year=1990)]
    assert import_workbook(book(*rows), user=board).ok
    client = Client()
    client.force_login(board)
    response = client.get("/import/prefill.xlsx", {"term": "2022-2025"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Hamlets"]
    fields = [c.field for c in HAMLETS.columns]
    assert [c.value for c in sheet[1]] == [c.header for c in HAMLETS.columns]
    found = {r[3]: dict(zip(fields, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    profile = ("chief_birth_year", "chief_gender", "chief_ethnicity", "secretary_birth_year", "secretary_gender",
               "secretary_ethnicity")
    assert [found["Bản Đỉ"][f] for f in profile] == [1969, "Nữ", "Thái", 1969, "Nữ", "Thái"]
    assert [found["Bản 2"][f] for f in profile] == [1969, "Nữ", "Thái", 1975, "Nam", "Kinh"]
    assert [found["Bản 3"][f] for f in profile] == [1990, None, None, None, None, None]
    path = tmp_path / "download.xlsx"
    path.write_bytes(response.content)
    before = snapshot()
    back = import_workbook(path, user=board)
    assert back.ok, problems(back)
    assert back.summary.written == 0 and snapshot() == before
    sheet.cell(row=2, column=fields.index("chief_birth_year") + 1, value=1971)  # a change made in the download
    sheet.parent.save(path)
    changed = import_workbook(path, user=board)
    assert changed.ok and changed.summary.elections_updated == 1


def test_the_blank_template_holds_the_people_sheets_and_their_instructions(units, tmp_path):
    client = Client()
    client.force_login(make_user("quephong", district=units["Huyện Quế Phong"]))
    template = openpyxl.load_workbook(io.BytesIO(client.get("/import/template.xlsx").content))
    assert [c.value for c in template["Chief plans"][1]] == [
        "Province", "District", "Commune", "Hamlet", "Former district", "Former commune", "Former commune code",
        "Term", "Chief", "Mentor", "Plan started on", "Course completed on", "Application on"]
    assert [c.value for c in template["Chief evaluations"][1]] == [
        "Province", "District", "Commune", "Hamlet", "Former district", "Former commune", "Former commune code",
        "Year", "Chief", "Rating"]
    assert [c.value for c in template["Area officials"][1]] == [
        "Province", "District", "Commune", "Official", "Position", "Phone"]
    assert [c.value for c in template["Hamlets"][1]][-6:] == [
        "Chief birth year", "Chief gender", "Chief ethnicity", "Secretary birth year", "Secretary gender",
        "Secretary ethnicity"]
    words = "\n".join(str(v) for row in template["Hướng dẫn"].iter_rows(values_only=True) for v in row if v)
    for needed in ("Chief plans", "Chief evaluations", "Area officials", "Năm sinh trưởng thôn", "Dân tộc bí thư",
                   "Người giúp đỡ", "Xếp loại", "Cán bộ phụ trách", "chỉ Ban Tổ chức Tỉnh ủy được nhập",
                   "Nam hoặc Nữ", "Không hoàn thành", "tối đa 20 ký tự", "Năm của mục tiêu (Targets) phải thuộc"):
        assert needed in words, needed
    # filled in and imported back: every sheet is read
    for spec, row in ((HAMLETS, hamlet_row(chief_gender="Nữ")),
                      (CHIEF_PLANS, {"province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ",
                                     "hamlet": "Bản Đỉ", "term": "2022-2025", "chief": "Vi Thị Hạnh",
                                     "mentor": "Lô Văn Xuân", "started_on": "01/07/2022"}),
                      (CHIEF_EVALUATIONS, {"province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ",
                                           "hamlet": "Bản Đỉ", "year": 2023, "chief": "Vi Thị Hạnh",
                                           "rating": "Hoàn thành tốt"}),
                      (AREA_OFFICIALS, {"province": "Nghệ An", "district": "Quế Phong", "official": "Hồ Thị Lan"})):
        template[spec.name].append([row.get(c.field) for c in spec.columns])
    path = tmp_path / "filled.xlsx"
    template.save(path)
    result = import_workbook(path)
    assert result.ok, problems(result)
    assert result.summary.chief_plans_created == result.summary.evaluations_created == 1
    assert result.summary.officials_created == 1 and ChiefElection.objects.get().chief_gender == "female"
