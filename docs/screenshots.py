"""Take the screenshots in docs/ from a running demo (``bash scripts/demo``):

    .venv/bin/python docs/screenshots.py [http://127.0.0.1:8000]

Uses Debian's Chromium through Playwright; logs in with the demo accounts.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PERIOD = "term=2022-2025&as_of=2022-07-15"


def upload_with_one_wrong_row(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hamlets"
    sheet.append(["Province", "District", "Commune", "Hamlet", "Kind", "Special area", "Project 01", "Party members",
                  "Party cell", "Term", "Congress held on", "Secretary", "Deputy secretary", "Chief elected on",
                  "Chief", "Chief member since", "Chief Party role"])
    sheet.append(["Nghệ An", "Thanh Chương", "Thanh Hà", "Xóm 1", "xóm", "no", "no", 24, "yes", "2022-2025",
                  "2022-05-20", "Nguyễn Văn An", "Trần Thị Hoa", "2022-06-02", "Trần Thị Hoa", "2001-05-19",
                  "Deputy secretary"])
    sheet.append(["Nghệ An", "Thanh Chương", "Thanh Hà", "Xóm 2", "xóm", "no", "no", "ba", "yes", "2022-2025",
                  "2022-05-21", "Lê Văn Bình", "Lê Văn Bình", "2022-06-03", "Phan Văn Cường", None, "Secretary"])
    path = folder / "thanh-chuong.xlsx"
    book.save(path)
    return path


def log_in(page, username: str) -> None:  # noqa: ANN001
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-cadre-2022")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()


def main() -> None:
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, "tinh.nghean")
        page.goto(f"{BASE}/")  # today: the 2025-2027 term by the 130 communes of the 2025 list
        page.screenshot(path=OUT / "dashboard.png")
        page.goto(f"{BASE}/?{PERIOD}")  # 15 July 2022: the earlier list, by district
        page.screenshot(path=OUT / "dashboard-2022.png", full_page=True)
        page.click("text=Huyện Thanh Chương")
        page.wait_for_load_state()
        page.screenshot(path=OUT / "drill-down-district.png", full_page=True)
        page.locator("td.todo a", has_text="chưa là đảng viên").first.click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "drill-down-hamlets.png")
        page.context.clear_cookies()
        log_in(page, "xa.hanhlam")  # a commune Party committee: its hamlets, namesakes with their former commune
        page.goto(f"{BASE}/hamlets/")
        page.screenshot(path=OUT / "commune-hamlets.png")
        page.goto(f"{BASE}/entry/")  # the entry grid of its commune
        page.screenshot(path=OUT / "entry-grid.png")
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        log_in(phone, "tinh.nghean")
        phone.goto(f"{BASE}/")
        phone.screenshot(path=OUT / "dashboard-phone.png")
        phone.goto(f"{BASE}/targets/")
        phone.set_viewport_size({"width": 1400, "height": 1000})
        phone.screenshot(path=OUT / "targets.png")
        phone.close()
        page.context.clear_cookies()
        log_in(page, "thanhchuong")
        page.goto(f"{BASE}/import/")
        page.set_input_files("input[type=file]", str(upload_with_one_wrong_row(Path(tmp))))
        page.click("text=Kiểm tra và xem trước")
        page.wait_for_selector("#problems", timeout=60_000)  # the background worker's preview
        page.screenshot(path=OUT / "upload-preview.png")
        browser.close()


if __name__ == "__main__":
    main()
