"""Issue 12: the sheets ``Chief plans``, ``Chief evaluations`` and ``Area officials`` (``workbooks.md``),
written through the import's planner and writer: hamlets found as on Hamlets but never created nor
placed, keys with names folded, whole-state rows, scope, history and no lost update."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.utils import translation

from elections.importing import import_workbook
from elections.importing.rules import today
from elections.models import ChiefElection
from elections.people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea, Rating
from hamlets.models import Hamlet
from tests.factories import ChiefElectionFactory, HamletFactory, TermFactory
from tests.personas import make_user
from tests.workbooks import (
    HEADERS,
    evaluation_row,
    hamlet_row,
    history_count,
    make_both_lists,
    official_row,
    plan_row,
    snapshot,
    write_workbook,
)

pytestmark = pytest.mark.django_db
NON_MEMBER = {"chief": "Lương Văn Mới", "chief_member_since": None, "chief_party_role": None}
FORMER = ["Former district", "Former commune"]
HEADERS_2025 = {"Chief plans": [*HEADERS["Chief plans"], *FORMER],
                "Chief evaluations": [*HEADERS["Chief evaluations"], *FORMER]}


@pytest.fixture
def units(db):
    return make_both_lists()


@pytest.fixture
def book(units, tmp_path):
    count = iter(range(1000))

    def book(hamlets=(), headers=None, **sheets):
        named = {"Hamlets": list(hamlets), **{k.replace("_", " ").capitalize(): v for k, v in sheets.items()}}
        return write_workbook(tmp_path / f"people-{next(count)}.xlsx", named, headers=headers)

    return book


@pytest.fixture
def ban_di(book):
    """Bản Đỉ (Xã Thông Thụ, Huyện Quế Phong) with its 2022 election of a non-member chief."""
    assert import_workbook(book([hamlet_row(**NON_MEMBER)])).ok
    return Hamlet.objects.get()


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def plans() -> list[tuple]:
    return list(ChiefPlan.objects.order_by("pk").values_list("chief", "mentor", "started_on", "course_on",
                                                              "application_on"))


# --- Chief plans ----------------------------------------------------------------------------

def test_a_plan_is_recorded_and_a_row_is_its_whole_state(book, ban_di, units):
    board = make_user("quephong", district=units["Huyện Quế Phong"])
    first = import_workbook(book(chief_plans=[plan_row(chief="Lương Văn Mới")]), user=board)
    assert first.ok, problems(first)
    assert first.warnings == []
    assert plans() == [("Lương Văn Mới", "Lô Văn Xuân", dt.date(2022, 7, 1), dt.date(2023, 3, 15), None)]
    plan = ChiefPlan.objects.get()
    assert (plan.hamlet, plan.term.name) == (ban_di, "2022-2025")
    assert plan.history.get().history_user == board
    assert [(c.sheet, c.subject, c.action) for c in first.changes] == [
        ("Chief plans", "Lương Văn Mới, Bản Đỉ, Xã Thông Thụ (2022-2025)", "create")]
    assert first.summary.chief_plans_created == 1
    assert "kế hoạch bồi dưỡng: 1 ghi" in first.summary_line
    stored, history = snapshot(), history_count()
    again = import_workbook(book(chief_plans=[plan_row(chief="Lương Văn Mới")]), user=board)
    assert again.ok and again.summary.written == 0 and snapshot() == stored and history_count() == history
    # a blank step clears it; the name is matched whatever its case
    later = plan_row(chief="LƯƠNG VĂN MỚI", course_on=None, application_on=dt.date(2024, 1, 5))
    changed = import_workbook(book(chief_plans=[later]), user=board)
    assert changed.ok and changed.summary.chief_plans_updated == 1
    assert changed.changes[0].details == ("Ngày học xong lớp nhận thức về Đảng: 15/03/2023 → trống",
                                          "Ngày nộp đơn xin vào Đảng: trống → 05/01/2024")
    assert plans() == [("Lương Văn Mới", "Lô Văn Xuân", dt.date(2022, 7, 1), None, dt.date(2024, 1, 5))]


def test_plans_and_evaluations_find_the_hamlets_the_same_workbook_creates(book):
    result = import_workbook(book([hamlet_row(hamlet="Bản Mới", **NON_MEMBER)],
                                  chief_plans=[plan_row(hamlet="Bản Mới", chief="Lương Văn Mới")],
                                  chief_evaluations=[evaluation_row(hamlet="bản mới", chief="Lương Văn Mới")]))
    assert result.ok, problems(result)
    assert result.warnings == []  # the chief is elected by the Hamlets row
    hamlet = Hamlet.objects.get()
    assert ChiefPlan.objects.get().hamlet == hamlet and ChiefEvaluation.objects.get().hamlet == hamlet
    assert (result.summary.chief_plans_created, result.summary.evaluations_created) == (1, 1)


def test_a_chief_never_elected_there_is_accepted_with_a_warning(book, ban_di):
    result = import_workbook(book(chief_plans=[plan_row(chief="Hà Văn Khác"),
                                               plan_row(chief="Lương Văn Mới", term="2025-2027",
                                                        started_on=dt.date(2025, 9, 1), course_on=None)]))
    assert result.ok, problems(result)
    assert [str(w) for w in result.warnings] == [
        'Chief plans!F2: Thôn chưa có cuộc bầu trưởng thôn nào nhiệm kỳ 2022-2025 bầu "Hà Văn Khác": vẫn ghi kế hoạch',
        'Chief plans!F3: Thôn chưa có cuộc bầu trưởng thôn nào nhiệm kỳ 2025-2027 bầu "Lương Văn Mới": vẫn ghi '
        "kế hoạch"]
    assert ChiefPlan.objects.count() == 2
    ChiefElectionFactory(hamlet=ban_di, term=ChiefPlan.objects.get(term__start_year=2025).term,
                         held_on=dt.date(2025, 8, 1), chief="lương  văn mới")  # folded: the same chief
    assert import_workbook(book(chief_plans=[plan_row(chief="Lương Văn Mới", term="2025-2027",
                                                      started_on=dt.date(2025, 9, 1), course_on=None)])).warnings == []


def test_wrong_plan_rows_name_their_cells_and_write_nothing(book, ban_di):
    tomorrow = today() + dt.timedelta(days=1)
    rows = [plan_row(term=None, chief="", mentor=None, started_on=None),
            plan_row(course_on=dt.date(2022, 6, 1), application_on="mai"),
            plan_row(chief="Lò Văn Ba", mentor="M" * 121, started_on=tomorrow, course_on=None),
            plan_row(chief="Lò Văn Tư", course_on=dt.date(2022, 6, 30), application_on=dt.date(2022, 6, 2))]
    result = import_workbook(book([hamlet_row(party_members=3, **NON_MEMBER)], chief_plans=rows))
    assert problems(result) == [
        "Chief plans!E2: Nhiệm kỳ không được để trống",
        "Chief plans!F2: Trưởng thôn không được để trống",
        "Chief plans!G2: Người giúp đỡ không được để trống",
        "Chief plans!H2: Ngày bắt đầu không được để trống",
        "Chief plans!I3: Ngày học xong lớp nhận thức về Đảng (01/06/2022) trước Ngày bắt đầu (01/07/2022)",
        'Chief plans!J3: Ngày nộp đơn xin vào Đảng phải là ngày (DD/MM/YYYY hoặc YYYY-MM-DD), nhận được "mai"',
        "Chief plans!G4: Người giúp đỡ dài 121 ký tự, quá 120 ký tự",
        f"Chief plans!H4: Ngày bắt đầu ({tomorrow:%d/%m/%Y}) là ngày sau hôm nay ({today():%d/%m/%Y})",
        "Chief plans!I5: Ngày học xong lớp nhận thức về Đảng (30/06/2022) trước Ngày bắt đầu (01/07/2022)",
        "Chief plans!J5: Ngày nộp đơn xin vào Đảng (02/06/2022) trước Ngày bắt đầu (01/07/2022)"]
    with translation.override("en"):
        assert problems(import_workbook(book(chief_plans=rows[1:2])))[0] == (
            "Chief plans!I2: Course completed on (2022-06-01) is before Plan started on (2022-07-01)")
    assert not ChiefPlan.objects.exists()
    assert ChiefElection.objects.get().hamlet.party_members == 12  # nothing of the workbook was written


def test_an_unknown_hamlet_is_wrong_and_never_created(book, ban_di):
    result = import_workbook(book(chief_plans=[plan_row(hamlet="Bản Không Có")],
                                  chief_evaluations=[evaluation_row(hamlet="Bản Không Có")]))
    assert problems(result) == [
        'Chief plans!D2: Không có thôn "Bản Không Có" ở Xã Thông Thụ: thêm thôn vào trang Hamlets',
        'Chief evaluations!D2: Không có thôn "Bản Không Có" ở Xã Thông Thụ: thêm thôn vào trang Hamlets']
    with translation.override("en"):
        assert problems(import_workbook(book(chief_plans=[plan_row(hamlet="Bản Không Có")]))) == [
            'Chief plans!D2: No hamlet "Bản Không Có" in Xã Thông Thụ: add it on the Hamlets sheet']
    assert list(Hamlet.objects.all()) == [ban_di]


def test_a_hamlet_of_the_2025_list_is_found_as_on_hamlets_but_never_placed(book, units):
    term = TermFactory(start_year=2025, end_year=2027)
    dai_dong = units["2025/Xã Đại Đồng"]
    phong = HamletFactory(name="Xóm 1", commune=units["Xã Thanh Phong"], new_commune=dai_dong, term=term)
    ngoc = HamletFactory(name="Xóm 1", commune=units["Xã Thanh Ngọc"], new_commune=dai_dong, term=term)
    waiting = HamletFactory(name="Thôn Hải Phong", commune=units["Xã Kỳ Lợi"], term=term)  # split: unplaced
    assert waiting.new_commune is None
    row = {"province": "Nghệ An", "district": None, "commune": "Đại Đồng", "hamlet": "Xóm 1", "term": "2025-2027",
           "year": 2025, "chief": "Hồ Văn Cảnh", "mentor": "Phan Văn Hùng", "started_on": dt.date(2026, 5, 4),
           "course_on": None, "rating": "hoàn thành"}
    ambiguous = import_workbook(book(chief_plans=[row], chief_evaluations=[row], headers=HEADERS_2025))
    assert [p.cell for p in ambiguous.problems] == ["L2", "I2"]  # at Former commune
    assert 'Có 2 thôn "Xóm 1" ở Xã Đại Đồng' in ambiguous.problems[0].message
    assert "ghi Xã cũ là Thanh Phong hoặc Thanh Ngọc" in ambiguous.problems[0].message
    chosen = {**row, "former_commune": "Thanh Ngọc"}
    waiting_row = {**row, "province": "Hà Tĩnh", "commune": "Vũng Áng", "hamlet": "thôn hải phong"}
    result = import_workbook(book(chief_plans=[chosen, waiting_row], chief_evaluations=[chosen, waiting_row],
                                  headers=HEADERS_2025))
    assert result.ok, problems(result)
    assert {p.hamlet for p in ChiefPlan.objects.all()} == {ngoc, waiting}
    assert {e.hamlet for e in ChiefEvaluation.objects.all()} == {ngoc, waiting}
    assert Hamlet.objects.get(pk=waiting.pk).new_commune is None  # found, not placed
    assert Hamlet.objects.count() == 3 and not ChiefPlan.objects.filter(hamlet=phong).exists()
    assert "Hồ Văn Cảnh, Xóm 1 (Thanh Ngọc cũ), Xã Đại Đồng" in result.changes[0].subject


def test_the_same_key_twice_is_wrong_however_it_is_spelt(book, ban_di):
    result = import_workbook(book(chief_plans=[plan_row(chief="Lương Văn Mới"), plan_row(chief="lương văn MỚI")],
                                  chief_evaluations=[evaluation_row(), evaluation_row(chief=" VI THỊ  HẠNH")]))
    assert problems(result) == [
        "Chief plans!F3: Kế hoạch của trưởng thôn này (thôn, nhiệm kỳ, trưởng thôn) đã có ở dòng 2",
        "Chief evaluations!F3: Đánh giá này (thôn, năm, trưởng thôn) đã có ở dòng 2"]
    # two namings of one hamlet (its district's name and code ignored here: earlier-list name, other case)
    twice = import_workbook(book(chief_evaluations=[evaluation_row(), evaluation_row(hamlet="BẢN ĐỈ")]))
    assert problems(twice) == ["Chief evaluations!F3: Đánh giá này (thôn, năm, trưởng thôn) đã có ở dòng 2"]


def test_a_board_writes_plans_and_evaluations_of_its_own_hamlets_only(book, ban_di, units):
    other = make_user("tuongduong", district=units["Huyện Tương Dương"])
    result = import_workbook(book(chief_plans=[plan_row()], chief_evaluations=[evaluation_row()]), user=other)
    assert problems(result) == ["Chief plans!B2: Huyện Quế Phong nằm ngoài huyện của bạn",
                                "Chief evaluations!B2: Huyện Quế Phong nằm ngoài huyện của bạn"]
    commune_board = make_user("haihoa", commune=units["2025/Xã Hạnh Lâm"])
    in_2025 = {"district": None, "commune": "Thông Thụ"}
    result = import_workbook(book(chief_evaluations=[evaluation_row(**in_2025)]), user=commune_board)
    assert problems(result) == ["Chief evaluations!C2: Xã Thông Thụ (danh mục từ 01/07/2025) nằm ngoài xã của bạn"]
    reader = make_user("reader", province=units["2025/Tỉnh Nghệ An"])  # provincial staff without the editor right
    assert problems(import_workbook(book(chief_evaluations=[evaluation_row()]), user=reader)) == [
        "Chief evaluations: Tài khoản của bạn không được nhập kết quả của các huyện"]
    assert not ChiefPlan.objects.exists() and not ChiefEvaluation.objects.exists()
    own = make_user("quephong", district=units["Huyện Quế Phong"])
    assert import_workbook(book(chief_plans=[plan_row()], chief_evaluations=[evaluation_row()]), user=own).ok


def test_a_plan_bumps_its_hamlets_version_and_a_stale_preview_is_refused(book, ban_di):
    path = book(chief_plans=[plan_row(chief="Lương Văn Mới")])
    preview = import_workbook(path, dry_run=True)
    assert preview.versions == {ban_di.pk: ban_di.version}
    assert import_workbook(book([hamlet_row(party_members=20, **NON_MEMBER)])).written  # someone else, meanwhile
    confirm = import_workbook(path, expected_versions=preview.versions)
    assert not confirm.written and "Bản Đỉ (Xã Thông Thụ, Huyện Quế Phong" in confirm.problems[0].message
    assert not ChiefPlan.objects.exists()
    version = Hamlet.objects.get().version
    assert import_workbook(path).written
    assert Hamlet.objects.get().version == version + 1


# --- Chief evaluations ------------------------------------------------------------------------

@pytest.mark.parametrize(("spelling", "rating"), [
    ("excellent", "excellent"), ("Good", "good"), ("COMPLETED", "completed"), ("not  completed", "not completed"),
    ("hoàn thành xuất sắc", "excellent"), ("Hoàn Thành Tốt", "good"), ("HOÀN THÀNH", "completed"),
    ("không hoàn thành", "not completed"), (unicodedata.normalize("NFD", "Không hoàn thành"), "not completed")])
def test_ratings_in_english_and_vietnamese(book, ban_di, spelling, rating):
    result = import_workbook(book(chief_evaluations=[evaluation_row(rating=spelling)]))
    assert result.ok, problems(result)
    assert ChiefEvaluation.objects.get().rating == rating


def test_wrong_evaluation_rows_name_their_cells(book, ban_di):
    rows = [evaluation_row(rating="tốt"), evaluation_row(year=1929), evaluation_row(year=today().year + 1),
            evaluation_row(year=None, chief=None, rating=None), evaluation_row(year="2023.5")]
    assert problems(import_workbook(book(chief_evaluations=rows))) == [
        'Chief evaluations!G2: Xếp loại phải là một trong Hoàn thành xuất sắc, Hoàn thành tốt, Hoàn thành, Không '
        'hoàn thành, nhận được "tốt"',
        f'Chief evaluations!E3: Năm phải là năm từ 1930 đến {today().year}, nhận được "1929"',
        f'Chief evaluations!E4: Năm phải là năm từ 1930 đến {today().year}, nhận được "{today().year + 1}"',
        "Chief evaluations!E5: Năm không được để trống",
        "Chief evaluations!F5: Trưởng thôn không được để trống",
        "Chief evaluations!G5: Xếp loại không được để trống",
        f'Chief evaluations!E6: Năm phải là năm từ 1930 đến {today().year}, nhận được "2023.5"']
    with translation.override("en"):
        assert problems(import_workbook(book(chief_evaluations=rows[:1]))) == [
            'Chief evaluations!G2: Rating must be one of excellent, good, completed, not completed, got "tốt"']
    assert not ChiefEvaluation.objects.exists()


def test_an_evaluation_imported_again_is_updated_whatever_the_tone_placement(book, ban_di):
    first = import_workbook(book(chief_evaluations=[evaluation_row(chief="Lò Văn Hoà", rating="good")]))
    assert first.ok and first.changes[0].details == ("Thêm đánh giá: Hoàn thành tốt",)
    again = import_workbook(book(chief_evaluations=[evaluation_row(chief="LÒ VĂN HÒA", rating="không hoàn thành")]))
    assert again.ok and again.summary.evaluations_updated == 1
    assert again.changes[0].details == ("Xếp loại: Hoàn thành tốt → Không hoàn thành",)
    evaluation = ChiefEvaluation.objects.get()
    assert (evaluation.chief, evaluation.rating) == ("Lò Văn Hoà", "not completed")  # the name as first entered
    assert evaluation.history.count() == 2
    other_year = import_workbook(book(chief_evaluations=[evaluation_row(chief="Lò Văn Hoà", year=2024)]))
    assert other_year.summary.evaluations_created == 1 and ChiefEvaluation.objects.count() == 2


def test_one_wrong_row_of_a_people_sheet_and_nothing_is_written(book):
    result = import_workbook(book([hamlet_row(**NON_MEMBER)], chief_plans=[plan_row(chief="Lương Văn Mới")],
                                  chief_evaluations=[evaluation_row(rating="giỏi")],
                                  area_officials=[official_row()]))
    assert problems(result) == [
        'Chief evaluations!G2: Xếp loại phải là một trong Hoàn thành xuất sắc, Hoàn thành tốt, Hoàn thành, Không '
        'hoàn thành, nhận được "giỏi"']
    assert not Hamlet.objects.exists() and not ChiefPlan.objects.exists() and not Official.objects.exists()


# --- Area officials ---------------------------------------------------------------------------

def areas() -> list[tuple]:
    return sorted(OfficialArea.objects.values_list("official__name", "district__name", "commune__name"),
                  key=str)


def test_provincial_staff_assign_officials_to_districts_and_communes(book, units):
    staff = make_user("tinhuy", province=units["2025/Tỉnh Nghệ An"])
    rows = [official_row(), official_row(district=None, commune="Đại Đồng"),
            official_row(official="Hồ Thị Lan", position="Phó Trưởng ban", phone=912345678, district="Tương Dương")]
    result = import_workbook(book(area_officials=rows), user=staff)
    assert result.ok, problems(result)
    assert areas() == [("Hồ Thị Lan", "Huyện Tương Dương", None), ("Nguyễn Văn Phụ Trách", "Huyện Quế Phong", None),
                       ("Nguyễn Văn Phụ Trách", None, "Xã Đại Đồng")]
    official = Official.objects.get(name="Nguyễn Văn Phụ Trách")
    assert (official.province, official.position, official.phone) == (
        units["2025/Tỉnh Nghệ An"], "Ủy viên Ban Thường vụ Tỉnh ủy", "0912 345 678")
    assert Official.objects.get(name="Hồ Thị Lan").phone == "912345678"  # typed as a number
    assert official.history.get().history_user == staff
    assert [(c.action, c.details) for c in result.changes] == [
        ("create", ("Thêm cán bộ phụ trách", "Giao phụ trách Huyện Quế Phong")),
        ("update", ("Giao phụ trách Xã Đại Đồng (danh mục từ 01/07/2025)",)),
        ("create", ("Thêm cán bộ phụ trách", "Giao phụ trách Huyện Tương Dương"))]
    assert (result.summary.officials_created, result.summary.official_areas_created) == (2, 3)
    assert "cán bộ phụ trách: 2 ghi, 3 địa bàn giao thêm" in result.summary_line
    # again, the name in other case, a new phone: the same official, updated; no area twice
    again = import_workbook(book(area_officials=[official_row(official="NGUYỄN VĂN PHỤ TRÁCH", phone="0238 111")]),
                            user=staff)
    assert again.ok and (again.summary.officials_updated, again.summary.official_areas_created) == (1, 0)
    assert again.changes[0].details == ("Điện thoại: 0912 345 678 → 0238 111",)
    assert Official.objects.count() == 2 and OfficialArea.objects.count() == 3
    assert Official.objects.get(pk=official.pk).phone == "0238 111"
    assert import_workbook(book(area_officials=[official_row(phone="0238 111")])).summary.written == 0  # command line


def test_the_last_row_of_an_official_gives_the_position_and_phone(book):
    rows = [official_row(position="Phó Bí thư"), official_row(district="Tương Dương", position="Bí thư")]
    result = import_workbook(book(area_officials=rows))
    assert result.ok and Official.objects.get().position == "Bí thư"
    assert [str(w) for w in result.warnings] == [
        "Area officials!E3: Chức vụ khác với dòng 2 của cùng cán bộ: lấy giá trị của dòng sau cùng"]


def test_wrong_area_official_rows(book):
    rows = [official_row(commune="Đại Đồng"), official_row(district=None), official_row(official=None),
            official_row(phone="0912-ABC"), official_row(phone="0" * 21), official_row(position="P" * 121),
            official_row(district="Tương Dương"), official_row(district="tương dương", official="nguyễn văn phụ trách")]
    assert problems(import_workbook(book(area_officials=rows))) == [
        "Area officials!C2: Chỉ điền Huyện (danh mục trước 01/07/2025) hoặc Xã (danh mục từ 01/07/2025), không điền "
        "cả hai",
        "Area officials!B3: Điền Huyện (danh mục trước 01/07/2025) hoặc Xã (danh mục từ 01/07/2025)",
        "Area officials!D4: Cán bộ phụ trách không được để trống",
        'Area officials!F5: Điện thoại chỉ gồm chữ số, dấu cách và + ( ) . -, tối đa 20 ký tự, nhận được "0912-ABC"',
        f'Area officials!F6: Điện thoại chỉ gồm chữ số, dấu cách và + ( ) . -, tối đa 20 ký tự, nhận được "{"0" * 21}"',
        "Area officials!E7: Chức vụ dài 121 ký tự, quá 120 ký tự",
        "Area officials!D9: Cán bộ này với địa bàn này đã có ở dòng 8"]
    assert not Official.objects.exists()


def test_only_provincial_staff_and_the_command_line_import_area_officials(book, units):
    rows = [official_row(), official_row(district=None, commune="Đại Đồng")]
    for user in (make_user("quephong", district=units["Huyện Quế Phong"]),
                 make_user("daidong", commune=units["2025/Xã Đại Đồng"]), make_user("central", national=True)):
        assert problems(import_workbook(book(area_officials=rows), user=user)) == [
            "Area officials!A2: Chỉ Ban Tổ chức Tỉnh ủy được nhập cán bộ phụ trách địa bàn: bỏ qua trang Area "
            "officials hoặc nhờ tỉnh nhập",
            "Area officials!A3: Chỉ Ban Tổ chức Tỉnh ủy được nhập cán bộ phụ trách địa bàn: bỏ qua trang Area "
            "officials hoặc nhờ tỉnh nhập"]
    with translation.override("en"):
        assert problems(import_workbook(book(area_officials=rows[:1]), user=user))[0] == (
            "Area officials!A2: Only provincial staff may import area officials: leave out the Area officials sheet "
            "or ask the province to import it")
    ha_tinh = make_user("hatinh", province=units["2025/Tỉnh Hà Tĩnh"], editor=True)
    assert problems(import_workbook(book(area_officials=rows), user=ha_tinh)) == [
        "Area officials!B2: Huyện Quế Phong nằm ngoài tỉnh của bạn",
        "Area officials!C3: Xã Đại Đồng (danh mục từ 01/07/2025) nằm ngoài tỉnh của bạn"]
    assert not Official.objects.exists()
    assert import_workbook(book(area_officials=rows)).ok  # the command line
    assert OfficialArea.objects.count() == 2


def test_the_preview_and_the_summary_of_the_people_sheets_speak_english_too(book, ban_di):
    with translation.override("en"):
        result = import_workbook(book(chief_plans=[plan_row(chief="Lương Văn Mới")],
                                      chief_evaluations=[evaluation_row(rating="không hoàn thành")],
                                      area_officials=[official_row()]), dry_run=True)
        assert result.ok, problems(result)
        assert [c.details for c in result.changes] == [
            ("plan created (mentor Lô Văn Xuân, started 2022-07-01)",),
            (f"evaluation created: {Rating.NOT_COMPLETED.label}",),  # the label as the English catalogue has it
            ("official created", "responsible for Huyện Quế Phong")]
        assert result.summary_line.endswith(
            "chief plans 1 written; chief evaluations 1 written; officials 1 written, 1 areas assigned")
        assert "Dry run, nothing written" in result.summary_line and "ghi" not in result.summary_line
    assert not ChiefPlan.objects.exists() and not Official.objects.exists()  # a dry run writes nothing
