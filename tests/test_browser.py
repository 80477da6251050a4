"""As users use it: headless Chromium (Debian's) driven by Playwright against
the live test server. Every request the page makes must stay on the app.

Skipped only when no Chromium is installed; ``scripts/test`` installs it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from elections.models import ChiefElection, ImportJob, ImportJobLine
from hamlets.models import Hamlet
from tests.personas import PASSWORD, make_user
from tests.scenarios import Published, build_district
from tests.workbooks import hamlet_row, make_units, write_workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
JULY_15 = dt.date(2022, 7, 15)
# English words an import's page would show in English (the sheet names, ``Hamlets!H3``, are the template's)
ENGLISH = re.compile(r"\b(the|is|are|must|got|row|rows|cell|not|and|of|Party|Hamlet|Chief|Congress|Kind|"
                     r"Secretary|members|blank|unknown|warnings?|problems?|errors?|saved|nothing|upload|preview)\b",
                     re.IGNORECASE)


@pytest.fixture
def page(live_server, settings, tmp_path, monkeypatch) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # the tests are ordinary synchronous code between its calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.UPLOAD_DIR = tmp_path / "uploads"
    outside: list[str] = []
    host = urlparse(live_server.url).netloc
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 900})
        tab = context.new_page()

        def guard(route, request):  # noqa: ANN001
            if urlparse(request.url).netloc == host or request.url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                outside.append(request.url)
                route.abort()

        tab.route("**/*", guard)
        tab.base = live_server.url
        yield tab
        browser.close()
    assert outside == [], f"requests left the app: {outside}"


def log_in(page, username: str) -> None:  # noqa: ANN001
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_district_user_records_an_election_and_sees_the_figure_change(page, term, district_of):  # noqa: ANN001
    district = district_of("Huyện Thanh Chương")
    build_district(district, term, JULY_15, Published(hamlets=6, elected=3, chief_members=3, cells=6, congresses=6))
    make_user("tc", district=district)
    ChiefElection.objects.filter(held_on__gt=JULY_15).delete()  # three hamlets have not voted at all
    log_in(page, "tc")
    page.goto(page.base + "/?term=2022-2025&as_of=2022-07-15")
    total = page.locator("tr.total td").nth(2)
    assert total.inner_text().startswith("3/6")
    hamlet = Hamlet.objects.filter(chief_elections__isnull=True).order_by("pk").first()
    page.goto(f"{page.base}/hamlets/{hamlet.pk}/")
    page.click("text=Ghi nhận bầu trưởng thôn")
    page.fill("#id_held_on", "2022-07-01")
    page.fill("#id_chief", "Lô Văn Chung")
    page.fill("#id_chief_member_since", "2005-03-02")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**/hamlets/{hamlet.pk}/", timeout=5000)
    assert "Lô Văn Chung" in page.content()
    page.goto(page.base + "/?term=2022-2025&as_of=2022-07-15")
    assert page.locator("tr.total td").nth(2).inner_text().startswith("4/6")
    assert page.locator("tr.total td").nth(3).inner_text().startswith("4/4")


def test_provincial_user_drills_down_to_missing_hamlets_and_downloads_the_report(page, term, nghe_an,  # noqa: ANN001
                                                                                   district_of, tmp_path):
    district = district_of("Huyện Quỳ Hợp")
    build_district(district, term, JULY_15, Published(hamlets=9, elected=6, chief_members=4, cells=9, congresses=7),
                   communes=1)
    make_user("tinh", province=nghe_an)
    log_in(page, "tinh")
    page.goto(page.base + "/?term=2022-2025&as_of=2022-07-15")
    page.click("text=Huyện Quỳ Hợp")
    page.wait_for_url(f"**district={district.pk}**")
    page.locator("td.todo a", has_text="chưa bầu").first.click()
    page.wait_for_url("**/hamlets/**chief_elected=false**")
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 3
    assert sorted(rows.nth(i).locator("td").first.inner_text() for i in range(3)) == ["Xóm 7", "Xóm 8", "Xóm 9"]
    page.goto(page.base + "/?term=2022-2025&as_of=2022-07-15")
    with page.expect_download() as info:
        page.click("text=Tải báo cáo Excel")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    import openpyxl

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == ["Districts", "Communes", "Admissions", "People"]


def test_district_user_uploads_fixes_and_confirms(page, tmp_path, settings):  # noqa: ANN001
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # jobs run at once
    units = make_units()
    make_user("qp", district=units["Huyện Quế Phong"])
    bad = write_workbook(tmp_path / "ket-qua.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản Đỉ", kind="bản lớn"), hamlet_row(hamlet="Bản Pà Cọ", party_members="ba")]})
    log_in(page, "qp")
    page.goto(page.base + "/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=Kiểm tra và xem trước")
    problems = page.locator("#problems").inner_text()
    assert "Hamlets!H3" in problems and "ba" in problems
    # the Vietnamese interface: problems, warnings and the page around them in Vietnamese only (issue 10, item 6)
    assert 'Số đảng viên phải là số nguyên ≥ 0, nhận được "ba"' in problems
    assert "Hamlets!E2: Loại không rõ" in page.locator("#warnings").inner_text()
    english = re.findall(ENGLISH, page.locator("main").inner_text())
    assert english == [], english
    assert page.locator("#confirm").count() == 0
    good = write_workbook(tmp_path / "ket-qua.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản Đỉ"), hamlet_row(hamlet="Bản Pà Cọ", party_members=3)]})
    page.click("text=Tải tệp đã sửa lên")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Kiểm tra và xem trước")
    page.wait_for_selector("#confirm")
    assert not Hamlet.objects.exists()
    page.click("#confirm")
    page.wait_for_selector("#done")
    assert set(Hamlet.objects.values_list("name", flat=True)) == {"Bản Đỉ", "Bản Pà Cọ"}
    assert ImportJob.objects.filter(kind="write").count() == 1


def test_the_preview_asks_about_one_chief_of_two_hamlets_and_the_user_confirms(page, tmp_path,  # noqa: ANN001
                                                                               settings):
    """The grid's warning in the preview (issue 10, item 2): both Chief cells named, in Vietnamese only;
    a warning refuses nothing, the user confirms."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    units = make_units()
    make_user("qp", district=units["Huyện Quế Phong"])
    book = write_workbook(tmp_path / "truong-thon.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản Đỉ", chief="Lương Văn Bảy", chief_party_role=None, chief_member_since=None),
        hamlet_row(hamlet="Bản Pà Cọ", chief="LƯƠNG VĂN BẢY", chief_party_role=None, chief_member_since=None)]})
    log_in(page, "qp")
    page.goto(page.base + "/import/")
    page.set_input_files("input[type=file]", str(book))
    page.click("text=Kiểm tra và xem trước")
    page.wait_for_selector("#confirm")
    warnings = page.locator("#warnings").inner_text()
    assert "Hamlets!O2" in warnings and "Hamlets!O3" in warnings, warnings
    assert "Bản Pà Cọ (ô O3)" in warnings and "Bản Đỉ (ô O2)" in warnings
    assert "một người làm trưởng hai thôn?" in warnings
    assert not any(word in warnings for word in ("also", "cell ", "term "))
    page.click("#confirm")
    page.wait_for_selector("#done")
    assert sorted(ChiefElection.objects.values_list("chief", flat=True)) == ["LƯƠNG VĂN BẢY", "Lương Văn Bảy"]


def test_upload_job_page_follows_the_progress_then_shows_the_outcome(page, tmp_path):  # noqa: ANN001
    units = make_units()
    user = make_user("qp", district=units["Huyện Quế Phong"])
    job = ImportJob.objects.create(user=user, file_name="lon.xlsx", stored_path=str(tmp_path / "none.xlsx"),
                                   state="running", stage="reading", rows_read=0, rows_total=100_000,
                                   started_at=timezone.now())
    log_in(page, "qp")
    page.goto(f"{page.base}/import/jobs/{job.pk}/")
    assert page.locator("#job-progress").count() == 1
    ImportJob.objects.filter(pk=job.pk).update(rows_read=40_000, percent=32)  # as the worker's recorder does
    page.locator("[data-field=percent_text]", has_text="32%").wait_for()  # the script polled the JSON
    assert page.locator("[data-field=rows_read]").inner_text() == "40000"
    ImportJob.objects.filter(pk=job.pk).update(state="done", ok=False, problems=1, percent=100)
    ImportJobLine.objects.create(job=job, position=0, kind=ImportJobLine.Kind.PROBLEM, sheet="Hamlets", row=3,
                                 text="Hamlets!H3: Số đảng viên phải là số")
    page.wait_for_selector("#problems")  # the script reloaded the page when the job finished
    assert "Hamlets!H3" in page.locator("#problems").inner_text()
