"""The figures engine against the figures the articles published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from elections.admissions import admissions
from elections.figures import Figures, Ratio
from elections.models import AdmissionTarget, Target
from hamlets.models import Hamlet
from tests.factories import (
    ChiefElectionFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    PartyCellFactory,
    PartyMemberFactory,
)
from tests.scenarios import QUY_HOP_2022, QUY_HOP_ELECTIONS_HELD, THANH_CHUONG_2022, Published, build_district

pytestmark = pytest.mark.django_db
JULY_15 = dt.date(2022, 7, 15)


def counts(ratio: Ratio) -> tuple[int, int]:
    return ratio.numerator, ratio.denominator


@pytest.fixture
def nghe_an_2022(term, district_of):
    """Four districts of Nghệ An as the article reports them on 15 July 2022."""
    thanh_chuong = district_of("Huyện Thanh Chương")
    build_district(thanh_chuong, term, JULY_15, THANH_CHUONG_2022)
    quy_hop = district_of("Huyện Quỳ Hợp")
    build_district(quy_hop, term, JULY_15, QUY_HOP_2022,
        elections_held=QUY_HOP_ELECTIONS_HELD)
    tuong_duong = district_of("Huyện Tương Dương")
    build_district(tuong_duong, term, JULY_15, Published(
        hamlets=146, elected=146, chief_members=145, cells=146, congresses=146))
    yen_thanh = district_of("Huyện Yên Thành")
    build_district(yen_thanh, term, JULY_15, Published(
        hamlets=338, elected=291, chief_members=171, cells=338, congresses=277),
        special_area=lambda i: i < 83, project01=lambda i: i < 20)
    empty = district_of("Huyện Nam Đàn")
    return {"thanh_chuong": thanh_chuong, "quy_hop": quy_hop, "tuong_duong": tuong_duong,
            "yen_thanh": yen_thanh, "empty": empty}


def test_published_figures_per_district_in_one_query(nghe_an, term, nghe_an_2022, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_district = Figures(Hamlet.objects.in_province(nghe_an), term, JULY_15).by("district")
    tc = by_district[nghe_an_2022["thanh_chuong"].pk]
    assert counts(tc["elections"]) == (218, 234)
    assert counts(tc["chief_members"]) == (214, 218)
    assert tc["chief_members"].percent == Decimal("98.17")  # 98.165..., half-up
    assert counts(tc["congresses"]) == (206, 230)
    assert counts(tc["chief_secretary"]) == (14, 234)
    assert counts(tc["chief_deputy"]) == (189, 234)
    assert counts(tc["chief_secretary_or_deputy"]) == (203, 234)
    qh = by_district[nghe_an_2022["quy_hop"].pk]
    assert counts(qh["congresses"]) == (203, 214)
    assert (qh["chief_secretary"].numerator, qh["chief_deputy"].numerator) == (12, 183)
    td = by_district[nghe_an_2022["tuong_duong"].pk]
    assert counts(td["chief_members"]) == (145, 146) and td["chief_members"].percent == Decimal("99.32")
    yt = by_district[nghe_an_2022["yen_thanh"].pk]
    assert counts(yt["elections"]) == (291, 338)
    assert counts(yt["chief_members"]) == (171, 291)
    assert counts(yt["congresses"]) == (277, 338) and yt["congresses"].percent == Decimal("81.95")
    assert yt["special_area"].numerator == 83 and yt["project01"].numerator == 20
    assert nghe_an_2022["empty"].pk not in by_district


def test_quy_hop_elections_were_complete_by_15_april(nghe_an, term, nghe_an_2022):
    quy_hop = Hamlet.objects.filter(commune__district=nghe_an_2022["quy_hop"])
    april = Figures(quy_hop, term, dt.date(2022, 4, 15)).total()
    assert counts(april["elections"]) == (214, 214)
    assert counts(april["chief_members"]) == (202, 214) and april["chief_members"].percent == Decimal("94.39")
    # congresses were held in June: none counts in April
    assert counts(april["congresses"]) == (0, 214)
    assert april["chief_deputy"].numerator == 0


def test_total_and_other_groupings_add_up_in_one_query_each(nghe_an, term, nghe_an_2022,
                                                             django_assert_num_queries):
    figures = Figures(Hamlet.objects.in_province(nghe_an), term, JULY_15)
    with django_assert_num_queries(3):
        total = figures.total()
        by_commune = figures.by("commune")
        by_province = figures.by("province")
    assert counts(total["elections"]) == (218 + 214 + 146 + 291, 234 + 214 + 146 + 338)
    assert by_province == {nghe_an.pk: total}
    assert len(by_commune) == 12  # three communes in each of the four districts with hamlets
    assert sum(r["chief_members"].numerator for r in by_commune.values()) == total["chief_members"].numerator


def test_single_figure_is_one_query(nghe_an, term, nghe_an_2022, django_assert_num_queries):
    with django_assert_num_queries(1):
        ratios = Figures(Hamlet.objects.in_province(nghe_an), term, JULY_15).ratio("chief_members", by="district")
    assert counts(ratios[nghe_an_2022["thanh_chuong"].pk]) == (214, 218)


def test_events_after_the_as_of_date_count_from_their_date(nghe_an, term, nghe_an_2022):
    """The builder dates every missing election 5 days and congress 10 days
    after 15 July, and admits half the non-member chiefs 40 days after it."""
    district = nghe_an_2022["thanh_chuong"]
    hamlets = Hamlet.objects.filter(commune__district=district)
    later = Figures(hamlets, term, JULY_15 + dt.timedelta(days=10)).total()
    assert counts(later["elections"]) == (234, 234)
    assert counts(later["congresses"]) == (230, 230)
    assert later["chief_members"].numerator == 214
    much_later = Figures(hamlets, term, JULY_15 + dt.timedelta(days=40)).total()
    # of the 20 non-member chiefs (indices 214..233), the odd ones were admitted on day 40
    assert much_later["chief_members"].numerator == 214 + 10


def test_chief_admitted_after_the_election_counts_from_the_admission(term):
    hamlet = HamletFactory()
    CongressFactory(cell=PartyCellFactory(hamlet=hamlet), term=term, held_on=dt.date(2022, 5, 30))
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 6, 15),
                         chief_member_since=dt.date(2023, 4, 19), chief_party_role="deputy")
    hamlets = Hamlet.objects.filter(pk=hamlet.pk)
    before = Figures(hamlets, term, dt.date(2023, 4, 18)).total()
    assert counts(before["chief_members"]) == (0, 1)
    assert before["chief_deputy"].numerator == 0
    on_the_day = Figures(hamlets, term, dt.date(2023, 4, 19)).total()
    assert counts(on_the_day["chief_members"]) == (1, 1)
    assert on_the_day["chief_deputy"].numerator == 1


def test_by_election_replaces_the_chief_from_its_date(term):
    hamlet = HamletFactory()
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 5, 1),
                         chief_member_since=dt.date(2010, 1, 1))
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2023, 3, 1), chief_member_since=None)
    hamlets = Hamlet.objects.filter(pk=hamlet.pk)
    assert counts(Figures(hamlets, term, dt.date(2022, 12, 31)).total()["chief_members"]) == (1, 1)
    after = Figures(hamlets, term, dt.date(2023, 6, 1)).total()
    assert counts(after["elections"]) == (1, 1)  # one hamlet, two elections: counted once
    assert counts(after["chief_members"]) == (0, 1)


def test_elections_of_another_term_do_not_count(term):
    from tests.factories import TermFactory

    hamlet = HamletFactory()
    ChiefElectionFactory(hamlet=hamlet, term=TermFactory(start_year=2019, end_year=2022),
                         held_on=dt.date(2019, 6, 1))
    assert counts(Figures(Hamlet.objects.all(), term, JULY_15).total()["elections"]) == (0, 1)


def test_nghi_loc_cells_without_members_and_at_risk(term, district_of):
    """Nghi Lộc: 250 hamlets, 115 special, 30 in Project 01; 13 without
    members, 11 with 1-2, 6 cells at risk with 3-4 members."""
    district = district_of("Huyện Nghi Lộc")

    def members(i: int) -> int:
        return 0 if i >= 237 else (1 + i % 2) if i >= 226 else (3 + i % 2) if i >= 220 else 15

    build_district(district, term, JULY_15, Published(
        hamlets=250, elected=125, chief_members=86, cells=226, congresses=125),
        party_members=members, special_area=lambda i: i >= 135, project01=lambda i: i >= 220)
    total = Figures(Hamlet.objects.filter(commune__district=district), term, JULY_15).total()
    assert counts(total["elections"]) == (125, 250)
    assert counts(total["chief_members"]) == (86, 125) and total["chief_members"].percent == Decimal("68.80")
    assert total["special_area"].numerator == 115 and total["project01"].numerator == 30
    assert total["without_members"].numerator == 13
    assert total["one_two_members"].numerator == 11
    assert total["without_cell"].numerator == 24
    assert counts(total["cells_at_risk"]) == (6, 226)
    assert counts(total["cells_at_risk__project01"]) == (6, 30)
    assert counts(total["without_members__special_area"]) == (13, 115)


def test_hamlet_with_three_members_and_no_cell_is_not_at_risk(term):
    HamletFactory(party_members=3)
    PartyCellFactory(hamlet=HamletFactory(party_members=4))
    PartyCellFactory(hamlet=HamletFactory(party_members=5))
    PartyCellFactory(hamlet=HamletFactory(party_members=2), active=False)
    total = Figures(Hamlet.objects.all(), term, JULY_15).total()
    assert counts(total["cells_at_risk"]) == (1, 2)
    assert total["without_cell"].numerator == 2  # the dissolved cell no longer counts
    assert total["one_two_members"].numerator == 1


def test_nam_po_admissions_against_target(django_assert_num_queries):
    district = DistrictFactory(name="Huyện Nậm Pồ")
    other = DistrictFactory(name="Huyện Mường Nhé", province=district.province)
    hamlets = [HamletFactory(commune__district=district) for _ in range(4)]
    for i in range(233):
        PartyMemberFactory(hamlet=hamlets[i % 4], admitted_on=dt.date(2024, 1, 1) + dt.timedelta(days=i),
                           sitting_chief=i < 3)
    PartyMemberFactory(hamlet=hamlets[0], admitted_on=dt.date(2025, 1, 2))  # after the as-of date
    PartyMemberFactory(hamlet=hamlets[0], admitted_on=dt.date(2023, 3, 2))
    PartyMemberFactory(hamlet=HamletFactory(commune__district=other), admitted_on=dt.date(2024, 3, 2))
    AdmissionTarget.objects.create(district=district, year=2024, target=230)
    AdmissionTarget.objects.create(district=district, year=2025, target=240)
    with django_assert_num_queries(2):
        rows = admissions(type(district).objects.filter(pk=district.pk), dt.date(2024, 12, 31))
    assert [(r.year, r.admitted, r.target, r.sitting_chiefs) for r in rows] == [(2023, 1, None, 0),
                                                                             (2024, 233, 230, 3)]
    assert rows[1].ratio.percent == Decimal("101.30")
    assert rows[0].ratio is None


def test_ratio_display_rounds_half_up_and_handles_zero():
    assert Ratio(1, 8).percent == Decimal("12.50")
    assert Ratio(1, 200).percent == Decimal("0.50")
    assert Ratio(2, 3).percent == Decimal("66.67")
    assert Ratio(0, 0).fraction is None and Ratio(0, 0).percent is None
    assert str(Ratio(202, 214)) == "202/214 (94.39%)"


def test_targets_fall_back_to_the_province(term, nghe_an, district_of):
    own = district_of("Huyện Quế Phong")
    other = district_of("Huyện Kỳ Sơn")
    Target.objects.create(province=nghe_an, term=term, metric="Chiefs who are Party members", percent=100)
    Target.objects.create(province=nghe_an, district=own, term=term, metric="Chiefs who are Party members",
                          special_area_only=True, percent=90)
    Target.objects.create(province=nghe_an, district=own, term=term, metric="Chiefs who are Party members",
                          percent=95)
    table = Target.objects.for_province(nghe_an, term)
    assert table.get("Chiefs who are Party members", own.pk) == 95
    assert table.get("Chiefs who are Party members", own.pk, special_area_only=True) == 90
    assert table.get("Chiefs who are Party members", other.pk) == 100
    assert table.get("Chiefs who are Party members", other.pk, special_area_only=True) is None
    assert table.get("Congresses completed", own.pk) is None


def test_admissions_by_year_count_each_years_days_exactly(term, django_assert_num_queries):
    """Admissions counted per year of the term by each year's days (``COUNT(*) FILTER``) equal the count
    grouped by the year of each admission, at the years' edges too; later than the date never counts."""
    from elections.admissions import admitted_by_year
    from hamlets.models import PartyMember
    from tests.factories import PartyMemberFactory

    hamlets = [HamletFactory(term=term), HamletFactory(term=term)]
    days = [dt.date(2021, 12, 31), dt.date(2022, 1, 1), dt.date(2022, 12, 31), dt.date(2023, 1, 1),
            dt.date(2023, 6, 30), dt.date(2023, 7, 2)]
    for i, day in enumerate(days):
        PartyMemberFactory(hamlet=hamlets[i % 2], admitted_on=day, sitting_chief=i % 3 == 0)
    as_of = dt.date(2023, 7, 1)
    with django_assert_num_queries(1):
        by_days = admitted_by_year(PartyMember.objects.all(), "hamlet_id", 2022, as_of)
    grouped = {key: value for key, value in admitted_by_year(PartyMember.objects.all(), "hamlet_id", None,
                                                              as_of).items() if key[1] >= 2022}
    assert by_days == grouped == {(hamlets[1].pk, 2022): [1, 0, None], (hamlets[0].pk, 2022): [1, 0, None],
                                  (hamlets[1].pk, 2023): [1, 1, None], (hamlets[0].pk, 2023): [1, 0, None]}
