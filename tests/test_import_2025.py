"""Rows of the 2025 list (District blank): which list a row names, finding its hamlet (namesakes,
Former commune, adoption), the same names and codes in both lists, and the attributes per term."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from elections.importing import import_workbook
from elections.models import HamletTerm, Target, Term
from hamlets.models import Hamlet, PartyMember, Province
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    HamletFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    ProvinceFactory,
)
from tests.workbooks import (
    HEADERS_2025,
    IN_THANH_CHUONG,
    admission_row,
    hamlet_row,
    history_count,
    make_both_lists,
    new_row,
    snapshot,
    target_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_both_lists()


@pytest.fixture
def run(units, tmp_path):
    """Import sheets (the 2025 headers: Former ... and Commune columns); the result."""

    def run(dry_run: bool = False, **sheets):
        sheets.setdefault("hamlets", [])
        path = write_workbook(tmp_path / "2025.xlsx", {k.replace("_", " ").capitalize(): v for k, v in sheets.items()},
                              headers=HEADERS_2025)
        return import_workbook(path, dry_run=dry_run)

    return run


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_2025_row_creates_a_hamlet_of_the_new_commune_with_no_earlier_commune(run, units):
    result = run(hamlets=[new_row(hamlet="Xóm Bãi Ổi", party_members=14)])
    assert result.ok, problems(result)
    hamlet = Hamlet.objects.get()
    assert (hamlet.commune, hamlet.new_commune, hamlet.province) == (
        None, units["2025/Xã Đại Đồng"], units["2025/Tỉnh Nghệ An"])
    record = HamletTerm.objects.get()
    assert (record.term.name, record.party_members, record.party_cell) == ("2025-2027", 14, True)
    assert hamlet.party_members == 14 and hamlet.party_cell.active
    assert result.changes[0].subject == "Xóm Bãi Ổi, Xã Đại Đồng (danh mục từ 01/07/2025) (2025-2027)"


def test_a_2025_row_finds_the_hamlet_an_earlier_row_entered(run, units):
    assert run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Đức", hamlet="Bản Khe Nóng")]).ok
    hamlet = Hamlet.objects.get()
    assert (hamlet.commune, hamlet.new_commune) == (units["Xã Thanh Đức"], units["2025/Xã Hạnh Lâm"])
    result = run(hamlets=[new_row(commune="Hạnh Lâm", hamlet="bản khe nóng", party_members=9)])
    assert result.ok, problems(result)
    assert Hamlet.objects.get() == hamlet  # no second hamlet
    assert list(HamletTerm.objects.order_by("term__start_year").values_list("term__start_year", "party_members")) == [
        (2022, 12), (2025, 9)]


def test_code_17713_is_thi_tran_dung_in_the_earlier_list_and_xa_dai_dong_in_the_2025_list(run, units, tmp_path):
    headers = {"Hamlets": [*HEADERS_2025["Hamlets"], "District code", "Commune code"]}
    rows = [hamlet_row(**IN_THANH_CHUONG, commune="Dùng", hamlet="Khối 1", commune_code=17713),
            new_row(commune="Đại Đồng", hamlet="Xóm Mới", commune_code=17713)]
    result = import_workbook(write_workbook(tmp_path / "codes.xlsx", {"Hamlets": rows}, headers=headers))
    assert result.ok, problems(result)
    assert Hamlet.objects.get(name="Khối 1").commune == units["Thị trấn Dùng"]
    assert Hamlet.objects.get(name="Xóm Mới").new_commune == units["2025/Xã Đại Đồng"]
    wrong = import_workbook(write_workbook(tmp_path / "wrong.xlsx", {"Hamlets": [
        new_row(commune="Dùng", commune_code=17713)]}, headers=headers))
    assert problems(wrong) == ['Hamlets!V2: Mã xã 17713 là "Xã Đại Đồng", không khớp với tên "Dùng"']


def test_the_same_name_in_both_lists_is_two_units_and_messages_say_which(run, units):
    result = run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Hạnh Lâm", hamlet="Xóm 3"),
                          new_row(commune="Hạnh Lâm", hamlet="Xóm 9")])
    assert result.ok, problems(result)
    old, new = Hamlet.objects.get(name="Xóm 3"), Hamlet.objects.get(name="Xóm 9")
    assert (old.commune, old.new_commune) == (units["Xã Hạnh Lâm"], units["2025/Xã Hạnh Lâm"])
    assert (new.commune, new.new_commune) == (None, units["2025/Xã Hạnh Lâm"])
    assert [c.subject for c in result.changes] == [
        "Xóm 3, Xã Hạnh Lâm, Huyện Thanh Chương (2022-2025)",
        "Xóm 9, Xã Hạnh Lâm (danh mục từ 01/07/2025) (2025-2027)"]
    wrong = run(hamlets=[new_row(commune="Xã Thanh Ngọc", hamlet="Xóm 9", former_commune="Hạnh Lâm")])
    assert problems(wrong) == [
        'Hamlets!C2: Không có xã của danh mục từ 01/07/2025 "Xã Thanh Ngọc" thuộc Tỉnh Nghệ An (Xã Thanh Ngọc, '
        'Huyện Thanh Chương thuộc danh mục trước 01/07/2025: điền Huyện)']
    with translation.override("en"):
        wrong = run(hamlets=[new_row(commune="Xã Thanh Ngọc", hamlet="Xóm 9", former_commune="Hạnh Lâm")])
    assert problems(wrong) == [
        'Hamlets!C2: No commune of the 2025 list "Xã Thanh Ngọc" in Tỉnh Nghệ An (Xã Thanh Ngọc, Huyện Thanh Chương '
        "is of the earlier list: fill in District)"]
    wrong = run(hamlets=[new_row(commune="Đại Đồng", hamlet="Xóm 9", former_commune="Hạnh Lâm")])
    assert problems(wrong) == [
        "Hamlets!S2: Xã Hạnh Lâm, Huyện Thanh Chương không nhập vào Xã Đại Đồng (danh mục từ 01/07/2025) (đã nhập "
        "vào Xã Hạnh Lâm (danh mục từ 01/07/2025))"]


def test_namesakes_of_a_merged_commune_need_their_former_commune(run, units):
    assert run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1"),
                        hamlet_row(**IN_THANH_CHUONG, commune="Thanh Ngọc", hamlet="Xóm 1", party_members=20)]).ok
    ambiguous = run(hamlets=[new_row(hamlet="Xóm 1")])
    assert problems(ambiguous) == [
        'Hamlets!S2: Có 2 thôn "Xóm 1" ở Xã Đại Đồng (danh mục từ 01/07/2025): Xóm 1 (Thanh Phong cũ), '
        "Xóm 1 (Thanh Ngọc cũ); ghi Xã cũ là Thanh Phong hoặc Thanh Ngọc"]
    with translation.override("en"):
        assert problems(run(hamlets=[new_row(hamlet="Xóm 1")])) == [
            'Hamlets!S2: "Xóm 1" fits 2 hamlets of Xã Đại Đồng of the 2025 list: Xóm 1 (formerly Thanh Phong), '
            "Xóm 1 (formerly Thanh Ngọc); fill in Former commune: Thanh Phong or Thanh Ngọc"]
        result = run(hamlets=[new_row(hamlet="Xóm 1", former_commune="Thanh Ngọc", party_members=22),
                              new_row(hamlet="Xóm 1", former_district="Thanh Chương", former_commune="Xã Thanh Phong",
                                      party_members=11)])
    assert result.ok, problems(result)
    assert Hamlet.objects.count() == 2
    records = dict(HamletTerm.objects.filter(term__start_year=2025).values_list("hamlet__commune__name",
                                                                                 "party_members"))
    assert records == {"Xã Thanh Ngọc": 22, "Xã Thanh Phong": 11}
    assert [c.subject for c in result.changes] == [
        "Xóm 1 (formerly Thanh Ngọc), Xã Đại Đồng of the 2025 list (2025-2027)",
        "Xóm 1 (formerly Thanh Phong), Xã Đại Đồng of the 2025 list (2025-2027)"]


def test_former_commune_creates_the_hamlet_in_the_old_commune_and_places_it(run, units):
    result = run(hamlets=[new_row(hamlet="Xóm 4", former_commune="Đồng Văn")])
    assert result.ok, problems(result)
    hamlet = Hamlet.objects.get()
    assert (hamlet.commune, hamlet.new_commune, hamlet.province) == (
        units["Xã Đồng Văn"], units["2025/Xã Đại Đồng"], units["2025/Tỉnh Nghệ An"])
    assert run(hamlets=[new_row(hamlet="Xóm 4", former_commune="Đồng Văn")]).summary.written == 0


def test_a_hamlet_with_no_earlier_commune_is_chosen_first(run, units):
    assert run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 2"),
                        new_row(hamlet="Xóm 2", former_commune="Thanh Ngọc")]).ok
    plain = HamletFactory(name="Xóm 2", commune=None, new_commune=units["2025/Xã Đại Đồng"], term=False)
    result = run(hamlets=[new_row(hamlet="Xóm 2", party_members=30)])
    assert result.ok, problems(result)
    assert Hamlet.objects.get(pk=plain.pk).party_members == 30 and Hamlet.objects.count() == 3
    assert list(HamletTerm.objects.filter(hamlet=plain).values_list("term__start_year", flat=True)) == [2025]


def test_an_earlier_row_adopts_the_namesake_entered_without_former_commune(run, units):
    assert run(hamlets=[new_row(hamlet="Xóm 7", party_members=25)]).ok
    adoptee = Hamlet.objects.get()
    assert adoptee.commune is None
    result = run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 7", party_members=19)])
    assert result.ok, problems(result)
    hamlet = Hamlet.objects.get()  # no second hamlet
    assert hamlet.pk == adoptee.pk and hamlet.commune == units["Xã Thanh Phong"]
    assert hamlet.new_commune == units["2025/Xã Đại Đồng"]
    assert dict(HamletTerm.objects.values_list("term__start_year", "party_members")) == {2025: 25, 2022: 19}
    assert hamlet.party_members == 25  # the copy stays the latest term's
    assert "Xã Thanh Phong, Huyện Thanh Chương" in result.changes[0].details[0]


def test_a_2025_row_with_former_commune_adopts_the_namesake_entered_without(run, units):
    assert run(hamlets=[new_row(hamlet="Xóm 7", party_members=25)]).ok
    result = run(hamlets=[new_row(hamlet="Xóm 7", former_commune="Đồng Văn", party_members=26)])
    assert result.ok, problems(result)
    hamlet = Hamlet.objects.get()
    assert (hamlet.commune, hamlet.party_members) == (units["Xã Đồng Văn"], 26)


def test_rule_9_compares_the_hamlets_found_across_both_lists(run, units):
    result = run(hamlets=[new_row(hamlet="Xóm 7", term="2022-2025", congress_held_on=dt.date(2022, 5, 1),
                                  chief_elected_on=dt.date(2022, 5, 9)),
                          hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 7")])
    assert problems(result) == ["Hamlets!D3: Thôn này với nhiệm kỳ 2022-2025 đã có ở dòng 2"]
    assert not Hamlet.objects.exists()
    same = run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 5"),
                        new_row(hamlet="Xóm 5", former_commune="Thanh Phong", term="2022-2025")])
    assert [p.cell for p in same.problems] == ["D3"]
    found = run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 5"),
                         new_row(hamlet="Xóm 5", term="2022-2025")])  # the only Xóm 5 of Đại Đồng
    assert [p.cell for p in found.problems] == ["D3"]
    assert run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 5"),
                        new_row(hamlet="Xóm 5")]).ok  # another term


def test_a_2025_2027_import_leaves_the_2022_2025_record_as_it_was(run, units):
    assert run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1", party_members=12,
                                   special_area="yes")]).ok
    result = run(hamlets=[new_row(hamlet="Xóm 1", party_members=31, special_area="no", party_cell="yes")])
    assert result.ok, problems(result)
    old = HamletTerm.objects.get(term__start_year=2022)
    new = HamletTerm.objects.get(term__start_year=2025)
    assert (old.party_members, old.special_area, old.version) == (12, True, 1)
    assert (new.party_members, new.special_area) == (31, False)
    hamlet = Hamlet.objects.get()
    assert (hamlet.party_members, hamlet.special_area) == (31, False)
    again = run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1", party_members=13,
                                    special_area="yes")])  # a 2022 correction does not touch the 2025 copy
    assert again.ok and Hamlet.objects.get().party_members == 31
    assert HamletTerm.objects.get(term__start_year=2022).party_members == 13


def test_importing_a_2025_workbook_again_writes_nothing(run, units):
    sheets = {
        "hamlets": [new_row(hamlet="Xóm 1", former_commune="Thanh Phong"), new_row(hamlet="Xóm 2"),
                    new_row(commune="Hạnh Lâm", hamlet="Bản Khe Nóng", former_commune="Thanh Đức")],
        "admissions": [admission_row(district=None, commune="Đại Đồng", hamlet="Xóm 1",
                                     former_commune="Thanh Phong", admitted_on=dt.date(2026, 9, 2))],
        "targets": [target_row(term="2025-2027"), target_row(commune="Hạnh Lâm", term="2025-2027", percent=90)],
        "admission_targets": [{"province": "Nghệ An", "commune": "Đại Đồng", "year": 2026, "target": 15}],
    }
    first = run(**sheets)
    assert first.ok, problems(first)
    assert (first.summary.hamlets_created, first.summary.admissions_created, first.summary.targets_created,
            first.summary.admission_targets_created) == (3, 1, 2, 1)
    before, histories = snapshot(), history_count()
    again = run(**sheets)
    assert again.ok and again.summary.written == 0
    assert {c.action for c in again.changes} == {"unchanged"}
    assert snapshot() == before and history_count() == histories


def test_targets_and_admission_targets_of_a_2025_commune(run, units):
    result = run(targets=[target_row(term="2025-2027", percent=100),
                          target_row(commune="Xã Hạnh Lâm", term="2025-2027", percent=90),
                          target_row(district="Quế Phong", term="2022-2025", percent=80)],
                 admission_targets=[{"province": "Nghệ An", "commune": "Đại Đồng", "year": 2026, "target": 15}])
    assert result.ok, problems(result)
    province = Target.objects.get(commune=None, district=None)
    commune, district = Target.objects.get(commune__isnull=False), Target.objects.get(district__isnull=False)
    assert province.province == units["2025/Tỉnh Nghệ An"]  # province-wide targets name the 2025 province
    assert (commune.commune, commune.province, commune.percent) == (
        units["2025/Xã Hạnh Lâm"], units["2025/Tỉnh Nghệ An"], 90)
    assert (district.district, district.province) == (units["Huyện Quế Phong"], units["2025/Tỉnh Nghệ An"])
    table = Target.objects.for_province(units["2025/Tỉnh Nghệ An"], Term.objects.get(start_year=2025))
    assert table.get("Chiefs who are Party members", commune_id=units["2025/Xã Hạnh Lâm"].pk) == 90
    assert table.get("Chiefs who are Party members", commune_id=units["2025/Xã Đại Đồng"].pk) == 100
    both = run(targets=[target_row(district="Quế Phong", commune="Thông Thụ")],
               admission_targets=[{"province": "Nghệ An", "district": "Quế Phong", "commune": "Thông Thụ",
                                   "year": 2026, "target": 1},
                                  {"province": "Nghệ An", "year": 2026, "target": 1}])
    assert [(p.sheet, p.cell) for p in both.problems] == [
        ("Targets", "C2"), ("Admission targets", "C2"), ("Admission targets", "B3")]
    assert both.problems[0].message == ("Chỉ điền Huyện (danh mục trước 01/07/2025) hoặc Xã (danh mục từ 01/07/2025), "
                                        "không điền cả hai")
    assert both.problems[2].message == "Điền Huyện (danh mục trước 01/07/2025) hoặc Xã (danh mục từ 01/07/2025)"


def test_admissions_of_a_2025_row_name_the_hamlet_as_on_hamlets(run, units):
    assert run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1"),
                        hamlet_row(**IN_THANH_CHUONG, commune="Thanh Ngọc", hamlet="Xóm 1")]).ok
    row = admission_row(district=None, commune="Đại Đồng", hamlet="Xóm 1", full_name="Hồ Văn Cảnh",
                        birth_year=1988, admitted_on=dt.date(2026, 9, 2))
    assert [p.cell for p in run(admissions=[row]).problems] == ["L2"]  # two Xóm 1: which one?
    unknown = run(admissions=[{**row, "hamlet": "Xóm 99"}])
    assert problems(unknown) == [
        'Admissions!D2: Không có thôn "Xóm 99" ở Xã Đại Đồng (danh mục từ 01/07/2025): thêm thôn vào trang Hamlets']
    result = run(admissions=[{**row, "former_commune": "Thanh Ngọc"}])
    assert result.ok, problems(result)
    assert PartyMember.objects.get().hamlet.commune == units["Xã Thanh Ngọc"]
    assert Hamlet.objects.count() == 2  # admissions never create a hamlet


def test_former_cells_on_an_earlier_row_are_ignored_with_a_warning(run, units):
    result = run(hamlets=[hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1",
                                     former_commune="Thanh Ngọc")])
    assert result.ok and [w.cell for w in result.warnings] == ["S2"]
    assert Hamlet.objects.get().commune == units["Xã Thanh Phong"]


def test_an_earlier_row_may_name_the_2025_province_of_its_district(tmp_path):
    old_lao_cai = ProvinceFactory(code=10, name="Tỉnh Lào Cai")  # the earlier list first: its factory looks up codes
    yen_bai = ProvinceFactory(code=15, name="Tỉnh Yên Bái")
    lao_cai = NewProvinceFactory(code=15, name="Tỉnh Lào Cai")
    Province.objects.filter(pk__in=[old_lao_cai.pk, yen_bai.pk]).update(successor=lao_cai)

    van_yen = DistrictFactory(code=136, name="Huyện Văn Yên", province=yen_bai)
    CommuneFactory(code=4357, name="Xã Mậu Đông", district=van_yen)
    sa_pa = DistrictFactory(code=88, name="Thị xã Sa Pa", province=old_lao_cai)
    CommuneFactory(code=2965, name="Phường Sa Pa", district=sa_pa)
    rows = [hamlet_row(province="Lào Cai", district="Văn Yên", commune="Mậu Đông", hamlet="Thôn 1"),
            hamlet_row(province="Yên Bái", district="Văn Yên", commune="Mậu Đông", hamlet="Thôn 2"),
            hamlet_row(province="Yên Bái", district="Sa Pa", commune="Sa Pa", hamlet="Tổ 1")]
    result = import_workbook(write_workbook(tmp_path / "lc.xlsx", {"Hamlets": rows}))
    assert [p.cell for p in result.problems] == ["B4"]  # Yên Bái means Yên Bái's own districts
    assert result.problems[0].message == 'Không có huyện "Sa Pa" thuộc Tỉnh Yên Bái'
    assert import_workbook(write_workbook(tmp_path / "lc.xlsx", {"Hamlets": rows[:2]})).ok
    assert set(Hamlet.objects.values_list("province", flat=True)) == {lao_cai.pk}


def test_a_2025_row_takes_a_merged_province_with_a_warning_and_a_wrong_prefix(tmp_path):
    ProvinceFactory(code=27, name="Tỉnh Bắc Ninh")
    ProvinceFactory(code=24, name="Tỉnh Bắc Giang")
    bac_ninh = NewProvinceFactory(code=24, name="Thành phố Bắc Ninh")
    Province.objects.filter(unit_list="earlier").update(successor=bac_ninh)
    NewCommuneFactory(code=7210, name="Phường Bắc Giang", province=bac_ninh)
    rows = [new_row(province="Tỉnh Bắc Ninh", commune="Bắc Giang", hamlet="Tổ 1"),
            new_row(province="Bắc Giang", commune="Bắc Giang", hamlet="Tổ 2"),
            new_row(province=24, commune="Bắc Giang", hamlet="Tổ 3")]  # the 2025 code
    result = import_workbook(write_workbook(tmp_path / "bn.xlsx", {"Hamlets": rows}))
    assert result.ok, problems(result)
    assert [str(w) for w in result.warnings] == [
        "Hamlets!A3: Tỉnh Bắc Giang đã hợp nhất vào Thành phố Bắc Ninh: dòng của danh mục từ 01/07/2025 nên hiểu là "
        "Thành phố Bắc Ninh"]
    assert set(Hamlet.objects.values_list("province", flat=True)) == {bac_ninh.pk}
    assert Province.objects.count() == 3 and Hamlet.objects.count() == 3


def test_the_example_workbooks_import_after_loading_the_official_lists(tmp_path):
    import io
    import shutil

    from django.core.management import call_command

    from elections.models import AdmissionTarget
    from tests.workbooks import EXAMPLE, EXAMPLE_2025

    if not (EXAMPLE.exists() and EXAMPLE_2025.exists()):
        pytest.skip("shared/spec/examples is not beside the repository")
    call_command("load_admin_units", province=["Nghệ An", "Hà Tĩnh"], stdout=io.StringIO())
    earlier = import_workbook(shutil.copy(EXAMPLE, tmp_path / "example-import.xlsx"))
    assert earlier.ok and earlier.warnings == [], problems(earlier)
    hai_phong = Hamlet.objects.get(name="Thôn Hải Phong")
    assert hai_phong.new_commune is None and hai_phong.province.unit_list == "2025"  # Kỳ Lợi was split
    assert Hamlet.objects.get(name="Khối 6").new_commune.name == "Phường Vinh Phú"  # placed at once

    path = shutil.copy(EXAMPLE_2025, tmp_path / "example-import-2025.xlsx")
    assert import_workbook(path, dry_run=True).ok
    result = import_workbook(path)
    assert result.ok, problems(result)
    assert [str(w) for w in result.warnings] == []
    assert Target.objects.get(year=2026).commune.name == "Xã Hạnh Lâm"  # an annual plan (domain.md item 12)
    xom_1 = Hamlet.objects.filter(name="Xóm 1").order_by("commune__code")
    assert [(h.commune.name, h.commune.code, h.new_commune.name, h.new_commune.code) for h in xom_1] == [
        ("Xã Thanh Phong", 17731, "Xã Đại Đồng", 17713), ("Xã Thanh Ngọc", 17755, "Xã Đại Đồng", 17713)]
    khe_nong = Hamlet.objects.get(name="Bản Khe Nóng")
    assert (khe_nong.commune, khe_nong.new_commune.name, khe_nong.province.name) == (None, "Xã Hạnh Lâm",
                                                                                     "Tỉnh Nghệ An")
    assert Hamlet.objects.get(pk=hai_phong.pk).new_commune.name == "Phường Vũng Áng"
    member = PartyMember.objects.get(full_name="Hồ Văn Cảnh")
    assert member.hamlet.commune.name == "Xã Thanh Ngọc"
    assert AdmissionTarget.objects.get(commune__isnull=False).commune.code == 17713
    assert HamletTerm.objects.filter(term__start_year=2025).count() == 3
    before = snapshot()
    assert import_workbook(path).summary.written == 0 and snapshot() == before
