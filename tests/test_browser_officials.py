"""In the browser (``-m browser -k officials``): provincial staff add an official, assign him to a
commune, and his line on ``/officials/`` shows the commune's hamlets still missing an election, which
link to the list of those hamlets."""

from __future__ import annotations

import datetime as dt

from elections.models import OfficialArea
from tests.factories import ChiefElectionFactory, HamletFactory
from tests.personas import build_world
from tests.test_browser import log_in, page, pytestmark  # noqa: F401  (the live browser fixture and marks)


def test_staff_assign_an_official_to_a_commune_and_see_its_missing_hamlets(page, term):  # noqa: ANN001, F811
    world = build_world(term)
    vung_ang = world.communes["vung_ang"]
    for name in ("Tổ dân phố Tân Phúc", "Thôn Hải Phong"):  # no election yet
        HamletFactory(name=name, commune=None, new_commune=vung_ang, term=term)
    voted = HamletFactory(name="Thôn Đã Bầu", commune=None, new_commune=vung_ang, term=term)
    ChiefElectionFactory(hamlet=voted, term=term, held_on=dt.date(2025, 8, 20), chief="Hồ Văn Phúc")

    log_in(page, "ht_staff")
    page.click("header nav >> text=Cán bộ phụ trách")
    page.click("text=Quản lý cán bộ phụ trách")
    page.click("text=Thêm cán bộ")
    page.fill("#id_name", "Nguyễn Văn Phụ Trách")
    page.fill("#id_position", "Ủy viên Ban Thường vụ")
    page.fill("#id_phone", "0912 345 678")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector(".messages li.success")
    page.select_option("#id_unit", label="Phường Vũng Áng")
    page.get_by_role("button", name="Phân công", exact=True).click()
    page.wait_for_selector(".messages li.success >> text=phụ trách Phường Vũng Áng")
    assert OfficialArea.objects.get().commune == vung_ang

    page.click("header nav >> text=Cán bộ phụ trách")
    line = page.locator("#officials tr", has_text="Nguyễn Văn Phụ Trách")
    assert "Phường Vũng Áng" in line.inner_text()
    assert "0912 345 678" in line.inner_text()
    assert line.locator("td.hamlets").inner_text() == "3"
    missing = line.locator("td.elections a")
    assert missing.inner_text() == "2"
    missing.click()
    page.wait_for_url("**/hamlets/elections/**")
    names = page.locator("table.table tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["Thôn Hải Phong", "Tổ dân phố Tân Phúc"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel", exact=True).click()
    assert download.value.suggested_filename.endswith(".xlsx")
