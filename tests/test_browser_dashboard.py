"""The dashboard fits its screen (issue 10, item 4), in headless Chromium: at 1366×800 (a laptop)
and at 390×844 (a phone), for a 2025 date (per 2025 commune) and a 2022 date (per district), the
page never scrolls sideways, every unit's name lies inside the window, every figure of the laptop
table fits its box, and no chart text runs out of its chart.

Run with ``pytest -m browser -k dashboard``.
"""

from __future__ import annotations

import pytest

from elections.models import Target
from hamlets.models import Commune, District, Province, UnitList
from tests.personas import make_user
from tests.scenarios import Published, build_district
from tests.test_browser import CHROMIUM, JULY_15, log_in, page  # noqa: F401 - ``page`` is a fixture
from tests.test_figures_2025 import AUGUST, build_sized

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")]
LAPTOP, PHONE = {"width": 1366, "height": 800}, {"width": 390, "height": 844}
LONG_NAMES = ("Phường Trường Vinh Bến Thủy Hưng Dũng", "Xã Châu Phong Quỳ Châu Mường Lống Kỳ Sơn Tây Nghệ")

# Everything measured in one go in the page: (what, why) for each thing out of place.
MEASURE = """() => {
  const out = [], width = window.innerWidth;
  if (document.documentElement.scrollWidth > width)
    out.push(['page', 'scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width]);
  const names = [...document.querySelectorAll('table.figures td.unit')];
  if (names.length === 0) out.push(['table', 'no unit names']);
  for (const cell of names) {
    const box = cell.getBoundingClientRect();
    if (box.width === 0 || box.left < 0 || box.right > width + 0.5)
      out.push([cell.innerText, 'name outside the window: ' + box.left + '..' + box.right]);
    const link = cell.querySelector('a') || cell;
    if (link.scrollWidth > link.clientWidth + 1) out.push([cell.innerText, 'name cut']);
  }
  for (const svg of document.querySelectorAll('.chart svg')) {
    const view = svg.viewBox.baseVal, box = svg.getBoundingClientRect();
    if (box.right > width + 0.5) out.push([svg.getAttribute('aria-label'), 'chart wider than the window']);
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (b.x < -0.5 || b.x + b.width > view.width + 0.5)
        out.push([text.textContent, 'chart text cut: ' + b.x + '..' + (b.x + b.width) + ' of ' + view.width]);
    }
  }
  return out;
}"""


@pytest.fixture
def province(term):
    province = build_sized(85, 160, 40, term)  # 41 communes of the 2025 list and the unplaced row
    for commune, name in zip(Commune.objects.filter(province=province).order_by("code"), LONG_NAMES, strict=False):
        commune.name = name
        commune.save()
    earlier = Province.objects.get(unit_list=UnitList.EARLIER, code=85)
    District.objects.filter(province=earlier).update(name="Huyện Tương Dương Kỳ Sơn Quế Phong Con Cuông")
    more = District.objects.create(code=851, name="Thị xã Hoàng Mai", province=earlier, division_type="thị xã")
    build_district(more, term, JULY_15, Published(hamlets=30, elected=20, chief_members=12, cells=28,
                                                  congresses=25, secretary=2, deputy=3))
    Target.objects.create(province=province, term=term, metric="Chief elections completed", percent=100)
    make_user("tinh", province=province)
    return province


@pytest.mark.parametrize("as_of", [AUGUST, JULY_15], ids=["2025", "2022"])
def test_dashboard_fits_a_laptop_and_a_phone(page, province, as_of):  # noqa: F811
    log_in(page, "tinh")
    url = f"{page.base}/?term=2022-2025&as_of={as_of.isoformat()}"
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(url)
        assert page.evaluate(MEASURE) == [], viewport
        names = page.locator("#figures td.unit")
        expected = 43 if as_of == AUGUST else 3  # units and the total
        assert names.count() == expected and names.first.is_visible()
        if viewport is LAPTOP:  # every figure of a row in the table's box: no column off to the right
            assert page.evaluate("() => { const w = document.querySelector('.figures-wrap');"
                                 " return w.scrollWidth <= w.clientWidth; }")
        else:  # a card per unit: the table's header is left to screen readers, the "cần xem" links are shown
            assert page.locator("#figures thead").bounding_box()["height"] <= 1
            assert page.locator("#figures td.todo a").first.is_visible()
    page.locator("#figures td.todo a").first.click()  # on the phone: a card's "cần xem" link
    page.wait_for_url("**/hamlets/**")
    assert f"as_of={as_of.isoformat()}" in page.url and page.locator("table.table tbody tr").count() > 0
