"""The entry grid's people columns (issue 12, items 1 and 3): the chief's and the secretary's
profile and the rating of the chief in office for the year before the grid's date, saved with
the import's rules (``workbooks.md`` rules 3, 8, 10) and the grid's locking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from elections.entry_grid import evaluation_year
from elections.models import ChiefElection, Congress, HamletTerm
from elections.people_models import ChiefEvaluation, Rating
from hamlets.bounds import today
from hamlets.models import Hamlet, PartyCell
from tests import test_entry
from tests.factories import ChiefElectionFactory, ChiefEvaluationFactory, CongressFactory
from tests.test_entry import ELECTION, add_hamlets, count_queries, form_data, grid, post, row_of, values

pytestmark = pytest.mark.django_db
URL = reverse("elections:entry")
place = test_entry.place  # the fixture: a 2025 commune of four hamlets, its neighbour, their users
PEOPLE = ("chief_birth_year", "chief_gender", "chief_ethnicity", "secretary_birth_year", "secretary_gender",
          "secretary_ethnicity", "evaluation")
CONGRESS = {"congress_held_on": "02/04/2025", "secretary": "Hồ Văn Bí", "deputy_secretary": ""}


def errors_of(response, hamlet) -> dict[str, list[str]]:  # noqa: ANN001
    return {c.column.field: c.errors for c in row_of(response, hamlet).cells if c.errors}


def stored_election(place, key="khoi2"):  # noqa: ANN001, ANN201
    return ChiefElectionFactory(hamlet=place.hamlets[key], term=place.term, held_on=dt.date(2026, 1, 5),
                                chief="Lô Văn Chung", chief_birth_year=1980, chief_gender="male",
                                chief_ethnicity="Thái")


# --- what the page shows ------------------------------------------------------------

def test_the_people_columns_are_labelled_and_hidden_until_shown(place):
    year = today().year - 1
    page = grid(place.client("board"))
    assert evaluation_year() == year
    assert 'aria-label="Năm sinh trưởng thôn – Xóm 1 (Thanh Lâm cũ)"' in page.text
    assert 'aria-label="Giới tính bí thư – Khối 10"' in page.text
    assert f'aria-label="Xếp loại trưởng thôn năm {year} – Khối 2"' in page.text
    assert 'class="table entry-grid people-hidden"' in page.text and 'aria-pressed="false"' in page.text
    assert 'list="entry-genders"' in page.text and '<option value="Nữ">' in page.text
    assert "Hồ sơ cán bộ" in page.text and "chỉ điền vào các cột đang hiện" in page.text  # the help on pasting
    shown = grid(place.client("board"), people=1)
    assert "people-hidden" not in shown.text and 'aria-pressed="true"' in shown.text
    assert 'name="people" value="1"' in shown.text  # the filters keep the choice
    # the people columns come last, in the import's order
    fields = [c.column.field for c in row_of(page, place.hamlets["khoi2"]).cells]
    assert tuple(fields[-7:]) == PEOPLE and fields[:9][-1] == "chief_party_role"


def test_the_rating_shown_is_last_years_for_the_chief_in_office(place):
    khoi2 = place.hamlets["khoi2"]
    stored_election(place)
    year = evaluation_year()
    ChiefEvaluationFactory(hamlet=khoi2, year=year, chief="lô văn CHUNG", rating=Rating.NOT_COMPLETED)
    ChiefEvaluationFactory(hamlet=khoi2, year=year - 1, chief="Lô Văn Chung", rating=Rating.EXCELLENT)
    ChiefEvaluationFactory(hamlet=place.hamlets["lam1"], year=year, chief="Người Khác", rating=Rating.GOOD)
    page = grid(place.client("board"))
    assert values(page, khoi2)["evaluation"] == "Không hoàn thành"
    assert values(page, khoi2)["chief_gender"] == "Nam" and values(page, khoi2)["chief_birth_year"] == "1980"
    assert values(page, place.hamlets["lam1"])["evaluation"] == ""  # no chief in office: nobody's rating


# --- saving profiles ------------------------------------------------------------------

def test_profiles_are_saved_with_gender_typed_loosely(place):
    khoi2 = place.hamlets["khoi2"]
    client = place.client("board")
    response = post(client, grid(client), {khoi2: {
        **CONGRESS, **ELECTION, "chief_birth_year": "1985", "chief_gender": "NỮ", "chief_ethnicity": "dân tộc Mông",
        "secretary_birth_year": "1970.0", "secretary_gender": "male", "secretary_ethnicity": "Kinh"}})
    assert response.status_code == 302, errors_of(response, khoi2)
    election = ChiefElection.objects.get(hamlet=khoi2)
    assert (election.chief_birth_year, election.chief_gender, election.chief_ethnicity) == (1985, "female",
                                                                                            "dân tộc Mông")
    assert election.chief_minority is True
    congress = Congress.objects.get(cell__hamlet=khoi2)
    assert (congress.secretary_birth_year, congress.secretary_gender, congress.secretary_minority) == (1970, "male",
                                                                                                       False)
    assert election.history.latest().history_user.username == "board"
    shown = values(grid(client), khoi2)
    assert (shown["chief_gender"], shown["secretary_gender"], shown["secretary_birth_year"]) == ("Nữ", "Nam", "1970")


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"chief_birth_year": "1899"}, "chief_birth_year", "phải là năm từ 1900 đến"),
    ({"chief_birth_year": str(today().year + 1)}, "chief_birth_year", "phải là năm từ 1900 đến"),
    ({"chief_birth_year": "năm 80"}, "chief_birth_year", "Năm sinh"),
    ({"chief_gender": "x"}, "chief_gender", "phải là Nam hoặc Nữ"),
    ({"secretary_gender": "trai"}, "secretary_gender", "phải là Nam hoặc Nữ"),
    ({"chief_ethnicity": "Thái" * 16}, "chief_ethnicity", "quá 60 ký tự"),
    ({"evaluation": "tốt lắm"}, "evaluation", "phải là Hoàn thành xuất sắc, Hoàn thành tốt"),
    # rule 8: a profile given while the name is blank
    ({"chief": "", "chief_elected_on": "", "chief_member_since": "", "chief_ethnicity": "Thái"}, "chief_ethnicity",
     "Đã ghi dân tộc của trưởng thôn nhưng chưa ghi tên trưởng thôn"),
    ({"secretary": "", "secretary_birth_year": "1970"}, "secretary_birth_year",
     "Đã ghi năm sinh của bí thư nhưng chưa ghi tên bí thư"),
    # rule 8: the chief is the secretary, and the secretary's profile differs from the chief's
    ({"secretary": "Lô Văn Chung", "chief_party_role": "Bí thư", "chief_birth_year": "1980",
      "secretary_birth_year": "1981"}, "secretary_birth_year",
     "Trưởng thôn kiêm bí thư nhưng năm sinh của bí thư (1981) khác năm sinh của trưởng thôn (1980)"),
    ({"secretary": "Lô Văn Chung", "chief_party_role": "Bí thư", "secretary_gender": "Nữ"}, "secretary_gender",
     "khác giới tính của trưởng thôn (trống)"),
    # a rating needs a chief in office
    ({"chief": "", "chief_elected_on": "", "chief_member_since": "", "evaluation": "Hoàn thành"}, "evaluation",
     "Chưa có trưởng thôn để xếp loại"),
])
def test_profile_and_rating_cells_are_refused_with_the_imports_words(place, typed, field, words):
    khoi2 = place.hamlets["khoi2"]
    client = place.client("board")
    response = post(client, grid(client), {khoi2: {**CONGRESS, **ELECTION, **typed}})
    assert response.status_code == 200
    errors = errors_of(response, khoi2)
    assert field in errors and any(words in e for e in errors[field]), errors
    assert not ChiefElection.objects.filter(hamlet=khoi2).exists() and not Congress.objects.exists()
    assert not ChiefEvaluation.objects.exists()
    assert "people-hidden" not in response.text  # the group is shown where one of its cells has a message


def test_the_english_interface_gets_profile_messages_in_english(place, settings):
    client = place.client("board")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    khoi2 = place.hamlets["khoi2"]
    response = post(client, grid(client), {khoi2: {**ELECTION, "chief_gender": "x", "evaluation": "ok"}})
    errors = errors_of(response, khoi2)
    assert errors["chief_gender"] == ['Chief gender must be Nam or Nữ (male or female), got "x"']
    assert errors["evaluation"] == ['Chief rating must be excellent, good, completed, not completed or blank, got "ok"']


def test_a_chief_who_is_secretary_gives_the_secretary_his_profile(place):
    khoi2 = place.hamlets["khoi2"]
    client = place.client("board")
    typed = {**CONGRESS, **ELECTION, "secretary": "Lô Văn Chung", "chief_party_role": "bí thư",
             "chief_birth_year": "1980", "chief_gender": "Nam", "chief_ethnicity": "Thái",
             "secretary_birth_year": "1980", "secretary_gender": "", "secretary_ethnicity": ""}
    assert post(client, grid(client), {khoi2: typed}).status_code == 302
    congress = Congress.objects.get(cell__hamlet=khoi2)
    assert (congress.secretary_birth_year, congress.secretary_gender, congress.secretary_ethnicity) == (
        1980, "male", "Thái")
    # the chief's year corrected: the secretary's cells, left as shown, follow
    page = grid(client)
    assert values(page, khoi2)["secretary_birth_year"] == "1980"
    assert post(client, page, {khoi2: {"chief_birth_year": "1979"}}).status_code == 302
    congress.refresh_from_db()
    assert congress.secretary_birth_year == 1979 and ChiefElection.objects.get(hamlet=khoi2).chief_birth_year == 1979
    # a secretary's value typed over them must be the chief's
    refused = post(client, grid(client), {khoi2: {"secretary_ethnicity": "Mường"}})
    assert "secretary_ethnicity" in errors_of(refused, khoi2)


def test_a_cell_no_leaves_the_secretary_profile_and_asks_first(place):
    khoi10 = place.hamlets["khoi10"]
    client = place.client("board")
    response = post(client, grid(client), {khoi10: {"secretary": "Vi Văn Một", "secretary_birth_year": "1970"}})
    row = row_of(response, khoi10)
    assert row.status == "caution"
    assert post(client, response, confirm=(khoi10,)).status_code == 302
    assert not Congress.objects.exists()


def test_people_cells_left_out_of_the_post_keep_the_stored_profile(place):
    khoi2 = place.hamlets["khoi2"]
    election = stored_election(place)
    cell = PartyCell.objects.get(hamlet=khoi2)
    congress = CongressFactory(cell=cell, term=place.term, held_on=dt.date(2025, 4, 2), secretary="Hồ Văn Bí",
                               secretary_birth_year=1966, secretary_gender="female")
    ChiefEvaluationFactory(hamlet=khoi2, year=evaluation_year(), chief="Lô Văn Chung", rating=Rating.GOOD)
    client = place.client("board")
    data = form_data(grid(client), {khoi2: {"chief": "Lô Văn Chúng", "party_members": "33"}})
    for name in PEOPLE:  # a page opened before the columns existed
        del data[f"h{khoi2.pk}-{name}"]
    assert client.post(f"{URL}?commune={place.commune.pk}", data).status_code == 302
    election.refresh_from_db()
    congress.refresh_from_db()
    assert (election.chief, election.chief_birth_year, election.chief_gender, election.chief_ethnicity) == (
        "Lô Văn Chúng", 1980, "male", "Thái")
    assert (congress.secretary_birth_year, congress.secretary_gender) == (1966, "female")
    assert HamletTerm.objects.get(hamlet=khoi2, term=place.term).party_members == 33
    # the name cleared: the profile left out goes with it
    data = form_data(grid(client), {khoi2: {"secretary": ""}})
    for name in PEOPLE:
        del data[f"h{khoi2.pk}-{name}"]
    assert client.post(f"{URL}?commune={place.commune.pk}", data).status_code == 302
    congress.refresh_from_db()
    assert (congress.secretary, congress.secretary_birth_year, congress.secretary_gender) == ("", None, "")


# --- saving the rating ----------------------------------------------------------------

def test_a_rating_creates_and_updates_last_years_evaluation_and_blank_leaves_it(place):
    khoi2 = place.hamlets["khoi2"]
    stored_election(place)
    client = place.client("board")
    year = evaluation_year()
    assert post(client, grid(client), {khoi2: {"evaluation": "hoàn thành tốt"}}).status_code == 302
    evaluation = ChiefEvaluation.objects.get(hamlet=khoi2)
    assert (evaluation.year, evaluation.chief, evaluation.rating) == (year, "Lô Văn Chung", Rating.GOOD)
    assert evaluation.history.latest().history_user.username == "board"
    page = grid(client)
    assert values(page, khoi2)["evaluation"] == "Hoàn thành tốt"
    assert post(client, page, {khoi2: {"evaluation": "Không hoàn thành"}}).status_code == 302
    assert post(client, grid(client), {khoi2: {"evaluation": ""}}).status_code == 302
    evaluation = ChiefEvaluation.objects.get(hamlet=khoi2)
    assert evaluation.rating == Rating.NOT_COMPLETED and ChiefEvaluation.objects.count() == 1
    # a new chief typed with the rating: the rating is the new chief's
    post(client, grid(client), {khoi2: {"chief": "Vi Văn Mới", "evaluation": "excellent"}})
    assert set(ChiefEvaluation.objects.values_list("chief", "rating")) == {
        ("Lô Văn Chung", Rating.NOT_COMPLETED), ("Vi Văn Mới", Rating.EXCELLENT)}


def test_a_rating_with_a_new_election_in_the_same_row(place):
    lam1 = place.hamlets["lam1"]
    client = place.client("board")
    assert post(client, grid(client), {lam1: {**ELECTION, "evaluation": "completed"}}).status_code == 302
    evaluation = ChiefEvaluation.objects.get(hamlet=lam1)
    assert (evaluation.chief, evaluation.rating, evaluation.year) == ("Lô Văn Chung", "completed", evaluation_year())


def test_a_rating_changed_meanwhile_is_a_conflict(place):
    khoi2 = place.hamlets["khoi2"]
    stored_election(place)
    evaluation = ChiefEvaluationFactory(hamlet=khoi2, year=evaluation_year(), chief="Lô Văn Chung",
                                        rating=Rating.GOOD)
    mine = place.client("board")
    opened = grid(mine)
    evaluation.rating = Rating.EXCELLENT
    evaluation.save()
    response = post(mine, opened, {khoi2: {"evaluation": "Không hoàn thành"}})
    row = row_of(response, khoi2)
    assert row.status == "conflict" and "Không hoàn thành" in row.note
    assert values(response, khoi2)["evaluation"] == "Hoàn thành xuất sắc"  # the newer value
    evaluation.refresh_from_db()
    assert evaluation.rating == Rating.EXCELLENT


def test_a_rating_made_meanwhile_for_the_new_chief_is_a_conflict(place):
    khoi2 = place.hamlets["khoi2"]
    opened = grid(place.client("board"))
    ChiefElectionFactory(hamlet=khoi2, term=place.term, held_on=dt.date(2026, 3, 15), chief="Lô Văn Chung")
    response = post(place.client("board"), opened, {khoi2: {**ELECTION, "evaluation": "good"}})
    assert row_of(response, khoi2).status == "conflict"
    assert not ChiefEvaluation.objects.exists()


# --- who, and the cost -----------------------------------------------------------------

def test_a_user_of_another_commune_cannot_post_profiles_or_ratings(place):
    khoi2 = place.hamlets["khoi2"]
    election = stored_election(place)
    page = grid(place.client("board"))
    data = form_data(page, {khoi2: {"chief_birth_year": "1950", "evaluation": "không hoàn thành"}})
    response = place.client("other_board").post(f"{URL}?commune={place.commune.pk}", data)
    assert response.status_code == 404
    # on its own grid the other commune's rows are not there: nothing is read from the post
    assert place.client("other_board").post(URL, data).status_code == 302
    election.refresh_from_db()
    assert election.chief_birth_year == 1980 and election.version == 1 and not ChiefEvaluation.objects.exists()
    assert place.client("staff").post(f"{URL}?commune={place.commune.pk}", data).status_code == 403


def test_queries_do_not_grow_with_the_hamlets_and_their_people(place):
    client = place.client("board")
    counts = {}
    for total in (6, 30):
        ChiefEvaluation.objects.all().delete()
        Hamlet.objects.filter(new_commune=place.commune, name__startswith="Tổ").delete()
        hamlets = add_hamlets(place, total - 4)
        for hamlet in hamlets:
            chief = ChiefElection.objects.get(hamlet=hamlet).chief
            ChiefEvaluationFactory(hamlet=hamlet, year=evaluation_year(), chief=chief, rating=Rating.COMPLETED)
        get = count_queries(lambda: grid(client, people=1))
        page = grid(client)
        changes = {hamlets[0]: {"chief_birth_year": "1970", "chief_gender": "Nữ", "secretary_ethnicity": "Tày",
                                "evaluation": "good"},
                   hamlets[1]: {"evaluation": "excellent", "chief": f"Người {total}"}}
        saved = count_queries(lambda: post(client, page, changes))  # noqa: B023
        assert ChiefElection.objects.get(hamlet=hamlets[0]).chief_gender == "female"
        assert ChiefEvaluation.objects.get(hamlet=hamlets[1], chief=f"Người {total}").rating == Rating.EXCELLENT
        counts[total] = (get, saved)
    assert counts[6] == counts[30], counts
