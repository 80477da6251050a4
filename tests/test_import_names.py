"""Matching the names a workbook gives: Unicode forms, spaces, case, tone-mark
placement and the optional administrative prefix."""

from __future__ import annotations

import unicodedata

import pytest

from elections.importing import import_workbook
from hamlets.models import Hamlet
from tests.workbooks import hamlet_row, make_units, write_workbook

pytestmark = pytest.mark.django_db


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


@pytest.fixture
def units(db):
    return make_units()


@pytest.fixture
def run(units, tmp_path):
    def run(*rows):
        result = import_workbook(write_workbook(tmp_path / "names.xlsx", {"Hamlets": list(rows)}))
        assert result.ok, [str(p) for p in result.problems]
        return result

    return run


def test_nfd_input_matches_and_is_stored_nfc(run, units):
    name = nfd("Bản Huồi Mới")
    assert name != unicodedata.normalize("NFC", name)
    run(hamlet_row(province=nfd("Tỉnh Nghệ An"), district=nfd("Quế Phong"), commune=nfd("Xã Thông Thụ"),
                   hamlet=name, secretary=nfd("Lô Văn Xuân")))
    hamlet = Hamlet.objects.get()
    assert hamlet.name == "Bản Huồi Mới" and hamlet.commune == units["Xã Thông Thụ"]
    run(hamlet_row(hamlet="Bản Huồi Mới", party_members=13))  # the NFC spelling is the same hamlet
    assert Hamlet.objects.get().party_members == 13


def test_old_and_new_tone_marks_are_the_same_name(run, units):
    # The official list spells "Thị xã Thái Hoà" (old placement) and "Phường Bến Thủy" (new placement).
    run(hamlet_row(district="Thái Hòa", commune="Hòa Hiếu", hamlet="Khối Hoà Bình", chief_party_role=None),
        hamlet_row(district="Thành phố Vinh", commune="Bến Thuỷ", hamlet="Khối Thuỷ"))
    assert Hamlet.objects.get(name="Khối Hoà Bình").commune == units["Phường Hoà Hiếu"]
    assert Hamlet.objects.get(name="Khối Thuỷ").commune == units["Phường Bến Thủy"]
    run(hamlet_row(district="Thái Hoà", commune="Hoà Hiếu", hamlet="Khối Hòa Bình", party_members=30,
                   chief_party_role=None))
    hamlet = Hamlet.objects.get(commune=units["Phường Hoà Hiếu"])
    assert hamlet.name == "Khối Hoà Bình" and hamlet.party_members == 30  # the name as first entered


@pytest.mark.parametrize(("province", "district", "commune"), [
    ("Tỉnh Nghệ An", "Thành phố Vinh", "Phường Hà Huy Tập"),
    ("Nghệ An", "Vinh", "Hà Huy Tập"),
    ("  nghệ   AN ", "TP. Vinh", "phường hà huy tập"),
    ("NGHỆ AN", "Tp Vinh", "Hà  Huy  Tập"),
])
def test_prefixes_are_optional_and_case_and_spaces_do_not_matter(run, units, province, district, commune):
    run(hamlet_row(province=province, district=district, commune=commune, hamlet="Khối 6"))
    assert Hamlet.objects.get().commune == units["Phường Hà Huy Tập"]


def test_a_commune_named_like_its_kind_of_town(run, units):
    run(hamlet_row(commune="Kim Sơn", hamlet="Bản Mới"), hamlet_row(commune="Thị trấn Kim Sơn", hamlet="Bản Cũ"))
    assert set(Hamlet.objects.values_list("commune", flat=True)) == {units["Thị trấn Kim Sơn"].pk}


def test_the_same_hamlet_name_in_two_communes_is_two_hamlets(run):
    run(hamlet_row(commune="Thông Thụ", hamlet="Bản Mới"), hamlet_row(commune="Kim Sơn", hamlet="bản mới"))
    assert Hamlet.objects.count() == 2
