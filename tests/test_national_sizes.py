"""Issue 11, item 5 for the dashboards and reports: their query counts do not grow with the data.

Two countries of ``tests.test_national.build_country`` side by side: in the small one the 2025
province A holds 10 hamlets, in the large one 1,000. Each page and report of province A is asked for in
both, as of an earlier date, a 2025 date and an earlier date regrouped by the 2025 communes, and must cost
the same number of queries.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections.reports import MeetingReport
from elections.reports.meeting import QUERIES, QUERIES_2025
from hamlets.models import District, Hamlet
from tests.personas import make_user
from tests.test_national import EARLY, LATER, build_country
from tests.test_national_dashboard import client_for

pytestmark = pytest.mark.django_db

PERIODS = {"earlier": (EARLY, None), "2025": (LATER, None), "regrouped": (EARLY, "2025")}


@pytest.fixture
def countries(term):
    small = build_country(term, sizes=(5, 5, 1))
    large = build_country(term, sizes=(500, 500, 1), base=100)
    assert Hamlet.objects.filter(province=small.new["A0"]).count() == 10
    assert Hamlet.objects.filter(province=large.new["A100"]).count() == 1000
    return small.new["A0"], large.new["A100"]


def query(as_of, units, **extra) -> dict[str, object]:
    return {"term": "2022-2025", "as_of": as_of.isoformat(), **({"units": units} if units else {}), **extra}


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("who", ["staff", "admin", "central"])
def test_province_dashboard_and_download(countries, period, who):
    as_of, units = PERIODS[period]
    clients = {}
    for province in countries:
        user = (make_user(f"tinh{province.code}", province=province) if who == "staff" else
                make_user(f"root{province.code}", superuser=True) if who == "admin" else
                make_user(f"tw{province.code}", national=True))
        clients[province] = client_for(user)
        clients[province].get("/", query(as_of, units, province=province.code))  # warm the session
    used = []
    for province in countries:
        for url in ("/", "/report.xlsx"):
            with CaptureQueriesContext(connection) as queries:
                response = clients[province].get(url, query(as_of, units, province=province.code,
                                                            sort="gap_chief_members"))
            assert response.status_code == 200
            used.append(len(queries))
    assert used[:2] == used[2:], used


def test_district_drill_down(countries):
    client = client_for(make_user("root", superuser=True))
    used = []
    for province in countries:
        district = District.objects.filter(province__successor=province).order_by("code").first()
        client.get("/", query(EARLY, None, province=province.code, district=district.pk))
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/", query(EARLY, None, province=province.code, district=district.pk))
        assert len(page.context["rows"]) == 3
        used.append(len(queries))
    assert used[0] == used[1]


@pytest.mark.parametrize("period", PERIODS)
def test_meeting_report(countries, term, period, django_assert_num_queries):
    as_of, units = PERIODS[period]
    for province in countries:
        with django_assert_num_queries(QUERIES if period == "earlier" else QUERIES_2025):
            MeetingReport(province, term, as_of, units=units).write_xlsx(io.BytesIO())
