"""Figures in the list in force (issue 8, item 6): the same hamlets grouped by the earlier list
before 1 July 2025 and by the 2025 list from that day (or with ``--units 2025``).

``build_lao_cai`` lays out a 2025 province made of two earlier provinces (Lào Cai and Yên
Bái, as in 2025), with a merged commune whose hamlets are namesakes, a split commune
(one hamlet left unplaced, one placed by hand), a hamlet first entered in the 2025 list and
a 2025 commune without hamlets. Every hamlet is known by name, so each figure is stated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from elections.figures import Figures, Ratio
from elections.layout import ProvinceNotFound, choose_layout, find_province, parse_units
from elections.models import AdmissionTarget, Target, Term
from elections.records import save_record
from elections.reports import MeetingReport
from hamlets.models import NEW_LIST_FROM, Commune, District, Hamlet, PartyCell, Province, UnitList, UserScope
from hamlets.scoping import FULL_SCOPE, Scope
from tests.factories import (
    ChiefElectionFactory,
    CongressFactory,
    HamletFactory,
    PartyCellFactory,
    PartyMemberFactory,
    TermFactory,
    succeed,
)
from tests.scenarios import Published, build_district

pytestmark = pytest.mark.django_db
JULY_15 = dt.date(2022, 7, 15)
JUNE_30 = dt.date(2025, 6, 30)
AUGUST = dt.date(2025, 8, 1)
MEMBERS = "Chiefs who are Party members"
NEW, EARLIER = UnitList.NEW, UnitList.EARLIER


@dataclass
class LaoCai:
    term: Term
    province: Province  # the 2025 province
    lao_cai: Province  # earlier
    yen_bai: Province  # earlier, merged into the 2025 Lào Cai
    districts: dict[str, District] = field(default_factory=dict)
    old: dict[str, Commune] = field(default_factory=dict)
    new: dict[str, Commune] = field(default_factory=dict)
    hamlets: dict[str, Hamlet] = field(default_factory=dict)

    def user(self, name: str, **scope: object) -> User:
        user = User.objects.create_user(name, password="x")
        UserScope.objects.create(user=user, province=self.province, **scope)
        return user


def _hamlet(key: str, *, commune: Commune | None, name: str, members: int = 10, cell: bool = True,
            congress: bool = False, elected: dt.date | None = None, member: bool = False,
            new_commune: Commune | None = None, term: Term) -> Hamlet:
    hamlet = HamletFactory(name=name, commune=commune, new_commune=new_commune, party_members=members, term=term)
    if cell:
        PartyCellFactory(hamlet=hamlet)
    if congress:
        CongressFactory(cell=hamlet.party_cell, term=term, held_on=dt.date(2022, 6, 1))
    if elected:
        ChiefElectionFactory(hamlet=hamlet, term=term, held_on=elected, chief=f"Trưởng {key}",
                             chief_member_since=dt.date(2010, 1, 1) if member else None)
    return hamlet


def build_lao_cai(term: Term) -> LaoCai:
    """The 2025 Tỉnh Lào Cai (code 15) = earlier Tỉnh Lào Cai (10) + Tỉnh Yên Bái (15).

    | hamlet | earlier commune (district) | 2025 commune | 2022: elected, member, cell, congress |
    | Xóm 1, Xóm 2 | Xã Cam Đường (TP Lào Cai) | Phường Cam Đường | y y y y / y n n n |
    | Xóm 1 (3 members) | Xã Hợp Thành (TP Lào Cai) | Phường Cam Đường | y y y y |
    | Thôn Đông | Xã Đông Cuông (Văn Yên) | Xã Đông Cuông | n n y y |
    | Thôn Mậu 1 | Thị trấn Mậu A (split) | unplaced | y y y n |
    | Thôn Mậu 2 | Thị trấn Mậu A (split) | Xã Mậu A (placed) | y y n n |
    | Thôn Mới | none (2025 list) | Xã Đông Cuông | y y n n |
    Huyện Bảo Thắng and Xã Châu Quế have no hamlets.
    """
    province = Province.objects.create(unit_list=NEW, code=15, name="Tỉnh Lào Cai", division_type="tỉnh")
    lao_cai = Province.objects.create(code=10, name="Tỉnh Lào Cai", division_type="tỉnh", successor=province)
    yen_bai = Province.objects.create(code=15, name="Tỉnh Yên Bái", division_type="tỉnh", successor=province)
    world = LaoCai(term, province, lao_cai, yen_bai)
    for key, code, name, of in (("tp", 80, "Thành phố Lào Cai", lao_cai), ("bao_thang", 85, "Huyện Bảo Thắng", lao_cai),
                                ("van_yen", 138, "Huyện Văn Yên", yen_bai)):
        world.districts[key] = District.objects.create(code=code, name=name, province=of, division_type="huyện")
    for key, code, name, district in (("cam_duong", 2650, "Xã Cam Đường", "tp"), ("hop_thanh", 2656, "Xã Hợp Thành",
                                      "tp"), ("dong_cuong", 4402, "Xã Đông Cuông", "van_yen"),
                                      ("mau_a", 4384, "Thị trấn Mậu A", "van_yen")):
        world.old[key] = Commune.objects.create(code=code, name=name, district=world.districts[district],
                                                division_type="xã")
    for key, code, name in (("cam_duong", 2650, "Phường Cam Đường"), ("mau_a", 4384, "Xã Mậu A"),
                            ("dong_cuong", 4402, "Xã Đông Cuông"), ("chau_que", 4405, "Xã Châu Quế")):
        world.new[key] = Commune.objects.create(unit_list=NEW, code=code, name=name, province=province,
                                                division_type="xã")
    old, new = world.old, world.new
    succeed(old["cam_duong"], new["cam_duong"])
    succeed(old["hop_thanh"], new["cam_duong"])
    succeed(old["dong_cuong"], new["dong_cuong"])
    succeed(old["mau_a"], new["mau_a"], new["dong_cuong"])  # split: its hamlets wait to be placed
    day = dt.date(2022, 6, 10)
    world.hamlets = {
        "cam_1": _hamlet("cam_1", commune=old["cam_duong"], name="Xóm 1", congress=True, elected=day, member=True,
                         term=term),
        "cam_2": _hamlet("cam_2", commune=old["cam_duong"], name="Xóm 2", cell=False, elected=day, term=term),
        "hop_1": _hamlet("hop_1", commune=old["hop_thanh"], name="Xóm 1", members=3, congress=True, elected=day,
                         member=True, term=term),
        "dong": _hamlet("dong", commune=old["dong_cuong"], name="Thôn Đông", congress=True, term=term),
        "mau_1": _hamlet("mau_1", commune=old["mau_a"], name="Thôn Mậu 1", elected=day, member=True, term=term),
        "mau_2": _hamlet("mau_2", commune=old["mau_a"], name="Thôn Mậu 2", cell=False, elected=day, member=True,
                         term=term),
        "moi": _hamlet("moi", commune=None, new_commune=new["dong_cuong"], name="Thôn Mới", cell=False,
                       elected=day, member=True, term=term),
    }
    mau_2 = world.hamlets["mau_2"]
    mau_2.new_commune = new["mau_a"]  # placed by hand
    mau_2.save()
    assert world.hamlets["mau_1"].new_commune_id is None and world.hamlets["cam_1"].new_commune == new["cam_duong"]
    assert {h.province_id for h in world.hamlets.values()} == {province.pk}
    Target.objects.create(province=province, term=term, metric=MEMBERS, percent=100)
    Target.objects.create(province=province, commune=new["cam_duong"], term=term, metric=MEMBERS, percent=90)
    Target.objects.create(province=yen_bai, district=world.districts["van_yen"], term=term, metric=MEMBERS,
                          percent=80)
    PartyMemberFactory(hamlet=world.hamlets["cam_1"], admitted_on=dt.date(2024, 3, 1))
    PartyMemberFactory(hamlet=world.hamlets["mau_1"], admitted_on=dt.date(2024, 5, 1), sitting_chief=True)
    AdmissionTarget.objects.create(commune=new["cam_duong"], year=2024, target=2)
    AdmissionTarget.objects.create(district=world.districts["tp"], year=2024, target=3)
    return world


@pytest.fixture
def lao_cai(term) -> LaoCai:
    return build_lao_cai(term)


def build_sized(code: int, hamlets: int, communes: int, term: Term) -> Province:
    """A 2025 province of ``hamlets`` hamlets in ``communes`` earlier communes of one earlier
    province, each commune going into its own 2025 commune but the last, split between the
    last two (its hamlets unplaced); plus one 2025 commune without hamlets, admissions and targets.
    For query counts: the size changes, the number of queries must not."""
    province = Province.objects.create(unit_list=NEW, code=code, name=f"Tỉnh Cỡ {code}", division_type="tỉnh")
    earlier = Province.objects.create(code=code, name=f"Tỉnh Cỡ Cũ {code}", division_type="tỉnh", successor=province)
    district = District.objects.create(code=code * 10, name=f"Huyện Cỡ {code}", province=earlier,
                                       division_type="huyện")
    elected = hamlets * 8 // 10
    build_district(district, term, JULY_15, Published(hamlets=hamlets, elected=elected, chief_members=elected // 2,
                                                      cells=hamlets - 1, congresses=hamlets // 2, secretary=1,
                                                      deputy=1), communes=communes,
                   special_area=lambda i: i % 3 == 0)
    old = list(Commune.objects.filter(district=district).order_by("code"))
    new = [Commune.objects.create(unit_list=NEW, code=code * 1000 + k, name=f"Xã Mới {code}-{k}", province=province,
                                  division_type="xã") for k in range(communes + 1)]
    for k, commune in enumerate(old[:-1]):
        succeed(commune, new[k])
        Hamlet.objects.filter(commune=commune).update(new_commune=new[k])
    succeed(old[-1], new[-3], new[-2])
    for k, commune in enumerate(new[:communes]):
        Target.objects.create(province=province, commune=commune, term=term, metric=MEMBERS, percent=90 + k % 10)
        AdmissionTarget.objects.create(commune=commune, year=2022, target=3)
    Target.objects.create(province=province, term=term, metric=MEMBERS, percent=95)
    AdmissionTarget.objects.create(district=district, year=2022, target=9)
    for hamlet in Hamlet.objects.filter(commune__district=district).order_by("pk")[:communes + 2]:
        PartyMemberFactory(hamlet=hamlet, admitted_on=dt.date(2022, 3, 1))
    return province


def counts(ratios: dict[str, Ratio]) -> tuple[int, int, int, int, int]:
    """(hamlets, elected, chiefs who are members, cells, congresses)."""
    return (ratios["elections"].denominator, ratios["elections"].numerator, ratios["chief_members"].numerator,
            ratios["congresses"].denominator, ratios["congresses"].numerator)


def by_name(rows) -> dict[str, tuple[int, ...]]:
    return {row.name: counts(row.ratios) for row in rows}


# --- the engine, both groupings ---------------------------------------------------------------

def test_same_hamlets_as_of_a_2025_date_per_new_commune_with_unplaced(lao_cai):
    hamlets = Hamlet.objects.in_province(lao_cai.province)
    by_commune = Figures(hamlets, lao_cai.term, AUGUST).by("new_commune")
    new = lao_cai.new
    assert counts(by_commune[new["cam_duong"].pk]) == (3, 3, 2, 2, 2)
    assert counts(by_commune[new["mau_a"].pk]) == (1, 1, 1, 0, 0)
    assert counts(by_commune[new["dong_cuong"].pk]) == (2, 1, 1, 1, 1)  # Thôn Mới counts from 1 July 2025
    assert counts(by_commune[None]) == (1, 1, 1, 1, 0)  # unplaced
    assert new["chau_que"].pk not in by_commune
    assert counts(Figures(hamlets, lao_cai.term, AUGUST).total()) == (7, 6, 5, 4, 3)


def test_first_entered_in_the_2025_list_counts_in_nothing_before_1_july_2025(lao_cai):
    hamlets = Hamlet.objects.in_province(lao_cai.province)
    for day, expected in ((JUNE_30, 6), (NEW_LIST_FROM, 7)):
        figures = Figures(hamlets, lao_cai.term, day)
        assert figures.total()["elections"].denominator == expected
        assert sum(r["elections"].denominator for r in figures.by("district").values()) == expected
        assert sum(r["elections"].denominator for r in figures.by("new_commune").values()) == expected
    # and so in the reports of both layouts
    earlier = MeetingReport(lao_cai.province, lao_cai.term, JUNE_30)
    regrouped = MeetingReport(lao_cai.province, lao_cai.term, JUNE_30, units="2025")
    assert earlier.total_row().hamlets == regrouped.total_row().hamlets == 6
    dong_cuong = next(r for r in regrouped.new_communes_rows() if r.commune == "Xã Đông Cuông")
    assert dong_cuong.hamlets == 1
    assert next(r for r in MeetingReport(lao_cai.province, lao_cai.term, NEW_LIST_FROM).new_communes_rows()
                if r.commune == "Xã Đông Cuông").hamlets == 2


def test_2022_figures_unchanged_after_a_2025_2027_record(lao_cai):
    """A 2025-2027 record that changes Party members and cell leaves the 2022 report as it was."""
    report = MeetingReport(lao_cai.province, lao_cai.term, JULY_15)
    before = [(r.district, r.commune, dict(r.ratios)) for r in (*report.districts_rows(), *report.communes_rows())]
    later = TermFactory(start_year=2025, end_year=2027)
    for key in ("cam_1", "hop_1", "dong"):
        save_record(lao_cai.hamlets[key], later, kind="xom", party_members=2, party_cell=False)
    assert not PartyCell.objects.get(hamlet=lao_cai.hamlets["cam_1"]).active
    again = MeetingReport(lao_cai.province, lao_cai.term, JULY_15)
    assert [(r.district, r.commune, dict(r.ratios)) for r in (*again.districts_rows(), *again.communes_rows())] \
        == before
    tp = again.districts_rows()[0]
    assert tp.district == "Thành phố Lào Cai" and tp["without_cell"].numerator == 1 and tp.party_cells == 2
    # the 2025-2027 term reads the new records
    figures = Figures(Hamlet.objects.in_province(lao_cai.province), later, AUGUST).by("new_commune")
    cam = figures[lao_cai.new["cam_duong"].pk]
    assert (cam["without_cell"].numerator, cam["one_two_members"].numerator) == (3, 2)


def test_special_area_figures_use_the_terms_record(lao_cai):
    later = TermFactory(start_year=2025, end_year=2027)
    cam_1 = lao_cai.hamlets["cam_1"]
    save_record(cam_1, later, kind="xom", party_members=10, party_cell=True, special_area=True)
    assert Hamlet.objects.get(pk=cam_1.pk).special_area  # the hamlet's copy follows the latest term
    hamlets = Hamlet.objects.in_province(lao_cai.province)
    assert Figures(hamlets, lao_cai.term, AUGUST, special_only=True).total()["elections"].denominator == 0
    assert Figures(hamlets, later, AUGUST, special_only=True).total()["elections"].denominator == 1
    # the dashboard's one query reads the same record (the special area of the term's record in force)
    for term, special in ((lao_cai.term, 0), (later, 1)):
        _whole, by_unit = Figures(hamlets, term, AUGUST).by_with_special("new_commune", ["elections"])
        assert sum(ratios["elections"].denominator for ratios in by_unit.values()) == special


# --- layout and province rules -------------------------------------------------------------------

def test_layout_by_date_and_by_board(lao_cai):
    district = Scope(province_id=lao_cai.province.pk, district_id=lao_cai.districts["tp"].pk)
    commune = Scope(province_id=lao_cai.province.pk, commune_id=lao_cai.new["cam_duong"].pk)
    assert choose_layout(FULL_SCOPE, JUNE_30) == EARLIER and choose_layout(FULL_SCOPE, NEW_LIST_FROM) == NEW
    assert choose_layout(FULL_SCOPE, JULY_15, "2025") == NEW
    assert choose_layout(district, AUGUST, "2025") == EARLIER
    assert choose_layout(commune, JULY_15) == NEW
    assert parse_units(" 2025 ") == "2025" and parse_units("") is None
    with pytest.raises(ValueError, match="2026"):
        parse_units("2026")


def test_a_province_named_is_a_2025_province(lao_cai):
    assert find_province("Lào Cai") == lao_cai.province
    assert find_province("tinh lao cai") == lao_cai.province
    assert find_province("15") == lao_cai.province  # the 2025 code (Yên Bái's code in the earlier list)
    assert find_province("Yên Bái") == lao_cai.yen_bai  # merged: that earlier province's hamlets only
    assert find_province("Thành phố Yên Bái") == lao_cai.yen_bai  # wrong prefix, unique bare name
    with pytest.raises(ProvinceNotFound, match="10 là mã của Tỉnh Lào Cai trong danh mục trước 01/07/2025"):
        find_province("10")
    with pytest.raises(ProvinceNotFound, match="không có tỉnh nào tên 'Hà Giang'"):
        find_province("Hà Giang")
