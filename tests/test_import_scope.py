"""Who may import what: the import is scoped to the importing user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from elections.importing import import_workbook
from elections.models import Target
from hamlets.models import Hamlet, UserScope
from hamlets.scoping import Scope
from tests.workbooks import (
    IN_THANH_CHUONG,
    admission_target_row,
    hamlet_row,
    make_units,
    target_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db
VINH = {"district": "Thành phố Vinh", "commune": "Hà Huy Tập", "hamlet": "Khối 6"}
KY_ANH = {"province": "Hà Tĩnh", "district": "Huyện Kỳ Anh", "commune": "Kỳ Xuân", "hamlet": "Thôn Tây Xuân"}


@pytest.fixture
def units(db):
    return make_units()


def account(name: str, *, province=None, district=None, editor=False) -> User:
    user = User.objects.create_user(name, password="x")
    if province or district:
        UserScope.objects.create(user=user, province=province or district.province, district=district, editor=editor)
    return user


@pytest.fixture
def book(tmp_path):
    def make(**sheets):
        sheets.setdefault("hamlets", [])
        return write_workbook(tmp_path / "scope.xlsx", {k.replace("_", " ").capitalize(): v for k, v in sheets.items()})

    return make


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_district_board_imports_its_own_rows_only(units, book):
    que_phong = account("quephong", district=units["Huyện Quế Phong"])
    path = book(hamlets=[hamlet_row(), hamlet_row(**VINH)])
    assert problems(import_workbook(path, user=que_phong)) == [
        "Hamlets!B3: Thành phố Vinh nằm ngoài huyện của bạn"]
    with translation.override("en"):
        assert problems(import_workbook(path, user=que_phong)) == [
            "Hamlets!B3: Thành phố Vinh is outside your district"]
    assert not Hamlet.objects.exists()
    result = import_workbook(book(hamlets=[hamlet_row()]), user=que_phong)
    assert result.ok and Hamlet.history.get().history_user == que_phong


def test_a_district_board_may_not_set_targets(units, book):
    que_phong = account("quephong", district=units["Huyện Quế Phong"])
    result = import_workbook(book(targets=[target_row(district="Quế Phong")],
                                  admission_targets=[admission_target_row()]), user=que_phong)
    assert problems(result) == [
        "Targets!A2: Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu",
        "Admission targets!A2: Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu"]


def test_provincial_staff_set_their_province_targets_but_not_results(units, book):
    staff = account("tinhuy", province=units["Tỉnh Nghệ An"])
    result = import_workbook(book(hamlets=[hamlet_row(), hamlet_row(**VINH)]), user=staff)
    assert problems(result) == ["Hamlets: Tài khoản của bạn không được nhập kết quả của các huyện"]
    result = import_workbook(book(targets=[target_row(), target_row(province="Hà Tĩnh")],
                                  admission_targets=[admission_target_row()]), user=staff)
    assert problems(result) == ["Targets!A3: Tỉnh Hà Tĩnh nằm ngoài tỉnh của bạn"]
    assert import_workbook(book(targets=[target_row()], admission_targets=[admission_target_row()]), user=staff).ok
    assert Target.objects.get().history.get().history_user == staff


def test_provincial_editors_import_results_of_their_province(units, book):
    editor = account("editor", province=units["Tỉnh Nghệ An"], editor=True)
    result = import_workbook(book(hamlets=[hamlet_row(), hamlet_row(**VINH), hamlet_row(**KY_ANH)]), user=editor)
    assert problems(result) == [
        "Hamlets!B4: Huyện Kỳ Anh nằm ngoài tỉnh của bạn"]
    assert import_workbook(book(hamlets=[hamlet_row(), hamlet_row(**VINH)]), user=editor).ok


def test_a_user_without_a_scope_imports_nothing(units, book):
    nobody = account("nobody")
    result = import_workbook(book(hamlets=[hamlet_row()]), user=nobody)
    assert result.refused and problems(result) == [
        "Tài khoản chưa được giao huyện hay tỉnh nào nên không nhập được"]


def test_an_explicit_scope_wins(units, book):
    result = import_workbook(book(hamlets=[hamlet_row(**VINH)]), scope=Scope(district_id=units["Huyện Quế Phong"].pk))
    assert [p.cell for p in result.problems] == ["B2"]


# --- the 2025 list: commune boards, and district boards on 2025-list rows ---------------------------------

@pytest.fixture
def both_lists(db):
    from tests.workbooks import make_both_lists

    return make_both_lists()


@pytest.fixture
def book_2025(tmp_path):
    from tests.workbooks import HEADERS_2025

    def make(**sheets):
        sheets.setdefault("hamlets", [])
        return write_workbook(tmp_path / "scope-2025.xlsx",
                              {k.replace("_", " ").capitalize(): v for k, v in sheets.items()}, headers=HEADERS_2025)

    return make


def commune_board(name: str, commune) -> User:
    user = User.objects.create_user(name, password="x")
    UserScope.objects.create(user=user, province=commune.province, commune=commune)
    return user


def test_a_commune_board_imports_only_hamlets_that_lie_or_come_to_lie_in_its_commune(both_lists, book_2025):
    from tests.workbooks import new_row

    dai_dong = commune_board("daidong", both_lists["2025/Xã Đại Đồng"])
    path = book_2025(hamlets=[new_row(hamlet="Xóm Mới"), new_row(commune="Hạnh Lâm", hamlet="Bản Khe Nóng"),
                              hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1"),
                              hamlet_row(**IN_THANH_CHUONG, commune="Thanh Đức", hamlet="Xóm 2")])
    assert problems(import_workbook(path, user=dai_dong)) == [
        "Hamlets!C3: Xã Hạnh Lâm (danh mục từ 01/07/2025) nằm ngoài xã của bạn",
        "Hamlets!D5: Xóm 2 (Xã Thanh Đức, Huyện Thanh Chương; Xã Hạnh Lâm (danh mục từ 01/07/2025)) nằm "
        "ngoài xã của bạn"]
    with translation.override("en"):
        assert problems(import_workbook(path, user=dai_dong)) == [
            "Hamlets!C3: Xã Hạnh Lâm of the 2025 list is outside your commune",
            "Hamlets!D5: Xóm 2 (Xã Thanh Đức, Huyện Thanh Chương; Xã Hạnh Lâm of the 2025 list) is outside your "
            "commune"]
    assert not Hamlet.objects.exists()
    result = import_workbook(book_2025(hamlets=[new_row(hamlet="Xóm Mới"), hamlet_row(
        **IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1")]), user=dai_dong)
    assert result.ok, problems(result)
    assert set(Hamlet.objects.values_list("new_commune", flat=True)) == {both_lists["2025/Xã Đại Đồng"].pk}


def test_a_commune_board_places_unplaced_hamlets_into_its_own_commune_only(both_lists, book_2025):
    from tests.workbooks import new_row, placement_row

    ky_loi = {"province": "Hà Tĩnh", "district": "Thị xã Kỳ Anh", "commune": "Kỳ Lợi", "chief_party_role": None}
    assert import_workbook(book_2025(hamlets=[hamlet_row(**ky_loi, hamlet="Thôn Hải Phong"),
                                              hamlet_row(**ky_loi, hamlet="Thôn Đông Yên")])).ok
    vung_ang = commune_board("vungang", both_lists["2025/Phường Vũng Áng"])
    result = import_workbook(book_2025(placements=[placement_row(), placement_row(hamlet="Thôn Đông Yên",
                                                                                  commune="Sông Trí")]), user=vung_ang)
    assert problems(result) == ["Placements!F3: Phường Sông Trí nằm ngoài xã của bạn"]
    assert import_workbook(book_2025(placements=[placement_row()]), user=vung_ang).ok
    row = new_row(province="Hà Tĩnh", commune="Vũng Áng", hamlet="Thôn Đông Yên")  # placed by a 2025-list row
    assert import_workbook(book_2025(hamlets=[row]), user=vung_ang).ok
    assert set(Hamlet.objects.values_list("new_commune", flat=True)) == {both_lists["2025/Phường Vũng Áng"].pk}
    again = import_workbook(book_2025(hamlets=[hamlet_row(**ky_loi, hamlet="Thôn Hải Phong", party_members=3)]),
                            user=commune_board("songtri", both_lists["2025/Phường Sông Trí"]))
    assert [p.cell for p in again.problems] == ["D2"]  # another commune's hamlet, named in the earlier list


def test_a_commune_board_may_not_set_targets_or_admit_in_another_commune(both_lists, book_2025):
    from tests.workbooks import admission_row

    assert import_workbook(book_2025(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Đức", hamlet="Xóm 2")])).ok
    dai_dong = commune_board("daidong", both_lists["2025/Xã Đại Đồng"])
    result = import_workbook(book_2025(
        targets=[target_row(term="2025-2027", commune="Đại Đồng")],
        admissions=[admission_row(district=None, commune="Hạnh Lâm", hamlet="Xóm 2"),
                    admission_row(district="Thanh Chương", commune="Thanh Đức", hamlet="Xóm 2")]), user=dai_dong)
    assert [(p.sheet, p.cell) for p in result.problems] == [("Targets", "A2"), ("Admissions", "C2"),
                                                            ("Admissions", "D3")]


def test_a_district_board_imports_2025_rows_of_hamlets_of_its_district_only(both_lists, book_2025):
    from tests.workbooks import new_row

    thanh_chuong = account("thanhchuong", district=both_lists["Huyện Thanh Chương"])
    assert import_workbook(book_2025(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1")]),
                           user=thanh_chuong).ok
    rows = [new_row(hamlet="Xóm 1", party_members=40),  # found: Thanh Phong's
            new_row(hamlet="Xóm 3", former_commune="Thanh Ngọc"),
            new_row(hamlet="Xóm Mới")]  # would have no earlier commune
    result = import_workbook(book_2025(hamlets=rows), user=thanh_chuong)
    assert problems(result) == [
        "Hamlets!D4: Xóm Mới (Xã Đại Đồng (danh mục từ 01/07/2025)) nằm ngoài huyện của bạn"]
    assert import_workbook(book_2025(hamlets=rows[:2]), user=thanh_chuong).ok
    que_phong = account("quephong", district=both_lists["Huyện Quế Phong"])
    refused = import_workbook(book_2025(hamlets=[new_row(hamlet="Xóm 3", former_commune="Thanh Ngọc")]),
                              user=que_phong)
    assert [p.cell for p in refused.problems] == ["S2"]


def test_provincial_staff_of_the_2025_province_and_commune_rows(both_lists, book_2025):
    from tests.workbooks import new_row

    staff = account("tinhuy", province=both_lists["Tỉnh Nghệ An"], editor=True)  # normalised to the 2025 province
    result = import_workbook(book_2025(hamlets=[new_row(), new_row(province="Hà Tĩnh", commune="Kỳ Xuân")],
                                       targets=[target_row(commune="Hạnh Lâm", term="2025-2027")]), user=staff)
    assert problems(result) == [
        "Hamlets!C3: Xã Kỳ Xuân (danh mục từ 01/07/2025) nằm ngoài tỉnh của bạn"]
