"""One language at a time (issue 10, item 6): messages in the interface's language only.

Vietnamese by default, English when the user chose it (the language cookie); import jobs keep
the language of the request that made them; commands speak Vietnamese unless ``CT_LANGUAGE=en``;
no English left in the Vietnamese admin; dates DD/MM/YYYY in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cadre_tracker.language import Label, both, command_language
from elections import jobs
from elections.importing import import_workbook
from elections.importing import messages as msg
from elections.models import ImportJob
from tests.factories import ChiefElectionFactory, HamletFactory
from tests.personas import make_user
from tests.workbooks import hamlet_row, make_units, write_workbook

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Two rows a clerk could send: an unreadable number, a date after today, a missing chief, a wrong role.
BAD_ROWS = [hamlet_row(party_members="ba"), hamlet_row(hamlet="Bản Mới", chief=None, chief_party_role="Chairman")]


def visible(page: str) -> str:
    """The text a reader sees (and the labels a screen reader reads), without scripts and styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', page))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + labels))


# --- the mechanism -------------------------------------------------------------------------

def test_a_pair_gives_the_active_language():
    label = Label("Số đảng viên", "Party members")
    assert (both("có", "yes"), str(label), f"{label}", msg.NO_TARGETS) == (
        "có", "Số đảng viên", "Số đảng viên", "Chỉ Ban Tổ chức Tỉnh ủy được đặt mục tiêu, chỉ tiêu")
    with translation.override("en"):
        assert (both("có", "yes"), str(label), f"{label}", msg.NO_TARGETS) == (
            "yes", "Party members", "Party members", "Only provincial staff may set targets")
    assert msg.day(dt.date(2022, 5, 1)) == "01/05/2022" and msg.shown(dt.datetime(2022, 5, 1, 7, 5)) == (
        "01/05/2022 07:05:00")
    with translation.override("en"):
        assert msg.day(dt.date(2022, 5, 1)) == "2022-05-01"
    with pytest.raises(AttributeError):
        msg.NO_SUCH_PHRASE  # noqa: B018


def test_the_command_line_language(monkeypatch):
    assert command_language() == "vi"
    monkeypatch.setenv("CT_LANGUAGE", "en")
    assert command_language() == "en"
    monkeypatch.setenv("CT_LANGUAGE", "fr")
    assert command_language() == "vi"


# --- the import through the web: upload -> preview job page ------------------------------------

@pytest.fixture
def board(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = IMMEDIATE
    units = make_units()
    client = Client()
    client.force_login(make_user("qp", district=units["Huyện Quế Phong"]))
    return client


def upload(client: Client, tmp_path, rows=BAD_ROWS):
    path = write_workbook(tmp_path / "ket-qua.xlsx", {"Hamlets": rows})
    page = client.post("/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}, follow=True)
    assert page.status_code == 200 and page.redirect_chain, page.redirect_chain
    return page


def messages_of(tmp_path, language: str) -> list[str]:
    """The problems of ``BAD_ROWS`` as the import words them in ``language``."""
    with translation.override(language):
        result = import_workbook(write_workbook(tmp_path / f"{language}.xlsx", {"Hamlets": BAD_ROWS}), dry_run=True)
    assert len(result.problems) >= 3
    return [p.message for p in result.problems]


def test_a_failed_import_in_the_vietnamese_interface_shows_no_english_message(board, tmp_path):
    english, vietnamese = messages_of(tmp_path, "en"), messages_of(tmp_path, "vi")
    page = upload(board, tmp_path)
    job = page.context["job"]
    assert (job.language, job.state, job.ok) == ("vi", "done", False)
    text = visible(page.content.decode())
    assert all(message in text for message in vietnamese), vietnamese
    assert not [message for message in english if message in text]
    assert not re.search(r"\b(must be|is required|got|Party members|Nothing|rows? read)\b", text), text


def test_a_failed_import_in_the_english_interface_shows_no_vietnamese_message(board, tmp_path):
    english, vietnamese = messages_of(tmp_path, "en"), messages_of(tmp_path, "vi")
    board.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = upload(board, tmp_path)
    assert page.context["job"].language == "en"
    text = visible(page.content.decode())
    assert all(message in text for message in english), english
    assert not [message for message in vietnamese if message in text]
    assert "Số đảng viên" not in text and "nhận được" not in text


def test_the_problems_csv_and_a_refused_file_speak_the_interface_language(board, tmp_path):
    job = upload(board, tmp_path).context["job"]
    csv = board.get(f"/import/jobs/{job.pk}/problems.csv").content.decode("utf-8-sig")
    assert 'Số đảng viên phải là số nguyên ≥ 0, nhận được ""ba""' in csv and "must be" not in csv
    not_xlsx = SimpleUploadedFile("bad.xlsx", b"Province;District\n")
    refused = visible(board.post("/import/", {"file": not_xlsx}).content.decode())
    assert "Tệp không phải là bảng tính Excel .xlsx" in refused and "is not an Excel" not in refused
    board.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    not_xlsx.seek(0)
    refused = visible(board.post("/import/", {"file": not_xlsx}).content.decode())
    assert "The file is not an Excel .xlsx workbook" in refused and "Tệp không phải" not in refused


def test_the_preview_and_the_summary_of_a_clean_import_come_in_the_interface_language(board, tmp_path):
    board.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = upload(board, tmp_path, [hamlet_row()])
    preview = page.context["job"]
    text = visible(page.content.decode())
    assert preview.summary["line"].startswith("Dry run, nothing written") and preview.summary["line"] in text
    assert "hamlet created" in text and "Thêm thôn" not in text and "chief election of 2022-05-20 created" in text
    # confirmed in Vietnamese: the write job speaks the confirming request's language
    board.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    done = board.post(f"/import/jobs/{preview.pk}/confirm/", follow=True)
    write = done.context["job"]
    assert write.language == "vi" and write.summary["line"].startswith("Đã nhập ket-qua.xlsx: 1 dòng")
    assert write.summary["line"] in visible(done.content.decode())


def test_the_worker_speaks_the_language_stored_on_the_job(tmp_path, settings):
    """The worker runs outside any request: the job's language, not the worker's, words its lines."""
    settings.TASKS = IMMEDIATE
    units = make_units()
    user = make_user("qp", district=units["Huyện Quế Phong"])
    path = write_workbook(tmp_path / "en.xlsx", {"Hamlets": BAD_ROWS})
    english = ImportJob.objects.create(user=user, file_name="w.xlsx", stored_path=str(path), language="en")
    jobs.run_import_job.call(english.pk)  # as the worker does: no request, Vietnamese by default around it
    path = write_workbook(tmp_path / "vi.xlsx", {"Hamlets": BAD_ROWS})
    vietnamese = ImportJob.objects.create(user=user, file_name="w.xlsx", stored_path=str(path), language="vi")
    with translation.override("en"):
        jobs.run_import_job.call(vietnamese.pk)
    assert [line.text for line in english.lines.order_by("position")][0] == (
        'Hamlets!H2: Party members must be a whole number ≥ 0, got "ba"')
    assert [line.text for line in vietnamese.lines.order_by("position")][0] == (
        'Hamlets!H2: Số đảng viên phải là số nguyên ≥ 0, nhận được "ba"')
    assert ImportJob.objects.get(pk=english.pk).summary["line"].startswith("Dry run")


# --- the command line ------------------------------------------------------------------------

def test_load_admin_units_speaks_vietnamese_unless_ct_language_is_en(db, monkeypatch):
    with pytest.raises(CommandError, match="^--province: không có tỉnh nào tên 'Atlantis' trong cả hai danh mục$"):
        call_command("load_admin_units", province=["Atlantis"], stdout=io.StringIO())
    monkeypatch.setenv("CT_LANGUAGE", "en")
    with pytest.raises(CommandError, match="^--province: no province named 'Atlantis' in either official list$"):
        call_command("load_admin_units", province=["Atlantis"], stdout=io.StringIO())
    assert translation.get_language() == "vi"  # the command's language ends with it


def test_export_report_speaks_english_with_ct_language_en(term, monkeypatch, tmp_path):
    monkeypatch.setenv("CT_LANGUAGE", "en")
    with pytest.raises(CommandError, match="^no province has hamlets yet: give --province NAME$"):
        call_command("export_report", "--term", "2022-2025", "--as-of", "2022-07-15", "--out", str(tmp_path / "r.xlsx"))


# --- filters, dates --------------------------------------------------------------------------

def test_yes_no_filters_and_drop_downs_start_on_all(world):
    page = world.client("board").get(reverse("hamlets:list"))
    form = page.context["filter"].form
    assert [label for _value, label in form.fields["has_cell"].widget.choices] == ["Tất cả", "Có", "Không"]
    assert list(form.fields["kind"].choices)[0] == ("", "Tất cả")
    text = visible(page.content.decode())
    assert "Chưa xác định" not in text and "---------" not in text and "Unknown" not in text
    assert world.client("board").get(reverse("hamlets:list"), {"has_cell": "unknown"}).status_code == 200


def test_dates_are_day_first_in_vietnamese(world):
    ChiefElectionFactory(hamlet=world.hamlets["mine"], term=world.term, held_on=dt.date(2022, 6, 1))
    client = world.client("board")
    csv = client.get(reverse("hamlets:list"), {"_export": "csv"}).getvalue().decode("utf-8-sig")
    assert "30/05/2022" in csv and "2022-05-30" not in csv  # the congress of the world
    form = client.get(reverse("elections:election_new", args=[world.hamlets["mine"].pk, world.term.pk]))
    assert 'placeholder="DD/MM/YYYY"' in form.content.decode() and 'type="date"' not in form.content.decode()
    saved = client.post(reverse("elections:election_new", args=[world.hamlets["mine"].pk, world.term.pk]), {
        "held_on": "15/03/2023", "chief": "Lô Văn Chung", "chief_member_since": "", "chief_party_role": "",
        "version": 0})
    assert saved.status_code == 302
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    csv = client.get(reverse("hamlets:list"), {"_export": "csv"}).getvalue().decode("utf-8-sig")
    assert "2023-03-15" in csv


def test_the_admin_shows_dates_day_first(db):
    election = ChiefElectionFactory(held_on=dt.date(2022, 6, 1))
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    listing = visible(client.get(reverse("admin:elections_chiefelection_changelist")).content.decode())
    assert "01/06/2022" in listing and "tháng 6 năm 2022" not in listing
    change = client.get(reverse("admin:elections_chiefelection_change", args=[election.pk])).content.decode()
    assert 'value="01/06/2022"' in change


# --- no English left in the Vietnamese admin -------------------------------------------------

# What django-axes, django-simple-history and newer Django admin texts said in English before
# locale/vi translated them.
ADMIN_ENGLISH = ["Attempt Time", "IP Address", "User Agent", "Failed Logins", "access attempts", "Access Attempt",
                 "Locked Out", "Skip to main content", "Show counts", "Hide counts", "Filter navigation items",
                 "Toggle theme", "Task Results", "Tasks Database Backend", "Axes", "Model name", "Changed by",
                 "Change reason", "Partly merged", "Version", "Path", "Username"]


def test_the_vietnamese_lockout_page_and_the_admin_lists_have_no_english(db):
    User.objects.create_user("tc", password="Xóm-3-mật-khẩu-dài")
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "tc", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post("/accounts/login/", {"username": "tc", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    text = visible(locked.content.decode())
    assert locked.status_code == 429 and "Tạm khóa đăng nhập" in text
    assert not re.search(r"Account locked|too many|try again|Locked", text)
    hamlet = HamletFactory()
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    pages = ["/admin/", reverse("admin:axes_accessattempt_changelist"), reverse("admin:axes_accesslog_changelist"),
             reverse("admin:django_tasks_database_dbtaskresult_changelist"),
             reverse("admin:hamlets_hamlet_history", args=[hamlet.pk]),
             reverse("admin:hamlets_commune_change", args=[hamlet.commune_id]),
             reverse("admin:elections_hamletterm_changelist")]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        text = visible(response.content.decode())
        assert not [word for word in ADMIN_ENGLISH if re.search(rf"\b{word}\b", text)], (url, text[:3000])
    attempts = visible(admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode())
    assert "Thời điểm thử" in attempts and "Số lần đăng nhập sai" in attempts and "tc" in attempts


def test_a_pinned_block_keeps_the_language_it_began_with():
    """``pinned()`` (an import's messages) reads the active language once: a pair gives the text of the
    language active when the block began; outside it, each pair asks again."""
    from cadre_tracker.language import day, pinned

    with translation.override("en"):
        with pinned():
            assert both("vi", "en") == "en" and day(dt.date(2022, 3, 5)) == "2022-03-05"
            translation.activate("vi")
            assert str(Label("vi", "en")) == "en"  # still the block's
        assert both("vi", "en") == "vi"  # the block is over: the active language again
    with translation.override("vi"), pinned():
        assert day(dt.date(2022, 3, 5)) == "05/03/2022"


def test_an_import_in_english_writes_every_message_in_english(tmp_path):
    """The import runs pinned to the language active when it starts: problems, warnings and changes alike."""
    make_units()
    rows = [*BAD_ROWS]
    with translation.override("en"):
        result = import_workbook(write_workbook(tmp_path / "bad.xlsx", {"Hamlets": rows}), dry_run=True)
    texts = [p.message for p in [*result.problems, *result.warnings]]
    assert texts and all(not re.search("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", t) for t in texts)
