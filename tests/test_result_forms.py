"""Recording congresses, chief elections and admissions through the web forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from elections.models import ChiefElection, Congress
from hamlets.models import PartyMember

pytestmark = pytest.mark.django_db


def congress_url(world, key="mine"):
    return reverse("elections:congress", args=[world.hamlets[key].pk, world.term.pk])


def election_new_url(world, key="mine"):
    return reverse("elections:election_new", args=[world.hamlets[key].pk, world.term.pk])


def congress_data(congress, **changes):
    data = {"held_on": "2022-05-30", "secretary": congress.secretary, "deputy_secretary": congress.deputy_secretary,
            "version": congress.version}
    data.update(changes)
    return data


def test_board_corrects_the_congress_and_history_names_them(world):
    congress = world.congresses["mine"]
    response = world.client("board").post(congress_url(world), congress_data(congress, held_on="31/05/2022",
                                                                             secretary="Nguyễn Văn Mới"))
    assert response.status_code == 302
    congress.refresh_from_db()
    assert congress.held_on == dt.date(2022, 5, 31) and congress.secretary == "Nguyễn Văn Mới"
    assert congress.version == 2
    assert congress.history.latest().history_user.username == "board"
    page = world.client("colleague").get(reverse("hamlets:detail", args=[world.hamlets["mine"].pk]))
    assert "Nguyễn Văn Mới" in page.text and "board" in page.text


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"deputy_secretary": "bí thư MINE"}, "deputy_secretary", "là cùng một người"),
    ({"held_on": "2099-01-01"}, "held_on", "là ngày sau hôm nay"),
    ({"held_on": "31/02/2022"}, "held_on", ""),
    # the sitting chief is deputy secretary "Phó mine": renaming the deputy breaks rule 8
    ({"deputy_secretary": "Người Khác"}, "deputy_secretary", "Trưởng thôn kiêm phó bí thư"),
])
def test_congress_rules_are_the_imports(world, changes, field, words):
    congress = world.congresses["mine"]
    response = world.client("board").post(congress_url(world), congress_data(congress, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    key = field or "__all__"
    assert key in errors and words in " ".join(errors[key])
    congress.refresh_from_db()
    assert congress.version == 1 and congress.secretary == "Bí thư mine"


def test_two_people_edit_the_same_congress(world):
    congress = world.congresses["mine"]
    first, second = world.client("board"), world.client("colleague")
    assert first.get(congress_url(world)).status_code == 200
    opened = second.get(congress_url(world)).context["form"]["version"].value()
    assert first.post(congress_url(world), congress_data(congress, secretary="Người Lưu Trước")).status_code == 302
    late = second.post(congress_url(world), congress_data(congress, secretary="Người Lưu Sau", version=opened))
    assert late.status_code == 200
    assert "Người Lưu Trước" in late.text  # the message shows the newer values
    congress.refresh_from_db()
    assert congress.secretary == "Người Lưu Trước"


def test_by_election_keeps_the_earlier_election(world):
    response = world.client("board").post(election_new_url(world), {
        "held_on": "2023-03-01", "chief": "Lô Văn Chung", "chief_member_since": "", "chief_party_role": "",
        "version": 0})
    assert response.status_code == 302
    elections = ChiefElection.objects.filter(hamlet=world.hamlets["mine"]).order_by("held_on")
    assert [e.chief for e in elections] == ["Phó mine", "Lô Văn Chung"]


def test_election_rule_8_on_the_role_field(world):
    response = world.client("board").post(election_new_url(world), {
        "held_on": "2023-03-01", "chief": "Lô Văn Chung", "chief_member_since": "2020-01-01",
        "chief_party_role": "secretary", "version": 0})
    assert response.status_code == 200
    assert "chief_party_role" in response.context["form"].errors
    same_day = world.client("board").post(election_new_url(world), {
        "held_on": "2022-06-15", "chief": "X", "chief_party_role": "", "version": 0})
    assert "held_on" in same_day.context["form"].errors
    assert ChiefElection.objects.filter(hamlet=world.hamlets["mine"]).count() == 1


def test_chief_admitted_after_the_election_is_recorded_on_the_election(world):
    election = world.elections["neighbour"]
    url = reverse("elections:election_edit", args=[election.pk])
    response = world.client("neighbour").post(url, {
        "held_on": "2022-06-15", "chief": "Lô Văn Chung", "chief_member_since": "19/04/2023", "chief_party_role": "",
        "version": election.version})
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.chief_member_since == dt.date(2023, 4, 19) and election.chief_is_member_on(dt.date(2023, 5, 1))


@pytest.mark.parametrize(("who", "status"), [("neighbour", 404), ("outsider", 404), ("staff", 403),
                                             ("editor", 200), ("admin", 200), ("anonymous", 302)])
def test_result_forms_are_scoped_for_get_and_post(world, who, status):
    client = world.client(who)
    urls = [congress_url(world), election_new_url(world),
            reverse("elections:election_edit", args=[world.elections["mine"].pk]),
            reverse("elections:admission_new", args=[world.hamlets["mine"].pk])]
    for url in urls:
        assert client.get(url).status_code == status, url
        post = client.post(url, {"held_on": "2022-06-01", "chief": "Kẻ Lạ", "full_name": "Kẻ Lạ",
                                 "birth_year": 1990, "admitted_on": "2022-06-01", "version": 1})
        assert post.status_code in {status, 302 if status == 200 else status}, url
    if status != 200:
        assert not ChiefElection.objects.filter(chief="Kẻ Lạ").exists()
        assert not PartyMember.objects.filter(full_name="Kẻ Lạ").exists()
        assert Congress.objects.get(pk=world.congresses["mine"].pk).version == 1


def test_admission_form(world):
    url = reverse("elections:admission_new", args=[world.hamlets["mine"].pk])
    client = world.client("board")
    data = {"full_name": "Lèng Văn Tình", "birth_year": 1985, "gender": "male", "ethnicity": "Thái",
            "admitted_on": "2024-05-19", "sitting_chief": "on"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "full_name": "lèng văn TÌNH"})
    assert "full_name" in again.context["form"].errors
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    late = client.post(url, {**data, "full_name": "Người Khác", "admitted_on": future})
    assert "admitted_on" in late.context["form"].errors
    member = PartyMember.objects.get(full_name="Lèng Văn Tình")
    assert member.sitting_chief and member.history.latest().history_user.username == "board"


def test_after_a_conflict_the_refused_form_can_be_saved_deliberately(world):
    congress = world.congresses["mine"]
    opened = congress.version
    world.client("board").post(congress_url(world), congress_data(congress, secretary="Người Lưu Trước"))
    refused = world.client("colleague").post(congress_url(world), congress_data(
        congress, secretary="Người Lưu Sau", version=opened))
    form = refused.context["form"]
    assert form["secretary"].value() == "Người Lưu Sau"  # their typing is kept
    again = world.client("colleague").post(congress_url(world), congress_data(
        congress, secretary="Người Lưu Sau", version=form["version"].value()))
    assert again.status_code == 302
    congress.refresh_from_db()
    assert congress.secretary == "Người Lưu Sau" and congress.version == opened + 2
