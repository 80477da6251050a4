"""Lists people can scan (issue 10, item 5): natural order of hamlet names in the list, its pages,
sorting, exports and the admin; the commune filter narrowed to the district and naming the district
beside repeated names; search by words across places and by the period's people; back to the list
as it was left after saving a form."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elections.models import Term
from hamlets import text
from hamlets.models import Commune, District, Hamlet, Province
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    HamletTermFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    PartyCellFactory,
    ProvinceFactory,
    TermFactory,
    succeed,
)
from tests.personas import make_user

pytestmark = pytest.mark.django_db
LIST = "/hamlets/"
P2022 = {"term": "2022-2025", "as_of": "2024-01-01"}
P2026 = {"term": "2022-2025", "as_of": "2026-01-01"}
KHOI = ["Khối 1", "Khối 2", "Khối 5", "Khối 9", "Khối 10", "Khối 15"]


@dataclass
class Town:
    term: Term
    province: Province  # 2025
    vinh: District
    hung_nguyen: District
    que_phong: District
    hung_loc_vinh: Commune
    hung_loc_hn: Commune
    kim_son: Commune
    vinh_hung: Commune  # 2025 communes
    que_phong_new: Commune
    hung_nguyen_new: Commune
    hamlets: dict[str, Hamlet] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(self.users[who])
        return client


@pytest.fixture
def town(db) -> Town:
    term = TermFactory(start_year=2022, end_year=2025)
    new = NewProvinceFactory(name="Tỉnh Nghệ An", code=40)
    old = ProvinceFactory(name="Tỉnh Nghệ An", code=40, successor=new)
    vinh = DistrictFactory(province=old, name="Thành phố Vinh", code=412)
    hung_nguyen = DistrictFactory(province=old, name="Huyện Hưng Nguyên", code=431)
    que_phong = DistrictFactory(province=old, name="Huyện Quế Phong", code=414)
    hung_loc_vinh = CommuneFactory(district=vinh, name="Xã Hưng Lộc", code=16732)
    hung_loc_hn = CommuneFactory(district=hung_nguyen, name="Xã Hưng Lộc", code=17950)
    kim_son = CommuneFactory(district=que_phong, name="Thị trấn Kim Sơn", code=16738)
    vinh_hung = NewCommuneFactory(province=new, name="Phường Vinh Hưng", code=16733)
    que_phong_new = NewCommuneFactory(province=new, name="Xã Quế Phong", code=16739)
    hung_nguyen_new = NewCommuneFactory(province=new, name="Xã Hưng Nguyên", code=17951)
    succeed(hung_loc_vinh, vinh_hung)
    succeed(hung_loc_hn, hung_nguyen_new)
    succeed(kim_son, que_phong_new)
    town = Town(term, new, vinh, hung_nguyen, que_phong, hung_loc_vinh, hung_loc_hn, kim_son, vinh_hung,
                que_phong_new, hung_nguyen_new)
    for name in ("Khối 10", "Khối 2", "Khối 15", "Khối 1", "Khối 9", "Khối 5"):  # not in order on purpose
        town.hamlets[name] = HamletFactory(commune=kim_son, name=name, kind="khoi", term=term)
    for name in ("Xóm 10", "Xóm 9", "Xóm 1"):
        town.hamlets[name] = HamletFactory(commune=hung_loc_vinh, name=name, term=term)
    town.hamlets["Xóm 5"] = HamletFactory(commune=hung_loc_hn, name="Xóm 5", term=term)
    h = town.hamlets
    ChiefElectionFactory(hamlet=h["Khối 5"], term=term, held_on=dt.date(2022, 6, 10), chief="Nguyễn Thị Hoà")
    ChiefElectionFactory(hamlet=h["Khối 2"], term=term, held_on=dt.date(2022, 6, 10), chief="Phạm Văn Cũ")
    ChiefElectionFactory(hamlet=h["Khối 2"], term=term, held_on=dt.date(2023, 1, 5), chief="Lò Văn Mới")
    CongressFactory(cell=PartyCellFactory(hamlet=h["Xóm 9"]), term=term, held_on=dt.date(2022, 5, 1),
                    secretary="Trần Đức Thắng", deputy_secretary="Vi Thị Lả")
    town.users = {
        "staff": make_user("staff", province=new),
        "board": make_user("board", district=vinh),
        "commune": make_user("commune", commune=que_phong_new),
        "admin": make_user("admin", superuser=True),
    }
    return town


def listed(response) -> list[str]:
    """The hamlet names of the list page's table, in the order shown."""
    return [re.sub(r"<[^>]+>", "", str(row.get_cell("name"))) for row in response.context["table"].paginated_rows]


def choices(response, name: str) -> list[str]:
    return [label for value, label in response.context["filter"].form.fields[name].choices if value]


# --- natural order ---------------------------------------------------------

def test_sort_key_pads_numbers_and_folds_case_and_diacritics():
    assert text.sort_key("Khối 2") < text.sort_key("Khối 10") < text.sort_key("khối 15")
    assert text.sort_key("Xóm 9") < text.sort_key("Xóm 10") < text.sort_key("Xóm Đồng")
    assert text.sort_key("Khối 02") == text.sort_key("khoi 2")
    assert text.sort_key("Tổ 1A") < text.sort_key("Tổ 1B") < text.sort_key("Tổ 2")
    assert text.sort_key("Bản 999999999") < text.sort_key("Bản 1000000000")  # ten digits still fit
    assert len(text.sort_key("1 " * 120)) <= text.SORT_KEY_LENGTH


def test_every_named_unit_stores_its_sort_key(town):
    hamlet = town.hamlets["Khối 10"]
    assert hamlet.name_sort == text.sort_key("Khối 10") and town.kim_son.name_sort == "thi tran kim son"
    hamlet.name = "Khối 3"
    hamlet.save(update_fields=["name", "updated_at"])
    hamlet.refresh_from_db()
    assert hamlet.name_sort == text.sort_key("Khối 3")
    assert hamlet.history.latest().name_sort is None  # derived: not kept in the history
    page = town.client("staff").get(hamlet.get_absolute_url())
    assert "Khối 10 → Khối 3" in page.text and "0000000010" not in page.text and "name sort" not in page.text


def test_the_migration_fills_the_keys_of_existing_rows(town):
    Hamlet.objects.update(name_sort="")
    Commune.objects.update(name_sort="")
    migration = __import__("hamlets.migrations.0008_natural_order", fromlist=["fill_sort_keys"])
    migration.fill_sort_keys(apps, None)
    assert Hamlet.objects.get(pk=town.hamlets["Khối 9"].pk).name_sort == text.sort_key("Khối 9")
    assert not Commune.objects.filter(name_sort="").exists()


@pytest.mark.parametrize(("period", "unit"), [(P2022, "commune"), (P2026, "new_commune")])
def test_the_list_and_its_name_sort_are_natural(town, period, unit):
    client = town.client("staff")
    commune = town.kim_son if unit == "commune" else town.que_phong_new
    query = {**period, unit: commune.pk}
    assert listed(client.get(LIST, query)) == KHOI
    assert listed(client.get(LIST, {**query, "sort": "name"})) == KHOI
    assert listed(client.get(LIST, {**query, "sort": "-name"})) == KHOI[::-1]
    # sorted in the database: the second page goes on where the first stopped
    assert listed(client.get(LIST, {**query, "sort": "name", "per_page": 4, "page": 2})) == KHOI[4:]
    assert listed(client.get(LIST, {**query, "sort": "-name", "per_page": 4, "page": 2})) == KHOI[::-1][4:]


def test_default_order_groups_by_unit_then_natural_names(town):
    names = listed(town.client("board").get(LIST, P2022))
    assert names == ["Xóm 1", "Xóm 9", "Xóm 10"]


@pytest.mark.parametrize("sort", ["", "name", "-name"])
def test_exports_follow_the_lists_order(town, sort):
    client = town.client("staff")
    query = {**P2022, "commune": town.kim_son.pk, **({"sort": sort} if sort else {})}
    expected = KHOI[::-1] if sort == "-name" else KHOI
    rows = list(csv.reader(io.StringIO(client.get(LIST, {**query, "_export": "csv"}).getvalue().decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == expected
    book = openpyxl.load_workbook(io.BytesIO(client.get(LIST, {**query, "_export": "xlsx"}).getvalue()))
    assert [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)] == expected


def test_the_admin_lists_hamlets_naturally(town):
    client = town.client("admin")
    url = reverse("admin:hamlets_hamlet_changelist")
    page = client.get(url, {"commune": town.kim_son.pk})
    assert [h.name for h in page.context["cl"].result_list] == KHOI
    by_name = client.get(url, {"commune": town.kim_son.pk, "o": "1"})  # the name column clicked
    assert [h.name for h in by_name.context["cl"].result_list] == KHOI
    backwards = client.get(url, {"commune": town.kim_son.pk, "o": "-1"})
    assert [h.name for h in backwards.context["cl"].result_list] == KHOI[::-1]


def test_the_unplaced_page_and_the_entry_grid_order_names_naturally(town):
    from elections.entry_grid import natural_key

    assert sorted(KHOI[::-1], key=natural_key) == KHOI
    assert list(Hamlet.objects.filter(commune=town.kim_son).values_list("name", flat=True)) == KHOI


# --- the commune filter ----------------------------------------------------

def test_repeated_commune_names_name_their_district_and_only_they(town):
    page = town.client("staff").get(LIST, P2022)
    assert choices(page, "commune") == ["Thị trấn Kim Sơn", "Xã Hưng Lộc (Huyện Hưng Nguyên)",
                                        "Xã Hưng Lộc (Thành phố Vinh)"]
    assert choices(page, "district") == ["Huyện Hưng Nguyên", "Huyện Quế Phong", "Thành phố Vinh"]


def test_the_commune_filter_narrows_to_the_chosen_district(town):
    client = town.client("staff")
    page = client.get(LIST, {**P2022, "district": town.hung_nguyen.pk})
    assert choices(page, "commune") == ["Xã Hưng Lộc"]  # one Hưng Lộc among the choices: no district named
    assert listed(page) == ["Xóm 5"]
    both = client.get(LIST, {**P2022, "district": town.hung_nguyen.pk, "commune": town.hung_loc_hn.pk})
    assert listed(both) == ["Xóm 5"]
    elsewhere = client.get(LIST, {**P2022, "district": town.hung_nguyen.pk, "commune": town.kim_son.pk})
    assert listed(elsewhere) == []  # a commune of another district is not a choice: nothing, not everything


def test_a_country_of_communes_waits_for_a_district_but_keeps_a_drill_downs_commune(town, monkeypatch):
    monkeypatch.setattr("elections.hamlet_filters.MAX_CHOICES", 2)  # three communes: "too many" for the drop-down
    client = town.client("staff")
    assert choices(client.get(LIST, P2022), "commune") == []
    chosen = client.get(LIST, {**P2022, "commune": town.kim_son.pk})
    assert choices(chosen, "commune") == ["Thị trấn Kim Sơn"] and listed(chosen) and listed(chosen) == listed(
        client.get(LIST, {**P2022, "district": town.kim_son.district_id, "commune": town.kim_son.pk}))
    assert choices(client.get(LIST, {**P2022, "district": town.hung_nguyen.pk}), "commune") == ["Xã Hưng Lộc"]


def test_a_country_of_2025_communes_reads_only_the_chosen_one(town, monkeypatch):
    """Past ``MAX_CHOICES`` the 2025 communes' drop-down keeps only a drill-down's commune, and the page
    reads no more than ``MAX_CHOICES + 1`` of them to know it (then the chosen one alone)."""
    monkeypatch.setattr("elections.hamlet_filters.MAX_CHOICES", 2)  # three 2025 communes with hamlets
    client = town.client("staff")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST, P2026)
    assert choices(page, "new_commune") == ["Chưa xếp vào xã mới"]
    assert any(re.search(r"LIMIT 1 OFFSET 2$", q["sql"]) and "hamlets_commune" in q["sql"] for q in queries)
    chosen = next(c for c in Commune.objects.new() if c.name == "Xã Quế Phong")
    assert choices(client.get(LIST, {**P2026, "new_commune": chosen.pk}), "new_commune") == [
        "Xã Quế Phong", "Chưa xếp vào xã mới"]


def test_the_2025_layout_offers_the_2025_communes_of_the_scope(town):
    staff = town.client("staff").get(LIST, P2026)
    assert choices(staff, "new_commune") == ["Phường Vinh Hưng", "Xã Hưng Nguyên", "Xã Quế Phong",
                                             "Chưa xếp vào xã mới"]
    board = town.client("commune").get(LIST, P2026)
    assert choices(board, "new_commune") == ["Xã Quế Phong"]


def test_2025_communes_of_the_same_name_in_two_provinces_name_their_province(town):
    other = NewProvinceFactory(name="Tỉnh Hà Tĩnh", code=42)
    namesake = NewCommuneFactory(province=other, name="Xã Quế Phong", code=18001)
    HamletFactory(commune=None, new_commune=namesake, name="Thôn 1", term=town.term)
    page = town.client("admin").get(LIST, P2026)
    assert "Xã Quế Phong (Tỉnh Hà Tĩnh)" in choices(page, "new_commune")
    assert "Xã Quế Phong (Tỉnh Nghệ An)" in choices(page, "new_commune")
    assert "Phường Vinh Hưng" in choices(page, "new_commune")


# --- search ----------------------------------------------------------------

@pytest.mark.parametrize(("query", "found"), [
    ("Khối 5 Kim Sơn", ["Khối 5"]),
    ("kim son khoi 5", ["Khối 5"]),  # any order, no diacritics
    ("KHỐI 1 kim", ["Khối 1"]),  # a number is a whole number: not Khối 10 or 15
    ("khoi 5 vinh", []),  # every word must fit the hamlet's places
    ("nguyen thi hoa", ["Khối 5"]),  # the chief
    ("NGUYỄN THỊ HÒA", ["Khối 5"]),  # the other tone-mark placement, upper case
    ("thi hoa", ["Khối 5"]),  # a part of the name
    ("tran duc thang", ["Xóm 9"]),  # the secretary
    ("Vi Thị Lả", ["Xóm 9"]),  # the deputy secretary
    ("lo van moi", ["Khối 2"]),  # the chief in office, elected in a by-election
    ("pham van cu", []),  # no longer in office on the date
    ("hung loc", ["Xóm 1", "Xóm 9", "Xóm 10", "Xóm 5"]),
    ("---", []),
])
def test_search(town, query, found):
    assert listed(town.client("staff").get(LIST, {**P2022, "q": query})) == found


def test_search_finds_the_chief_in_office_on_the_date(town):
    before = town.client("staff").get(LIST, {"term": "2022-2025", "as_of": "2022-12-01", "q": "pham van cu"})
    assert listed(before) == ["Khối 2"]


def test_search_reads_the_terms_people_only(town):
    later = TermFactory(start_year=2025, end_year=2027)
    for hamlet in town.hamlets.values():
        HamletTermFactory(hamlet=hamlet, term=later, party_cell=True)
    client = town.client("staff")
    assert listed(client.get(LIST, {"term": "2025-2027", "as_of": "2026-01-01", "q": "tran duc thang"})) == []
    assert listed(client.get(LIST, {"term": "2025-2027", "as_of": "2026-01-01", "q": "khoi 5"})) == ["Khối 5"]


def test_search_in_the_2025_layout_and_the_unplaced_page(town):
    assert listed(town.client("staff").get(LIST, {**P2026, "q": "que phong khoi 9"})) == ["Khối 9"]
    assert Hamlet.objects.search("Kim Sơn Khối 15").get() == town.hamlets["Khối 15"]


def test_list_query_count_with_search_and_filters_is_fixed(town, django_assert_max_num_queries):
    client = town.client("staff")
    query = {**P2022, "q": "khoi", "district": town.que_phong.pk, "commune": town.kim_son.pk, "sort": "-name"}
    client.get(LIST, query)
    with django_assert_max_num_queries(12) as first:
        assert client.get(LIST, query).status_code == 200
    for n in range(30):
        HamletFactory(commune=town.kim_son, name=f"Khối {20 + n}", term=town.term)
    with django_assert_max_num_queries(len(first)):
        assert client.get(LIST, query).status_code == 200
    with django_assert_max_num_queries(len(first)):
        assert client.get(LIST, {**query, "_export": "xlsx"}).status_code == 200


# --- back to the list ------------------------------------------------------

def edit_data(hamlet: Hamlet, term: Term) -> dict[str, object]:
    record = hamlet.term_records.get(term=term)
    return {"name": hamlet.name, "kind": record.kind, "party_members": 3, "version": record.version}


def test_the_list_links_each_hamlet_with_the_way_back(town):
    query = {**P2022, "commune": town.kim_son.pk, "sort": "-name", "page": "1"}
    page = town.client("staff").get(LIST, query)
    back = f"{LIST}?{urlencode(query)}"
    link = f'href="/hamlets/{town.hamlets["Khối 15"].pk}/?next={quote(back, safe="")}"'
    assert link in page.text.replace("&amp;", "&")


def test_the_way_back_goes_through_the_hamlet_page_and_its_form(town):
    hamlet = town.hamlets["Xóm 9"]
    back = f"{LIST}?{urlencode({**P2022, 'q': 'xom', 'sort': 'name'})}"
    carried = urlencode({"next": back})
    detail = town.client("board").get(f"/hamlets/{hamlet.pk}/?{carried}")
    html = detail.text.replace("&amp;", "&")
    assert f'href="{back}"' in html  # the breadcrumb back to the list as left
    for url in (reverse("hamlets:edit", args=[hamlet.pk]) + f"?term=2022-2025&{carried}",
                reverse("elections:congress", args=[hamlet.pk, town.term.pk]) + f"?{carried}",
                reverse("elections:election_new", args=[hamlet.pk, town.term.pk]) + f"?{carried}",
                reverse("elections:admission_new", args=[hamlet.pk]) + f"?{carried}"):
        assert f'href="{url}"' in html, url
    form = town.client("board").get(reverse("hamlets:edit", args=[hamlet.pk]) + f"?term=2022-2025&{carried}")
    assert f'href="/hamlets/{hamlet.pk}/?{carried}"' in form.text.replace("&amp;", "&")  # cancel


@pytest.mark.parametrize("form", ["edit", "congress", "election", "admission"])
def test_saving_a_form_goes_back_to_the_list_left(town, form):
    hamlet = town.hamlets["Xóm 9"]
    back = f"{LIST}?{urlencode({**P2022, 'commune': town.hung_loc_vinh.pk, 'sort': '-name', 'page': 1})}"
    url, data = form_post(town, hamlet, form)
    client = town.client("board")
    response = client.post(f"{url}?{urlencode({'next': back})}", data)
    assert response.status_code == 302 and response["Location"] == back
    assert client.get(back).status_code == 200


def form_post(town: Town, hamlet: Hamlet, form: str) -> tuple[str, dict[str, object]]:
    if form == "edit":
        return reverse("hamlets:edit", args=[hamlet.pk]), edit_data(hamlet, town.term)
    if form == "congress":
        congress = hamlet.party_cell.congresses.get()
        return reverse("elections:congress", args=[hamlet.pk, town.term.pk]), {
            "held_on": "2022-05-02", "secretary": congress.secretary, "deputy_secretary": congress.deputy_secretary,
            "version": congress.version}
    if form == "election":
        return reverse("elections:election_new", args=[hamlet.pk, town.term.pk]), {
            "held_on": "2023-03-01", "chief": "Lô Văn Chung", "chief_member_since": "", "chief_party_role": "",
            "version": 0}
    return reverse("elections:admission_new", args=[hamlet.pk]), {
        "full_name": "Lương Văn Mới", "birth_year": 1990, "admitted_on": "2024-01-02"}


@pytest.mark.parametrize("bad", ["https://evil.example/hamlets/", "//evil.example/", "http://testserver.evil/",
                                 "javascript:alert(1)"])
def test_a_next_elsewhere_goes_to_the_hamlet_page(town, bad):
    hamlet = town.hamlets["Xóm 9"]
    url = reverse("hamlets:edit", args=[hamlet.pk])
    response = town.client("board").post(f"{url}?{urlencode({'next': bad})}", edit_data(hamlet, town.term))
    assert response.status_code == 302 and response["Location"] == hamlet.get_absolute_url()
    detail = town.client("board").get(f"/hamlets/{hamlet.pk}/?{urlencode({'next': bad})}")
    links = re.findall(r'href="([^"]*)"', detail.text.replace("&amp;", "&"))
    assert "/hamlets/" in links and reverse("hamlets:edit", args=[hamlet.pk]) in links  # no way elsewhere
    assert not [link for link in links if "evil" in link or link.startswith("javascript")]


def test_the_way_back_costs_no_query(town, django_assert_num_queries):
    hamlet = town.hamlets["Xóm 9"]
    client = town.client("board")
    carried = urlencode({"next": f"{LIST}?{urlencode(P2022)}"})
    for url in (f"/hamlets/{hamlet.pk}/", reverse("hamlets:edit", args=[hamlet.pk]),
                reverse("elections:congress", args=[hamlet.pk, town.term.pk])):
        client.get(url)
        with CaptureQueriesContext(connection) as plain:
            client.get(url)
        with django_assert_num_queries(len(plain)):
            client.get(f"{url}?{carried}")
