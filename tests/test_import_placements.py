"""A split commune's hamlets wait unplaced until the Placements sheet or a 2025-list row places them
(Hà Tĩnh's Xã Kỳ Lợi of Thị xã Kỳ Anh went to three phường; Kỳ Anh is also a huyện)."""

from __future__ import annotations

import openpyxl
import pytest

from elections.importing import import_workbook
from hamlets.models import Hamlet
from hamlets.placing import write_placements
from tests.workbooks import (
    HEADERS_2025,
    hamlet_row,
    history_count,
    make_both_lists,
    new_row,
    placement_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db
KY_LOI = {"province": "Hà Tĩnh", "district": "Thị xã Kỳ Anh", "commune": "Kỳ Lợi", "chief_party_role": None}


@pytest.fixture
def units(db):
    return make_both_lists()


@pytest.fixture
def run(units, tmp_path):
    def run(user=None, **sheets):
        sheets.setdefault("hamlets", [])
        path = write_workbook(tmp_path / "p.xlsx", {k.capitalize(): v for k, v in sheets.items()},
                              headers=HEADERS_2025)
        return import_workbook(path, user=user)

    return run


@pytest.fixture
def unplaced(run, units):
    """Two hamlets of Xã Kỳ Lợi imported in the earlier list: unplaced."""
    result = run(hamlets=[hamlet_row(**KY_LOI, hamlet="Thôn Hải Phong"), hamlet_row(**KY_LOI, hamlet="Thôn Đông Yên")])
    assert result.ok, [str(p) for p in result.problems]
    assert set(Hamlet.objects.values_list("new_commune", flat=True)) == {None}
    assert set(Hamlet.objects.values_list("province", flat=True)) == {units["2025/Tỉnh Hà Tĩnh"].pk}
    return Hamlet.objects.get(name="Thôn Hải Phong")


def test_the_placements_sheet_places_and_touches_nothing_else(run, units, unplaced):
    before = {f: getattr(unplaced, f) for f in ("kind", "party_members", "special_area", "version")}
    result = run(placements=[placement_row(), placement_row(hamlet="Thôn Đông Yên", commune=None)])
    assert result.ok, [str(p) for p in result.problems]
    assert [(c.action, c.details) for c in result.changes] == [
        ("update", ("Xếp vào Phường Vũng Áng",))]
    hamlet = Hamlet.objects.get(pk=unplaced.pk)
    assert hamlet.new_commune == units["2025/Phường Vũng Áng"] and hamlet.commune == units["Xã Kỳ Lợi"]
    assert {f: getattr(hamlet, f) for f in before} == {**before, "version": before["version"] + 1}
    assert Hamlet.objects.get(name="Thôn Đông Yên").new_commune is None  # a blank Commune skips the row
    histories = history_count()
    again = run(placements=[placement_row()])
    assert again.ok and again.summary.written == 0 and history_count() == histories


@pytest.mark.parametrize(("values", "cell", "english"), [
    ({"hamlet": "Thôn Không Có"}, "E2", 'No hamlet "Thôn Không Có" in Xã Kỳ Lợi, Thị xã Kỳ Anh'),
    ({"commune": "Xã Kỳ Xuân"}, "F2", "Xã Kỳ Lợi, Thị xã Kỳ Anh did not go into Xã Kỳ Xuân of the 2025 list: "
                                      "choose Phường Sông Trí or Phường Vũng Áng or Phường Hoành Sơn"),
    ({"former_district": "Kỳ Anh"}, "B2", '"Kỳ Anh" is ambiguous in Tỉnh Hà Tĩnh'),
    ({"former_district": None, "former_commune": "Kỳ Xuân", "hamlet": "Thôn Tây Xuân"}, "F2",
     "Xã Kỳ Xuân, Huyện Kỳ Anh did not go into Phường Vũng Áng: choose Xã Kỳ Xuân of the 2025 list"),
    ({"commune": "Vũng Áng", "hamlet": "x" * 121}, "E2", "Hamlet is 121 characters long, more than 120"),
])
def test_a_wrong_placement_row(run, unplaced, in_english, values, cell, english):
    result = run(placements=[placement_row(**values)])
    assert [p.cell for p in result.problems] == [cell], [str(p) for p in result.problems]
    assert english in result.problems[0].message
    assert Hamlet.objects.get(pk=unplaced.pk).new_commune is None


def test_a_wrong_placement_row_in_vietnamese(run, unplaced):
    result = run(placements=[placement_row(commune="Xã Kỳ Xuân")])
    assert [str(p) for p in result.problems] == [
        "Placements!F2: Xã Kỳ Lợi, Thị xã Kỳ Anh không nhập vào Xã Kỳ Xuân (danh mục từ 01/07/2025): chọn Phường Sông "
        "Trí hoặc Phường Vũng Áng hoặc Phường Hoành Sơn"]


def test_a_placed_hamlet_is_not_placed_again(run, units, unplaced):
    assert run(placements=[placement_row(commune="Phường Sông Trí")]).ok
    result = run(placements=[placement_row()])
    assert [str(p) for p in result.problems] == [
        "Placements!F2: Thôn Hải Phong của Xã Kỳ Lợi, Thị xã Kỳ Anh đã thuộc Phường Sông Trí"]
    assert run(placements=[placement_row(commune="Sông Trí")]).summary.written == 0


def test_the_code_of_the_former_commune_decides(run, units, unplaced, tmp_path):
    path = write_workbook(tmp_path / "code.xlsx", {"Hamlets": [], "Placements": [
        placement_row(former_district=None, former_commune=None, former_commune_code=18796)]},
        headers=HEADERS_2025)
    assert import_workbook(path).ok
    assert Hamlet.objects.get(pk=unplaced.pk).new_commune == units["2025/Phường Vũng Áng"]


def test_a_2025_row_places_an_unplaced_hamlet(run, units, unplaced):
    row = new_row(province="Hà Tĩnh", commune="Phường Hoành Sơn", hamlet="Thôn Hải Phong", kind="thôn",
                  party_members=33)
    result = run(hamlets=[row])
    assert result.ok, [str(p) for p in result.problems]
    hamlet = Hamlet.objects.get(pk=unplaced.pk)
    assert hamlet.new_commune == units["2025/Phường Hoành Sơn"] and hamlet.party_members == 33
    assert "Xếp vào Phường Hoành Sơn" in result.changes[0].details
    assert Hamlet.objects.count() == 2
    other = run(hamlets=[{**row, "commune": "Phường Sông Trí"}])  # it now lies in Hoành Sơn: a new hamlet of Sông Trí
    assert other.ok and Hamlet.objects.filter(new_commune=units["2025/Phường Sông Trí"], commune=None).exists()


def test_a_2025_row_with_former_commune_places_it_and_refuses_another_commune(run, units, unplaced):
    row = new_row(province="Hà Tĩnh", commune="Vũng Áng", hamlet="Thôn Đông Yên", former_district="Thị xã Kỳ Anh",
                  former_commune="Kỳ Lợi")
    assert run(hamlets=[row]).ok
    assert Hamlet.objects.get(name="Thôn Đông Yên").new_commune == units["2025/Phường Vũng Áng"]
    result = run(hamlets=[{**row, "commune": "Sông Trí"}])
    assert [str(p) for p in result.problems] == [
        "Hamlets!S2: Thôn Đông Yên của Xã Kỳ Lợi, Thị xã Kỳ Anh đã thuộc Phường Vũng Áng"]


def test_place_hamlets_sheet_is_read_back_by_the_import(run, units, unplaced, tmp_path):
    """The sheet ``place_hamlets --out`` writes, filled in, places the hamlet on import."""
    path = tmp_path / "placements.xlsx"
    assert write_placements(path, Hamlet.objects.unplaced()) == Hamlet.objects.unplaced().count()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Placements"]
    sheet = book["Placements"]
    assert [c.value for c in sheet[1]] == ["Province", "Former district", "Former commune", "Former commune code",
                                           "Hamlet", "Commune", "Candidates"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[4].value == unplaced.name)
    assert "Phường Hoành Sơn" in row[6].value
    assert import_workbook(path).ok  # nothing filled in: every row skipped (a Placements sheet needs no Hamlets sheet)
    row[5].value = "Phường Hoành Sơn"
    book.save(path)
    result = import_workbook(path)
    assert result.ok, [str(p) for p in result.problems]
    assert Hamlet.objects.get(pk=unplaced.pk).new_commune == units["2025/Phường Hoành Sơn"]


def test_a_hamlet_of_an_old_commune_absent_from_the_table_may_go_anywhere_in_its_province(run, units):
    from tests.factories import CommuneFactory

    CommuneFactory(code=99002, name="Xã Đông Khê", district=units["Huyện Quế Phong"])  # no conversion line
    dong_khe = {"district": "Quế Phong", "commune": "Đông Khê", "chief_party_role": None}
    assert run(hamlets=[hamlet_row(**dong_khe, hamlet="Bản Na"), hamlet_row(**dong_khe, hamlet="Bản Pù")]).ok
    assert set(Hamlet.objects.values_list("new_commune", flat=True)) == {None}
    assert set(Hamlet.objects.values_list("province", flat=True)) == {units["2025/Tỉnh Nghệ An"].pk}
    result = run(hamlets=[new_row(commune="Thông Thụ", hamlet="Bản Na")],
                 placements=[placement_row(province="Nghệ An", former_district=None, former_commune="Đông Khê",
                                           hamlet="Bản Pù", commune="Hạnh Lâm")])
    assert result.ok, [str(p) for p in result.problems]
    assert dict(Hamlet.objects.values_list("name", "new_commune")) == {
        "Bản Na": units["2025/Xã Thông Thụ"].pk, "Bản Pù": units["2025/Xã Hạnh Lâm"].pk}


def test_a_former_district_name_two_districts_share_is_settled_by_the_former_commune_code(run, units, unplaced):
    """Huyện Kỳ Anh and Thị xã Kỳ Anh: "Kỳ Anh" alone is ambiguous, but with the Former commune code (as the
    pre-filled download writes it) the code decides, provided its commune lies in a district of that name."""
    row = new_row(province="Hà Tĩnh", commune="Vũng Áng", hamlet="Thôn Đông Yên", former_district="Kỳ Anh",
                  former_commune="Kỳ Lợi")
    ambiguous = run(hamlets=[row])
    assert ["Kỳ Anh" in p.message for p in ambiguous.problems] == [True], [str(p) for p in ambiguous.problems]
    assert run(hamlets=[{**row, "former_commune_code": 18796}]).ok
    assert Hamlet.objects.get(name="Thôn Đông Yên").new_commune == units["2025/Phường Vũng Áng"]
    elsewhere = run(hamlets=[{**row, "hamlet": "Thôn Hải Phong", "former_district": "Huyện Kỳ Anh",
                              "former_commune_code": 18796}])  # Kỳ Lợi lies in Thị xã Kỳ Anh
    assert [p.message for p in elsewhere.problems] == ["Xã Kỳ Lợi, Thị xã Kỳ Anh không thuộc Huyện Kỳ Anh"]
