"""The national dashboard: central staff and administrators get the country per province, then drill down.

The country is ``tests.test_national.build_country``: the earlier provinces A1, A2, B1 and X (no hamlets)
before 1 July 2025, the 2025 provinces A, B and C (no hamlets) from then on.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elections.dashboard import COUNT_CODES, RATIO_CODES
from elections.figures import Figures
from elections.models import AdmissionTarget, Metric, Target
from hamlets.models import Commune, District, Hamlet, PartyMember
from tests.personas import make_user
from tests.test_national import EARLY, LATER, build_country

pytestmark = pytest.mark.django_db

PERIOD_EARLY = {"term": "2022-2025", "as_of": EARLY.isoformat()}
PERIOD_LATER = {"term": "2022-2025", "as_of": LATER.isoformat()}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def country(term):
    return build_country(term)


@pytest.fixture
def central():
    return client_for(make_user("central", national=True))


def names(page) -> list[str]:
    return [row.name for row in page.context["rows"]]


def test_central_staff_see_the_earlier_provinces_before_1_july_2025(country, central, term):
    page = central.get("/", PERIOD_EARLY)
    assert page.status_code == 200 and page.context["national"]
    assert names(page) == ["Tỉnh Cũ A1 0", "Tỉnh Cũ A2 0", "Tỉnh Cũ B1 0", "Tỉnh Cũ X 0"]
    rows, total = page.context["rows"], page.context["total"]
    a1 = country.published["A10"]
    assert (rows[0].hamlets, rows[0].ratios["elections"].numerator, rows[0].ratios["chief_members"].numerator,
            rows[0].ratios["congresses"].numerator) == (a1.hamlets, a1.elected, a1.chief_members, a1.congresses)
    assert rows[3].hamlets == 0  # a province without hamlets shows zeros
    for code in ("elections", "chief_members", "congresses", "without_cell", "cells_at_risk"):
        for part in ("numerator", "denominator"):
            assert getattr(total.ratios[code], part) == sum(getattr(r.ratios[code], part) for r in rows), code
    # each province against its own target (the 2025 province it lies in), the country against none
    assert [r.measures["chief_members"].target for r in rows] == [90, 90, 80, None]
    assert [r.measures["elections"].target for r in rows] == [100, 100, None, None]
    assert total.measures["chief_members"].target is None
    # the totals, added up from the provinces' counts, are what the database counts for the whole country
    whole = Figures(Hamlet.objects.all(), term, EARLY).total()
    special = Figures(Hamlet.objects.all(), term, EARLY, special_only=True).total()
    assert all(total.ratios[code] == whole[code] for code in (*RATIO_CODES, *COUNT_CODES))
    assert all(total.special[code].ratio == special[code] for code in RATIO_CODES) and special["elections"].denominator
    text = page.content.decode()
    assert "Toàn quốc" in text and "Theo tỉnh" in text
    assert 'report.xlsx?term=2022-2025&amp;as_of=2022-07-15&amp;national=1' in text
    assert len(page.context["charts"]) == 5  # four ratios and the weekly progress


def test_from_1_july_2025_the_2025_provinces_and_units_2025_regroups(country, central):
    later = central.get("/", PERIOD_LATER)
    assert names(later) == ["Tỉnh An 0", "Thành phố Bình 0", "Tỉnh Cao 0"]
    assert [r.hamlets for r in later.context["rows"]] == [15, 5, 0]
    assert later.context["total"].hamlets == Hamlet.objects.count()
    assert not later.context["can_regroup"]
    regrouped = central.get("/", {**PERIOD_EARLY, "units": "2025"})
    assert names(regrouped) == names(later)
    a1, a2 = country.published["A10"], country.published["A20"]
    assert regrouped.context["rows"][0].ratios["elections"].numerator == a1.elected + a2.elected
    assert regrouped.context["total"].ratios == central.get("/", PERIOD_EARLY).context["total"].ratios


def test_drill_down_to_a_province_then_its_communes_and_hamlets(country, central):
    page = central.get("/", PERIOD_EARLY)
    row = page.context["rows"][0]
    assert row.drill == "province=T%E1%BB%89nh+C%C5%A9+A1+0" and not row.todo  # an earlier province: by name
    province = central.get(f"/?{page.context['province_query']}&{row.drill}")
    assert province.status_code == 200 and province.context["province"] == country.earlier["A10"]
    assert [r.name for r in province.context["rows"]] == ["Huyện A1 0"]
    assert "← Toàn quốc" in province.content.decode()
    district = District.objects.get(name="Huyện A1 0")
    communes = central.get("/", {**PERIOD_EARLY, "province": "Tỉnh Cũ A1 0", "district": district.pk})
    assert len(communes.context["rows"]) == 3
    hamlets = central.get("/hamlets/", {**PERIOD_EARLY, "commune": communes.context["rows"][0].unit_id})
    assert hamlets.status_code == 200 and "Xóm 1" in hamlets.content.decode()

    later = central.get("/", PERIOD_LATER)
    row = later.context["rows"][0]
    assert row.drill == f"province={country.new['A0'].code}"
    province = central.get(f"/?{later.context['province_query']}&{row.drill}")
    assert province.context["province"] == country.new["A0"] and len(province.context["rows"]) == 6
    first = province.context["rows"][0]
    hamlets = central.get("/hamlets/", {**PERIOD_LATER, "new_commune": first.unit_id})
    assert hamlets.status_code == 200
    assert Commune.objects.get(pk=first.unit_id).province == country.new["A0"]
    # the report of the province shown, and the province selector offers the country again
    assert province.context["report_query"].endswith(f"province={country.new['A0'].code}")
    assert '<option value="">Toàn quốc</option>' in province.content.decode()


def test_administrators_land_on_the_country_and_provincial_staff_on_their_province(country):
    admin = client_for(make_user("root", superuser=True))
    assert admin.get("/", PERIOD_LATER).context["national"]
    staff = client_for(make_user("tinh", province=country.new["B0"]))
    page = staff.get("/", PERIOD_LATER)
    assert not page.context.get("national") and page.context["province"] == country.new["B0"]
    assert "Toàn quốc" not in page.content.decode()
    assert staff.get("/", {**PERIOD_LATER, "province": country.new["A0"].code}).status_code == 404
    assert staff.get("/report.xlsx", {**PERIOD_LATER, "national": "1"}).status_code == 403


def test_sorting_filtering_and_admissions(country, central, term):
    a1_district = District.objects.get(name="Huyện A1 0")
    b1_district = District.objects.get(name="Huyện B1 0")
    for district, day, count in ((a1_district, dt.date(2022, 3, 1), 3), (b1_district, dt.date(2022, 5, 1), 2)):
        for i, hamlet in enumerate(Hamlet.objects.filter(commune__district=district)[:count]):
            PartyMember.objects.create(hamlet=hamlet, full_name=f"Người {i}", birth_year=1990, admitted_on=day,
                                       sitting_chief=i == 0)
        AdmissionTarget.objects.create(district=district, year=2022, target=5)
    PartyMember.objects.create(hamlet=Hamlet.objects.first(), full_name="Trước nhiệm kỳ", birth_year=1980,
                               admitted_on=dt.date(2019, 1, 1))  # before the term: not counted
    for k, commune in enumerate(country.communes["A0"][:2]):
        AdmissionTarget.objects.create(commune=commune, year=2025, target=4 + k)
    early = central.get("/", PERIOD_EARLY)
    assert [(early.context["unit_names"][a.unit_id], a.year, a.admitted, a.sitting_chiefs, a.target)
            for a in early.context["admissions"]] == [("Tỉnh Cũ A1 0", 2022, 3, 1, 5), ("Tỉnh Cũ B1 0", 2022, 2, 1, 5)]
    later = central.get("/", PERIOD_LATER)
    assert [(later.context["unit_names"][a.unit_id], a.year, a.admitted, a.target)
            for a in later.context["admissions"]] == [("Tỉnh An 0", 2022, 3, None), ("Tỉnh An 0", 2025, 0, 9),
                                                      ("Thành phố Bình 0", 2022, 2, None)]
    by_gap = central.get("/", {**PERIOD_EARLY, "sort": "gap_chief_members"})
    gaps = [r.measures["chief_members"].exact_gap for r in by_gap.context["rows"]]
    assert gaps[-1] is None and gaps[:-1] == sorted(gaps[:-1])
    assert names(central.get("/", {**PERIOD_EARLY, "q": "cu b1"})) == ["Tỉnh Cũ B1 0"]
    Target.objects.create(province=country.new["A0"], term=term, metric=Metric.CHIEF_MEMBERS, percent=50,
                          special_area_only=True)
    special = central.get("/", PERIOD_EARLY).context["rows"][0].special["chief_members"]
    assert special.target == 50 and special.ratio.denominator > 0


@pytest.mark.parametrize("query", [PERIOD_EARLY, PERIOD_LATER, {**PERIOD_EARLY, "units": "2025"}],
                         ids=["earlier", "2025", "regrouped"])
def test_query_count_is_fixed_for_10_and_1000_hamlets(term, query):
    country = build_country(term, sizes=(4, 3, 3))
    for district in District.objects.all():
        AdmissionTarget.objects.create(district=district, year=2022, target=5)
        PartyMember.objects.create(hamlet=Hamlet.objects.filter(commune__district=district).first(), full_name="A",
                                   birth_year=1990, admitted_on=dt.date(2022, 4, 1))
    client = client_for(make_user("central", national=True))
    client.get("/", query)  # warm the session
    used = []
    for _size in (10, 1000):
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/", {**query, "sort": "gap_chief_members"})
        assert page.status_code == 200
        used.append(len(queries))
        if len(used) == 1:
            build_country(term, sizes=(400, 300, 290), base=100, country=country)
    assert Hamlet.objects.count() == 1000
    assert used[0] == used[1] <= 14, used
    assert len(page.context["rows"]) == (8 if query is PERIOD_EARLY else 6)
    assert re.search(r"<svg", page.content.decode())
