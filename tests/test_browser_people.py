"""In the browser (``-m browser -k people``): a district board opens the people page from the menu,
records a development plan for a non-member chief from his row, and sees him leave
"without a plan" for "with a plan"."""

from __future__ import annotations

import datetime as dt

from elections.models import ChiefPlan
from hamlets import bounds
from tests.factories import ChiefElectionFactory, HamletFactory
from tests.personas import build_world
from tests.test_browser import log_in, page, pytestmark  # noqa: F401  (the live browser fixture and marks)


def test_a_plan_recorded_for_a_chief_takes_him_off_without_a_plan(page, term):  # noqa: ANN001, F811
    world = build_world(term)
    hamlet = HamletFactory(name="Bản Huổi Lếch", commune=world.hamlets["mine"].commune, term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 6, 20), chief="Lò Văn Lả")
    log_in(page, "board")
    page.click("header nav >> text=Trưởng thôn")
    page.wait_for_url("**/people/chiefs/**")
    without = page.locator("section#without_plan")
    assert "1/1" in without.locator("h2").inner_text()
    row = without.locator("tr", has_text="Lò Văn Lả")
    row.get_by_role("link", name="Lập kế hoạch").click()
    page.wait_for_url("**/plans/**")
    assert page.input_value("#id_chief") == "Lò Văn Lả"  # the chief in office, prefilled
    page.fill("#id_mentor", "Lường Văn Giúp")
    page.fill("#id_started_on", (bounds.today() - dt.timedelta(days=3)).strftime("%d/%m/%Y"))
    page.fill("#id_course_on", "01/01/2020")  # before the start: refused on its field
    page.click("form.stacked button[type=submit]")
    error = page.locator(".errorlist", has_text="trước ngày bắt đầu kế hoạch")
    assert "Ngày học xong lớp nhận thức về Đảng (01/01/2020)" in error.inner_text()  # names the field
    assert not ChiefPlan.objects.exists()
    page.fill("#id_course_on", "")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/people/chiefs/**")
    page.wait_for_selector(".messages li.success")
    assert "Lò Văn Lả" not in page.locator("section#without_plan").inner_text()
    assert "0/1" in page.locator("section#without_plan h2").inner_text()
    with_plan = page.locator("section#with_plan")
    assert "Lò Văn Lả" in with_plan.inner_text() and "Lường Văn Giúp" in with_plan.inner_text()
    assert ChiefPlan.objects.get().mentor == "Lường Văn Giúp"
