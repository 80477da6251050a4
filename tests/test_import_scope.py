"""Who may import what: the import is scoped to the importing user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from elections.importing import import_workbook
from elections.models import Target
from hamlets.models import Hamlet, UserScope
from hamlets.scoping import Scope
from tests.workbooks import admission_target_row, hamlet_row, make_units, target_row, write_workbook

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
        "Hamlets!B3: Thành phố Vinh nằm ngoài huyện của bạn / Thành phố Vinh is outside your district"]
    assert not Hamlet.objects.exists()
    result = import_workbook(book(hamlets=[hamlet_row()]), user=que_phong)
    assert result.ok and Hamlet.history.get().history_user == que_phong


def test_a_district_board_may_not_set_targets(units, book):
    que_phong = account("quephong", district=units["Huyện Quế Phong"])
    result = import_workbook(book(targets=[target_row(district="Quế Phong")],
                                  admission_targets=[admission_target_row()]), user=que_phong)
    assert problems(result) == [
        "Targets!A2: Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu / Only provincial staff may set targets",
        "Admission targets!A2: Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu / "
        "Only provincial staff may set targets"]


def test_provincial_staff_set_their_province_targets_but_not_results(units, book):
    staff = account("tinhuy", province=units["Tỉnh Nghệ An"])
    result = import_workbook(book(hamlets=[hamlet_row(), hamlet_row(**VINH)]), user=staff)
    assert problems(result) == ["Hamlets: Tài khoản của bạn không được nhập kết quả của các huyện / "
                                "Your account may not import the districts' results"]
    result = import_workbook(book(targets=[target_row(), target_row(province="Hà Tĩnh")],
                                  admission_targets=[admission_target_row()]), user=staff)
    assert problems(result) == ["Targets!A3: Tỉnh Hà Tĩnh nằm ngoài tỉnh của bạn / Tỉnh Hà Tĩnh is outside your "
                                "province"]
    assert import_workbook(book(targets=[target_row()], admission_targets=[admission_target_row()]), user=staff).ok
    assert Target.objects.get().history.get().history_user == staff


def test_provincial_editors_import_results_of_their_province(units, book):
    editor = account("editor", province=units["Tỉnh Nghệ An"], editor=True)
    result = import_workbook(book(hamlets=[hamlet_row(), hamlet_row(**VINH), hamlet_row(**KY_ANH)]), user=editor)
    assert problems(result) == [
        "Hamlets!B4: Huyện Kỳ Anh nằm ngoài tỉnh của bạn / Huyện Kỳ Anh is outside your province"]
    assert import_workbook(book(hamlets=[hamlet_row(), hamlet_row(**VINH)]), user=editor).ok


def test_a_user_without_a_scope_imports_nothing(units, book):
    nobody = account("nobody")
    result = import_workbook(book(hamlets=[hamlet_row()]), user=nobody)
    assert result.refused and problems(result) == [
        "Tài khoản chưa được giao huyện hay tỉnh nào nên không nhập được / "
        "Your account has no district or province assigned: nothing can be imported"]


def test_an_explicit_scope_wins(units, book):
    result = import_workbook(book(hamlets=[hamlet_row(**VINH)]), scope=Scope(district_id=units["Huyện Quế Phong"].pk))
    assert [p.cell for p in result.problems] == ["B2"]
