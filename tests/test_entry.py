"""The entry grid (``/entry/``): one commune's hamlets, one row each, saved row by row with the
import's rules, the forms' locking and warnings that ask."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elections.entry_grid import natural_key, record_values
from elections.models import ChiefElection, Congress, HamletTerm, Term
from elections.records import values_of
from hamlets.models import Commune, Hamlet, PartyCell
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
URL = reverse("elections:entry")


@dataclass
class Place:
    """A 2025 province with two communes; Đại Đồng holds the hamlets of two old communes."""

    term: Term
    earlier_term: Term
    commune: Commune  # Xã Đại Đồng
    other: Commune  # Xã Hạnh Lâm
    district_commune: Commune  # Xã Thanh Lâm, earlier list, merged into Đại Đồng
    hamlets: dict[str, Hamlet] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        return self.clients[who]


def login(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def place(db) -> Place:
    earlier_term = TermFactory(start_year=2022, end_year=2025)
    term = TermFactory(start_year=2025, end_year=2027)
    new = NewProvinceFactory(name="Tỉnh Nghệ An", code=40)
    old_province = ProvinceFactory(name="Tỉnh Nghệ An", code=40, successor=new)
    district = DistrictFactory(province=old_province, name="Huyện Thanh Chương")
    dai_dong = NewCommuneFactory(province=new, name="Xã Đại Đồng", code=17713)
    hanh_lam = NewCommuneFactory(province=new, name="Xã Hạnh Lâm", code=17800)
    thanh_lam = CommuneFactory(district=district, name="Xã Thanh Lâm")
    thanh_my = CommuneFactory(district=district, name="Xã Thanh Mỹ")
    succeed(thanh_lam, dai_dong)
    succeed(thanh_my, dai_dong)
    p = Place(term, earlier_term, dai_dong, hanh_lam, thanh_lam)
    p.hamlets = {
        "lam1": HamletFactory(name="Xóm 1", commune=thanh_lam, term=earlier_term, party_members=12),
        "my1": HamletFactory(name="Xóm 1", commune=thanh_my, term=earlier_term, party_members=7),
        "khoi10": HamletFactory(name="Khối 10", commune=None, new_commune=dai_dong, term=term, party_members=4),
        "khoi2": HamletFactory(name="Khối 2", commune=None, new_commune=dai_dong, term=term, party_members=30),
        "far": HamletFactory(name="Bản Xa", commune=None, new_commune=hanh_lam, term=term),
    }
    for key in ("lam1", "my1", "khoi2", "far"):
        PartyCellFactory(hamlet=p.hamlets[key])
    p.clients = {
        "board": login(make_user("board", commune=dai_dong)),
        "other_board": login(make_user("other_board", commune=hanh_lam)),
        "colleague": login(make_user("colleague", commune=dai_dong)),
        "district": login(make_user("district", district=district)),
        "staff": login(make_user("staff", province=new)),
        "editor": login(make_user("editor", province=new, editor=True)),
    }
    return p


def grid(client: Client, **query: object):  # noqa: ANN201
    response = client.get(URL, query)
    assert response.status_code == 200, response.status_code
    return response


def row_of(response, hamlet: Hamlet):  # noqa: ANN001, ANN201
    return next(r for r in response.context["rows"] if r.stored.hamlet.pk == hamlet.pk)


def values(response, hamlet: Hamlet) -> dict[str, str]:  # noqa: ANN001
    return {c.column.field: c.value for c in row_of(response, hamlet).cells}


def form_data(response, changes: dict[Hamlet, dict[str, str]] | None = None, confirm: tuple[Hamlet, ...] = (),  # noqa: ANN001
              action: str = "save") -> dict[str, str]:
    """What the page posts without its script: every row as shown, with ``changes`` typed in."""
    data = {"action": action}
    for row in response.context["rows"]:
        data[f"{row.prefix}-state"] = row.state
        for cell in row.cells:
            data[cell.name] = cell.value
        if row.confirm_key and row.stored.hamlet in confirm:
            data[f"{row.prefix}-confirm"] = row.confirm_key
    for hamlet, typed in (changes or {}).items():
        for name, value in typed.items():
            data[f"h{hamlet.pk}-{name}"] = value
    return data


def post(client: Client, response, changes=None, confirm=(), action="save", **query):  # noqa: ANN001, ANN201
    return client.post(f"{URL}?{response.request['QUERY_STRING']}" if not query else URL + "?" + "&".join(
        f"{k}={v}" for k, v in query.items()), form_data(response, changes, confirm, action))


ELECTION = {"chief_elected_on": "15/03/2026", "chief": "Lô Văn Chung", "chief_member_since": "02/03/2005",
            "chief_party_role": ""}


# --- who sees which grid ----------------------------------------------------------

def test_a_commune_board_lands_on_its_commune_in_natural_order_with_namesakes(place):
    page = grid(place.client("board"))
    assert page.context["commune"] == place.commune and page.context["term"] == place.term
    names = [r.stored.name for r in page.context["rows"]]
    assert names == ["Khối 2", "Khối 10", "Xóm 1 (Thanh Lâm cũ)", "Xóm 1 (Thanh Mỹ cũ)"]
    assert 'aria-label="Ngày bầu trưởng thôn – Xóm 1 (Thanh Lâm cũ)"' in page.text
    assert 'aria-label="Có chi bộ – Khối 10"' in page.text
    assert "Bản Xa" not in page.text
    assert 'type="date"' not in page.text and 'placeholder="DD/MM/YYYY"' in page.text
    assert "trang của thôn" in page.text  # by-elections are recorded on the hamlet page


def test_another_units_commune_is_not_found(place):
    assert place.client("board").get(URL, {"commune": place.other.pk}).status_code == 404
    assert place.client("board").get(URL, {"commune": "abc"}).status_code == 404
    assert place.client("district").get(URL, {"commune": place.commune.pk}).status_code == 404
    assert place.client("board").get(URL, {"term": "1990-1995"}).status_code == 404


def test_read_only_staff_may_not_enter(place):
    assert place.client("staff").get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login page


def test_an_editor_picks_any_2025_commune_of_the_province(place):
    page = grid(place.client("editor"))
    assert page.context["commune"] == place.commune  # the first in code order
    assert list(page.context["communes"]) == [place.commune, place.other]
    assert page.context["following"] == place.other
    other = grid(place.client("editor"), commune=place.other.pk)
    assert [r.stored.name for r in other.context["rows"]] == ["Bản Xa"]
    assert place.client("editor").get(URL, {"commune": place.district_commune.pk}).status_code == 404


def test_a_district_board_picks_an_earlier_commune_of_its_district(place):
    page = grid(place.client("district"))
    assert page.context["commune"] == place.district_commune
    assert page.context["term"] == place.earlier_term  # the term the earlier list's boards entered
    assert [r.stored.name for r in page.context["rows"]] == ["Xóm 1"]  # its own hamlets: no namesake there
    assert values(page, place.hamlets["lam1"])["party_members"] == "12"


def test_the_nav_offers_the_grid_to_those_who_enter_results(place):
    assert reverse("elections:entry") in place.client("board").get("/hamlets/").text
    assert reverse("elections:entry") not in place.client("staff").get("/hamlets/").text


# --- what a row shows ----------------------------------------------------------------

def test_rows_show_the_record_in_force_the_congress_and_the_latest_election(place):
    lam1 = place.hamlets["lam1"]
    cell = PartyCell.objects.get(hamlet=lam1)
    CongressFactory(cell=cell, term=place.term, held_on=dt.date(2025, 4, 2), secretary="Hồ Văn Bí",
                    deputy_secretary="Lê Thị Phó", secretary_birth_year=1970, secretary_gender="male",
                    secretary_ethnicity="Thái")
    ChiefElectionFactory(hamlet=lam1, term=place.term, held_on=dt.date(2026, 1, 5), chief="Người Cũ")
    ChiefElectionFactory(hamlet=lam1, term=place.term, held_on=dt.date(2026, 5, 9), chief="Hồ Văn Bí",
                         chief_member_since=dt.date(2001, 2, 3), chief_party_role="secretary",
                         chief_birth_year=1970, chief_gender="male", chief_ethnicity="Thái")
    page = grid(place.client("board"))
    assert values(page, lam1) == {
        "party_cell": "có", "party_members": "12", "congress_held_on": "02/04/2025", "secretary": "Hồ Văn Bí",
        "deputy_secretary": "Lê Thị Phó", "chief_elected_on": "09/05/2026", "chief": "Hồ Văn Bí",
        "chief_member_since": "03/02/2001", "chief_party_role": "Bí thư",
        "chief_birth_year": "1970", "chief_gender": "Nam", "chief_ethnicity": "Thái",
        "secretary_birth_year": "1970", "secretary_gender": "Nam", "secretary_ethnicity": "Thái", "evaluation": ""}
    assert values(page, place.hamlets["khoi10"])["party_cell"] == "không"


def test_record_values_are_values_of(place):
    HamletTermFactory(hamlet=place.hamlets["khoi2"], term=place.earlier_term, party_members=99)
    for term in (place.term, place.earlier_term):
        for hamlet in Hamlet.objects.all():
            record = HamletTerm.objects.in_force(term, hamlet).first()
            cell = PartyCell.objects.filter(hamlet=hamlet).first()
            assert record_values(hamlet, record, cell) == values_of(hamlet, term), (hamlet, term)


def test_natural_order():
    names = ["Khối 10", "khối 2", "Khối 1A", "Xóm Đồng", "Xóm 3", "Khối 2B", "Bản"]
    assert sorted(names, key=natural_key) == ["Bản", "Khối 1A", "khối 2", "Khối 2B", "Khối 10", "Xóm 3", "Xóm Đồng"]


# --- saving ------------------------------------------------------------------------

def test_rows_are_saved_through_the_domain_with_the_user_in_the_history(place):
    client = place.client("board")
    page = grid(client)
    khoi2, khoi10 = place.hamlets["khoi2"], place.hamlets["khoi10"]
    response = post(client, page, {
        khoi2: {"congress_held_on": "2/4/2025", "secretary": "Hồ Văn Bí", "deputy_secretary": "Lê Thị Phó",
                **ELECTION, "chief": "Hồ Văn Bí", "chief_party_role": "bí thư", "party_members": "31"},
        khoi10: {"party_cell": "x", "party_members": "5", "congress_held_on": "2025-05-01", "secretary": "Vi Văn Một",
                 **ELECTION}})
    assert response.status_code == 302 and response.url.endswith(f"?commune={place.commune.pk}&term=2025-2027")
    congress = Congress.objects.get(cell__hamlet=khoi2, term=place.term)
    assert (congress.held_on, congress.secretary) == (dt.date(2025, 4, 2), "Hồ Văn Bí")
    election = ChiefElection.objects.get(hamlet=khoi2, term=place.term)
    assert (election.held_on, election.chief, election.chief_party_role) == (dt.date(2026, 3, 15), "Hồ Văn Bí",
                                                                             "secretary")
    assert HamletTerm.objects.get(hamlet=khoi2, term=place.term).party_members == 31
    khoi10.refresh_from_db()
    assert khoi10.party_members == 5 and PartyCell.objects.get(hamlet=khoi10).active
    assert Congress.objects.get(cell__hamlet=khoi10).secretary == "Vi Văn Một"
    assert election.history.latest().history_user.username == "board"
    assert HamletTerm.history.filter(hamlet_id=khoi2.pk).latest().history_user.username == "board"
    # the rows left alone are untouched: no new record for the term, no history
    assert not HamletTerm.objects.filter(hamlet=place.hamlets["lam1"], term=place.term).exists()
    after = grid(client)
    assert values(after, khoi2)["chief_party_role"] == "Bí thư"
    assert "Đã lưu 2 thôn." in after.text


def test_an_earlier_terms_record_is_copied_into_the_term_it_is_saved_for(place):
    lam1 = place.hamlets["lam1"]
    client = place.client("board")
    post(client, grid(client), {lam1: ELECTION})
    record = HamletTerm.objects.get(hamlet=lam1, term=place.term)
    assert (record.party_members, record.party_cell, record.kind) == (12, True, "xom")
    assert HamletTerm.objects.get(hamlet=lam1, term=place.earlier_term).version == 1


def test_rows_with_problems_are_not_saved_and_the_others_are(place):
    client = place.client("board")
    page = grid(client)
    khoi2, khoi10, lam1 = place.hamlets["khoi2"], place.hamlets["khoi10"], place.hamlets["lam1"]
    response = post(client, page, {
        khoi2: {**ELECTION, "chief_elected_on": "31/02/2026", "chief": "Hồ Văn Hai"},
        khoi10: {"congress_held_on": "01/05/2025"},  # no cell: rule 6
        lam1: {**ELECTION, "party_members": "10000", "chief": "Vi Văn Ba"},
        place.hamlets["my1"]: ELECTION})
    assert response.status_code == 200
    assert ChiefElection.objects.filter(hamlet=place.hamlets["my1"]).count() == 1
    assert not ChiefElection.objects.filter(hamlet__in=[khoi2, lam1]).exists()
    assert not Congress.objects.filter(cell__hamlet=khoi10).exists()
    date_cell = next(c for c in row_of(response, khoi2).cells if c.column.field == "chief_elected_on")
    assert date_cell.value == "31/02/2026" and "31/02/2026" in date_cell.errors[0]
    assert any("thôn không có chi bộ" in e for c in row_of(response, khoi10).cells for e in c.errors)
    members = next(c for c in row_of(response, lam1).cells if c.column.field == "party_members")
    assert members.errors and "9.999" in members.errors[0]
    assert 'aria-invalid="true"' in response.text
    assert "3 thôn có lỗi" in response.text and "Đã lưu 1 thôn." in response.text
    # corrected and posted again: saved
    again = post(client, response, {khoi2: {"chief_elected_on": "28/02/2026"}, khoi10: {"congress_held_on": ""},
                                    lam1: {"party_members": "9999"}})
    assert again.status_code == 302
    assert ChiefElection.objects.get(hamlet=khoi2).held_on == dt.date(2026, 2, 28)
    assert HamletTerm.objects.get(hamlet=lam1, term=place.term).party_members == 9999


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"chief_elected_on": "", "chief": "Lô Văn Chung"}, "chief_elected_on", "Chưa có ngày bầu"),
    ({**ELECTION, "chief": ""}, "chief", "Đã có ngày bầu nhưng chưa ghi tên trưởng thôn"),
    ({**ELECTION, "chief_party_role": "Phó bí thư"}, "chief_party_role", "Trưởng thôn kiêm phó bí thư"),
    ({**ELECTION, "chief_party_role": "trưởng"}, "chief_party_role", "phải là Bí thư, Phó bí thư hoặc để trống"),
    ({"secretary": "Lê Văn A", "deputy_secretary": "lê văn a"}, "deputy_secretary", "là cùng một người"),
    ({"chief_elected_on": "01/01/2099", "chief": "X"}, "chief_elected_on", "là ngày sau hôm nay"),
    ({"chief_elected_on": "01/01/1920", "chief": "X"}, "chief_elected_on", "(01/01/1920) là ngày trước 01/01/1930"),
    ({"party_members": ""}, "party_members", "Số đảng viên không được để trống"),
    ({"party_members": "ba"}, "party_members", "phải là số nguyên"),
    ({"party_cell": "có lẽ"}, "party_cell", "phải là có hoặc không"),
    ({"secretary": "A" * 121}, "secretary", "120"),
])
def test_the_imports_rules_refuse_a_row(place, typed, field, words):
    client = place.client("board")
    khoi2 = place.hamlets["khoi2"]
    response = post(client, grid(client), {khoi2: typed})
    assert response.status_code == 200
    cell = next(c for c in row_of(response, khoi2).cells if c.column.field == field)
    assert any(words in e for e in cell.errors), cell.errors
    assert not ChiefElection.objects.filter(hamlet=khoi2).exists()
    assert HamletTerm.objects.get(hamlet=khoi2, term=place.term).version == 1


def test_the_english_interface_gets_the_rules_messages_in_english(place, settings):
    client = place.client("board")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    khoi2 = place.hamlets["khoi2"]
    response = post(client, grid(client), {khoi2: {"party_members": "ba", "chief_elected_on": "01/01/1920",
                                                   "chief": "X"}})
    errors = {c.column.field: c.errors for c in row_of(response, khoi2).cells if c.errors}
    assert errors == {"party_members": ['Party members must be a whole number ≥ 0, got "ba"'],
                      "chief_elected_on": ["Chief elected on (1920-01-01) is before 1930-01-01"]}


def test_the_grid_edits_the_latest_election_and_leaves_by_elections_to_the_hamlet_page(place):
    khoi2 = place.hamlets["khoi2"]
    first = ChiefElectionFactory(hamlet=khoi2, term=place.term, held_on=dt.date(2026, 1, 5), chief="Người Đầu")
    latest = ChiefElectionFactory(hamlet=khoi2, term=place.term, held_on=dt.date(2026, 6, 1), chief="Người Sau")
    client = place.client("board")
    refused = post(client, grid(client), {khoi2: {"chief_elected_on": "05/01/2026"}})
    cell = next(c for c in row_of(refused, khoi2).cells if c.column.field == "chief_elected_on")
    assert "05/01/2026" in cell.errors[0] and "Người Đầu" in cell.errors[0]
    post(client, grid(client), {khoi2: {"chief_elected_on": "02/06/2026", "chief": "Người Sau Sửa"}})
    latest.refresh_from_db()
    assert (latest.held_on, latest.chief, latest.version) == (dt.date(2026, 6, 2), "Người Sau Sửa", 2)
    post(client, grid(client), {khoi2: {f: "" for f in ELECTION}})  # cleared: the latest one goes
    assert list(ChiefElection.objects.filter(hamlet=khoi2)) == [first]
    assert values(grid(client), khoi2)["chief"] == "Người Đầu"


def test_a_cleared_congress_is_deleted_and_a_cell_no_leaves_it(place):
    khoi2 = place.hamlets["khoi2"]
    CongressFactory(cell=PartyCell.objects.get(hamlet=khoi2), term=place.term, held_on=dt.date(2025, 4, 2))
    client = place.client("board")
    post(client, grid(client), {khoi2: {"party_cell": "không", "congress_held_on": "", "secretary": "",
                                        "deputy_secretary": ""}})
    assert Congress.objects.filter(cell__hamlet=khoi2).count() == 1  # the cell's record of it stays
    assert not PartyCell.objects.get(hamlet=khoi2).active
    page = grid(client)
    assert values(page, khoi2)["congress_held_on"] == ""
    post(client, page, {khoi2: {"party_cell": "có"}})
    assert not Congress.objects.filter(cell__hamlet=khoi2).exists()  # shown blank, saved blank: deleted


# --- locking ------------------------------------------------------------------------

def test_a_row_changed_meanwhile_is_refused_and_the_others_are_saved(place):
    khoi2, khoi10, lam1 = place.hamlets["khoi2"], place.hamlets["khoi10"], place.hamlets["lam1"]
    election = ChiefElectionFactory(hamlet=khoi2, term=place.term, held_on=dt.date(2026, 1, 5), chief="Người Cũ")
    mine, theirs = place.client("board"), place.client("colleague")
    opened = grid(mine)
    assert post(theirs, grid(theirs), {khoi2: {"chief": "Người Của Đồng Nghiệp"},
                                       lam1: {"party_members": "13"}}).status_code == 302
    response = post(mine, opened, {khoi2: {"chief": "Người Của Tôi"}, khoi10: ELECTION})
    assert response.status_code == 200
    election.refresh_from_db()
    assert election.chief == "Người Của Đồng Nghiệp"
    assert ChiefElection.objects.get(hamlet=khoi10).chief == "Lô Văn Chung"
    row = row_of(response, khoi2)
    assert row.status == "conflict" and "Người Của Tôi" in row.note
    assert values(response, khoi2)["chief"] == "Người Của Đồng Nghiệp"  # the newer values
    assert values(response, lam1)["party_members"] == "13"  # changed by the colleague, untouched by me: no conflict
    assert row_of(response, lam1).status == ""
    assert "1 thôn vừa được người khác lưu" in response.text
    # typed again over the newer values: saved
    assert post(mine, response, {khoi2: {"chief": "Người Của Tôi"}}).status_code == 302
    election.refresh_from_db()
    assert election.chief == "Người Của Tôi" and election.version == 3


def test_a_record_created_meanwhile_is_a_conflict(place):
    lam1 = place.hamlets["lam1"]
    client = place.client("board")
    opened = grid(client)
    HamletTermFactory(hamlet=lam1, term=place.term, party_members=40)
    response = post(client, opened, {lam1: {"party_members": "20"}})
    assert row_of(response, lam1).status == "conflict"
    assert HamletTerm.objects.get(hamlet=lam1, term=place.term).party_members == 40


def test_a_by_election_recorded_meanwhile_is_a_conflict(place):
    khoi2 = place.hamlets["khoi2"]
    ChiefElectionFactory(hamlet=khoi2, term=place.term, held_on=dt.date(2026, 1, 5), chief="Người Cũ")
    client = place.client("board")
    opened = grid(client)
    ChiefElectionFactory(hamlet=khoi2, term=place.term, held_on=dt.date(2026, 7, 5), chief="Người Mới")
    response = post(client, opened, {khoi2: {"chief": "Người Cũ Sửa"}})
    assert row_of(response, khoi2).status == "conflict"
    assert set(ChiefElection.objects.values_list("chief", flat=True)) == {"Người Cũ", "Người Mới"}


def test_a_saved_row_bumps_the_hamlets_version(place):
    khoi2 = place.hamlets["khoi2"]
    before = Hamlet.objects.get(pk=khoi2.pk).version
    client = place.client("board")
    post(client, grid(client), {khoi2: ELECTION})
    assert Hamlet.objects.get(pk=khoi2.pk).version == before + 1


# --- warnings that ask ---------------------------------------------------------------

def test_a_warned_row_waits_for_a_confirmation(place):
    khoi2, khoi10 = place.hamlets["khoi2"], place.hamlets["khoi10"]
    client = place.client("board")
    response = post(client, grid(client), {khoi2: {**ELECTION, "chief_elected_on": "15/03/2016"},
                                           khoi10: {**ELECTION, "chief": "Vi Văn Mười"}})
    assert response.status_code == 200
    assert not ChiefElection.objects.filter(hamlet=khoi2).exists()
    assert ChiefElection.objects.filter(hamlet=khoi10).exists()
    row = row_of(response, khoi2)
    assert row.status == "caution" and row.confirm_key
    cell = next(c for c in row.cells if c.column.field == "chief_elected_on")
    assert cell.value == "15/03/2016" and "15/03/2016" in cell.cautions[0] and not cell.errors
    assert "Tôi đã kiểm tra, vẫn lưu" in response.text
    unconfirmed = post(client, response)  # posted again without the box ticked: still waiting
    assert row_of(unconfirmed, khoi2).status == "caution"
    assert post(client, unconfirmed, confirm=(khoi2,)).status_code == 302
    assert ChiefElection.objects.get(hamlet=khoi2).held_on == dt.date(2016, 3, 15)


def test_a_confirmation_holds_for_the_warnings_it_saw_only(place):
    khoi2 = place.hamlets["khoi2"]
    client = place.client("board")
    warned = post(client, grid(client), {khoi2: {**ELECTION, "chief_elected_on": "15/03/2016"}})
    changed = post(client, warned, {khoi2: {"chief": "=Lô Văn Chung"}}, confirm=(khoi2,))
    row = row_of(changed, khoi2)
    assert row.status == "caution" and any("=Lô Văn Chung" in c for cell in row.cells for c in cell.cautions)
    assert not ChiefElection.objects.filter(hamlet=khoi2).exists()


def test_the_same_chief_in_two_hamlets_of_the_commune_is_asked_about(place):
    khoi2, lam1 = place.hamlets["khoi2"], place.hamlets["lam1"]
    ChiefElectionFactory(hamlet=lam1, term=place.term, held_on=dt.date(2026, 1, 5), chief="Lô Văn Chung")
    client = place.client("board")
    response = post(client, grid(client), {khoi2: ELECTION})
    chief = next(c for c in row_of(response, khoi2).cells if c.column.field == "chief")
    assert chief.cautions and "Xóm 1 (Thanh Lâm cũ)" in chief.cautions[0]
    # the stored row is not asked about again when only its members change
    page = grid(client)
    assert post(client, page, {lam1: {"party_members": "14"}}).status_code == 302


def test_names_for_a_hamlet_without_a_cell_are_asked_about(place):
    khoi10 = place.hamlets["khoi10"]
    client = place.client("board")
    response = post(client, grid(client), {khoi10: {"secretary": "Vi Văn Một"}})
    assert row_of(response, khoi10).status == "caution"
    assert post(client, response, confirm=(khoi10,)).status_code == 302
    assert not Congress.objects.exists() and not PartyCell.objects.filter(hamlet=khoi10).exists()


# --- the next commune, and the cost ----------------------------------------------------

def test_save_and_next_commune(place):
    client = place.client("editor")
    page = grid(client)
    response = post(client, page, {place.hamlets["khoi2"]: ELECTION}, action="next")
    assert response.status_code == 302
    assert response.url == f"{URL}?commune={place.other.pk}&term=2025-2027"
    last = grid(client, commune=place.other.pk)
    assert last.context["following"] is None and "Lưu và sang xã tiếp" not in last.text
    assert grid(place.client("board")).context["following"] is None  # a commune board has one commune


def add_hamlets(place: Place, count: int) -> list[Hamlet]:
    hamlets = []
    for n in range(count):
        hamlet = HamletFactory(name=f"Tổ {n + 3}", commune=None, new_commune=place.commune, term=place.term)
        PartyCellFactory(hamlet=hamlet)
        CongressFactory(cell=hamlet.party_cell, term=place.term, held_on=dt.date(2025, 4, 2))
        ChiefElectionFactory(hamlet=hamlet, term=place.term, held_on=dt.date(2026, 3, 1))
        hamlets.append(hamlet)
    return hamlets


def count_queries(callable_) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_queries_do_not_grow_with_the_hamlets(place):
    client = place.client("board")
    counts = {}
    for total in (5, 40):
        Hamlet.objects.filter(new_commune=place.commune, name__startswith="Tổ").delete()
        hamlets = add_hamlets(place, total - 4)
        page = grid(client)
        assert len(page.context["rows"]) == total
        get = count_queries(lambda: grid(client))
        page = grid(client)
        changes = {hamlets[0]: {"chief": f"Người {total}", "secretary": f"Bí thư {total}"},
                   place.hamlets["khoi10"]: {"party_members": str(total)}}
        saved = count_queries(lambda: post(client, page, changes))  # noqa: B023
        assert ChiefElection.objects.get(hamlet=hamlets[0]).chief == f"Người {total}"
        nothing = count_queries(lambda: post(client, grid(client)))
        counts[total] = (get, saved, nothing)
    assert counts[5] == counts[40], counts
