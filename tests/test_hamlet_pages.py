"""The district board's hamlet list and hamlet page, with every persona."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from elections.figures import Figures
from elections.models import Congress, Term
from elections.records import save_record
from hamlets.models import Commune, Hamlet
from tests.factories import CongressFactory, HamletFactory

pytestmark = pytest.mark.django_db
LIST = "/hamlets/"
PERIOD = {"term": "2022-2025", "as_of": "2022-07-15"}


def names_in(response) -> set[str]:
    return {h for h in ("Xóm Đồng Hòa", "Bản Mới", "Bản Nậm Củng") if h in response.text}


@pytest.mark.parametrize(("who", "seen"), [
    ("board", {"Xóm Đồng Hòa"}), ("colleague", {"Xóm Đồng Hòa"}), ("neighbour", {"Bản Mới"}),
    ("staff", {"Xóm Đồng Hòa", "Bản Mới"}), ("outsider", {"Bản Nậm Củng"}),
    ("admin", {"Xóm Đồng Hòa", "Bản Mới", "Bản Nậm Củng"}),
])
def test_list_shows_the_users_scope_only(world, who, seen):
    response = world.client(who).get(LIST, PERIOD)
    assert response.status_code == 200
    assert names_in(response) == seen


def test_anonymous_visitor_is_sent_to_login(world):
    response = world.client("anonymous").get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    detail = world.client("anonymous").get(f"/hamlets/{world.hamlets['mine'].pk}/")
    assert detail.status_code == 302


def test_list_shows_chief_and_secretary_of_the_period(world):
    page = world.client("board").get(LIST, PERIOD)
    assert "Phó mine" in page.text and "Bí thư mine" in page.text
    before = world.client("board").get(LIST, {"term": "2022-2025", "as_of": "2022-05-01"})
    assert "Bí thư mine" not in before.text and "Phó mine" not in before.text


def test_filter_choices_offer_only_the_users_communes(world):
    page = world.client("board").get(LIST, PERIOD)
    form = page.context["filter"].form
    communes = {int(pk) for pk, _label in form.fields["commune"].choices if pk}
    assert set(Commune.objects.filter(pk__in=communes).values_list("district_id", flat=True)) == {world.mine.pk}
    assert [pk for pk, _label in form.fields["district"].choices if pk] == [str(world.mine.pk)]


def test_search_ignores_case_and_diacritics(world):
    page = world.client("staff").get(LIST, {**PERIOD, "q": "dong HOA"})
    assert names_in(page) == {"Xóm Đồng Hòa"}


@pytest.mark.parametrize(("params", "expected"), [
    ({"chief_elected": "true"}, {"Xóm Đồng Hòa", "Bản Mới"}),
    ({"congress_held": "false"}, set()),
    ({"chief_member": "true"}, {"Xóm Đồng Hòa", "Bản Mới"}),
    ({"has_cell": "false"}, set()),
])
def test_filters(world, params, expected):
    assert names_in(world.client("staff").get(LIST, {**PERIOD, **params})) == expected


def test_filters_follow_the_as_of_date(world):
    early = {"term": "2022-2025", "as_of": "2022-06-01"}
    assert names_in(world.client("staff").get(LIST, {**early, "congress_held": "true"})) == {"Xóm Đồng Hòa", "Bản Mới"}
    assert names_in(world.client("staff").get(LIST, {**early, "chief_elected": "true"})) == set()


def test_csv_export_is_the_filtered_scope(world):
    response = world.client("staff").get(LIST, {**PERIOD, "q": "ban", "_export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][0] == "Thôn, xóm"
    assert [r[0] for r in rows[1:]] == ["Bản Mới"]


def test_xlsx_export_is_formula_safe_and_scoped(world):
    hamlet = world.hamlets["mine"]
    hamlet.name = "=HYPERLINK(\"http://x\",\"y\")"
    hamlet.save()
    response = world.client("board").get(LIST, {**PERIOD, "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    cell = sheet.cell(row=2, column=1)
    assert cell.value == hamlet.name and cell.data_type == "s"


def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    client = world.client("staff")
    client.get(LIST, PERIOD)  # warm the session
    with django_assert_max_num_queries(9) as few:
        client.get(LIST, PERIOD)
    for _ in range(30):
        HamletFactory(commune=world.hamlets["mine"].commune)
    with django_assert_max_num_queries(len(few)):
        assert client.get(LIST, PERIOD).status_code == 200


@pytest.mark.parametrize(("who", "status"), [
    ("board", 200), ("colleague", 200), ("staff", 200), ("admin", 200), ("neighbour", 404), ("outsider", 404)])
def test_hamlet_page_is_scoped(world, who, status):
    response = world.client(who).get(reverse("hamlets:detail", args=[world.hamlets["mine"].pk]))
    assert response.status_code == status
    if status == 200:
        assert "Bí thư mine" in response.text and "Đảng viên mine" in response.text


@pytest.mark.parametrize(("who", "status"), [("neighbour", 404), ("outsider", 404), ("staff", 403)])
def test_hamlet_edit_refused_outside_scope_for_get_and_post(world, who, status):
    url = reverse("hamlets:edit", args=[world.hamlets["mine"].pk])
    client = world.client(who)
    assert client.get(url).status_code == status
    assert client.post(url, {"name": "X", "party_members": 1, "version": 1}).status_code == status
    world.hamlets["mine"].refresh_from_db()
    assert world.hamlets["mine"].name == "Xóm Đồng Hòa"


def test_hamlet_edit_saves_and_records_history_with_user(world):
    hamlet = world.hamlets["mine"]
    url = reverse("hamlets:edit", args=[hamlet.pk])
    record = hamlet.term_records.get()
    response = world.client("board").post(url, {"name": "Xóm Đồng Hòa", "kind": "xom", "party_members": 4,
                                                "party_cell": "on", "version": record.version})
    assert response.status_code == 302
    hamlet.refresh_from_db()
    assert hamlet.party_members == 4  # the hamlet's copy of its latest record follows
    record.refresh_from_db()
    assert record.party_members == 4 and record.version == 2
    assert record.history.latest().history_user.username == "board"
    page = world.client("colleague").get(reverse("hamlets:detail", args=[hamlet.pk]))
    assert "board" in page.text and "10 → 4" in page.text


def test_hamlet_edit_refuses_a_stale_version(world):
    hamlet = world.hamlets["mine"]
    url = reverse("hamlets:edit", args=[hamlet.pk])
    opened = hamlet.term_records.get().version
    world.client("board").post(url, {"name": "Xóm Đồng Hòa", "kind": "xom", "party_members": 7, "party_cell": "on",
                                     "version": opened})
    response = world.client("colleague").post(url, {"name": "Xóm Đồng Hòa", "kind": "xom", "party_members": 9,
                                                    "party_cell": "on", "version": opened})
    assert response.status_code == 200
    assert "7" in response.text and "Người khác vừa lưu" in response.text
    hamlet.refresh_from_db()
    assert hamlet.party_members == 7


def test_hamlet_page_query_count_does_not_grow_with_history(world, django_assert_max_num_queries):
    hamlet = world.hamlets["mine"]
    client = world.client("board")
    url = reverse("hamlets:detail", args=[hamlet.pk])
    client.get(url)
    with django_assert_max_num_queries(19) as first:  # + plans, evaluations and their two histories
        client.get(url)
    for members in range(5):
        hamlet.party_members = members
        hamlet.save()
        save_record(hamlet, world.term, party_members=members)
    with django_assert_max_num_queries(len(first)):
        assert client.get(url).status_code == 200


def test_list_finds_chiefs_never_admitted(world):
    election = world.elections["mine"]
    election.chief_member_since = None
    election.chief_party_role = ""
    election.save()
    page = world.client("staff").get(LIST, {**PERIOD, "chief_member": "false"})
    assert names_in(page) == {"Xóm Đồng Hòa"}


@pytest.mark.parametrize(("who", "seen"), [
    ("board", ["Xóm Đồng Hòa"]), ("neighbour", ["Bản Mới"]), ("outsider", ["Bản Nậm Củng"]),
    ("staff", ["Xóm Đồng Hòa", "Bản Mới"])])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_contain_only_the_users_scope(world, who, seen, fmt):
    response = world.client(who).get(LIST, {**PERIOD, "_export": fmt})
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))[1:]
        names = [r[0] for r in rows]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(seen)


def new_hamlet(commune, name="Xóm Mới", **extra):
    term = Term.objects.get(start_year=2022)
    return {"commune": commune.pk, "name": name, "term": term.pk, "kind": "xom", "party_members": 5,
            "party_cell": "on", "version": 0, **extra}


def test_board_adds_a_hamlet_in_its_own_commune(world):
    from hamlets.models import Hamlet

    commune = world.hamlets["mine"].commune
    response = world.client("board").post(reverse("hamlets:new"), new_hamlet(commune, name="  Xóm   Mới "))
    hamlet = Hamlet.objects.get(name="Xóm Mới")
    assert response.status_code == 302 and response["Location"] == f"/hamlets/{hamlet.pk}/"
    assert hamlet.party_cell.active and hamlet.history.earliest().history_user.username == "board"
    record = hamlet.term_records.get()
    assert (record.term.name, record.party_members, record.party_cell) == ("2022-2025", 5, True)


@pytest.mark.parametrize(("who", "status"), [("neighbour", 200), ("outsider", 403), ("staff", 403)])
def test_board_cannot_add_a_hamlet_elsewhere(world, who, status):
    from hamlets.models import Hamlet

    response = world.client(who).post(reverse("hamlets:new"), new_hamlet(world.hamlets["mine"].commune))
    assert response.status_code == status
    if status == 200:
        assert "commune" in response.context["form"].errors
    assert not Hamlet.objects.filter(name="Xóm Mới").exists()


def test_duplicate_hamlet_name_is_a_field_error_not_a_crash(world):
    commune = world.hamlets["mine"].commune
    response = world.client("board").post(reverse("hamlets:new"), new_hamlet(commune, name="xóm đồng hoà"))
    assert response.status_code == 200 and "name" in response.context["form"].errors
    other = HamletFactory(commune=commune, name="Xóm Khác")
    edit = world.client("board").post(reverse("hamlets:edit", args=[other.pk]), {
        "name": "Xóm Đồng Hòa", "kind": "xom", "party_members": 1, "version": 1})
    assert edit.status_code == 200 and "name" in edit.context["form"].errors


# --- a drill-down agrees with the dashboard (issue 9, item 8) ----------------------------------------

def congress_dates_listed(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    column = rows[0].index("Ngày đại hội")
    return [row[column] for row in rows[1:] if row[column]]


@pytest.mark.parametrize(("who", "query", "hamlets"), [
    ("staff", {**PERIOD}, lambda w: Hamlet.objects.in_province(w.home)),
    ("staff", {**PERIOD, "district": "mine"}, lambda w: Hamlet.objects.filter(commune__district=w.mine)),
    ("board", {**PERIOD}, lambda w: Hamlet.objects.filter(commune__district=w.mine)),
    ("ht_staff", {"term": "2022-2025", "as_of": "2025-08-01"}, lambda w: Hamlet.objects.in_province(w.new_province)),
])
def test_the_list_shows_the_congresses_the_figures_count_and_no_inactive_cells(world, who, query, hamlets):
    """A hamlet whose record for the term says it has no Party cell keeps its cell's congress in the
    database, but neither the figures nor the list count it."""
    term = world.term
    for key in ("mine", "nam_son"):  # each gets an inactive cell with a congress of the term
        inactive = HamletFactory(name=f"Xóm Không Chi Bộ {key}", commune=world.hamlets[key].commune)
        CongressFactory(cell__hamlet=inactive, term=term, held_on=dt.date(2022, 6, 2))
        save_record(inactive, term, party_cell=False)
    query = {**query, "district": world.mine.pk} if query.get("district") else query
    as_of = dt.date.fromisoformat(query["as_of"])
    counted = Figures(hamlets(world).restrict(world.users[who]), term, as_of).total()["congresses"]
    listed = congress_dates_listed(world.client(who).get(LIST, {**query, "_export": "csv"}))
    assert len(listed) == counted.numerator > 0
    assert Congress.objects.filter(cell__hamlet__name__startswith="Xóm Không Chi Bộ").count() == 2
