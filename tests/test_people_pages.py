"""The people page (``/people/chiefs/``, ``domain.md`` items 9-10): non-member chiefs in office
without and with a plan, stalled plans oldest first, candidates for replacement; each section
over the user's scope, its count over its denominator, a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from elections.models import Rating
from tests.factories import ChiefElectionFactory, ChiefEvaluationFactory, ChiefPlanFactory, HamletFactory

pytestmark = pytest.mark.django_db
PAGE = "/people/chiefs/"
D = dt.date(2024, 7, 15)
PERIOD = {"term": "2022-2025", "as_of": D.isoformat()}


def section(response, key: str):
    return next(s for s in response.context["sections"] if s.key == key)


def chiefs_in(response, key: str) -> list[str]:
    return [row.p_chief for row in section(response, key).table.data]


def counts(response, key: str) -> tuple[int, int]:
    ratio = section(response, key).ratio
    return ratio.numerator, ratio.denominator


def not_a_member(world, key: str, since: dt.date | None = None):
    election = world.elections[key]
    election.chief_member_since = since
    election.save()
    return election


def chief(world, name: str, commune=None, **election):
    """A hamlet of the board's commune (or ``commune``) with a chief elected on 10/06/2022."""
    hamlet = HamletFactory(name=f"Xóm {name}", commune=commune or world.hamlets["mine"].commune, term=world.term)
    ChiefElectionFactory(hamlet=hamlet, term=world.term, chief=name, **election)
    return hamlet


@pytest.fixture
def district(world):
    """The board's district on ``D``: 7 chiefs in office, 6 not members on ``D`` (one admitted after it),
    3 plans (2 stalled: the oldest step first), 1 rated "not completed" for 2023."""
    hamlets = {
        "A": chief(world, "Lò Văn An"),
        "B": chief(world, "Lò Văn Bình"),
        "C": chief(world, "Lò Văn Cường"),
        "D": chief(world, "Lò Văn Dũng"),
        "E": chief(world, "Lò Văn Em", chief_member_since=D + dt.timedelta(days=17)),
        "F": chief(world, "Lò Văn Phong"),
    }
    ChiefPlanFactory(hamlet=hamlets["B"], term=world.term, chief="Lò Văn Bình", started_on=dt.date(2024, 6, 1))
    ChiefPlanFactory(hamlet=hamlets["C"], term=world.term, chief="lò văn CƯỜNG", started_on=dt.date(2023, 3, 1),
                     mentor="Hà Văn Giúp")
    ChiefPlanFactory(hamlet=hamlets["D"], term=world.term, chief="Lò Văn Dũng", started_on=dt.date(2022, 10, 1),
                     course_on=dt.date(2023, 5, 2))
    ChiefPlanFactory(hamlet=hamlets["A"], term=world.term, chief="Lò Văn An", started_on=D + dt.timedelta(days=1))
    ChiefEvaluationFactory(hamlet=hamlets["F"], year=2023, chief="Lò Văn Phong", rating=Rating.NOT_COMPLETED)
    ChiefEvaluationFactory(hamlet=hamlets["B"], year=2023, chief="Lò Văn Bình", rating=Rating.COMPLETED)
    return hamlets


def test_sections_and_their_counts(world, district):
    page = world.client("board").get(PAGE, PERIOD)
    assert page.status_code == 200
    # a plan started after the date does not count; a chief admitted after the date is still a non-member on it
    assert sorted(chiefs_in(page, "without_plan")) == ["Lò Văn An", "Lò Văn Em", "Lò Văn Phong"]
    assert sorted(chiefs_in(page, "with_plan")) == ["Lò Văn Bình", "Lò Văn Cường", "Lò Văn Dũng"]
    assert chiefs_in(page, "stalled") == ["Lò Văn Cường", "Lò Văn Dũng"]  # last steps 01/03/2023, 02/05/2023
    assert chiefs_in(page, "candidates") == ["Lò Văn Phong"]
    assert counts(page, "without_plan") == (3, 6) and counts(page, "with_plan") == (3, 6)
    assert counts(page, "stalled") == (2, 3) and counts(page, "candidates") == (1, 7)
    stalled = page.text[page.text.index('id="stalled"'):page.text.index('id="candidates"')]
    assert "2/3" in stalled and "66,67" in stalled and "Hà Văn Giúp" in stalled and "01/03/2023" in stalled
    # on the admission day the chief is a member and leaves the list
    later = world.client("board").get(PAGE, {**PERIOD, "as_of": (D + dt.timedelta(days=17)).isoformat()})
    assert "Lò Văn Em" not in chiefs_in(later, "without_plan")


@pytest.mark.parametrize(("who", "seen"), [
    ("board", {"Phó mine"}), ("colleague", {"Phó mine"}), ("neighbour", {"Phó neighbour"}),
    ("staff", {"Phó mine", "Phó neighbour"}), ("outsider", {"Phó far"}),
    ("commune_board", {"Trưởng Nam Sơn"}), ("other_commune", {"Trưởng Hà Tân"}),
    ("ht_staff", {"Trưởng Nam Sơn", "Trưởng Hà Tân"}), ("national", {"Phó mine", "Phó neighbour", "Phó far",
                                                                        "Trưởng Nam Sơn", "Trưởng Hà Tân"}),
])
def test_each_user_sees_the_chiefs_of_their_scope_only(world, who, seen):
    for key in ("mine", "neighbour", "far", "nam_son", "ha_tan"):
        not_a_member(world, key)
    page = world.client(who).get(PAGE, PERIOD)
    assert page.status_code == 200
    assert set(chiefs_in(page, "without_plan")) == seen
    assert counts(page, "without_plan") == (len(seen), len(seen))
    for other in {"Phó mine", "Phó neighbour", "Phó far", "Trưởng Nam Sơn", "Trưởng Hà Tân"} - seen:
        assert other not in page.text


def test_a_unit_outside_the_scope_is_404(world):
    assert world.client("board").get(PAGE, {**PERIOD, "district": world.neighbour.pk}).status_code == 404
    song_tri = world.communes["song_tri"].pk
    assert world.client("commune_board").get(PAGE, {"new_commune": song_tri}).status_code == 404
    assert world.client("ht_staff").get(PAGE, {"new_commune": song_tri}).status_code == 200


def test_unit_filters_narrow_the_lists(world, district):
    other = chief(world, "Vi Văn Khác", commune=world.hamlets["neighbour"].commune)
    assert other.commune.district == world.neighbour
    page = world.client("staff").get(PAGE, {**PERIOD, "district": world.neighbour.pk})
    assert chiefs_in(page, "without_plan") == ["Vi Văn Khác"]
    page = world.client("staff").get(PAGE, {**PERIOD, "commune": world.hamlets["mine"].commune.pk})
    assert "Vi Văn Khác" not in chiefs_in(page, "without_plan") and len(chiefs_in(page, "without_plan")) == 3


def test_the_2025_layout_names_the_2025_commune(world):
    not_a_member(world, "nam_son")
    page = world.client("commune_board").get(PAGE, {"term": "2022-2025"})
    row = page.text[page.text.index('id="without_plan"'):page.text.index('id="with_plan"')]
    assert "Tổ dân phố Nam Sơn" in row and "Phường Hoành Sơn" in row


def test_anonymous_visitors_log_in_first(world):
    assert world.client("anonymous").get(PAGE)["Location"].startswith("/accounts/login/")


def test_the_menu_offers_the_page(world):
    assert f'href="{PAGE}"' in world.client("board").get("/hamlets/").text


def test_a_plan_recorded_takes_the_chief_off_without_a_plan(world, district):
    client = world.client("board")
    page = client.get(PAGE, PERIOD)
    link = next(row for row in section(page, "without_plan").table.data if row.p_chief == "Lò Văn Phong")
    url = reverse("elections:plan_for", args=[link.pk, world.term.pk])
    assert url in page.text  # the row's link
    opened = client.get(url, {"as_of": D.isoformat(), "next": page.wsgi_request.get_full_path()})
    assert opened.context["form"].initial["chief"] == "Lò Văn Phong"
    saved = client.post(f"{url}?next={PAGE}?term=2022-2025%26as_of={D.isoformat()}", {
        "chief": "Lò Văn Phong", "mentor": "Lường Văn Giúp", "started_on": "01/07/2024", "version": 0})
    assert saved.status_code == 302 and saved["Location"].startswith(PAGE)
    after = client.get(PAGE, PERIOD)
    assert "Lò Văn Phong" not in chiefs_in(after, "without_plan")
    assert "Lò Văn Phong" in chiefs_in(after, "with_plan")
    assert counts(after, "without_plan") == (2, 6) and counts(after, "with_plan") == (4, 6)


def test_a_by_election_takes_a_candidate_off(world, district):
    client = world.client("board")
    hamlet = district["F"]
    assert counts(client.get(PAGE, PERIOD), "candidates") == (1, 7)
    response = client.post(reverse("elections:election_new", args=[hamlet.pk, world.term.pk]), {
        "held_on": "01/07/2024", "chief": "Lò Văn Mới", "chief_party_role": "", "version": 0})
    assert response.status_code == 302
    after = client.get(PAGE, PERIOD)
    assert chiefs_in(after, "candidates") == [] and counts(after, "candidates") == (0, 7)
    assert "Lò Văn Mới" in chiefs_in(after, "without_plan")
    before = client.get(PAGE, {**PERIOD, "as_of": "2024-06-30"})  # before the by-election: still a candidate
    assert chiefs_in(before, "candidates") == ["Lò Văn Phong"]


def test_read_only_staff_see_the_lists_without_links_to_forms(world, district):
    page = world.client("staff").get(PAGE, PERIOD)
    assert len(chiefs_in(page, "without_plan")) == 3
    assert "/plans/" not in page.text and "/evaluations/" not in page.text
    assert "/plans/" in world.client("editor").get(PAGE, PERIOD).text


def test_the_page_needs_a_fixed_number_of_queries(world, district, django_assert_max_num_queries):
    client = world.client("staff")
    client.get(PAGE, PERIOD)
    with django_assert_max_num_queries(12) as few:
        client.get(PAGE, PERIOD)
    shown = len(few)
    commune = world.hamlets["mine"].commune
    for n in range(40):
        hamlet = chief(world, f"Hoàng Văn {n}", commune=commune)
        if n % 2:
            ChiefPlanFactory(hamlet=hamlet, term=world.term, chief=f"Hoàng Văn {n}", started_on=dt.date(2023, 1, 1))
        if n % 3 == 0:
            ChiefEvaluationFactory(hamlet=hamlet, year=2023, chief=f"Hoàng Văn {n}", rating=Rating.NOT_COMPLETED)
    with django_assert_max_num_queries(shown):
        page = client.get(PAGE, PERIOD)
    assert counts(page, "with_plan") == (23, 46) and counts(page, "candidates") == (15, 48)
