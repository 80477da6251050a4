"""The people on the result forms (issue 12, item 1): the chief's profile on the election form,
the secretary's on the congress form, with the import's bounds and rule 8's profile part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from elections.models import ChiefElection, Congress
from hamlets.bounds import today

pytestmark = pytest.mark.django_db


def congress_url(world, key="mine"):
    return reverse("elections:congress", args=[world.hamlets[key].pk, world.term.pk])


def election_url(world, key="mine"):
    return reverse("elections:election_edit", args=[world.elections[key].pk])


def election_data(election: ChiefElection, **changes) -> dict:
    data = {"held_on": election.held_on.isoformat(), "chief": election.chief,
            "chief_member_since": election.chief_member_since.isoformat() if election.chief_member_since else "",
            "chief_party_role": election.chief_party_role, "chief_birth_year": election.chief_birth_year or "",
            "chief_gender": election.chief_gender, "chief_ethnicity": election.chief_ethnicity,
            "version": election.version}
    data.update(changes)
    return data


def congress_data(congress: Congress, **changes) -> dict:
    data = {"held_on": congress.held_on.isoformat(), "secretary": congress.secretary,
            "deputy_secretary": congress.deputy_secretary, "secretary_birth_year": congress.secretary_birth_year or "",
            "secretary_gender": congress.secretary_gender, "secretary_ethnicity": congress.secretary_ethnicity,
            "version": congress.version}
    data.update(changes)
    return data


def make_chief_secretary(world, **profile) -> ChiefElection:  # noqa: ANN001
    """The sitting chief of "mine" is its secretary."""
    election = world.elections["mine"]
    election.chief, election.chief_party_role = "Bí thư mine", "secretary"
    for name, value in profile.items():
        setattr(election, name, value)
    election.save()
    return election


def test_the_forms_show_the_profile_fields(world):
    client = world.client("board")
    election = client.get(election_url(world)).text
    assert "Năm sinh của trưởng thôn" in election and 'name="chief_gender"' in election and "<select" in election
    congress = client.get(congress_url(world)).text
    assert "Dân tộc của bí thư" in congress and 'name="secretary_birth_year"' in congress


def test_the_election_form_saves_the_chiefs_profile(world):
    election = world.elections["mine"]
    response = world.client("board").post(election_url(world), election_data(
        election, chief_birth_year="1975", chief_gender="female", chief_ethnicity=" dân tộc  Thái "))
    assert response.status_code == 302
    election.refresh_from_db()
    assert (election.chief_birth_year, election.chief_gender, election.chief_ethnicity) == (1975, "female",
                                                                                            "dân tộc Thái")
    assert election.chief_minority is True and election.version == 2
    assert election.history.latest().history_user.username == "board"


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"chief_birth_year": "1899"}, "chief_birth_year", "Năm sinh của trưởng thôn phải là năm từ 1900 đến"),
    ({"chief_birth_year": str(today().year + 1)}, "chief_birth_year", f"đến {today().year}"),
    ({"chief_ethnicity": "Thái" * 16}, "chief_ethnicity", "quá 60 ký tự"),
    ({"chief_gender": "x"}, "chief_gender", ""),
])
def test_the_election_form_bounds_the_profile(world, changes, field, words):
    election = world.elections["mine"]
    response = world.client("board").post(election_url(world), election_data(election, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    election.refresh_from_db()
    assert election.version == 1 and election.chief_birth_year is None


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"secretary_birth_year": "1850"}, "secretary_birth_year", "Năm sinh của bí thư phải là năm từ 1900"),
    ({"secretary_ethnicity": "M" * 61}, "secretary_ethnicity", "Dân tộc của bí thư dài 61 ký tự"),
    ({"secretary": "", "secretary_gender": "female"}, "secretary_gender",
     "Đã ghi giới tính của bí thư nhưng chưa ghi tên bí thư"),
])
def test_the_congress_form_bounds_the_profile_and_needs_a_secretary(world, changes, field, words):
    congress = world.congresses["mine"]
    response = world.client("board").post(congress_url(world), congress_data(congress, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    congress.refresh_from_db()
    assert congress.version == 1 and congress.secretary_gender == ""


def test_fields_left_out_of_the_post_keep_the_stored_profile(world):
    election = world.elections["mine"]
    ChiefElection.objects.filter(pk=election.pk).update(chief_birth_year=1960, chief_gender="male",
                                                        chief_ethnicity="Kinh")
    response = world.client("board").post(election_url(world), {
        "held_on": "2022-06-16", "chief": "Phó mine", "chief_member_since": "2010-01-01",
        "chief_party_role": "deputy", "version": 1})  # a page opened before the profile fields existed
    assert response.status_code == 302
    election.refresh_from_db()
    assert (election.held_on.day, election.chief_birth_year, election.chief_gender, election.chief_ethnicity) == (
        16, 1960, "male", "Kinh")
    congress = world.congresses["mine"]
    Congress.objects.filter(pk=congress.pk).update(secretary_birth_year=1970, secretary_gender="female")
    assert world.client("board").post(congress_url(world), {
        "held_on": "2022-05-31", "secretary": "Bí thư mine", "deputy_secretary": "Phó mine",
        "version": 1}).status_code == 302
    congress.refresh_from_db()
    assert (congress.held_on.day, congress.secretary_birth_year, congress.secretary_gender) == (31, 1970, "female")


def test_a_chief_who_is_secretary_gives_the_congress_form_his_profile(world):
    make_chief_secretary(world, chief_birth_year=1970, chief_gender="male", chief_ethnicity="Thái")
    congress = world.congresses["mine"]
    client = world.client("board")
    refused = client.post(congress_url(world), congress_data(congress, secretary_birth_year="1971"))
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert "Trưởng thôn kiêm bí thư nhưng năm sinh của bí thư (1971) khác năm sinh của trưởng thôn (1970)" in \
        " ".join(errors["secretary_birth_year"])
    saved = client.post(congress_url(world), congress_data(congress, secretary_ethnicity="thái"))
    assert saved.status_code == 302
    congress.refresh_from_db()
    assert (congress.secretary_birth_year, congress.secretary_gender, congress.secretary_ethnicity) == (
        1970, "male", "thái")  # blanks taken from the chief; the ethnicity typed is the chief's, folded


def test_the_election_form_carries_the_secretarys_profile_to_the_congress(world):
    election = make_chief_secretary(world)
    congress = world.congresses["mine"]
    client = world.client("board")
    assert client.post(election_url(world), election_data(
        election, chief_birth_year="1970", chief_gender="female", chief_ethnicity="Mông")).status_code == 302
    congress.refresh_from_db()
    assert (congress.secretary_birth_year, congress.secretary_gender, congress.secretary_ethnicity) == (
        1970, "female", "Mông")
    assert congress.version == 2 and congress.secretary_minority is True
    assert congress.history.latest().history_user.username == "board"
    # the chief's year corrected: the congress's copy follows
    election.refresh_from_db()
    assert client.post(election_url(world), election_data(election, chief_birth_year="1971")).status_code == 302
    congress.refresh_from_db()
    assert congress.secretary_birth_year == 1971 and congress.secretary_gender == "female"
    # a congress value that is not the chief's refuses the election form
    Congress.objects.filter(pk=congress.pk).update(secretary_ethnicity="Thái")
    election.refresh_from_db()
    refused = client.post(election_url(world), election_data(election, chief_ethnicity="Mường"))
    assert refused.status_code == 200
    assert "khác dân tộc của trưởng thôn" in " ".join(refused.context["form"].errors["chief_ethnicity"])
    election.refresh_from_db()
    assert election.chief_ethnicity == "Mông"


@pytest.mark.parametrize("who", ["neighbour", "outsider"])
def test_another_units_user_cannot_record_a_profile(world, who):
    election, congress = world.elections["mine"], world.congresses["mine"]
    client = world.client(who)
    assert client.post(election_url(world), election_data(election, chief_birth_year="1950")).status_code == 404
    assert client.post(congress_url(world), congress_data(congress, secretary_birth_year="1950")).status_code == 404
    election.refresh_from_db()
    congress.refresh_from_db()
    assert election.chief_birth_year is None and congress.secretary_birth_year is None
    assert (election.version, congress.version) == (1, 1)
