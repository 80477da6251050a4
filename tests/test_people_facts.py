"""Each hamlet's people facts on a date (``domain.md`` items 8-10): the chief in office, membership,
plans and their last step, last year's "not completed" evaluations, matched by folded names."""

from __future__ import annotations

import datetime as dt

import pytest

from elections import people
from elections.models import Rating
from hamlets.models import Hamlet
from tests.factories import (
    ChiefElectionFactory,
    ChiefEvaluationFactory,
    ChiefPlanFactory,
    CongressFactory,
    HamletFactory,
    PartyCellFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date(2024, 6, 30)


def facts(term, as_of=D):
    return people.people_facts(Hamlet.objects.all(), term, as_of)


def test_chief_in_office_is_the_latest_election_on_the_date_and_admission_counts_from_its_day():
    term = TermFactory()
    hamlet = HamletFactory(term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 6, 1), chief="Lò Văn Cũ")
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2024, 3, 1), chief="Lò Văn Mới",
                         chief_member_since=dt.date(2024, 7, 1), chief_birth_year=1960, chief_gender="male",
                         chief_ethnicity="Dân tộc Thái")
    row = facts(term).get()
    assert (row.p_chief, row.p_birth_year, row.p_minority, row.p_member) == ("Lò Văn Mới", 1960, True, False)
    assert facts(term).filter(people.NON_MEMBER).count() == 1
    assert facts(term, dt.date(2024, 7, 1)).filter(people.MEMBER).count() == 1
    assert facts(term, dt.date(2024, 2, 1)).get().p_chief == "Lò Văn Cũ"
    assert facts(term).filter(people.aged(D, at_least=60)).count() == 1  # 2024 - 1960 = 64


def test_age_bounds_use_the_dates_year():
    term = TermFactory()
    for year in (1964, 1965, 1984, 1985):
        ChiefElectionFactory(hamlet=HamletFactory(term=term), term=term, chief_birth_year=year)
    got = facts(term)
    assert sorted(got.filter(people.aged(D, at_least=60)).values_list("p_birth_year", flat=True)) == [1964]
    assert sorted(got.filter(people.aged(D, under=40)).values_list("p_birth_year", flat=True)) == [1985]


def test_plan_matches_the_folded_name_and_stalls_after_180_days():
    term = TermFactory()
    hamlet = HamletFactory(term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, chief="Nguyễn Văn Hoà")
    ChiefPlanFactory(hamlet=hamlet, term=term, chief="  nguyễn văn HÒA ", started_on=dt.date(2023, 1, 1),
                     course_on=D - dt.timedelta(days=180), application_on=D + dt.timedelta(days=1))
    assert facts(term).filter(people.WITH_PLAN).count() == 1
    assert facts(term).filter(people.stalled(D)).count() == 0
    assert facts(term, D + dt.timedelta(days=1)).get().p_plan_step == D + dt.timedelta(days=1)
    later = D - dt.timedelta(days=180) + dt.timedelta(days=181)
    assert facts(term, later).filter(people.stalled(later)).count() == 0  # the application on D+1 is a step
    # a plan started after the date does not count
    assert facts(term, dt.date(2022, 12, 31)).filter(people.WITH_PLAN).count() == 0


def test_plan_without_later_steps_is_stalled_on_day_181():
    term = TermFactory()
    hamlet = HamletFactory(term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, chief="Vàng A Sùng")
    ChiefPlanFactory(hamlet=hamlet, term=term, chief="Vàng A Sùng", started_on=dt.date(2024, 1, 1))
    day180, day181 = dt.date(2024, 1, 1) + dt.timedelta(days=180), dt.date(2024, 1, 1) + dt.timedelta(days=181)
    assert facts(term, day180).filter(people.stalled(day180)).count() == 0
    assert facts(term, day181).filter(people.stalled(day181)).count() == 1


def test_not_completed_last_year_until_a_by_election():
    term = TermFactory()
    hamlet = HamletFactory(term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, chief="Hà Thị Thuỷ", held_on=dt.date(2022, 6, 1))
    ChiefEvaluationFactory(hamlet=hamlet, year=2023, chief="Hà Thị Thủy", rating=Rating.NOT_COMPLETED)
    assert facts(term).filter(people.NOT_COMPLETED).count() == 1
    ChiefElectionFactory(hamlet=hamlet, term=term, chief="Hà Văn Mới", held_on=dt.date(2024, 5, 1))
    assert facts(term).filter(people.NOT_COMPLETED).count() == 0
    assert facts(term, dt.date(2024, 4, 30)).filter(people.NOT_COMPLETED).count() == 1


def test_congress_and_secretary_profile():
    term = TermFactory()
    cell = PartyCellFactory(hamlet=HamletFactory(term=term))
    CongressFactory(cell=cell, term=term, secretary_gender="female", secretary_ethnicity="Mông")
    row = facts(term).filter(people.CONGRESS).get()
    assert (row.p_secretary_gender, row.p_secretary_minority) == ("female", True)


def test_chief_of_the_earlier_term_is_not_in_office_for_the_later_one():
    old, new = TermFactory(), TermFactory(start_year=2025, end_year=2027)
    hamlet = HamletFactory(term=old)
    ChiefElectionFactory(hamlet=hamlet, term=old)
    assert facts(new, dt.date(2026, 1, 1)).filter(people.IN_OFFICE).count() == 0
    assert facts(old, dt.date(2026, 1, 1)).filter(people.IN_OFFICE).count() == 1
