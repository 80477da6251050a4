"""The forms of a chief's development plan and yearly evaluation: who may use them, their defaults,
their messages (on the field, nothing saved), locking, deletion, and the hamlet's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from elections.models import ChiefEvaluation, ChiefPlan, Rating
from hamlets import bounds
from hamlets.models import Hamlet
from tests.factories import ChiefEvaluationFactory, ChiefPlanFactory

pytestmark = pytest.mark.django_db
TODAY = bounds.today()


def plan_url(world, key: str = "mine") -> str:
    return reverse("elections:plan_for", args=[world.hamlets[key].pk, world.term.pk])


def evaluation_url(world, key: str = "mine") -> str:
    return reverse("elections:evaluation_for", args=[world.hamlets[key].pk])


def plan_data(**typed: str) -> dict[str, str]:
    return {"chief": "Phó mine", "mentor": "Lường Văn Giúp", "started_on": "01/03/2024", "course_on": "",
            "application_on": "", "version": "0", **typed}


# --- who ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("board", 200), ("colleague", 200), ("editor", 200), ("admin", 200),
    ("staff", 403), ("national", 403), ("neighbour", 404), ("outsider", 404), ("commune_board", 404)])
@pytest.mark.parametrize("url", [plan_url, evaluation_url])
def test_only_editors_of_the_hamlets_scope_reach_the_forms(world, who, status, url):
    client = world.client(who)
    assert client.get(url(world)).status_code == status
    posted = client.post(url(world), {**plan_data(), "year": "2023", "rating": "good"})
    assert posted.status_code == (302 if status == 200 else status)
    if status != 200:
        assert not ChiefPlan.objects.exists() and not ChiefEvaluation.objects.exists()


@pytest.mark.parametrize("who", ["neighbour", "outsider", "staff"])
def test_edit_and_delete_of_a_plan_or_evaluation_elsewhere_are_refused(world, who):
    plan = ChiefPlanFactory(hamlet=world.hamlets["mine"], term=world.term, chief="Phó mine")
    evaluation = ChiefEvaluationFactory(hamlet=world.hamlets["mine"], chief="Phó mine")
    client = world.client(who)
    expected = 403 if who == "staff" else 404
    for name, obj in (("plan", plan), ("evaluation", evaluation)):
        for action in ("edit", "delete"):
            url = reverse(f"elections:{name}_{action}", args=[obj.pk])
            assert client.get(url).status_code == expected
            assert client.post(url, {"mentor": "X", "version": 1}).status_code == expected
    assert ChiefPlan.objects.get().mentor == plan.mentor and ChiefEvaluation.objects.count() == 1


# --- plans ----------------------------------------------------------------------------------

def test_the_plan_form_is_prefilled_with_the_chief_in_office(world):
    page = world.client("board").get(plan_url(world))
    assert page.context["form"].initial["chief"] == "Phó mine"
    assert 'placeholder="DD/MM/YYYY"' in page.text


def test_a_plan_is_recorded_then_opened_again_for_the_same_chief_whatever_the_spelling(world):
    client = world.client("board")
    assert client.post(plan_url(world), plan_data(course_on="02/03/2024")).status_code == 302
    plan = ChiefPlan.objects.get()
    assert (plan.chief, plan.mentor, plan.course_on, plan.version) == ("Phó mine", "Lường Văn Giúp",
                                                                       dt.date(2024, 3, 2), 1)
    assert plan.history.get().history_user.username == "board"
    again = client.get(plan_url(world), {"chief": "PHÓ  MINE"})
    assert again.context["form"].instance.pk == plan.pk
    assert reverse("elections:plan_delete", args=[plan.pk]) in again.text
    edited = client.post(plan_url(world) + "?chief=Phó mine", plan_data(mentor="Hà Văn Mới", version="1"))
    assert edited.status_code == 302
    plan.refresh_from_db()
    assert (plan.mentor, plan.version) == ("Hà Văn Mới", 2) and ChiefPlan.objects.count() == 1


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"course_on": "28/02/2024"}, "course_on",
     "Ngày học xong lớp nhận thức về Đảng (28/02/2024) trước ngày bắt đầu kế hoạch (01/03/2024)."),
    ({"application_on": "01/01/2024"}, "application_on",
     "Ngày nộp đơn xin vào Đảng (01/01/2024) trước ngày bắt đầu kế hoạch (01/03/2024)."),
    ({"started_on": (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y")}, "started_on",
     "Ngày bắt đầu kế hoạch ("),
    ({"started_on": "31/12/1929"}, "started_on", "Ngày bắt đầu kế hoạch (31/12/1929) là ngày trước 01/01/1930"),
    ({"started_on": ""}, "started_on", ""),
    ({"started_on": "hôm qua"}, "started_on", ""),
    ({"mentor": "x" * 121}, "mentor", "Người giúp đỡ dài 121 ký tự, quá 120 ký tự"),
    ({"mentor": "   "}, "mentor", ""),
    ({"chief": "y" * 121}, "chief", "Trưởng thôn dài 121 ký tự, quá 120 ký tự"),
])
def test_bad_plans_are_refused_on_their_field_and_nothing_is_saved(world, typed, field, message):
    response = world.client("board").post(plan_url(world), plan_data(**typed))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in errors[field][0]
    assert not ChiefPlan.objects.exists()


def test_a_second_plan_for_the_same_chief_and_term_is_refused_on_the_chief(world):
    ChiefPlanFactory(hamlet=world.hamlets["mine"], term=world.term, chief="Nguyễn Văn Hoà")
    response = world.client("board").post(plan_url(world) + "?chief=Người Khác",
                                          plan_data(chief="nguyễn văn HÒA"))
    assert response.status_code == 200
    assert "đã có kế hoạch bồi dưỡng trong nhiệm kỳ này" in response.context["form"].errors["chief"][0]
    assert ChiefPlan.objects.count() == 1


def test_a_stale_plan_is_not_overwritten(world):
    plan = ChiefPlanFactory(hamlet=world.hamlets["mine"], term=world.term, chief="Phó mine")
    url = reverse("elections:plan_edit", args=[plan.pk])
    world.client("board").post(url, plan_data(mentor="Người Một", version="1"))
    response = world.client("colleague").post(url, plan_data(mentor="Người Hai", version="1"))
    assert response.status_code == 200 and "Người khác vừa lưu" in response.text
    plan.refresh_from_db()
    assert plan.mentor == "Người Một"


def test_a_plan_deleted_is_recorded_and_bumps_the_hamlets_version(world):
    hamlet = world.hamlets["mine"]
    plan = ChiefPlanFactory(hamlet=hamlet, term=world.term, chief="Phó mine")
    version = Hamlet.objects.get(pk=hamlet.pk).version
    url = reverse("elections:plan_delete", args=[plan.pk])
    assert "Phó mine" in world.client("board").get(url).text  # asks first
    assert world.client("board").post(url).status_code == 302
    assert not ChiefPlan.objects.exists()
    assert ChiefPlan.history.filter(history_type="-").get().history_user.username == "board"
    assert Hamlet.objects.get(pk=hamlet.pk).version == version + 1


def test_the_hamlets_history_shows_plans_and_evaluations_in_words(world):
    client = world.client("board")
    hamlet = world.hamlets["mine"]
    client.post(plan_url(world), plan_data())
    plan = ChiefPlan.objects.get()
    client.post(reverse("elections:plan_edit", args=[plan.pk]), plan_data(mentor="Hà Văn Mới",
                                                                            application_on="05/05/2024", version="1"))
    client.post(evaluation_url(world), {"year": "2023", "chief": "Phó mine", "rating": "not completed",
                                        "version": "0"})
    page = client.get(hamlet.get_absolute_url())
    assert "Kế hoạch bồi dưỡng trưởng thôn, nhiệm kỳ 2022-2025: Phó mine" in page.text
    assert "người giúp đỡ: Lường Văn Giúp → Hà Văn Mới" in page.text
    assert "ngày nộp đơn xin vào Đảng: — → 05/05/2024" in page.text
    assert "Đánh giá trưởng thôn, năm 2023: Phó mine" in page.text and "Không hoàn thành" in page.text
    assert "chief_key" not in page.text and "chief key" not in page.text
    # and the hamlet's page lists them, with their forms
    assert reverse("elections:plan_edit", args=[plan.pk]) in page.text
    assert reverse("elections:evaluation_for", args=[hamlet.pk]) in page.text


# --- evaluations -------------------------------------------------------------------------------

def test_the_evaluation_form_defaults_to_last_year_and_the_chief_in_office(world):
    form = world.client("board").get(evaluation_url(world)).context["form"]
    assert (form.initial["year"], form.initial["chief"]) == (TODAY.year - 1, "Phó mine")
    page = world.client("board").get(evaluation_url(world), {"as_of": "2024-07-15", "term": "2022-2025"})
    assert page.context["form"].initial["year"] == 2023


def test_an_evaluation_is_recorded_and_edited(world):
    client = world.client("board")
    response = client.post(evaluation_url(world), {"year": "2023", "chief": "Phó mine", "rating": "good",
                                                   "version": "0"})
    assert response.status_code == 302
    evaluation = ChiefEvaluation.objects.get()
    assert (evaluation.year, evaluation.chief, evaluation.rating) == (2023, "Phó mine", Rating.GOOD)
    again = client.get(evaluation_url(world), {"year": "2023", "chief": "phó MINE"})
    assert again.context["form"].instance.pk == evaluation.pk
    client.post(reverse("elections:evaluation_edit", args=[evaluation.pk]),
                {"year": "2023", "chief": "Phó mine", "rating": "not completed", "version": "1"})
    evaluation.refresh_from_db()
    assert evaluation.rating == Rating.NOT_COMPLETED and evaluation.history.count() == 2


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"year": "1929"}, "year", f"Năm phải là năm từ 1930 đến {TODAY.year}"),
    ({"year": str(TODAY.year + 1)}, "year", f"Năm phải là năm từ 1930 đến {TODAY.year}"),
    ({"year": "năm ngoái"}, "year", "Năm phải là số nguyên có 4 chữ số"),
    ({"rating": ""}, "rating", ""),
    ({"rating": "tốt"}, "rating", ""),
    ({"chief": ""}, "chief", ""),
    ({"chief": "z" * 121}, "chief", "Trưởng thôn dài 121 ký tự, quá 120 ký tự"),
])
def test_bad_evaluations_are_refused_on_their_field(world, typed, field, message):
    data = {"year": "2023", "chief": "Phó mine", "rating": "good", "version": "0", **typed}
    response = world.client("board").post(evaluation_url(world), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in errors[field][0]
    assert not ChiefEvaluation.objects.exists()


def test_a_second_evaluation_of_the_same_chief_and_year_is_refused(world):
    ChiefEvaluationFactory(hamlet=world.hamlets["mine"], year=2023, chief="Phó mine")
    response = world.client("board").post(evaluation_url(world) + "?year=2022", {
        "year": "2023", "chief": "PHÓ MINE", "rating": "good", "version": "0"})
    assert "đã được đánh giá năm 2023" in response.context["form"].errors["chief"][0]
    assert ChiefEvaluation.objects.count() == 1


def test_in_english_the_messages_are_english_only(world):
    client = world.client("board")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(plan_url(world), plan_data(course_on="28/02/2024"))
    message = response.context["form"].errors["course_on"][0]
    assert "Course completed on" in message and "Ngày" not in message


def test_a_plan_for_someone_never_elected_here_is_saved_with_a_warning(world):
    client = world.client("board")
    response = client.post(plan_url(world), plan_data(chief="Người Lạ"), follow=True)
    assert ChiefPlan.objects.get().chief == "Người Lạ"
    assert "Người Lạ chưa được bầu làm trưởng thôn Xóm Đồng Hòa trong nhiệm kỳ 2022-2025" in response.text
    quiet = client.post(plan_url(world), plan_data(), follow=True)
    assert "chưa được bầu làm trưởng thôn" not in quiet.text and ChiefPlan.objects.count() == 2
