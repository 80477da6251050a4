"""The dashboard's presentation (issue 10, item 4): "cần xem" links only where hamlets are missing,
and as many as the hamlet list then shows; the weekly chart over the cards' denominators; chart
numbers written as the tables write them; chart labels inside their charts; drill-down links that
keep the period and the unit; nothing the Content-Security-Policy would block.
How it fits a laptop and a phone is checked in a browser (``test_browser_dashboard.py``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from elections import charts
from elections.dashboard import RATIO_CODES, ZERO, Row
from elections.figures import Ratio
from tests.test_figures_2025 import AUGUST, JULY_15, LaoCai, build_lao_cai, build_sized

pytestmark = pytest.mark.django_db
LATER = {"term": "2022-2025", "as_of": AUGUST.isoformat()}
EARLY = {"term": "2022-2025", "as_of": JULY_15.isoformat()}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def lao_cai(term) -> LaoCai:
    return build_lao_cai(term)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hrefs(html: str, path: str = "/hamlets/") -> list[dict[str, str]]:
    """The query of every link to ``path``, as a dict."""
    links = re.findall(r'href="([^"]*)"', html)
    return [dict(parse_qsl(urlsplit(link.replace("&amp;", "&")).query)) for link in links
            if urlsplit(link.replace("&amp;", "&")).path == path]


# --- "cần xem" --------------------------------------------------------------

def row_of(**ratios: tuple[int, int]) -> Row:
    return Row(7, "Xã Thử", {**ZERO, **{code: Ratio(*value) for code, value in ratios.items()}},
               hamlet_filter="new_commune=7")


def test_todo_links_only_where_the_count_is_above_zero():
    assert row_of(elections=(5, 5), congresses=(4, 4), chief_members=(5, 5)).todo == []
    assert row_of().todo == []  # a unit without hamlets: nothing to look at
    todo = row_of(elections=(5, 8), congresses=(4, 4), chief_members=(2, 5)).todo
    assert [(text, query) for text, _title, query in todo] == [
        ("3 chưa bầu", "new_commune=7&chief_elected=false"),
        ("3 chưa là đảng viên", "new_commune=7&chief_member=false")]
    assert todo[1][1] == "3 thôn có trưởng thôn chưa là đảng viên"
    (congress,) = row_of(elections=(5, 5), congresses=(1, 4), chief_members=(5, 5)).todo
    assert congress[0] == "3 chưa đại hội" and congress[2] == "new_commune=7&has_cell=true&congress_held=false"


@pytest.mark.parametrize("query", [LATER, EARLY, {**EARLY, "units": "2025"}], ids=["2025", "earlier", "regrouped"])
def test_each_todo_link_lists_as_many_hamlets_as_it_says(lao_cai, query):
    client = client_for(lao_cai.user("tinh"))
    pages = [client.get("/", query)]
    if "units" not in query and query is EARLY:  # and the district level
        pages.append(client.get("/", {**query, "district": lao_cai.districts["van_yen"].pk}))
    checked = 0
    for page in pages:
        for row in [*page.context["rows"], page.context["total"]]:
            for text, _title, link in row.todo:
                listing = client.get("/hamlets/", {**query, **dict(parse_qsl(link))})
                assert listing.context["table"].paginator.count == int(text.split()[0]), (row.name, text)
                checked += 1
    assert checked >= 4


def test_the_page_shows_the_todo_links_of_its_rows(lao_cai):
    page = client_for(lao_cai.user("tinh")).get("/", LATER)
    cam_duong = str(lao_cai.new["cam_duong"].pk)
    links = [q for q in hrefs(page.content.decode()) if q.get("new_commune") == cam_duong]
    # Phường Cam Đường: 3 elected, 2 congresses over 2 cells, 2 members of 3 chiefs: one link only
    assert [q for q in links if len(q) > 3] == [{**LATER, "new_commune": cam_duong, "chief_member": "false"}]
    assert "1 chưa là đảng viên" in page.content.decode()


# --- the weekly chart and the cards ----------------------------------------

def test_weekly_chart_ends_on_the_cards_numerators_over_their_denominators(lao_cai):
    page = client_for(lao_cai.user("tinh")).get("/", LATER)
    total, progress = page.context["total"].ratios, page.context["board"].progress
    elections, congresses = total["elections"], total["congresses"]
    assert congresses.denominator < elections.denominator  # hamlets with a cell are fewer than all
    assert progress.elections[-1] == elections.numerator
    assert progress.congresses[-1] == congresses.numerator
    weekly = str(page.context["charts"][-1])
    assert f"Đã bầu trưởng thôn: {elections.numerator}/{elections.denominator} · " in weekly
    assert f"Đã đại hội chi bộ: {congresses.numerator}/{congresses.denominator} · " in weekly
    assert "trên tổng số thôn" in weekly and "trên số thôn có chi bộ" in weekly
    html = page.content.decode()  # the cards show the same counts
    assert f"<div>{elections.numerator}/{elections.denominator}</div>" in html
    assert f"<div>{congresses.numerator}/{congresses.denominator}</div>" in html


# --- chart numbers and labels ------------------------------------------------

def texts(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}text"))


def extent(element: ET.Element) -> tuple[float, float]:
    """Where a text starts and ends, from the width the charts estimate for its characters."""
    size = float(element.get("font-size", 12))
    width = len(element.text or "") * size * charts.CHAR
    x = float(element.get("x", 0))
    anchor = element.get("text-anchor", "start")
    start = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return start, start + width


def assert_inside(svg: str) -> None:
    width = float(ET.fromstring(svg).get("viewBox").split()[2])
    for element in texts(svg):
        start, end = extent(element)
        assert -0.5 <= start and end <= width + 0.5, (element.text, start, end)


def test_bar_chart_numbers_as_in_the_tables_and_labels_inside():
    long = "Xã Có Một Cái Tên Rất Dài Không Thể Nào Viết Hết Trên Một Dòng Của Biểu Đồ"
    bars = [charts.Bar("Xã Ngắn", Decimal("94.39"), 202, 214, Decimal("100")),
            charts.Bar(long, Decimal("100.00"), 3333, 3333, Decimal("95")),
            charts.Bar("Xã Chưa Có", None, 0, 0, Decimal("90"))]
    with translation.override("vi"):
        svg = str(charts.bar_chart("Trưởng thôn kiêm bí thư hoặc phó bí thư (30 đơn vị thấp nhất)", bars))
    assert_inside(svg)
    shown = [t.text for t in texts(svg)]
    assert "202/214 · 94,39\u00a0%" in shown and "3333/3333 · 100,00\u00a0%" in shown and "0/0" in shown
    label = next(t for t in shown if t.startswith("Xã Có Một"))
    assert label.endswith("…") and len(label) < len(long)
    titles = [t.text for t in ET.fromstring(svg).iter(f"{SVG}title")]
    assert f"{long}: 3333/3333 · 100,00\u00a0% · Mục tiêu 95,00\u00a0% · chênh lệch +5,00 điểm %" in titles
    assert "Xã Ngắn: 202/214 · 94,39\u00a0% · Mục tiêu 100,00\u00a0% · chênh lệch −5,61 điểm %" in titles
    assert "50\u00a0%" in shown  # the axis, too
    assert svg.count("<rect") == 3  # one bar a unit
    with translation.override("en"):
        english = str(charts.bar_chart("Chiefs", bars[:1]))
    assert "202/214 · 94.39%" in english


def test_weekly_chart_labels_inside():
    import datetime as dt

    days = [dt.date(2022, 1, 3) + dt.timedelta(weeks=k) for k in range(30)]
    series = [charts.Series("Đã bầu trưởng thôn", list(range(0, 3000, 100)), 3595, "trên tổng số thôn"),
              charts.Series("Đã đại hội chi bộ", list(range(0, 2900, 100)) + [2900], 3461, "trên số thôn có chi bộ")]
    with translation.override("vi"):
        svg = str(charts.line_chart("Tiến độ theo tuần", days, series))
    assert_inside(svg)
    assert "2900/3461 · 83,79\u00a0%" in svg
    assert str(charts.line_chart("Tiến độ theo tuần", [], [charts.Series("x", [], 0, "y")])).startswith("<svg")


def test_cell_meter_uses_dots_whatever_the_language():
    with translation.override("vi"):
        meter = str(charts.meter(Decimal("45.15"), Decimal("90.5")))
        assert 'width="45.15%"' in meter and 'x="90.5%"' in meter
        assert str(charts.meter(None, Decimal("90"))) == ""
        assert "tick" not in str(charts.meter(Decimal("101"), None)) and 'width="100%"' in str(
            charts.meter(Decimal("101"), None))
        assert charts.target_text(Decimal("100"), Decimal("-11.97")) == \
            "Mục tiêu 100,00\u00a0% · chênh lệch −11,97 điểm %"
        assert charts.target_text(None, None) == "" and charts.target_text(Decimal("90"), None) == \
            "Mục tiêu 90,00\u00a0%"


# --- the page --------------------------------------------------------------

def test_cards_and_cells_say_the_target_and_the_gap_in_words(lao_cai):
    page = client_for(lao_cai.user("tinh")).get("/", LATER)
    html = page.content.decode()
    members = page.context["total"].measures["chief_members"]
    note = f"Mục tiêu 100,00\u00a0% · chênh lệch {charts.signed(members.gap)} điểm %"
    assert members.note == note
    assert f'<div class="{members.light}">{note}</div>' in html  # the card
    assert f'title="{note}"' in html and f'<span class="note">{note}</span>' in html  # the total row's cell
    assert "MT " not in html


def test_no_inline_style_or_script(lao_cai):
    html = client_for(lao_cai.user("tinh")).get("/", LATER).content.decode()
    assert " style=" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_drill_down_links_keep_the_period_the_layout_and_the_unit(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    regrouped = client.get("/", {**EARLY, "units": "2025"}).content.decode()
    links = hrefs(regrouped)
    assert links and all(q.get("units") == "2025" and q.get("term") == "2022-2025"
                         and q.get("as_of") == JULY_15.isoformat() for q in links if len(q) > 1)
    van_yen, mau_a = lao_cai.districts["van_yen"], lao_cai.old["mau_a"]
    drilled = client.get("/", {**EARLY, "province": "15", "district": van_yen.pk}).content.decode()
    commune_links = [q for q in hrefs(drilled) if q.get("commune") == str(mau_a.pk)]
    assert commune_links and all(q["district"] == str(van_yen.pk) and q["as_of"] == JULY_15.isoformat()
                                 for q in commune_links)
    # the total row's links stay in the district
    assert {**EARLY, "district": str(van_yen.pk), "has_cell": "true", "congress_held": "false"} in hrefs(drilled)
    listing = client.get("/hamlets/", {**EARLY, "district": van_yen.pk, "commune": mau_a.pk})
    assert listing.status_code == 200 and listing.context["table"].paginator.count == 2


def test_sort_list_offers_every_order_and_keeps_a_header_choice(lao_cai):
    client = client_for(lao_cai.user("tinh"))
    html = client.get("/", {**LATER, "sort": "gap_chief_members"}).content.decode()
    assert '<option value="gap_chief_members" selected>' in html
    assert all(f'<option value="{code}"' in html for code in RATIO_CODES)
    header = client.get("/", {**LATER, "sort": "-elections"}).content.decode()
    assert '<option value="-elections" selected>Theo cột đã chọn</option>' in header
    bogus = client.get("/", {**LATER, "sort": "<x>"}).content.decode()
    assert "<x>" not in bogus


def test_query_count_does_not_grow_with_the_links_and_labels(term):
    from tests.personas import make_user

    province = build_sized(84, 60, 20, term)
    client = client_for(make_user("root", superuser=True))
    query = {**EARLY, "units": "2025", "province": province.code}
    client.get("/", query)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/", query)
    # 17 before issue 12; the people tables add two (officials' areas, people figures by commune)
    assert len(page.context["rows"]) == 22 and len(queries) <= 19, len(queries)
