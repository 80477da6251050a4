"""The Year field of ``/targets/`` (``domain.md`` item 12, annual plans): blank is the term's
target, a calendar year of the term that year's; what a year's blank cell follows, how bad years
are refused, and that a year's targets are listed and kept in history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from elections.models import Target
from tests.factories import NewCommuneFactory, TargetFactory
from tests.test_targets_page import CHIEF_MEMBERS, TERM, URL, cell, form_data

pytestmark = pytest.mark.django_db
YEAR = {**TERM, "year": "2024"}
POST_YEAR = URL + "?term=2022-2025&metric=chief_members&year=2024"


def test_a_years_target_is_saved_beside_the_terms_and_recorded_in_history(world):
    client = world.client("ht_staff")
    vung_ang, hoanh_son = world.communes["vung_ang"], world.communes["hoanh_son"]
    page = client.get(URL, YEAR)
    assert page.status_code == 200 and page.context["year"] == 2024
    response = client.post(POST_YEAR, form_data(page, **{f"c{vung_ang.pk}__all": "60", f"c{hoanh_son.pk}__all": "70"}))
    assert response.status_code == 302 and "year=2024" in response["Location"]
    yearly = dict(Target.objects.filter(year=2024).values_list("commune__name", "percent"))
    assert yearly == {"Phường Vũng Áng": Decimal("60"), "Phường Hoành Sơn": Decimal("70")}
    # the term's own targets are untouched
    assert Target.objects.get(commune=hoanh_son, year__isnull=True).percent == Decimal("90")
    assert not Target.objects.filter(commune=vung_ang, year__isnull=True).exists()
    row = Target.history.filter(commune=vung_ang).latest("history_date")
    assert (row.year, row.history_type, row.history_user.username) == (2024, "+", "ht_staff")
    again = client.get(URL, YEAR)
    recent = [(c["unit"], c["column"], c["new"]) for c in again.context["recent"]]
    assert ("Phường Vũng Áng", "Tất cả thôn (%), năm 2024", "60") in recent
    assert str(cell(again, f"c{vung_ang.pk}", "all").value()) == "60"
    years = {y["year"]: y["cells"] for y in again.context["years"]}
    assert years == {2022: 0, 2023: 0, 2024: 2, 2025: 0}  # listed with its cells
    # the term's page still shows the term's targets only
    term_page = client.get(URL, TERM)
    assert cell(term_page, f"c{vung_ang.pk}", "all").value() is None
    assert str(cell(term_page, f"c{hoanh_son.pk}", "all").value()) == "90"


def test_a_years_blank_cell_follows_the_unit_term_target_then_the_provinces_year_then_its_term(world):
    client = world.client("ht_staff")
    hoanh_son, vung_ang = world.communes["hoanh_son"], world.communes["vung_ang"]

    def placeholders():
        page = client.get(URL, YEAR)
        return {key: next(c.placeholder for c in form.cells() if c.input_name.endswith("-all"))
                for form in page.context["forms"] for key in [form.unit.key]}

    shown = placeholders()
    assert shown[f"c{hoanh_son.pk}"] == "90"  # its own term target
    assert shown[f"c{vung_ang.pk}"] == "100"  # the province's term target
    assert shown["p"] == "100"  # the province's year cell follows its term target
    TargetFactory(province=world.new_province, term=world.term, metric=CHIEF_MEMBERS, percent=95, year=2024)
    shown = placeholders()
    assert shown[f"c{vung_ang.pk}"] == "95" and shown[f"c{hoanh_son.pk}"] == "90"


@pytest.mark.parametrize("typed", ["2021", "2026", "abc", "2024.5", "-2024"])
def test_a_year_outside_the_term_is_refused_on_the_year_field_and_nothing_is_saved(world, typed):
    client = world.client("ht_staff")
    page = client.get(URL, {**TERM, "year": typed})
    assert page.status_code == 200
    assert page.context["forms"] == []
    message = "Năm phải là một năm của nhiệm kỳ 2022-2025 (từ 2022 đến 2025)"
    assert message in page.context["year_form"].errors["year"][0] and message in page.text
    before = Target.objects.count()
    posted = client.post(f"{URL}?term=2022-2025&metric=chief_members&year={typed}",
                         {f"c{world.communes['vung_ang'].pk}-all": "50"})
    assert posted.status_code == 200 and Target.objects.count() == before


def test_the_year_page_needs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client("ht_staff")
    client.get(URL, YEAR)
    with django_assert_max_num_queries(10) as few:
        client.get(URL, YEAR)
    shown = len(few)
    for commune in [NewCommuneFactory(province=world.new_province) for _ in range(30)]:
        TargetFactory(province=world.new_province, commune=commune, term=world.term, metric=CHIEF_MEMBERS,
                      percent=75, year=2024)
    with django_assert_max_num_queries(shown):
        page = client.get(URL, YEAR)
    assert sum(1 for form in page.context["forms"] if form.initial["all"] == Decimal("75")) == 30


def test_another_provinces_staff_get_404_for_a_year_too(world):
    assert world.client("ht_staff").get(URL, {**YEAR, "province": "Tỉnh Nghệ An"}).status_code == 404
    assert world.client("commune_board").get(URL, YEAR).status_code == 403
