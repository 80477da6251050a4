"""In the browser (``-m browser -k targets``): provincial staff set a commune's target on
``/targets/`` by keyboard and by pasting a column from Excel, and see it on the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from elections.models import Target
from tests.factories import ChiefElectionFactory, HamletFactory
from tests.personas import build_world
from tests.test_browser import log_in, page, pytestmark  # noqa: F401  (the live browser fixture and marks)


def test_staff_set_a_commune_target_on_targets_and_see_it_on_the_dashboard(page, term):  # noqa: ANN001, F811
    world = build_world(term)
    vung_ang = world.communes["vung_ang"]
    hamlet = HamletFactory(name="Tổ dân phố Tân Phúc", commune=None, new_commune=vung_ang, term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 6, 20), chief="Hồ Văn Phúc",
                         chief_member_since=dt.date(2012, 5, 1))
    log_in(page, "ht_staff")
    page.click("header nav >> text=Mục tiêu")
    page.click(".target-tabs >> text=Trưởng thôn là đảng viên")
    page.wait_for_url("**metric=chief_members**")
    label = "Trưởng thôn là đảng viên, tất cả thôn – {}"
    first = page.get_by_label(label.format("Phường Hoành Sơn"))
    first.focus()
    page.keyboard.press("Enter")  # moves down a column, as in Excel; does not submit
    page.keyboard.press("Enter")
    page.keyboard.type("85")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == label.format("Phường Vũng Áng")
    page.click("form[data-target-grid] .actions button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert Target.objects.get(commune=vung_ang).percent == Decimal("85")
    page.goto(page.base + "/?term=2022-2025")
    row = page.locator("tr", has_text="Phường Vũng Áng").first
    assert "85,00" in row.inner_html()  # the target, as text or marker

    # a column copied from Excel fills the cells below the one pasted into
    page.goto(page.base + "/targets/?metric=chief_members&term=2022-2025")
    page.get_by_label(label.format("Phường Hoành Sơn")).focus()
    page.evaluate("""() => {
        const data = new DataTransfer();
        data.setData("text/plain", "91\\r\\n92,5\\r\\n");
        document.activeElement.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
    }""")
    assert page.get_by_label(label.format("Phường Sông Trí")).input_value() == "92,5"
    assert page.get_by_label(label.format("Phường Vũng Áng")).input_value() == "85"
    page.click("form[data-target-grid] .actions button[type=submit]")
    page.wait_for_selector(".messages li.success")
    saved = dict(Target.objects.filter(commune__in=world.communes.values(), metric="Chiefs who are Party members")
                 .values_list("commune__name", "percent"))
    assert saved == {"Phường Hoành Sơn": Decimal("91"), "Phường Sông Trí": Decimal("92.5"),
                     "Phường Vũng Áng": Decimal("85")}
