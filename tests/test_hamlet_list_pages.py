"""The hamlet list's pages worked out for their own rows only (``cadre_tracker.page_rows``).

A page neither filtered nor sorted by a result is counted and ordered on the
plain hamlets, then its rows are read with their results: it must show
exactly what the one annotated query showed (the same rows, values and
order, in both layouts, on every page), and cost the same number of queries
whatever the number of hamlets.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

import pytest
from django import forms
from django.contrib.auth.models import User
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elections import hamlet_pages
from elections.hamlet_filters import RESULT_FILTERS, HamletFilterSet
from elections.hamlet_tables import HamletTable, NewLayoutHamletTable
from elections.models import HamletTerm, PartyRole, Term
from hamlets.models import Commune, Hamlet
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
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
EARLIER = {"term": "2022-2025", "as_of": "2024-01-01"}
LAYOUT_2025 = {"term": "2022-2025", "as_of": "2026-01-01"}
PER_PAGE = 7


@dataclass
class Country:
    term: Term
    communes: list[Commune]  # earlier list: two districts of two communes
    new_communes: list[Commune]  # 2025 list: each the successor of two earlier communes
    admin: User

    def client(self) -> Client:
        client = Client()
        client.force_login(self.admin)
        return client


def build_country(hamlets: int) -> Country:
    """``hamlets`` hamlets over four communes (namesakes across the two merged into one 2025 commune),
    with varied records, chiefs (one replaced), congresses, and a few hamlets with no record (not listed)."""
    term = TermFactory(start_year=2022, end_year=2025)
    old = ProvinceFactory(name="Tỉnh Cũ", code=40, successor=(new := NewProvinceFactory(name="Tỉnh Mới", code=40)))
    districts = [DistrictFactory(province=old, name=f"Huyện {i}", code=400 + i) for i in (2, 1)]
    communes = [CommuneFactory(district=districts[i // 2], name=f"Xã {i}", code=16000 + (7 - i)) for i in range(4)]
    new_communes = [NewCommuneFactory(province=new, name=f"Phường {i}", code=17000 - i) for i in range(2)]
    for i, commune in enumerate(communes[:3]):
        succeed(commune, new_communes[i % 2])
    succeed(communes[3], *new_communes)  # split: its hamlets stay unplaced until placed by hand
    country = Country(term, communes, new_communes, make_user("admin", superuser=True))
    add_hamlets(country, range(hamlets))
    return country


def add_hamlets(country: Country, numbers: range) -> None:
    term, communes, new_communes = country.term, country.communes, country.new_communes
    for n in numbers:
        commune = communes[n % 4]
        hamlet = HamletFactory(commune=commune, new_commune=new_communes[n % 2] if n % 8 != 3 else None,
                               name=f"Xóm {n // 4 + 1}", term=False if n % 17 == 5 else term)
        HamletTerm.objects.filter(hamlet=hamlet).update(kind="thon" if n % 3 else "xom", special_area=n % 5 == 0,
                                                         project01=n % 7 == 0, party_members=n % 23)
        if n % 3 == 0:
            ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 6, 1 + n % 28),
                                 chief=f"Trưởng {n}", chief_member_since=dt.date(2010, 1, 1) if n % 2 else None,
                                 chief_party_role=PartyRole.DEPUTY if n % 4 == 0 else "")
        if n == 6:  # replaced: the list shows the later chief
            ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2023, 3, 1), chief="Trưởng mới")
        if n % 4 == 1:
            CongressFactory(cell=PartyCellFactory(hamlet=hamlet), term=term, held_on=dt.date(2022, 5, 1 + n % 28))


@pytest.fixture
def country(db) -> Country:
    return build_country(60)


def page(client: Client, query: dict[str, object]) -> tuple[bool, list[tuple[object, ...]], int]:
    """(whether the page's hamlets were chosen from the plain hamlets, each row's hamlet and shown cells,
    the rows' total)."""
    response = client.get(LIST, {**query, "per_page": PER_PAGE})
    assert response.status_code == 200
    table = response.context["table"]
    rows = [(row.record.pk, *(str(cell) for cell in row)) for row in table.paginated_rows]
    return response.context["view"].plain, rows, table.paginator.count


def units_named(country: Country, extra: dict[str, object]) -> dict[str, object]:
    """``extra`` with ``"first"`` for a district or commune replaced by one of the country's."""
    units = {"district": country.communes[0].district_id, "commune": country.communes[1].pk}
    return {name: units[name] if value == "first" and name in units else value for name, value in extra.items()}


def one_query(self: hamlet_pages.HamletListView, filterset_class: type) -> HamletFilterSet:
    """The way every page was worked out before: one query, every hamlet with its results, sliced."""
    self.page_rows = self.plain = False
    return super(hamlet_pages.HamletListView, self).get_filterset(filterset_class)


def annotated(monkeypatch: pytest.MonkeyPatch, client: Client, query: dict[str, object]) -> tuple[bool, list, int]:
    """The same page from the one annotated query."""
    with monkeypatch.context() as patch:
        patch.setattr(hamlet_pages.HamletListView, "get_filterset", one_query)
        return page(client, query)


def last_page(count: int) -> int:
    return (count + PER_PAGE - 1) // PER_PAGE


@pytest.mark.parametrize("period", [EARLIER, LAYOUT_2025], ids=["earlier", "2025"])
@pytest.mark.parametrize("extra", [
    {},
    {"sort": "-name"},
    {"sort": "commune,-name"},
    {"kind": "thon"},
    {"special_area": "true", "project01": "false"},
    {"has_cell": "true"},
    {"district": "first"},
    {"commune": "first"},
    {"new_commune": "unplaced", "units": "2025"},
    {"sort": "chief_elected_on"},
    {"sort": "-chief,name"},
    {"sort": "congress_held_on"},
    {"chief_elected": "true"},
    {"chief_member": "false", "special_area": "false"},
    {"congress_held": "true", "sort": "secretary"},
    {"q": "xom 1"},
], ids=lambda extra: ",".join(f"{k}={v}" for k, v in extra.items()) or "default")
def test_pages_show_what_the_one_annotated_query_showed(country, monkeypatch, period, extra):
    """Every page, chosen from the plain hamlets or (a filter or order on a result) from the hamlets with
    their results, shows exactly what the one annotated query showed."""
    client = country.client()
    extra = units_named(country, extra)
    query = {**period, **extra}
    plain, _rows, count = page(client, query)
    plain_sorts = ("-name", "commune,-name")
    assert plain is not any(name in RESULT_FILTERS or name == "sort" and extra[name] not in plain_sorts
                            for name in extra)
    assert count > PER_PAGE or extra and count
    for number in sorted({1, 2, last_page(count)}):
        fast = page(client, {**query, "page": number})
        slow = annotated(monkeypatch, client, {**query, "page": number})
        assert fast[0] is plain and slow[0] is False
        assert fast[1:] == slow[1:]
        assert fast[1]  # a page with rows, results and all


def test_the_pages_together_list_every_counted_hamlet_once_with_its_results(country):
    client = country.client()
    _plain, _rows, count = page(client, LAYOUT_2025)
    shown = [row for number in range(1, last_page(count) + 1) for row in page(client, {**LAYOUT_2025,
                                                                                        "page": number})[1]]
    assert len(shown) == count == len({row[0] for row in shown})
    assert count == Hamlet.objects.filter(term_records__term=country.term).count()
    assert any("Trưởng mới" in row for row in shown)  # the results are there, the later chief's
    assert any(" cũ)</a>" in row[1] for row in shown)  # a namesake named by its former commune


@pytest.mark.parametrize("sort", ["congress_held_on", "-kind", "district"])
def test_a_sort_with_ties_pages_every_hamlet_once_ties_by_primary_key(country, sort):
    """Many hamlets tie on a sorted column (no congress, one kind, one district): every page's query ends
    its order with the primary key (by name, or as the first column selected), so the pages together list
    each hamlet once, ties in creation order."""
    client = country.client()
    query = {**EARLIER, "sort": sort}
    _plain, _rows, count = page(client, query)
    shown, orders = [], []
    for number in range(1, last_page(count) + 1):
        with CaptureQueriesContext(connection) as queries:
            shown += page(client, {**query, "page": number})[1]
        orders += [q["sql"].rsplit("ORDER BY", 1)[1] for q in queries if "LIMIT" in q["sql"]
                   and "ORDER BY" in q["sql"] and re.match(r'\s*"?(hamlets_hamlet|elections_hamletfact)',
                                                         q["sql"].split("FROM", 1)[1])]
    assert len(shown) == count == len({row[0] for row in shown})
    assert orders and all(re.search(r'(, "hamlets_hamlet"\."id"|, 1|, hamlet_id) ASC\s+LIMIT', order)
                          or re.search(r", hamlet_id DESC\s+LIMIT", order) for order in orders), orders


@pytest.mark.parametrize("period", [EARLIER, LAYOUT_2025], ids=["earlier", "2025"])
@pytest.mark.parametrize("sort", ["", "-name", "chief_elected_on", "-chief_elected_on", "-congress_held_on",
                                  "party_members", "-commune,name"])
def test_pages_past_the_middle_read_backwards_show_what_the_one_annotated_query_showed(country, monkeypatch,
                                                                                         period, sort):
    """A page past the middle is read in the reversed order from the last row (``FactPages``): every page,
    NULLs (no chief, no congress) and ties included, shows the same rows as the one annotated query, and
    only the later pages are read backwards."""
    client = country.client()
    query = {**period, "sort": sort} if sort else dict(period)
    count = page(client, query)[2]
    pages = last_page(count)
    backwards = []
    for number in range(1, pages + 1):
        response = client.get(LIST, {**query, "page": number, "per_page": PER_PAGE})
        data = response.context["table"].data
        assert data.read_from_facts
        backwards.append(data.read_backwards)
        rows = [(row.record.pk, *(str(cell) for cell in row)) for row in response.context["table"].paginated_rows]
        assert rows == annotated(monkeypatch, client, {**query, "page": number})[1], number
    assert backwards == [(number - 1) * PER_PAGE > count // 2 for number in range(1, pages + 1)]
    assert any(backwards) and not all(backwards)


def test_sorts_on_results_reads_the_columns_order():
    for table in (HamletTable, NewLayoutHamletTable):
        assert not hamlet_pages.sorts_on_results(table, ["name", "-commune", "kind,special_area,party_members"])
        assert not hamlet_pages.sorts_on_results(table, ["no_such_column"])
        for name in ("chief_elected_on", "-chief", "name,congress_held_on", "secretary", "chief_is_member",
                     "chief_party_role", "deputy_secretary"):
            assert hamlet_pages.sorts_on_results(table, [name]), name


def test_every_filter_but_the_result_filters_runs_on_the_plain_hamlets(country):
    """A filter left out of ``RESULT_FILTERS`` must not read a result (it would fail on the plain hamlets)."""
    values = {"kind": "thon", "special_area": "true", "project01": "true", "has_cell": "false",
              "district": str(country.communes[0].district_id), "commune": str(country.communes[0].pk),
              "new_commune": str(country.new_communes[0].pk), "units": "2025", "q": "xom",
              "congress_held": "true", "chief_elected": "true", "chief_member": "true"}
    assert set(values) >= set(HamletFilterSet.base_filters) - {"term", "as_of"}
    client = country.client()
    for name, value in values.items():
        plain = page(client, {**EARLIER, name: value})[0]
        assert plain is (name not in RESULT_FILTERS), name


@pytest.mark.parametrize("period", [EARLIER, LAYOUT_2025], ids=["earlier", "2025"])
def test_a_pages_query_count_is_fixed_whatever_the_number_of_hamlets(period):
    country = build_country(10)
    client = country.client()
    client.get(LIST, period)
    counts = []
    for size in (10, 200):
        add_hamlets(country, range(10, size))
        count = page(client, period)[2]
        for number in (1, last_page(count)):
            for sort in ("name", "chief_elected_on"):
                with CaptureQueriesContext(connection) as queries:
                    plain, rows, _count = page(client, {**period, "page": number, "sort": sort})
                assert rows and plain is (sort == "name")
                counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def cells_html(html: str) -> str:
    """The table body's markup, whitespace between and inside tags left out (``<td >`` = ``<td>``)."""
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", body)).strip()


@pytest.mark.parametrize("period", [EARLIER, LAYOUT_2025], ids=["earlier", "2025"])
@pytest.mark.parametrize("extra", [{}, {"page": 2}, {"sort": "-chief_elected_on"}, {"q": "no such hamlet"}],
                         ids=["first", "second", "sorted", "empty"])
def test_the_body_is_what_django_tables2_writes(country, period, extra):
    """``body_html`` writes each cell as django-tables2's own template and columns do: links, namesakes,
    defaults for empty values, yes/no marks, dates, choices' labels, ``td`` attributes, the empty text."""
    response = country.client().get(LIST, {**period, **extra, "per_page": 30})
    table = response.context["table"]
    ours = cells_html(response.content.decode())
    theirs = cells_html(get_template("django_tables2/table.html").render({"table": table},
                                                                         request=response.wsgi_request))
    assert ours == theirs
    assert ("<a href" in ours) is not (extra.get("q") == "no such hamlet")
    if period is LAYOUT_2025 and not extra:  # the 2025 layout's own cells are among those compared
        pages = ours + cells_html(country.client().get(LIST, {**period, "per_page": 30, "page": 2}).content.decode())
        assert "Chưa xếp vào xã mới" in pages and " cũ)</a>" in pages and "Phó bí thư" in pages


def select_options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the drop-down ``name`` in a page."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return [(value, unescape(label.strip()), bool(selected)) for value, selected, label in
            re.findall(r'<option value="([^"]*)"( selected)?[^>]*>(.*?)</option>', select[1], re.S)]


@pytest.mark.parametrize("query", [{**EARLIER, "district": "first"}, {**LAYOUT_2025, "new_commune": "first"}])
def test_unit_drop_downs_write_what_djangos_select_writes(country, query):
    query = {**query}
    name = "district" if "district" in query else "new_commune"
    query[name] = country.communes[0].district_id if name == "district" else country.new_communes[1].pk
    response = country.client().get(LIST, query)
    field = response.context["filter"].form[name]
    ours = select_options(response.content.decode(), name)
    djangos = select_options(str(field.as_widget(widget=forms.Select(choices=field.field.choices))), name)
    assert ours == djangos and sum(selected for *_o, selected in ours) == 1 and len(ours) > 2
    assert f'id="id_{name}"' in response.content.decode()


@pytest.mark.parametrize("period", [EARLIER, LAYOUT_2025], ids=["earlier", "2025"])
@pytest.mark.parametrize(("extra", "on_facts"), [
    ({}, True), ({"sort": "-name"}, True), ({"sort": "commune,-name"}, True), ({"sort": "district"}, True),
    ({"district": "first"}, True), ({"commune": "first"}, True), ({"new_commune": "unplaced", "units": "2025"}, True),
    ({"special_area": "true", "project01": "false"}, True), ({"has_cell": "false"}, True),
    ({"sort": "chief_elected_on"}, True), ({"sort": "-congress_held_on"}, True), ({"sort": "party_members"}, True),
    ({"kind": "thon"}, False), ({"q": "xom 1"}, False), ({"chief_elected": "true"}, False),
    ({"sort": "-deputy_secretary"}, False), ({"sort": "secretary"}, False), ({"sort": "kind"}, False),
], ids=lambda value: ",".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
def test_pages_filtered_and_sorted_on_units_and_records_are_chosen_on_the_facts_rows(country, monkeypatch, period,
                                                                                     extra, on_facts):
    """The filters and orders the facts rows hold choose the page there (``hamlet_paging``): the count and
    the page's ids are read from them, and every page shows what the one annotated query showed; the
    others (a search, the kind, a person) are chosen on the hamlets as before."""
    client = country.client()
    extra = units_named(country, extra)
    query = {**period, **extra}
    count = page(client, query)[2]
    for number in sorted({1, 2, last_page(count)}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {**query, "page": number, "per_page": PER_PAGE})
        table = response.context["table"]
        facts = [q["sql"] for q in queries if 'FROM "elections_hamletfact"' in q["sql"]]
        assert getattr(table.data, "read_from_facts", False) is on_facts
        assert (len(facts) == 2) is on_facts, facts  # the count and the page's ids
        rows = [(row.record.pk, *(str(cell) for cell in row)) for row in table.paginated_rows]
        assert rows and rows == annotated(monkeypatch, client, {**query, "page": number})[1]
