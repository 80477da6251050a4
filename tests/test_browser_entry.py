"""The entry grid as a commune board uses it: headless Chromium (Debian's) driven by Playwright
against the live test server (the ``page`` fixture and ``log_in`` of ``test_browser``)."""

from __future__ import annotations

import datetime as dt

import pytest

from elections.models import ChiefElection, Congress, HamletTerm
from elections.people_models import ChiefEvaluation
from hamlets.models import Hamlet
from tests.factories import HamletFactory, NewCommuneFactory, NewProvinceFactory, PartyCellFactory, TermFactory
from tests.personas import make_user
from tests.test_browser import CHROMIUM, log_in, page  # noqa: F401  (``page`` is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")]
NAMES = ["Khối 1", "Khối 2", "Khối 3", "Khối 9", "Khối 10"]  # natural order: Khối 10 last


@pytest.fixture
def commune(db):  # noqa: ANN001, ANN201
    term = TermFactory(start_year=2025, end_year=2027)
    province = NewProvinceFactory(name="Tỉnh Nghệ An", code=40)
    commune = NewCommuneFactory(province=province, name="Phường Vinh Phú", division_type="phường")
    for name in NAMES:
        PartyCellFactory(hamlet=HamletFactory(name=name, commune=None, new_commune=commune, term=term,
                                              party_members=8))
    make_user("vinhphu", commune=commune)
    make_user("vinhphu2", commune=commune)
    return commune


def cell(tab, column: str, hamlet: str):  # noqa: ANN001, ANN201
    """A grid cell found as a screen reader names it: ``Ngày đại hội – Khối 3``."""
    return tab.get_by_label(f"{column} – {hamlet}", exact=True)


def progress(tab) -> tuple[str, str]:  # noqa: ANN001
    """The dashboard's total row: chief elections and cell congresses completed (``n/d``). The other
    tables of the page (people, admissions) hold ratios of their own."""
    total = tab.locator("#figures tr.total td")
    assert total.first.inner_text().strip() == "Tổng"
    return total.nth(2).inner_text().split()[0], total.nth(4).inner_text().split()[0]


def focused_label(tab) -> str:  # noqa: ANN001
    return tab.evaluate("document.activeElement.getAttribute('aria-label')")


def test_a_commune_board_enters_five_hamlets_by_keyboard_and_by_pasting(page, commune):  # noqa: ANN001, F811
    log_in(page, "vinhphu")
    page.goto(page.base + "/")
    assert progress(page) == ("0/5", "0/5")
    page.click("nav >> text=Nhập kết quả")
    page.wait_for_url("**/entry/**")
    rows = page.locator("table.entry-grid tbody tr[data-hamlet] th")
    assert [rows.nth(i).inner_text().strip() for i in range(rows.count())] == NAMES
    assert page.locator("input[type=date]").count() == 0

    # two rows by keyboard only: Tab along a row, on into the next, Enter down a column
    cell(page, "Ngày đại hội", "Khối 1").focus()
    keyboard = page.keyboard
    for value in ("02/04/2025", "Hồ Văn Một", "Lê Thị Một", "15/03/2026", "Hồ Văn Một", "03/02/2001", "Bí thư"):
        keyboard.type(value)
        keyboard.press("Tab")
    assert focused_label(page) == "Có chi bộ – Khối 2"
    keyboard.press("Tab")
    keyboard.type("9")  # typed over the selected 8
    keyboard.press("Tab")
    for value in ("03/04/2025", "Hồ Văn Hai", "", "16/03/2026", "Vi Văn Hai"):
        keyboard.type(value)
        keyboard.press("Tab")
    assert focused_label(page) == "Ngày vào Đảng của trưởng thôn – Khối 2"
    keyboard.press("Enter")
    assert focused_label(page) == "Ngày vào Đảng của trưởng thôn – Khối 3"
    keyboard.press("Shift+Enter")
    assert focused_label(page) == "Ngày vào Đảng của trưởng thôn – Khối 2"

    # three rows pasted as one block copied from Excel, from the congress date of Khối 3
    block = "\n".join("\t".join(row) for row in (
        ("04/04/2025", "Hồ Văn Ba", "Lê Thị Ba", "17/03/2026", "Lê Thị Ba", "01/01/2010", "Phó bí thư"),
        ("05/04/2025", "Hồ Văn Chín", "", "18/03/2026", "Vi Văn Chín", "", ""),
        ("06/04/2025", "Hồ Văn Mười", "Lê Thị Mười", "19/03/2026", "Hồ Văn Mười", "05/05/2005", "bí thư"),
    )) + "\n"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base)
    page.evaluate("text => navigator.clipboard.writeText(text)", block)
    cell(page, "Ngày đại hội", "Khối 3").focus()
    keyboard.press("Control+V")
    assert cell(page, "Trưởng thôn", "Khối 9").input_value() == "Vi Văn Chín"
    assert cell(page, "Chức vụ trong chi bộ", "Khối 10").input_value() == "bí thư"
    assert cell(page, "Ngày đại hội", "Khối 10").input_value() == "06/04/2025"

    page.click("button[value=save]")
    page.wait_for_selector(".messages li.success")
    assert "Đã lưu 5 thôn." in page.locator(".messages").inner_text()
    assert ChiefElection.objects.count() == 5 and Congress.objects.count() == 5
    assert ChiefElection.objects.get(hamlet__name="Khối 10").chief_party_role == "secretary"
    assert HamletTerm.objects.get(hamlet__name="Khối 2").party_members == 9
    assert cell(page, "Chức vụ trong chi bộ", "Khối 3").input_value() == "Phó bí thư"

    page.click("nav >> text=Tổng hợp")
    page.wait_for_load_state()
    assert progress(page) == ("5/5", "5/5")


def test_a_conflicting_save_shows_the_newer_values_and_saves_the_other_rows(page, commune):  # noqa: ANN001, F811
    log_in(page, "vinhphu")
    page.goto(page.base + "/entry/")
    # a colleague saves Khối 1 meanwhile, in another browser
    other = page.context.browser.new_context()
    colleague = other.new_page()
    colleague.base = page.base
    log_in(colleague, "vinhphu2")
    colleague.goto(page.base + "/entry/")
    cell(colleague, "Số đảng viên", "Khối 1").fill("21")
    colleague.click("button[value=save]")
    colleague.wait_for_selector(".messages li.success")
    other.close()

    cell(page, "Số đảng viên", "Khối 1").fill("12")
    cell(page, "Số đảng viên", "Khối 2").fill("13")
    page.click("button[value=save]")
    page.wait_for_selector(".messages li.error")
    assert "1 thôn vừa được người khác lưu" in page.locator(".messages").inner_text()
    assert cell(page, "Số đảng viên", "Khối 1").input_value() == "21"  # the colleague's, now shown
    note = page.locator("tr.entry-note").inner_text()
    assert "Khối 1" in note and "12" in note
    assert "Đã lưu 1 thôn." in page.locator(".messages").inner_text()
    assert HamletTerm.objects.get(hamlet__name="Khối 1").party_members == 21
    assert HamletTerm.objects.get(hamlet__name="Khối 2").party_members == 13


def test_a_warning_is_confirmed_before_saving(page, commune):  # noqa: ANN001, F811
    log_in(page, "vinhphu")
    page.goto(page.base + "/entry/")
    date = cell(page, "Ngày bầu trưởng thôn", "Khối 9")
    date.fill("15/03/2016")  # 2016 typed for 2026
    cell(page, "Trưởng thôn", "Khối 9").fill("Vi Văn Chín")
    page.click("button[value=save]")
    page.wait_for_selector(".messages li.warning")
    assert "15/03/2016" in page.locator("td.has-caution .cell-caution").inner_text()
    assert not ChiefElection.objects.exists()
    page.get_by_label("Tôi đã kiểm tra, vẫn lưu – Khối 9").check()
    page.click("button[value=save]")
    page.wait_for_selector(".messages li.success")
    assert ChiefElection.objects.get(hamlet=Hamlet.objects.get(name="Khối 9")).held_on == dt.date(2016, 3, 15)


def test_the_people_columns_are_shown_on_demand_and_filled_by_pasting(page, commune):  # noqa: ANN001, F811
    log_in(page, "vinhphu")
    page.goto(page.base + "/entry/")
    birth = cell(page, "Năm sinh trưởng thôn", "Khối 1")
    assert not birth.is_visible()
    # the usual columns fit the 1366 px window: the grid does not scroll sideways
    box = page.locator(".entry-wrap")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # a block pasted while the group is hidden fills the shown columns only
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base)
    page.evaluate("text => navigator.clipboard.writeText(text)", "16/03/2026\tVi Văn Hai\t\t\t1980\tNữ\n")
    cell(page, "Ngày bầu trưởng thôn", "Khối 2").focus()
    page.keyboard.press("Control+V")
    assert cell(page, "Trưởng thôn", "Khối 2").input_value() == "Vi Văn Hai"
    assert cell(page, "Năm sinh trưởng thôn", "Khối 2").input_value() == ""

    page.get_by_role("button", name="Hồ sơ cán bộ").click()
    assert birth.is_visible() and "people=1" in page.url
    assert page.get_by_role("button", name="Hồ sơ cán bộ").get_attribute("aria-pressed") == "true"
    # the profile block of the import file (chief's, then secretary's, then the rating), pasted in order
    cell(page, "Ngày đại hội", "Khối 1").fill("02/04/2025")
    cell(page, "Bí thư", "Khối 1").fill("Hồ Văn Một")
    cell(page, "Ngày bầu trưởng thôn", "Khối 1").fill("15/03/2026")
    cell(page, "Trưởng thôn", "Khối 1").fill("Hồ Văn Một")
    cell(page, "Ngày vào Đảng của trưởng thôn", "Khối 1").fill("03/02/2001")
    cell(page, "Chức vụ trong chi bộ", "Khối 1").fill("Bí thư")
    page.evaluate("text => navigator.clipboard.writeText(text)", "1975\tNữ\tMông\t\t\t\tHoàn thành tốt\n"
                  "1980\tNam\tKinh\n")
    birth.focus()
    page.keyboard.press("Control+V")
    year = dt.date.today().year - 1
    assert cell(page, f"Xếp loại trưởng thôn năm {year}", "Khối 1").input_value() == "Hoàn thành tốt"
    assert cell(page, "Dân tộc trưởng thôn", "Khối 2").input_value() == "Kinh"
    # Enter moves down a people column as in the others
    cell(page, "Giới tính trưởng thôn", "Khối 1").focus()
    page.keyboard.press("Enter")
    assert focused_label(page) == "Giới tính trưởng thôn – Khối 2"

    page.click("button[value=save]")
    page.wait_for_selector(".messages li.success")
    assert "people=1" in page.url and cell(page, "Năm sinh bí thư", "Khối 1").is_visible()
    election = ChiefElection.objects.get(hamlet__name="Khối 1")
    assert (election.chief_birth_year, election.chief_gender, election.chief_ethnicity) == (1975, "female", "Mông")
    congress = Congress.objects.get(cell__hamlet__name="Khối 1")  # the secretary is the chief: her profile
    assert (congress.secretary_birth_year, congress.secretary_gender, congress.secretary_ethnicity) == (
        1975, "female", "Mông")
    assert ChiefEvaluation.objects.get(hamlet__name="Khối 1").rating == "good"
    assert ChiefElection.objects.get(hamlet__name="Khối 2").chief_birth_year == 1980
    assert cell(page, "Giới tính bí thư", "Khối 1").input_value() == "Nữ"
