"""The people figures of ``domain.md`` items 8-10 per unit and in total, on a date, in one query each."""

from __future__ import annotations

import datetime as dt

import pytest

from elections.figures import Ratio
from elections.models import Rating
from elections.people_figures import PEOPLE_CODES, PeopleFigures
from hamlets.models import Hamlet
from tests.factories import (
    ChiefElectionFactory,
    ChiefEvaluationFactory,
    ChiefPlanFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    PartyCellFactory,
    TermFactory,
)
from tests.personas import make_user

pytestmark = pytest.mark.django_db
D = dt.date(2024, 6, 30)


def ratios(term, as_of=D, hamlets=None):
    return PeopleFigures(Hamlet.objects.all() if hamlets is None else hamlets, term, as_of).total()


def pairs(got: dict[str, Ratio]) -> dict[str, tuple[int, int]]:
    return {code: (r.numerator, r.denominator) for code, r in got.items()}


@pytest.fixture
def world():
    """Five hamlets of one commune, a sixth in another district, each with what one figure needs."""
    term = TermFactory()
    commune = CommuneFactory()
    h = {name: HamletFactory(term=term, commune=commune) for name in ("old", "young", "failing", "none", "blank")}
    # an old woman of the Thái, a member for long; her cell's congress elected a Mông woman secretary
    ChiefElectionFactory(hamlet=h["old"], term=term, chief="Lò Thị Hoa", chief_birth_year=1964,
                         chief_gender="female", chief_ethnicity="Thái", chief_member_since=dt.date(2001, 1, 1))
    CongressFactory(cell=PartyCellFactory(hamlet=h["old"]), term=term, secretary="Vừ Thị Dua",
                    secretary_gender="female", secretary_ethnicity="dân tộc Mông")
    # a young Kinh man admitted after the date: a non-member on it, with a plan under his name in
    # other case and tone placement
    ChiefElectionFactory(hamlet=h["young"], term=term, chief="Nguyễn Văn Hoà", chief_birth_year=1985,
                         chief_gender="male", chief_ethnicity="Kinh", chief_member_since=D + dt.timedelta(days=1))
    ChiefPlanFactory(hamlet=h["young"], term=term, chief=" nguyễn văn HÒA", started_on=dt.date(2024, 3, 1))
    # a non-member rated "not completed" for last year, whose plan starts after the date
    ChiefElectionFactory(hamlet=h["failing"], term=term, chief="Hà Văn Thuỷ", chief_ethnicity="Dân tộc Kinh",
                         held_on=dt.date(2022, 6, 1))
    ChiefEvaluationFactory(hamlet=h["failing"], year=2023, chief="HÀ VĂN THỦY", rating=Rating.NOT_COMPLETED)
    ChiefEvaluationFactory(hamlet=h["failing"], year=2022, chief="Hà Văn Thuỷ", rating=Rating.NOT_COMPLETED)
    ChiefPlanFactory(hamlet=h["failing"], term=term, chief="Hà Văn Thuỷ", started_on=D + dt.timedelta(days=1))
    # no chief yet (elected after the date); a congress whose secretary is blank
    ChiefElectionFactory(hamlet=h["none"], term=term, held_on=D + dt.timedelta(days=1), chief_gender="female")
    CongressFactory(cell=PartyCellFactory(hamlet=h["none"]), term=term, secretary="", secretary_gender="female",
                    secretary_ethnicity="Mông")
    # a chief without profile; a cell whose congress comes after the date
    ChiefElectionFactory(hamlet=h["blank"], term=term)
    CongressFactory(cell=PartyCellFactory(hamlet=h["blank"]), term=term, held_on=D + dt.timedelta(days=1),
                    secretary_gender="female", secretary_ethnicity="Mông")
    far = HamletFactory(term=term, commune=CommuneFactory(district=DistrictFactory(province=commune.district.province)))
    ChiefElectionFactory(hamlet=far, term=term, chief_gender="female", chief_birth_year=1940,
                         chief_member_since=dt.date(2020, 1, 1))
    return term, h, far


def test_every_figure_on_the_date(world):
    term, h, _far = world
    got = pairs(ratios(term, hamlets=Hamlet.objects.filter(commune=h["old"].commune)))
    assert got == {
        "chiefs": (4, 5),  # old, young, failing, blank; "none" elects after the date
        "aged_60": (1, 4),  # 2024 - 1964 = 60
        "under_40": (1, 4),  # 2024 - 1985 = 39; a blank birth year counts in neither
        "women_chiefs": (1, 4),
        "minority_chiefs": (1, 4),  # Kinh and "Dân tộc Kinh" are not; blank is neither
        "congresses": (2, 3),  # old and none; blank's congress comes after the date
        "women_secretaries": (1, 2),  # a blank secretary counts in neither group
        "minority_secretaries": (1, 2),
        "non_members": (3, 4),  # young (admitted the day after), failing, blank
        "with_plan": (1, 3),  # young's plan; failing's starts after the date
        "without_plan": (2, 3),
        "stalled": (0, 1),  # young's plan started 121 days before
        "not_completed": (1, 4),  # failing, rated for 2023 under another spelling
    }


def test_a_chief_admitted_after_the_date_counts_from_that_day(world):
    term, h, _far = world
    hamlets = Hamlet.objects.filter(pk=h["young"].pk)
    assert pairs(ratios(term, D, hamlets))["non_members"] == (1, 1)
    after = pairs(ratios(term, D + dt.timedelta(days=1), hamlets))
    assert after["non_members"] == (0, 1) and after["with_plan"] == (0, 0)  # membership ends the plan


def test_a_plan_counts_from_its_start(world):
    term, h, _far = world
    hamlets = Hamlet.objects.filter(pk=h["failing"].pk)
    assert pairs(ratios(term, D, hamlets))["with_plan"] == (0, 1)
    assert pairs(ratios(term, D + dt.timedelta(days=1), hamlets))["with_plan"] == (1, 1)


@pytest.mark.parametrize(("days", "stalled"), [(180, 0), (181, 1)])
def test_a_plan_stalls_after_180_days_without_a_step(days, stalled):
    term = TermFactory()
    hamlet = HamletFactory(term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, chief="Vàng A Sùng")
    ChiefPlanFactory(hamlet=hamlet, term=term, chief="vàng a sùng", started_on=dt.date(2023, 1, 1),
                     course_on=dt.date(2024, 1, 1))
    day = dt.date(2024, 1, 1) + dt.timedelta(days=days)
    assert pairs(ratios(term, day))["stalled"] == (stalled, 1)


def test_a_by_election_takes_a_not_completed_chief_off(world):
    term, h, _far = world
    hamlets = Hamlet.objects.filter(pk=h["failing"].pk)
    assert pairs(ratios(term, D, hamlets))["not_completed"] == (1, 1)
    ChiefElectionFactory(hamlet=h["failing"], term=term, chief="Hà Văn Mới", held_on=dt.date(2024, 5, 1))
    assert pairs(ratios(term, D, hamlets))["not_completed"] == (0, 1)
    assert pairs(ratios(term, dt.date(2024, 4, 30), hamlets))["not_completed"] == (1, 1)
    # last year's only: in 2025 the 2024 rating (none) is read
    assert pairs(ratios(term, dt.date(2025, 1, 1), hamlets))["not_completed"] == (0, 1)


def test_a_chief_of_the_earlier_term_is_not_in_office_in_the_later_one(world):
    term, _h, _far = world
    later = TermFactory(start_year=2025, end_year=2030)
    got = pairs(ratios(later, dt.date(2026, 1, 1)))
    assert got["chiefs"] == (0, 6) and got["non_members"] == (0, 0)  # the hamlets count, their chiefs do not
    assert pairs(ratios(term, dt.date(2026, 1, 1)))["chiefs"] == (6, 6)  # "none" elected meanwhile


def test_by_unit_and_total_agree(world):
    term, h, far = world
    figures = PeopleFigures(Hamlet.objects.all(), term, D)
    by_district = figures.by("district")
    assert set(by_district) == {h["old"].commune.district_id, far.commune.district_id}
    assert pairs(by_district[far.commune.district_id])["aged_60"] == (1, 1)
    assert pairs(figures.by("commune")[h["old"].commune_id])["chiefs"] == (4, 5)
    total = figures.total()
    for code in PEOPLE_CODES:
        assert total[code].numerator == sum(r[code].numerator for r in by_district.values())
        assert total[code].denominator == sum(r[code].denominator for r in by_district.values())
    assert pairs(total)["women_chiefs"] == (2, 5)


def test_a_user_of_another_unit_sees_nothing(world):
    term, h, far = world
    neighbour = make_user("ben", district=far.commune.district)
    figures = PeopleFigures(Hamlet.objects.restrict(neighbour), term, D)
    assert set(figures.by("district")) == {far.commune.district_id}
    assert pairs(figures.total())["chiefs"] == (1, 1)
    outsider = make_user("xa", district=DistrictFactory())
    assert PeopleFigures(Hamlet.objects.restrict(outsider), term, D).by("district") == {}
    assert pairs(PeopleFigures(Hamlet.objects.none(), term, D).total())["chiefs"] == (0, 0)


def test_one_query_each_whatever_the_size(world, django_assert_num_queries):
    term, h, _far = world
    for i in range(20):
        hamlet = HamletFactory(term=term, commune=h["old"].commune)
        ChiefElectionFactory(hamlet=hamlet, term=term, chief=f"Lý Văn {i}")
        ChiefPlanFactory(hamlet=hamlet, term=term, chief=f"Lý Văn {i}")
    figures = PeopleFigures(Hamlet.objects.all(), term, D)
    with django_assert_num_queries(1):
        figures.by("commune")
    with django_assert_num_queries(1):
        assert figures.total()["with_plan"] == Ratio(21, 23)
