"""The dashboard and the report download, as provincial staff and district boards see them."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.test import Client

from elections.dashboard import RATIO_CODES
from elections.figures import Figures, Ratio
from elections.models import OfficialArea, Target
from hamlets.models import Commune, Hamlet
from tests.factories import ChiefPlanFactory, OfficialFactory
from tests.personas import make_user
from tests.scenarios import QUY_HOP_2022, THANH_CHUONG_2022, Published, build_district

pytestmark = pytest.mark.django_db
JULY_15 = dt.date(2022, 7, 15)
PERIOD = {"term": "2022-2025", "as_of": "2022-07-15"}


@pytest.fixture
def province(term, nghe_an, district_of):
    districts = {
        "thanh_chuong": district_of("Huyện Thanh Chương"),
        "quy_hop": district_of("Huyện Quỳ Hợp"),
        "nam_dan": district_of("Huyện Nam Đàn"),  # no hamlets yet
    }
    build_district(districts["thanh_chuong"], term, JULY_15, THANH_CHUONG_2022)
    build_district(districts["quy_hop"], term, JULY_15, QUY_HOP_2022,
        special_area=lambda i: i < 50)
    Target.objects.create(province=nghe_an, term=term, metric="Chiefs who are Party members", percent=100)
    Target.objects.create(province=nghe_an, term=term, metric="Chiefs who are Party members", percent=95,
                          special_area_only=True)
    Target.objects.create(province=nghe_an, district=districts["quy_hop"], term=term,
                          metric="Chiefs who are Party members", percent=90)
    return districts


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_provincial_dashboard_shows_each_district_with_counts_and_targets(nghe_an, province):
    page = client_for(make_user("tinh", province=nghe_an)).get("/", PERIOD)
    assert page.status_code == 200
    rows = {r.name: r for r in page.context["rows"]}
    assert list(rows) == ["Huyện Thanh Chương", "Huyện Quỳ Hợp", "Huyện Nam Đàn"]  # every official district
    tc, qh = rows["Huyện Thanh Chương"], rows["Huyện Quỳ Hợp"]
    assert (tc.measures["elections"].ratio.numerator, tc.measures["elections"].ratio.denominator) == (218, 234)
    assert tc.measures["chief_members"].target == 100 and qh.measures["chief_members"].target == 90
    assert qh.special["chief_members"].target == 95
    assert rows["Huyện Nam Đàn"].hamlets == 0
    assert page.context["total"].ratios["elections"].numerator == 218 + 214
    text = page.content.decode()
    assert "214/218" in text and "98,17\u00a0%" in text  # count and denominator beside the percentage
    assert "<svg" in text and "Tiến độ theo tuần" in text


def test_english_numbers_and_labels(nghe_an, province):
    client = client_for(make_user("tinh", province=nghe_an))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get("/", PERIOD).content.decode()
    assert "98.17%" in text


def test_each_language_keeps_its_own_percentages_one_request_after_another(nghe_an, province):
    """Shown percentages are shared between requests (issue 11), by language: Vietnamese then English then
    Vietnamese again, each page writes its own."""
    client = client_for(make_user("tinh", province=nghe_an))
    pages = []
    for language in ("vi", "en", "vi"):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        pages.append(client.get("/", PERIOD).content.decode())
    assert "<small>98,17\u00a0%</small>" in pages[0] and "<small>98.17%</small>" not in pages[0]
    assert "<small>98.17%</small>" in pages[1] and "98,17" not in pages[1]
    shown = [re.findall(r"<small>([^<]*)</small>", page) for page in pages]
    assert shown[2] == shown[0] != shown[1] and len(shown[0]) == len(shown[1]) > 20


@pytest.mark.parametrize("level", ["district", "commune"])
def test_the_special_area_figures_of_the_one_query_are_those_of_a_special_only_query(nghe_an, province, term,
                                                                                      level):
    """The dashboard counts all hamlets and the special-area ones in one query (``by_with_special``): per
    unit, exactly what two queries gave, special-area figures of a unit without such hamlets 0/0."""
    hamlets = Hamlet.objects.in_province(nghe_an)
    whole, special = Figures(hamlets, term, JULY_15).by_with_special(level, RATIO_CODES)
    assert {unit: dict(ratios) for unit, ratios in whole.items()} == {
        unit: dict(ratios) for unit, ratios in Figures(hamlets, term, JULY_15).by(level).items()}
    alone = Figures(hamlets, term, JULY_15, special_only=True).by(level, RATIO_CODES)
    assert alone and set(alone) < set(special)  # Thanh Chương has no special-area hamlets
    assert {unit: dict(special[unit]) for unit in alone} == {unit: dict(ratios) for unit, ratios in alone.items()}
    assert all(ratio == Ratio(0, 0) for unit in set(special) - set(alone) for ratio in special[unit].values())
    assert any(ratio.numerator for ratios in alone.values() for ratio in ratios.values())
    shown = ("elections", "cells_at_risk")  # only the figures a dashboard names, the same
    named, named_special = Figures(hamlets, term, JULY_15).by_with_special(level, ["elections"], shown)
    assert {unit: dict(ratios) for unit, ratios in named.items()} == {
        unit: {code: whole[unit][code] for code in shown} for unit in whole}
    assert {unit: dict(ratios) for unit, ratios in named_special.items()} == {
        unit: {"elections": special[unit]["elections"]} for unit in special}


# session, user, scope, term, province; figures by unit, of all hamlets and the special-area ones (one
# query; the totals are their sums), the districts' names, the targets; weekly progress (two); admissions
# (members, targets); the people tables (officials' areas, people figures by unit: issue 12); the terms
# of the selector.
DASHBOARD_QUERIES = 15


def test_dashboard_query_count_is_fixed(nghe_an, province, term, district_of, django_assert_num_queries):
    client = client_for(make_user("tinh", province=nghe_an))
    client.get("/", PERIOD)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get("/", PERIOD)
    more = district_of("Huyện Yên Thành")
    hamlets = build_district(more, term, JULY_15, Published(hamlets=50, elected=40, chief_members=30, cells=50,
                                                            congresses=45))
    for hamlet in hamlets[30:40]:  # the non-member chiefs get plans, the district officials
        election = hamlet.chief_elections.get()
        election.save()  # bulk-created: save() works out the folded name plans are matched by
        ChiefPlanFactory(hamlet=hamlet, term=term, chief=election.chief, started_on=dt.date(2022, 7, 1))
    for name in ("Lê Văn Một", "Lê Văn Hai"):
        OfficialArea.objects.create(official=OfficialFactory(province=nghe_an, name=name), district=more)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = client.get("/", PERIOD)
    lines = {line.row.unit_id: line for line in page.context["people"]}
    assert lines[more.pk].ratios["with_plan"] == Ratio(10, 10) and len(lines[more.pk].officials) == 2


def test_drill_down_to_a_district_and_its_missing_hamlets(nghe_an, province):
    client = client_for(make_user("tinh", province=nghe_an))
    quy_hop = province["quy_hop"]
    page = client.get("/", {**PERIOD, "district": quy_hop.pk})
    assert page.status_code == 200
    names = [r.name for r in page.context["rows"]]
    assert names == list(Commune.objects.filter(district=quy_hop).order_by("code").values_list("name", flat=True))
    commune = Commune.objects.filter(district=quy_hop).order_by("code").first()
    link = f"commune={commune.pk}&amp;chief_member=false"
    assert link in page.content.decode()
    missing = client.get("/hamlets/", {**PERIOD, "commune": commune.pk, "chief_member": "false"})
    expected = Hamlet.objects.filter(commune=commune).count() - sum(
        1 for h in Hamlet.objects.filter(commune=commune) if int(h.name.split()[-1]) - 1 < 202)
    assert missing.context["table"].paginator.count == expected


def test_district_board_sees_its_communes_only(nghe_an, province):
    board = make_user("tc", district=province["thanh_chuong"])
    page = client_for(board).get("/", {**PERIOD, "district": province["quy_hop"].pk})
    assert page.status_code == 200
    assert {r.name for r in page.context["rows"]} == set(Commune.objects.filter(
        district=province["thanh_chuong"]).values_list("name", flat=True))
    assert page.context["total"].hamlets == 234


def test_other_province_is_not_found(nghe_an, province):
    from tests.factories import ProvinceFactory

    far = ProvinceFactory(name="Tỉnh Điện Biên")
    outsider = client_for(make_user("db", province=far))
    assert outsider.get("/", {**PERIOD, "province": nghe_an.code}).status_code == 404
    assert outsider.get("/", {**PERIOD, "district": province["quy_hop"].pk}).status_code == 404
    assert outsider.get("/report.xlsx", {**PERIOD, "province": nghe_an.code}).status_code == 404


def test_report_download_for_the_same_period_and_scope(nghe_an, province):
    staff = client_for(make_user("tinh", province=nghe_an))
    response = staff.get("/report.xlsx", {**PERIOD, "province": nghe_an.code})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Districts", "Communes", "Admissions", "People"]
    rows = list(book["Districts"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "District")
    by_name = {r[0]: r for r in rows[header + 1:]}
    assert by_name["Huyện Thanh Chương"][1:3] == (234, 218)
    board = client_for(make_user("tc", district=province["thanh_chuong"]))
    mine = openpyxl.load_workbook(io.BytesIO(board.get("/report.xlsx", PERIOD).content))
    names = [r[0] for r in mine["Districts"].iter_rows(values_only=True) if r[0] and r[0].startswith("Huyện")]
    assert names == ["Huyện Thanh Chương"]


def test_bad_period_falls_back_with_a_message(nghe_an, province):
    page = client_for(make_user("tinh", province=nghe_an)).get("/", {"term": "1999-2000", "as_of": "hôm qua"})
    assert page.status_code == 200
    assert len(page.context["period"].errors) == 2


def test_report_without_province_is_the_province_the_dashboard_shows(nghe_an, province):
    staff = client_for(make_user("tinh", province=nghe_an))
    assert staff.get("/", PERIOD).context["province"] == nghe_an
    response = staff.get("/report.xlsx", PERIOD)
    assert response.status_code == 200 and f"-{nghe_an.code}-" in response["Content-Disposition"]
    # an administrator lands on the country (tests/test_national_dashboard.py), and so does the report
    admin = client_for(make_user("root", superuser=True))
    assert admin.get("/", PERIOD).context["national"] is True
    response = admin.get("/report.xlsx", PERIOD)
    assert response.status_code == 200 and 'filename="national-' in response["Content-Disposition"]
    response = admin.get("/report.xlsx", {**PERIOD, "province": nghe_an.code})
    assert response.status_code == 200 and f"-{nghe_an.code}-" in response["Content-Disposition"]


@pytest.mark.parametrize("as_of", ["9999-12-31", "9999-12-25", "0001-01-01", "1900-01-01", "2999-01-01"])
def test_as_of_outside_the_data_range_is_clamped_with_a_message(as_of):
    from tests.factories import ChiefElectionFactory, HamletFactory, TermFactory
    from tests.personas import make_user

    hamlet = HamletFactory()
    ChiefElectionFactory(hamlet=hamlet, term=TermFactory())
    client = Client()
    client.force_login(make_user("staff", province=hamlet.province))
    response = client.get(f"/?term=2022-2025&as_of={as_of}")
    assert response.status_code == 200
    assert len(response.content) < 500_000
    text = response.content.decode()
    assert "chưa tới" in text or "trước 01/01/1930" in text


def test_a_typo_in_a_year_does_not_stretch_the_weekly_chart():
    import datetime as dt

    from elections.progress import weekly_progress
    from tests.factories import ChiefElectionFactory, HamletFactory, TermFactory

    term = TermFactory()
    typo, right = HamletFactory(), HamletFactory()
    ChiefElectionFactory(hamlet=typo, term=term, held_on=dt.date(1932, 5, 1))  # 2022 typed 1932
    ChiefElectionFactory(hamlet=right, term=term, held_on=dt.date(2022, 5, 1))
    progress = weekly_progress(Hamlet.objects.all(), term, dt.date(2022, 7, 15))
    assert progress.weeks[0] >= dt.date(2020, 12, 28) and len(progress.weeks) < 90
    assert progress.elections[0] == 1 and progress.elections[-1] == 2


def test_weekly_progress_counts_each_hamlet_once_at_its_first_event(django_assert_num_queries):
    """A by-election does not count the hamlet again; a hamlet without a record for the term, an
    election after the date and a congress of a hamlet whose record has no cell count nowhere."""
    import datetime as dt

    from elections.progress import weekly_progress
    from tests.factories import ChiefElectionFactory, CongressFactory, HamletFactory, PartyCellFactory, TermFactory

    term = TermFactory()
    first, second, unrecorded = HamletFactory(term=term), HamletFactory(term=term), HamletFactory(term=False)
    ChiefElectionFactory(hamlet=first, term=term, held_on=dt.date(2022, 5, 2))  # Monday, week 1
    ChiefElectionFactory(hamlet=first, term=term, held_on=dt.date(2022, 5, 18))  # a by-election, week 3
    ChiefElectionFactory(hamlet=second, term=term, held_on=dt.date(2022, 5, 11))  # week 2
    ChiefElectionFactory(hamlet=second, term=term, held_on=dt.date(2022, 8, 1))  # after the date
    ChiefElectionFactory(hamlet=unrecorded, term=term, held_on=dt.date(2022, 5, 3))
    CongressFactory(cell=PartyCellFactory(hamlet=first), term=term, held_on=dt.date(2022, 5, 4))
    CongressFactory(cell=PartyCellFactory(hamlet=second, records=False), term=term, held_on=dt.date(2022, 5, 4))
    with django_assert_num_queries(2):
        progress = weekly_progress(Hamlet.objects.all(), term, dt.date(2022, 5, 25))
    at = {week: (e, c) for week, e, c in zip(progress.weeks, progress.elections, progress.congresses, strict=True)}
    assert at[dt.date(2022, 5, 2)] == (1, 1)
    assert at[dt.date(2022, 5, 9)] == (2, 1)
    assert at[dt.date(2022, 5, 16)] == (2, 1) and progress.weeks[-1] == dt.date(2022, 5, 23)
