"""The dashboard's people tables (issue 12): per unit, the chiefs' profiles, the non-member chiefs with and
without a plan, the stalled plans, last year's "not completed" chiefs, and the officials responsible for
each unit (by district in the earlier list, by commune in the 2025 list); scoped like the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from elections.figures import Ratio
from elections.models import OfficialArea, Rating
from tests.factories import (
    ChiefElectionFactory,
    ChiefEvaluationFactory,
    ChiefPlanFactory,
    CommuneFactory,
    HamletFactory,
    OfficialFactory,
)
from tests.personas import make_user
from tests.test_figures_2025 import AUGUST, LaoCai, build_lao_cai

pytestmark = pytest.mark.django_db
D = dt.date(2024, 6, 30)
PERIOD = {"term": "2022-2025", "as_of": D.isoformat()}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def nghe_an_people(term, nghe_an, district_of):
    """Thanh Chương: three chiefs, two of them non-members (one with a plan stalled since 1 January,
    one rated "not completed" for 2023), an official; Quỳ Hợp: one young chief, its own official."""
    tc, qh = district_of("Huyện Thanh Chương"), district_of("Huyện Quỳ Hợp")
    commune = CommuneFactory(district=tc, name="Xã Thanh Lâm")
    hamlets = [HamletFactory(term=term, commune=commune) for _ in range(4)]
    ChiefElectionFactory(hamlet=hamlets[0], term=term, chief_member_since=dt.date(2001, 1, 1), chief_birth_year=1950)
    ChiefElectionFactory(hamlet=hamlets[1], term=term, chief="Lương Văn Tâm", chief_gender="female")
    ChiefPlanFactory(hamlet=hamlets[1], term=term, chief="LƯƠNG VĂN TÂM", started_on=dt.date(2024, 1, 1))
    ChiefElectionFactory(hamlet=hamlets[2], term=term, chief="Vi Văn Hoà")
    ChiefEvaluationFactory(hamlet=hamlets[2], year=2023, chief="vi văn hòa", rating=Rating.NOT_COMPLETED)
    young = HamletFactory(term=term, commune=CommuneFactory(district=qh, name="Xã Châu Quang"))
    ChiefElectionFactory(hamlet=young, term=term, chief_birth_year=1990, chief_member_since=dt.date(2020, 1, 1))
    OfficialArea.objects.create(official=OfficialFactory(province=nghe_an, name="Đặng Thị Phụ Trách",
                                                         position="Phó Trưởng ban", phone="0912 000 111"),
                                district=tc)
    OfficialArea.objects.create(official=OfficialFactory(province=nghe_an, name="Hồ Văn Quỳ"), district=qh)
    return tc, qh


def test_provincial_staff_see_each_district_with_its_officials(nghe_an, nghe_an_people):
    tc, qh = nghe_an_people
    page = client_for(make_user("tinh", province=nghe_an)).get("/", PERIOD)
    assert page.status_code == 200
    lines = {line.row.unit_id: line for line in page.context["people"]}
    thanh_chuong = lines[tc.pk].ratios
    assert thanh_chuong["chiefs"] == Ratio(3, 4)
    assert thanh_chuong["aged_60"] == Ratio(1, 3) and thanh_chuong["women_chiefs"] == Ratio(1, 3)
    assert thanh_chuong["non_members"] == Ratio(2, 3)
    assert (thanh_chuong["with_plan"], thanh_chuong["without_plan"]) == (Ratio(1, 2), Ratio(1, 2))
    assert thanh_chuong["stalled"] == Ratio(1, 1)  # 181 days on 30 June 2024
    assert thanh_chuong["not_completed"] == Ratio(1, 3)
    assert lines[qh.pk].ratios["under_40"] == Ratio(1, 1)
    assert [o.name for o in lines[tc.pk].officials] == ["Đặng Thị Phụ Trách"]
    assert [o.name for o in lines[qh.pk].officials] == ["Hồ Văn Quỳ"]
    total = page.context["people_total"]
    assert total.ratios["chiefs"] == Ratio(4, 5) and total.officials == []
    html = page.content.decode()
    assert "3/4 <small>75,00\u00a0%</small>" in html  # n/d and % on one line
    assert 'title="Phó Trưởng ban · 0912 000 111">Đặng Thị Phụ Trách</span>' in html


def test_a_board_of_another_district_sees_only_its_own(nghe_an, nghe_an_people):
    tc, qh = nghe_an_people
    page = client_for(make_user("qh", district=qh)).get("/", {**PERIOD, "district": tc.pk})
    assert page.status_code == 200
    assert [line.row.name for line in page.context["people"]] == ["Xã Châu Quang"]
    total = page.context["people_total"]
    assert total.ratios["chiefs"] == Ratio(1, 1) and total.ratios["non_members"] == Ratio(0, 1)
    assert [o.name for o in total.officials] == ["Hồ Văn Quỳ"]  # its district's officials, on the total row
    html = page.content.decode()
    assert "Đặng Thị Phụ Trách" not in html and "Xã Thanh Lâm" not in html


def test_2025_list_names_each_communes_officials(term):
    world: LaoCai = build_lao_cai(term)
    cam, mau = world.new["cam_duong"], world.new["mau_a"]
    OfficialArea.objects.create(official=OfficialFactory(province=world.province, name="Giàng A Phụ"), commune=cam)
    OfficialArea.objects.create(official=OfficialFactory(province=world.province, name="Lò Thị Mậu"), commune=mau)
    # an official of the earlier district does not stand beside a 2025 commune
    OfficialArea.objects.create(official=OfficialFactory(province=world.province, name="Cũ Văn Huyện"),
                                district=world.districts["tp"])
    query = {"term": "2022-2025", "as_of": AUGUST.isoformat()}
    page = client_for(world.user("tinh")).get("/", query)
    lines = {line.row.name: line for line in page.context["people"]}
    assert [o.name for o in lines["Phường Cam Đường"].officials] == ["Giàng A Phụ"]
    assert lines["Phường Cam Đường"].ratios["chiefs"] == Ratio(3, 3)
    assert lines["Chưa xếp vào xã mới"].officials == [] and lines["Chưa xếp vào xã mới"].ratios["chiefs"] == Ratio(1, 1)
    assert "Cũ Văn Huyện" not in page.content.decode()
    board = client_for(world.user("mau", commune=mau)).get("/", query)
    assert [line.row.name for line in board.context["people"]] == ["Xã Mậu A"]
    assert [o.name for o in board.context["people"][0].officials] == ["Lò Thị Mậu"]
    assert "Giàng A Phụ" not in board.content.decode()


def test_the_national_dashboard_has_no_people_tables(nghe_an, nghe_an_people):
    page = client_for(make_user("tw", national=True)).get("/", PERIOD)
    assert page.status_code == 200 and "people-profiles" not in page.content.decode()
