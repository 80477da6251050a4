"""``/officials/`` (``domain.md`` item 11): each official with an area in the user's scope, the
hamlets of the areas still missing a chief election, a congress, or with a stalled plan, counted
over the user's scope at a date; each count's list of hamlets, on screen and as xlsx."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections.models import OfficialArea
from elections.officials import count_missing, missing_hamlets, official_lines
from hamlets.models import Hamlet
from hamlets.scoping import Scope
from tests.factories import (
    ChiefElectionFactory,
    ChiefPlanFactory,
    CongressFactory,
    HamletFactory,
    OfficialFactory,
    PartyCellFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date(2025, 8, 1)
QUERY = {"term": "2022-2025", "as_of": D.isoformat()}
CODES = ("elections", "congresses", "stalled")


def assign(official, unit) -> OfficialArea:
    field = "district" if unit.__class__.__name__ == "District" else "commune"
    return OfficialArea.objects.create(official=official, **{field: unit})


@pytest.fixture
def ha_tinh(world):
    """Phường Hoành Sơn gets two hamlets more (from Xã Kỳ Nam, placed there by the conversion table): ``no_vote``
    (a cell, no election, no congress) and ``stalled`` (elected, congress held, a non-member chief whose plan
    has had no step since 2024-06-01). Nam Sơn there is complete. Phường Sông Trí gets ``st_no_vote``."""
    term = world.term
    ky_nam = world.hamlets["nam_son"].commune
    no_vote = HamletFactory(name="Thôn Chưa Bầu", commune=ky_nam, term=term)
    PartyCellFactory(hamlet=no_vote)
    stalled = HamletFactory(name="Thôn Kế Hoạch", commune=ky_nam, term=term)
    CongressFactory(cell=PartyCellFactory(hamlet=stalled), term=term, held_on=dt.date(2022, 6, 1))
    ChiefElectionFactory(hamlet=stalled, term=term, held_on=dt.date(2024, 3, 1), chief="Lò Văn Sinh")
    ChiefPlanFactory(hamlet=stalled, term=term, chief="lò văn SINH", started_on=dt.date(2024, 6, 1))
    st_no_vote = HamletFactory(name="Thôn Sông", commune=world.hamlets["ha_tan"].commune, term=term)
    assert {no_vote.new_commune, stalled.new_commune} == {world.communes["hoanh_son"]}
    assert st_no_vote.new_commune == world.communes["song_tri"]
    world.hamlets.update(no_vote=no_vote, stalled=stalled, st_no_vote=st_no_vote)
    province = world.new_province
    officials = {
        "hoanh_son": OfficialFactory(province=province, name="Trần Văn Hoành", phone="0912 000 111"),
        "song_tri": OfficialFactory(province=province, name="Lê Thị Sông"),
        "ky_anh": OfficialFactory(province=province, name="Phan Văn Kỳ"),
        "both": OfficialFactory(province=province, name="Võ Văn Hai"),
    }
    assign(officials["hoanh_son"], world.communes["hoanh_son"])
    assign(officials["song_tri"], world.communes["song_tri"])
    assign(officials["ky_anh"], ky_nam.district)
    assign(officials["both"], world.communes["hoanh_son"])
    assign(officials["both"], world.communes["song_tri"])
    world.officials = officials
    return world


def counts(world, who: str, as_of: dt.date = D) -> dict[str, tuple[int, int, int, int]]:
    by_id = count_missing(world.users[who], world.term, as_of)
    names = {o.pk: key for key, o in world.officials.items()}
    return {names[pk]: (c.hamlets, *(c.missing[code] for code in CODES)) for pk, c in by_id.items()}


def test_each_official_counts_the_hamlets_of_the_areas(ha_tinh):
    assert counts(ha_tinh, "ht_staff") == {
        # Nam Sơn, Chưa Bầu, Kế Hoạch: one without an election, its cell without a congress; one stalled plan
        "hoanh_son": (3, 1, 1, 1),
        "song_tri": (2, 1, 0, 0),  # Hà Tân (complete), Sông (no election, no cell)
        # the district's hamlets by their earlier commune: both phường's, and the two unplaced ones
        "ky_anh": (7, 4, 1, 1),
        "both": (5, 2, 1, 1),
    }


def test_a_hamlet_in_two_areas_of_one_official_counts_once(ha_tinh):
    assign(ha_tinh.officials["both"], ha_tinh.hamlets["nam_son"].commune.district)
    assert counts(ha_tinh, "ht_staff")["both"] == counts(ha_tinh, "ht_staff")["ky_anh"] == (7, 4, 1, 1)


def test_counts_at_a_date(ha_tinh):
    # 1 July 2024: the plan's last step (1 June) is 30 days old; Kế Hoạch has its chief (elected 1 March)
    assert counts(ha_tinh, "ht_staff", dt.date(2024, 7, 1))["hoanh_son"] == (3, 1, 1, 0)
    # 1 December 2024: 183 days since the start: stalled
    assert counts(ha_tinh, "ht_staff", dt.date(2024, 12, 1))["hoanh_son"] == (3, 1, 1, 1)
    # 1 June 2022: nobody elected yet; Nam Sơn's and Kế Hoạch's congresses held (30 May, 1 June); no plan
    assert counts(ha_tinh, "ht_staff", dt.date(2022, 6, 1))["hoanh_son"] == (3, 3, 1, 0)
    assert counts(ha_tinh, "ht_staff", dt.date(2022, 5, 31))["hoanh_son"] == (3, 3, 2, 0)


def test_a_chief_who_became_a_member_ends_the_plan(ha_tinh):
    ha_tinh.hamlets["stalled"].chief_elections.update(chief_member_since=dt.date(2025, 1, 1))
    assert counts(ha_tinh, "ht_staff")["hoanh_son"] == (3, 1, 1, 0)


def test_a_commune_board_sees_its_officials_counted_over_its_own_hamlets(ha_tinh):
    # Sông Trí's official and the district's are not of Hoành Sơn; "both" is counted over Hoành Sơn only
    assert counts(ha_tinh, "commune_board") == {"hoanh_son": (3, 1, 1, 1), "both": (3, 1, 1, 1)}
    assert counts(ha_tinh, "other_commune") == {"song_tri": (2, 1, 0, 0), "both": (2, 1, 0, 0)}
    assert counts(ha_tinh, "ky_anh_board") == {"ky_anh": (7, 4, 1, 1)}
    assert counts(ha_tinh, "outsider") == counts(ha_tinh, "board") == {}
    lines = {line.official.name: [str(a.unit) for a in line.areas]
             for line in official_lines(ha_tinh.users["commune_board"], ha_tinh.term, D)}
    assert lines == {"Trần Văn Hoành": ["Phường Hoành Sơn"], "Võ Văn Hai": ["Phường Hoành Sơn"]}


def test_the_page_shows_only_the_officials_of_the_scope(ha_tinh):
    page = ha_tinh.client("other_commune").get("/officials/", QUERY)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lê Thị Sông" in html and "Võ Văn Hai" in html
    assert "Trần Văn Hoành" not in html and "Phan Văn Kỳ" not in html and "Phường Hoành Sơn" not in html
    mine = ha_tinh.client("ht_staff").get("/officials/", QUERY).content.decode()
    assert all(o.name in mine for o in ha_tinh.officials.values())
    assert "0912 000 111" in mine
    assert "Chưa có cán bộ" in ha_tinh.client("outsider").get("/officials/", QUERY).content.decode()


def test_the_page_defaults_to_the_dashboards_term_and_today(ha_tinh):
    page = ha_tinh.client("ht_staff").get("/officials/")
    assert page.context["period"].term == ha_tinh.term
    assert {line.official.name: line.counts.hamlets for line in page.context["lines"]}["Trần Văn Hoành"] == 3


def listed(world, who: str, official, code: str, **query: str) -> list[str]:
    page = world.client(who).get(f"/officials/{official.pk}/hamlets/{code}/", {**QUERY, **query})
    assert page.status_code == 200
    return sorted(row.record.name for row in page.context["table"].rows)


@pytest.mark.parametrize("who", ["ht_staff", "commune_board", "other_commune", "ky_anh_board"])
def test_the_links_list_exactly_the_hamlets_counted(ha_tinh, who):
    user = ha_tinh.users[who]
    for official_id, got in count_missing(user, ha_tinh.term, D).items():
        official = next(o for o in ha_tinh.officials.values() if o.pk == official_id)
        for code in CODES:
            names = listed(ha_tinh, who, official, code)
            assert len(names) == got.missing[code]
            assert names == sorted(missing_hamlets(user, official, code, ha_tinh.term, D).values_list("name",
                                                                                                  flat=True))


def test_the_lists_name_the_hamlets(ha_tinh):
    hoanh = ha_tinh.officials["hoanh_son"]
    assert listed(ha_tinh, "ht_staff", hoanh, "elections") == ["Thôn Chưa Bầu"]
    assert listed(ha_tinh, "ht_staff", hoanh, "congresses") == ["Thôn Chưa Bầu"]
    assert listed(ha_tinh, "ht_staff", hoanh, "stalled") == ["Thôn Kế Hoạch"]
    assert listed(ha_tinh, "ht_staff", hoanh, "elections", as_of="2022-06-01") == [
        "Thôn Chưa Bầu", "Thôn Kế Hoạch", "Tổ dân phố Nam Sơn"]
    # the district's: the unplaced Đông Yên and Long Sơn (no election) are its hamlets too
    assert listed(ha_tinh, "ky_anh_board", ha_tinh.officials["ky_anh"], "elections") == sorted(
        ["Thôn Chưa Bầu", "Thôn Long Sơn", "Thôn Sông", "Thôn Đông Yên"])


def test_another_units_user_gets_404_for_an_official_of_another_unit(ha_tinh):
    url = f"/officials/{ha_tinh.officials['hoanh_son'].pk}/hamlets/elections/"
    assert ha_tinh.client("other_commune").get(url, QUERY).status_code == 404
    assert ha_tinh.client("outsider").get(url, QUERY).status_code == 404
    assert ha_tinh.client("commune_board").get(url, QUERY).status_code == 200
    assert ha_tinh.client("commune_board").get(url.replace("elections", "nothing"), QUERY).status_code == 404
    assert ha_tinh.client("commune_board").get(url, {**QUERY, "_export": "pdf"}).status_code == 404


def test_the_list_downloads_as_xlsx(ha_tinh):
    url = f"/officials/{ha_tinh.officials['hoanh_son'].pk}/hamlets/stalled/"
    response = ha_tinh.client("ht_staff").get(url, {**QUERY, "_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Thôn, xóm", "Xã, phường"]
    assert len(rows) == 2
    assert rows[1][0] == "Thôn Kế Hoạch" and rows[1][1] == "Phường Hoành Sơn"
    assert "Lò Văn Sinh" in rows[1]
    assert any(str(value).startswith("Hoàng Văn Giúp") for value in rows[1])  # the mentor
    assert (D - dt.date(2024, 6, 1)).days in rows[1]
    csv = ha_tinh.client("ht_staff").get(url.replace("stalled", "elections"), {**QUERY, "_export": "csv"})
    assert "Thôn Chưa Bầu" in csv.getvalue().decode("utf-8-sig")


def grow(world, n: int, first: int = 0) -> None:
    """``n`` hamlets more in Hoành Sơn, each without an election, with a cell without a congress."""
    ky_nam = world.hamlets["nam_son"].commune
    for i in range(first, first + n):
        hamlet = HamletFactory(name=f"Xóm Thêm {i}", commune=ky_nam, term=world.term)
        PartyCellFactory(hamlet=hamlet)


def queries(client, url: str, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_query_counts_are_fixed_whatever_the_number_of_hamlets(ha_tinh):
    client = ha_tinh.client("ht_staff")
    hamlets_url = f"/officials/{ha_tinh.officials['hoanh_son'].pk}/hamlets/elections/"
    grow(ha_tinh, 2)
    small = queries(client, "/officials/", QUERY), queries(client, hamlets_url, QUERY)
    xlsx = queries(client, hamlets_url, {**QUERY, "_export": "xlsx"})
    for _ in range(3):  # more officials too
        assign(OfficialFactory(province=ha_tinh.new_province), ha_tinh.communes["vung_ang"])
    grow(ha_tinh, 60, first=2)
    assert Hamlet.objects.count() > 60
    assert (queries(client, "/officials/", QUERY), queries(client, hamlets_url, QUERY)) == small
    assert queries(client, hamlets_url, {**QUERY, "_export": "xlsx"}) == xlsx
    assert counts(ha_tinh, "ht_staff")["hoanh_son"] == (65, 63, 63, 1)


def test_the_counts_are_one_query(ha_tinh, django_assert_num_queries):
    user = ha_tinh.users["ht_staff"]
    Scope.of(user)  # the scope is read once, then kept on the user
    with django_assert_num_queries(1):
        count_missing(user, ha_tinh.term, D)


def test_the_menu_offers_the_page_to_everyone_with_a_scope(ha_tinh):
    for who in ("ht_staff", "commune_board", "ky_anh_board", "national"):
        assert 'href="/officials/"' in ha_tinh.client(who).get("/hamlets/").content.decode()


def test_a_district_official_does_not_reach_a_hamlet_first_entered_in_2025(ha_tinh):
    new_only = HamletFactory(name="Thôn Mới Lập", commune=None, new_commune=ha_tinh.communes["hoanh_son"],
                             term=ha_tinh.term)
    assert new_only.commune is None
    got = counts(ha_tinh, "ht_staff")
    assert got["ky_anh"] == (7, 4, 1, 1)
    assert got["hoanh_son"] == (4, 2, 1, 1)


def test_a_name_an_xlsx_sheet_may_not_hold_still_downloads(ha_tinh):
    official = ha_tinh.officials["hoanh_son"]
    official.name = "Trần Văn Hoành [Phó ban]: A/B"
    official.save()
    url = f"/officials/{official.pk}/hamlets/elections/"
    response = ha_tinh.client("ht_staff").get(url, {**QUERY, "_export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[2]][0] == "Thôn Chưa Bầu"
