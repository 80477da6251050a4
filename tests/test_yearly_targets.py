"""Yearly targets (``domain.md`` item 12): the unit's target for the as-of date's year, the unit's term
target, the province's target for the year, the province's term target; on the dashboard, in the
meeting report and in the national tables."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from elections.models import Target
from elections.reports import MeetingReport
from elections.reports.national import province_target_tables
from hamlets.scoping import FULL_SCOPE
from tests.factories import ChiefElectionFactory, HamletFactory, NewCommuneFactory
from tests.personas import make_user

pytestmark = pytest.mark.django_db
MEMBERS = "Chiefs who are Party members"


@pytest.fixture
def targets(term, nghe_an, district_of):
    own, other = district_of("Huyện Quế Phong"), district_of("Huyện Kỳ Sơn")

    def target(percent, district=None, year=None, special=False, metric=MEMBERS):
        Target.objects.create(province=nghe_an, district=district, term=term, metric=metric, percent=percent,
                              year=year, special_area_only=special)

    target(100)
    target(80, year=2023)
    target(95, district=own)
    target(70, district=own, year=2024)
    target(60, district=own, year=2024, special=True)
    return own, other


@pytest.mark.parametrize(("year", "own", "other"), [
    (2022, 95, 100),  # no annual plan that year: the term targets
    (2023, 95, 80),  # the district's term target comes before the province's annual plan
    (2024, 70, 100),  # the district's annual plan first
    (None, 95, 100),  # no year: the term targets only
])
def test_lookup_order(term, nghe_an, targets, year, own, other):
    table = Target.objects.for_province(nghe_an, term, year)
    assert table.get(MEMBERS, targets[0].pk) == own
    assert table.get(MEMBERS, targets[1].pk) == other
    assert table.get(MEMBERS) == (80 if year == 2023 else 100)  # the province itself


def test_a_target_added_after_a_lookup_is_found(term, nghe_an, targets):
    """The table remembers the province's targets and which units have their own: a row added later (the
    national tables add row by row) is found all the same, before the province's."""
    own, other = targets
    table = Target.objects.for_province(nghe_an, term, 2024)
    assert table.get(MEMBERS) == 100 and table.get(MEMBERS, other.pk) == 100
    table.add(None, None, MEMBERS, False, 2024, 90)  # the province's annual plan
    assert table.get(MEMBERS) == 90 and table.get(MEMBERS, other.pk) == 90 and table.get(MEMBERS, own.pk) == 70
    table.add(other.pk, None, MEMBERS, False, None, 55)  # the other district's term target
    assert table.get(MEMBERS, other.pk) == 55 and table.get(MEMBERS) == 90
    table.add(other.pk, None, MEMBERS, False, 2023, 10)  # another year's: left out
    assert table.get(MEMBERS, other.pk) == 55


def test_the_special_area_flag_and_the_metric_keep_apart(term, nghe_an, targets):
    table = Target.objects.for_province(nghe_an, term, 2024)
    assert table.get(MEMBERS, targets[0].pk, special_area_only=True) == 60
    assert table.get(MEMBERS, targets[1].pk, special_area_only=True) is None
    assert Target.objects.for_province(nghe_an, term, 2023).get(MEMBERS, targets[0].pk, True) is None
    assert table.get("Congresses completed", targets[0].pk) is None


def test_a_commune_of_the_2025_list(term):
    commune = NewCommuneFactory()
    province = commune.province
    Target.objects.create(province=province, term=term, metric=MEMBERS, percent=100)
    Target.objects.create(province=province, term=term, metric=MEMBERS, percent=85, year=2025)
    Target.objects.create(province=province, commune=commune, term=term, metric=MEMBERS, percent=75, year=2025)
    assert Target.objects.for_province(province, term, 2025).get(MEMBERS, commune_id=commune.pk) == 75
    assert Target.objects.for_province(province, term, 2024).get(MEMBERS, commune_id=commune.pk) == 100


def test_national_tables_read_the_year(term, nghe_an, targets):
    province_id = nghe_an.current_id
    tables = province_target_tables(FULL_SCOPE, term, metrics=[MEMBERS], province_wide=True, year=2023)
    assert tables[province_id].get(MEMBERS) == 80
    tables = province_target_tables(FULL_SCOPE, term, metrics=[MEMBERS], province_wide=True, year=2024)
    assert tables[province_id].get(MEMBERS) == 100


def test_dashboard_and_report_measure_against_the_years_target(term, nghe_an, targets):
    own, _other = targets
    ChiefElectionFactory(hamlet=HamletFactory(term=term, commune__district=own), term=term)
    client = Client()
    client.force_login(make_user("tinh", province=nghe_an))
    for as_of, expected in ((dt.date(2024, 7, 15), 70), (dt.date(2023, 7, 15), 95)):
        page = client.get("/", {"term": "2022-2025", "as_of": as_of.isoformat()})
        rows = {r.unit_id: r for r in page.context["rows"]}
        assert rows[own.pk].measures["chief_members"].target == expected
        report = MeetingReport(nghe_an, term, as_of)
        (row,) = [r for r in report.districts_rows() if r.district_id == own.pk]
        assert row.target_percent == expected
