"""The dashboard and the report download in both layouts: province → commune → hamlet list from
1 July 2025 (and with ``?units=2025``), province → district → commune before; commune boards,
sorting and filtering 130 communes."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.test_figures_2025 import AUGUST, JULY_15, LaoCai, build_lao_cai, build_sized

pytestmark = pytest.mark.django_db
LATER = {"term": "2022-2025", "as_of": AUGUST.isoformat()}
EARLY = {"term": "2022-2025", "as_of": JULY_15.isoformat()}
UNPLACED = "Chưa xếp vào xã mới"


@pytest.fixture
def lao_cai(term) -> LaoCai:
    return build_lao_cai(term)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(page) -> list[str]:
    return [row.name for row in page.context["rows"]]


def hamlet_counts(page) -> dict[str, int]:
    return {row.name: row.hamlets for row in page.context["rows"]}


def test_provincial_dashboard_of_a_2025_date_per_new_commune(lao_cai):
    page = client_for(lao_cai.user("tinh")).get("/", LATER)
    assert page.status_code == 200
    assert hamlet_counts(page) == {"Phường Cam Đường": 3, "Xã Mậu A": 1, "Xã Đông Cuông": 2, "Xã Châu Quế": 0,
                                   UNPLACED: 1}
    assert page.context["total"].hamlets == 7
    rows = {row.name: row for row in page.context["rows"]}
    assert rows["Phường Cam Đường"].measures["chief_members"].target == 90  # its own target
    assert rows["Xã Đông Cuông"].measures["chief_members"].target == 100  # the province's
    assert rows[UNPLACED].measures["chief_members"].target == 100
    assert page.context["total"].measures["chief_members"].target == 100
    html = page.content.decode()
    assert f"new_commune={lao_cai.new['cam_duong'].pk}&amp;chief_member=false" in html  # drill-down to hamlets
    assert "new_commune=unplaced&amp;has_cell=true&amp;congress_held=false" in html  # Thôn Mậu 1: no congress
    assert "new_commune=unplaced&amp;chief_elected=false" not in html  # but its chief is elected: no link
    assert "district=" not in html
    admissions = [(page.context["unit_names"][a.unit_id], a.year, a.admitted, a.target)
                  for a in page.context["admissions"]]
    assert admissions == [("Phường Cam Đường", 2024, 1, 2), (UNPLACED, 2024, 1, None)]


def test_drill_down_to_the_hamlet_list_of_a_new_commune(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    page = client.get("/", LATER)
    row = next(r for r in page.context["rows"] if r.name == "Xã Đông Cuông")
    assert row.hamlet_filter == f"new_commune={lao_cai.new['dong_cuong'].pk}" and not row.drill
    listing = client.get("/hamlets/", {**LATER, "new_commune": lao_cai.new["dong_cuong"].pk})
    assert listing.status_code == 200


def test_before_1_july_2025_province_district_commune(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    page = client.get("/", EARLY)
    assert names(page) == ["Thành phố Lào Cai", "Huyện Bảo Thắng", "Huyện Văn Yên"]  # both earlier provinces
    assert page.context["total"].hamlets == 6  # Thôn Mới is of the 2025 list
    van_yen = lao_cai.districts["van_yen"]
    assert f"district={van_yen.pk}" in page.content.decode()
    rows = {row.name: row for row in page.context["rows"]}
    assert rows["Huyện Văn Yên"].measures["chief_members"].target == 80
    drilled = client.get("/", {**EARLY, "province": "15", "district": van_yen.pk})
    assert hamlet_counts(drilled) == {"Xã Đông Cuông": 1, "Thị trấn Mậu A": 2}
    html = drilled.content.decode()  # the hamlet list keeps the district beside the commune
    assert f"district={van_yen.pk}&amp;commune={lao_cai.old['mau_a'].pk}&amp;has_cell=true&amp;congress_held" in html
    assert f"commune={lao_cai.old['mau_a'].pk}&amp;chief_member=false" not in html  # both chiefs are members


def test_units_2025_regroups_an_earlier_date(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    page = client.get("/", {**EARLY, "units": "2025"})
    assert hamlet_counts(page) == {"Phường Cam Đường": 3, "Xã Mậu A": 1, "Xã Đông Cuông": 1, "Xã Châu Quế": 0,
                                   UNPLACED: 1}
    assert page.context["total"].hamlets == 6
    html = page.content.decode()
    assert "units=2025" in html and 'name="units" value="2025" checked' in html
    download = client.get("/report.xlsx", {**EARLY, "units": "2025"})
    assert download.status_code == 200 and "units-2025" in download["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(download.content)).sheetnames == ["Communes", "Admissions", "People"]
    bad = client.get("/", {**EARLY, "units": "2026"})
    assert bad.status_code == 200 and names(bad)[0] == "Thành phố Lào Cai" and len(bad.context["period"].errors) == 1
    refused = client.get("/report.xlsx", {**EARLY, "units": "2026"})
    assert refused.status_code == 400 and "2026" in refused.content.decode()


@pytest.mark.parametrize("query", [LATER, EARLY, {**EARLY, "units": "2025"}, {**EARLY, "district": "van_yen"}],
                         ids=["2025", "earlier", "regrouped", "district"])
def test_the_total_row_is_the_figures_of_all_the_boards_hamlets(lao_cai, query):
    """The total row adds up the units' counts (unplaced hamlets included) rather than asking the database
    again: it must equal the figures engine's own total over the same hamlets, special areas too."""
    from elections.dashboard import COUNT_CODES, RATIO_CODES
    from elections.figures import Figures

    if "district" in query:
        query = {**query, "district": lao_cai.districts["van_yen"].pk}
    page = client_for(lao_cai.user("tinh")).get("/", query)
    board, total = page.context["board"], page.context["total"]
    whole = Figures(board.hamlets, board.term, board.as_of).total()
    special = Figures(board.hamlets, board.term, board.as_of, special_only=True).total(RATIO_CODES)
    assert {code: total.ratios[code] for code in (*RATIO_CODES, *COUNT_CODES)} == {
        code: whole[code] for code in (*RATIO_CODES, *COUNT_CODES)}
    assert {code: total.special[code].ratio for code in RATIO_CODES} == {code: special[code] for code in RATIO_CODES}
    assert total.hamlets == whole["elections"].denominator > 0


def test_report_download_follows_the_date(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    later = openpyxl.load_workbook(io.BytesIO(client.get("/report.xlsx", LATER).content))
    assert later.sheetnames == ["Communes", "Admissions", "People"]
    early = openpyxl.load_workbook(io.BytesIO(client.get("/report.xlsx", EARLY).content))
    assert early.sheetnames == ["Districts", "Communes", "Admissions", "People"]


def test_commune_board_sees_its_commune_only_in_the_2025_layout(lao_cai):
    board = client_for(lao_cai.user("dongcuong", commune=lao_cai.new["dong_cuong"]))
    for query, hamlets in ((EARLY, 1), (LATER, 2)):
        page = board.get("/", {**query, "district": lao_cai.districts["tp"].pk})  # no district level for it
        assert page.status_code == 200
        assert hamlet_counts(page) == {"Xã Đông Cuông": hamlets}
        assert page.context["total"].hamlets == hamlets
    assert 'name="units"' not in page.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(board.get("/report.xlsx", EARLY).content))
    assert [r[0] for r in book["Communes"].iter_rows(values_only=True) if r[0] in ("Xã Đông Cuông", "Total")] == [
        "Xã Đông Cuông", "Total"]
    cam = client_for(lao_cai.user("camduong", commune=lao_cai.new["cam_duong"])).get("/", LATER)
    assert cam.context["total"].measures["chief_members"].target == 90  # its commune's target


def test_district_board_keeps_the_earlier_layout_after_1_july_2025(lao_cai):
    page = client_for(lao_cai.user("vanyen", district=lao_cai.districts["van_yen"])).get("/", {**LATER,
                                                                                              "units": "2025"})
    assert hamlet_counts(page) == {"Xã Đông Cuông": 1, "Thị trấn Mậu A": 2}
    assert page.context["total"].measures["chief_members"].target == 80


def test_sort_furthest_below_the_members_target_first_and_filter_by_name(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    page = client.get("/", {**LATER, "sort": "gap_chief_members"})
    assert names(page)[0] == "Phường Cam Đường"  # 2/3 against 90 %
    assert names(page)[-1] == "Xã Châu Quế"  # no chief yet: no gap, last
    assert names(client.get("/", {**LATER, "sort": "-gap_chief_members"}))[-1] == "Xã Châu Quế"
    assert names(client.get("/", {**LATER, "q": "cam duong"})) == ["Phường Cam Đường"]
    assert names(client.get("/", {**LATER, "q": "ĐÔNG"})) == ["Xã Đông Cuông"]
    filtered = client.get("/", {**LATER, "q": "dong", "sort": "-hamlets"})
    assert filtered.context["total"].hamlets == 7  # the total stays the province's
    assert "sort=-hamlets" in filtered.content.decode() or 'name="sort" value="-hamlets"' in filtered.content.decode()
    assert names(client.get("/", {**LATER, "q": "không có"})) == []


def test_a_province_in_the_url_is_a_2025_province(lao_cai):
    admin = client_for(lao_cai.user("tinh"))
    assert admin.get("/", {**LATER, "province": "15"}).context["province"] == lao_cai.province
    yen_bai = admin.get("/", {**EARLY, "province": "Yên Bái"})
    assert yen_bai.context["province"] == lao_cai.yen_bai
    assert names(yen_bai) == ["Huyện Văn Yên"] and yen_bai.context["total"].hamlets == 3
    assert "province=Y%C3%AAn+B%C3%A1i" in yen_bai.content.decode()  # links keep naming it
    assert "Tỉnh Lào Cai" in yen_bai.content.decode()  # says what it merged into
    assert admin.get("/", {**LATER, "province": "10"}).status_code == 404  # an earlier code is no 2025 code
    assert admin.get("/report.xlsx", {**EARLY, "province": "Yên Bái"}).status_code == 200


def test_administrator_lands_on_the_country_then_the_2025_province(lao_cai):
    from tests.personas import make_user

    client = client_for(make_user("root", superuser=True))
    page = client.get("/", LATER)
    assert page.context["national"] and page.context["province"] is None
    assert [p.pk for p in page.context["provinces"]] == [lao_cai.province.pk]
    drill = page.context["rows"][0].drill
    page = client.get(f"/?{page.context['province_query']}&{drill}")
    assert page.context["province"] == lao_cai.province


@pytest.mark.parametrize("query", [LATER, EARLY, {**EARLY, "units": "2025"}], ids=["2025", "earlier", "regrouped"])
def test_query_count_is_fixed_for_10_and_100_hamlets(term, query):
    from tests.personas import make_user

    small, large = build_sized(81, 10, 3, term), build_sized(82, 100, 12, term)
    client = client_for(make_user("root", superuser=True))
    client.get("/", {**query, "province": small.code})  # warm the session
    used = []
    for province in (small, large):
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/", {**query, "province": province.code, "sort": "gap_chief_members"})
        assert page.status_code == 200
        used.append(len(queries))
    assert used[0] == used[1] <= 22
    assert len(page.context["rows"]) == (1 if query is EARLY else 14)


def test_charts_of_many_communes_show_the_lowest(term):
    from tests.personas import make_user

    province = build_sized(83, 40, 35, term)  # 36 communes of the 2025 list and the unplaced row
    page = client_for(make_user("root", superuser=True)).get("/", {**EARLY, "units": "2025",
                                                                   "province": province.code})
    assert len(page.context["rows"]) == 37
    members = str(page.context["charts"][1])
    assert "(30 đơn vị thấp nhất)" in members
    assert members.count("<rect") == 30
