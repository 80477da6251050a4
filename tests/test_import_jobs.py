"""Imports as background jobs: upload -> preview job -> confirm -> write job, with progress and limits."""

from __future__ import annotations

import datetime as dt
import re
import signal
import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from elections import jobs
from elections.importing.result import ImportResult, Problem, Summary
from elections.importing.service import import_workbook
from elections.job_progress import Recorder, declared_rows, heartbeat
from elections.models import ImportJob, ImportJobLine
from hamlets.models import Hamlet
from tests.personas import make_user
from tests.workbooks import hamlet_row, make_units, write_workbook

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


@pytest.fixture
def units(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = IMMEDIATE
    return make_units()


@pytest.fixture
def board(units):
    user = make_user("qp", district=units["Huyện Quế Phong"])
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def post_file(client: Client, path, follow: bool = True):
    return client.post("/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}, follow=follow)


def rows(count: int, **values) -> list[dict]:
    return [hamlet_row(hamlet=f"Bản {n:05d}", **values) for n in range(count)]


def uploads(tmp_path) -> list:
    return sorted((tmp_path / "uploads").glob("*.xlsx"))


def test_upload_preview_confirm_and_done(board, tmp_path):
    path = write_workbook(tmp_path / "ket-qua.xlsx", {"Hamlets": rows(3)})
    page = post_file(board, path)
    preview = page.context["job"]
    assert page.redirect_chain == [(f"/import/jobs/{preview.pk}/", 302)]
    assert (preview.kind, preview.state, preview.ok, preview.rows_read, preview.percent) == ("preview", "done", True,
                                                                                              3, 100)
    assert preview.changes == 3 and preview.problems == 0 and len(page.context["changes"]) == 3
    html = page.content.decode()
    assert 'id="confirm"' in html and "ket-qua.xlsx" in html and not INLINE.findall(html)
    assert not Hamlet.objects.exists() and len(uploads(tmp_path)) == 1
    done = board.post(f"/import/jobs/{preview.pk}/confirm/", follow=True)
    write = done.context["job"]
    assert (write.kind, write.state, write.written, write.preview_id) == ("write", "done", True, preview.pk)
    assert 'id="done"' in done.content.decode() and write.summary["line"] in done.content.decode()
    assert Hamlet.objects.count() == 3
    assert uploads(tmp_path) == [] and not ImportJobLine.objects.filter(job=preview).exists()
    # the preview's page now leads to its write job
    assert board.get(f"/import/jobs/{preview.pk}/").url == f"/import/jobs/{write.pk}/"


def test_a_double_confirm_writes_once(board, tmp_path):
    preview = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(2)})).context["job"]
    first = board.post(f"/import/jobs/{preview.pk}/confirm/")
    second = board.post(f"/import/jobs/{preview.pk}/confirm/")
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert ImportJob.objects.filter(kind="write").count() == 1
    assert Hamlet.history.count() == 2  # one history row per hamlet: imported once
    preview.refresh_from_db()
    write, made = preview.confirm()  # what a second request racing the first one gets
    assert not made and write.pk == ImportJob.objects.get(kind="write").pk


def test_another_users_job_is_404(board, units, tmp_path):
    preview = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(1)})).context["job"]
    other = Client()
    other.force_login(make_user("qp2", district=units["Huyện Quế Phong"]))
    for url in (f"/import/jobs/{preview.pk}/", f"/import/jobs/{preview.pk}.json"):
        assert other.get(url).status_code == 404
    assert other.post(f"/import/jobs/{preview.pk}/confirm/").status_code == 404
    assert not ImportJob.objects.filter(kind="write").exists() and not Hamlet.objects.exists()
    assert "x.xlsx" not in other.get("/import/").content.decode()  # nor listed among their recent jobs


@pytest.mark.parametrize("content, words", [
    (b"Province,District\nNghe An,Que Phong\n", "xlsx"),
    (b"", "xlsx"),
])
def test_a_hostile_file_is_refused_at_upload_without_a_job(board, tmp_path, content, words):
    page = board.post("/import/", {"file": SimpleUploadedFile("data.xlsx", content)})
    assert page.status_code == 200
    assert words in page.content.decode()
    assert not ImportJob.objects.exists() and uploads(tmp_path) == []


def test_a_zip_bomb_is_refused_at_upload(board, tmp_path):
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    page = post_file(board, bomb)
    assert page.redirect_chain == [] and page.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_preview_with_nothing_to_change_offers_no_confirm(board, tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(2)})
    assert import_workbook(path).written
    page = post_file(board, path)
    job = page.context["job"]
    html = page.content.decode()
    assert job.ok and job.to_write == 0 and not job.can_confirm
    assert 'id="confirm"' not in html and 'id="nothing-to-change"' in html
    assert uploads(tmp_path) == []  # nothing can confirm it: the file is gone
    refused = board.post(f"/import/jobs/{job.pk}/confirm/", follow=True)
    assert refused.redirect_chain[-1][0] == "/import/" and not ImportJob.objects.filter(kind="write").exists()


def test_the_preview_is_paginated_problems_first(board, tmp_path):
    bad = rows(130, party_members="ba") + [hamlet_row(hamlet="Bản Lạ", kind="nhà")]  # 130 problems, 1 warning
    job = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": bad})).context["job"]
    assert (job.problems, job.warnings, job.changes) == (130, 1, 0)
    first = board.get(f"/import/jobs/{job.pk}/")
    assert len(first.context["problems"]) == 100 and first.context["warnings"] == []
    assert first.context["problems"][0].text.startswith("Hamlets!H2: ")
    assert "Trang 1 / 2" in first.content.decode() and 'rel="next"' in first.content.decode()
    second = board.get(f"/import/jobs/{job.pk}/?page=2")
    assert len(second.context["problems"]) == 30 and len(second.context["warnings"]) == 1
    assert second.context["problems"][-1].text.startswith("Hamlets!H131: ")
    assert board.get(f"/import/jobs/{job.pk}/?page=99").context["page"] == 2  # clamped, never a 500
    assert board.get(f"/import/jobs/{job.pk}/?page=x").context["page"] == 1


def test_problems_and_warnings_download_as_csv(board, units, tmp_path):
    bad = [hamlet_row(party_members="ba"), hamlet_row(hamlet="Bản Lạ", kind="nhà")]
    job = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": bad})).context["job"]
    assert f"/import/jobs/{job.pk}/problems.csv" in board.get(f"/import/jobs/{job.pk}/").content.decode()
    response = board.get(f"/import/jobs/{job.pk}/problems.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig").splitlines()
    assert text[0] == "Loại,Trang,Dòng,Nội dung" and len(text) == 1 + job.problems + job.warnings
    assert text[1].startswith("lỗi,Hamlets,2,\"Hamlets!H2: ") and text[-1].startswith("lưu ý,Hamlets,3,")
    other = Client()
    other.force_login(make_user("qp2", district=units["Huyện Quế Phong"]))
    assert other.get(f"/import/jobs/{job.pk}/problems.csv").status_code == 404


def test_warnings_come_before_changes(board, tmp_path):
    job = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": [
        *rows(150), hamlet_row(hamlet="Bản Lạ", kind="nhà")]})).context["job"]
    assert (job.problems, job.warnings, job.changes) == (0, 1, 151)
    first = board.get(f"/import/jobs/{job.pk}/")
    assert len(first.context["warnings"]) == 1 and len(first.context["changes"]) == 99
    last = board.get(f"/import/jobs/{job.pk}/?page=2")
    assert len(last.context["changes"]) == 52 and 'id="confirm"' in last.content.decode()


def big_preview(user, changes: int) -> ImportJob:
    job = ImportJob.objects.create(user=user, file_name="lon.xlsx", stored_path="/nonexistent.xlsx",
                                   state="done", ok=True, changes=changes, rows_read=changes,
                                   summary={"line": "…", "to_write": changes})
    ImportJobLine.objects.bulk_create(
        ImportJobLine(job=job, position=n, kind=ImportJobLine.Kind.CHANGE, sheet="Hamlets", row=n + 2,
                      subject=f"Xã Thông Thụ / Bản {n:05d} (2022-2025)", action="create",
                      text="Số đảng viên: 12\nNgày đại hội: 14/05/2022")
        for n in range(changes))
    return job


def test_a_20000_row_preview_page_stays_small_and_queries_are_fixed(board):
    small = big_preview(board.user, 10)
    large = big_preview(board.user, 20_000)
    board.get(f"/import/jobs/{small.pk}/")  # the session is loaded the same way for all three
    counts = []
    for job, page in ((small, 1), (large, 1), (large, 150)):
        with CaptureQueriesContext(connection) as queries:
            response = board.get(f"/import/jobs/{job.pk}/?page={page}")
        counts.append(len(queries))
        assert response.status_code == 200
    assert counts[0] == counts[1] == counts[2]
    assert len(response.content) < 100_000, len(response.content)
    assert "Trang 150 / 200" in response.content.decode()


def test_job_page_query_count(board, django_assert_num_queries):
    job = big_preview(board.user, 20_000)
    board.get("/import/")  # warm the session
    with django_assert_num_queries(5):  # session, user, user scope, the job, one page of lines
        board.get(f"/import/jobs/{job.pk}/?page=7")
    with django_assert_num_queries(4):  # session, user, user scope, the job
        board.get(f"/import/jobs/{job.pk}.json")


def test_progress_while_queued_and_running(board):
    job = ImportJob.objects.create(user=board.user, file_name="x.xlsx", stored_path="/nonexistent.xlsx")
    page = board.get(f"/import/jobs/{job.pk}/")
    html = page.content.decode()
    assert f'data-status-url="/import/jobs/{job.pk}.json"' in html
    assert "js/import_job.js" in html and '<meta http-equiv="refresh"' in html and not INLINE.findall(html)
    ImportJob.objects.filter(pk=job.pk).update(state="running", stage="reading", rows_read=40_000,
                                               rows_total=100_000, percent=32, started_at=timezone.now())
    status = board.get(f"/import/jobs/{job.pk}.json").json()
    assert status["finished"] is False and status["percent"] == 32 and status["rows_read"] == 40_000
    assert status["rows_total"] == 100_000 and status["stage"] == "reading" and status["percent_known"] is True
    ImportJob.objects.filter(pk=job.pk).update(rows_total=None, percent=0)  # a file that does not declare its size
    assert board.get(f"/import/jobs/{job.pk}.json").json()["percent_known"] is False
    assert 'value="0"' not in board.get(f"/import/jobs/{job.pk}/").content.decode()  # a moving bar, not 0 %


def test_a_job_queued_for_long_says_the_worker_may_be_down(board):
    job = ImportJob.objects.create(user=board.user, file_name="x.xlsx", stored_path="/nonexistent.xlsx")
    assert board.get(f"/import/jobs/{job.pk}.json").json()["waiting_long"] is False
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert board.get(f"/import/jobs/{job.pk}.json").json()["waiting_long"] is True


def test_a_killed_worker_leaves_the_job_visibly_interrupted(board, tmp_path, settings):
    stored = tmp_path / "uploads" / "t.xlsx"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"x")
    job = ImportJob.objects.create(user=board.user, file_name="x.xlsx", stored_path=str(stored), state="running",
                                   started_at=timezone.now() - dt.timedelta(hours=1))
    page = board.get(f"/import/jobs/{job.pk}/")
    assert 'id="failure"' in page.content.decode() and "gián đoạn" in page.content.decode()
    assert board.get(f"/import/jobs/{job.pk}.json").json()["finished"] is True
    jobs.prune()
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "interrupted") and not stored.exists()


def test_a_silent_job_is_interrupted_unless_it_is_writing(board):
    started = timezone.now() - dt.timedelta(minutes=5)
    comparing = ImportJob.objects.create(user=board.user, file_name="a.xlsx", stored_path="/none.xlsx",
                                         state="running", stage="comparing", started_at=started)
    ImportJob.objects.create(user=board.user, file_name="b.xlsx", stored_path="/none.xlsx", state="running",
                             stage="writing", started_at=started)
    alive = ImportJob.objects.create(user=board.user, file_name="c.xlsx", stored_path="/none.xlsx",
                                     state="running", stage="comparing", started_at=started)
    ImportJob.objects.exclude(pk=alive.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=4))
    jobs_now = {job.file_name: job.interrupted for job in ImportJob.objects.all()}
    assert jobs_now == {"a.xlsx": True, "b.xlsx": False, "c.xlsx": False}
    assert list(ImportJob.objects.dead()) == [comparing]  # the query and the property agree
    jobs.prune()
    assert dict(ImportJob.objects.values_list("file_name", "state")) == {
        "a.xlsx": "failed", "b.xlsx": "running", "c.xlsx": "running"}


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_between_lines_of_progress():
    user = make_user("qp")
    job = ImportJob.objects.create(user=user, file_name="a.xlsx", stored_path="/none.xlsx", state="running",
                                   stage="comparing", started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=2))
    with heartbeat(job.pk, every=0.05):
        time.sleep(0.4)
    job.refresh_from_db()
    assert timezone.now() - job.updated_at < dt.timedelta(seconds=5) and not job.interrupted


def test_old_jobs_and_their_files_are_pruned(board, tmp_path):
    stored = tmp_path / "uploads" / "old.xlsx"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"x")
    old = ImportJob.objects.create(user=board.user, file_name="x.xlsx", stored_path=str(stored), state="done")
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    fresh = ImportJob.objects.create(user=board.user, file_name="y.xlsx", stored_path="/nonexistent.xlsx")
    jobs.prune()
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [fresh.pk] and not stored.exists()


def test_every_job_has_a_time_limit(board, tmp_path, settings, monkeypatch):
    settings.IMPORT_JOB_SECONDS = 0.3

    def slow(*args, **kwargs):
        time.sleep(3)
        raise AssertionError("not stopped")

    monkeypatch.setattr(jobs, "import_workbook", slow)
    started = time.monotonic()
    page = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(1)}))
    assert time.monotonic() - started < 2.5
    job = page.context["job"]
    assert (job.state, job.message) == ("failed", "timeout") and "Quá thời gian" in page.content.decode()
    assert uploads(tmp_path) == []


def test_the_write_gets_the_versions_the_preview_read(board, tmp_path, monkeypatch):
    calls = []

    def fake(path, *, user, dry_run=False, progress=None, change_reason=None, expected_versions=None):
        calls.append({"dry_run": dry_run, "expected_versions": expected_versions})
        result = ImportResult(name="x.xlsx", dry_run=dry_run, summary=Summary(rows={"Hamlets": 1}, hamlets_created=1))
        if dry_run:
            result.versions = {7: 3}
        else:
            result.problems = [Problem("", "", "Thôn Bản Đỉ đã được sửa sau khi xem trước / changed meanwhile")]
        return result

    monkeypatch.setattr(jobs, "import_workbook", fake)
    preview = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(1)})).context["job"]
    assert preview.versions == {"7": 3} and preview.expected_versions() == {7: 3}
    refused = board.post(f"/import/jobs/{preview.pk}/confirm/", follow=True)
    assert calls == [{"dry_run": True, "expected_versions": None}, {"dry_run": False, "expected_versions": {7: 3}}]
    write = refused.context["job"]
    assert write.state == "done" and not write.ok and not write.written
    html = refused.content.decode()
    assert "changed meanwhile" in html and "chưa lưu gì" in html and 'id="confirm"' not in html
    assert uploads(tmp_path) == []


def test_an_unexpected_error_fails_the_job_with_a_message(board, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(jobs, "import_workbook", broken)
    page = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(1)}))
    job = page.context["job"]
    assert (job.state, job.message) == ("failed", "error") and "quản trị viên" in page.content.decode()
    assert "bug" not in page.content.decode() and uploads(tmp_path) == []


def test_recent_jobs_are_listed_on_the_upload_page(board, tmp_path):
    preview = post_file(board, write_workbook(tmp_path / "ket-qua.xlsx", {"Hamlets": rows(1)})).context["job"]
    html = board.get("/import/").content.decode()
    assert f'href="/import/jobs/{preview.pk}/"' in html and "ket-qua.xlsx" in html


# The recorder: progress lines -> rows read, stage, percent; at most one write a second --------------------------

def test_the_recorder_reads_progress_lines(board, monkeypatch):
    job = ImportJob.objects.create(user=board.user, file_name="x.xlsx", stored_path="/x", rows_total=4000)
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr("elections.job_progress.time.monotonic", lambda: clock.now)
    recorder = Recorder(job)
    recorder("Hamlets: 1000 rows read")
    clock.now += 0.2
    recorder("Hamlets: 2000 rows read")  # within the second: not saved
    assert ImportJob.objects.get(pk=job.pk).rows_read == 1000
    clock.now += 1
    recorder("Admissions: 1000 rows read")  # counts restart at each sheet
    saved = ImportJob.objects.get(pk=job.pk)
    assert (saved.stage, saved.rows_read, saved.percent) == ("reading", 3000, 60)
    recorder("3500 rows read; comparing with the database")  # a new stage is saved at once
    saved = ImportJob.objects.get(pk=job.pk)
    assert (saved.stage, saved.rows_read, saved.percent) == ("comparing", 3500, 85)
    recorder("writing")
    assert ImportJob.objects.get(pk=job.pk).stage == "writing"


def test_progress_of_a_real_import_is_recorded(board, tmp_path, monkeypatch):
    monkeypatch.setattr("elections.job_progress.SAVE_EVERY", 0)
    seen = []
    original = Recorder.save

    def spy(self):
        original(self)
        seen.append((self.job.stage, self.job.rows_read, self.job.percent))

    monkeypatch.setattr(Recorder, "save", spy)
    job = post_file(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(2100)})).context["job"]
    assert job.rows_total == 2100 and job.rows_read == 2100 and job.ok
    assert ("reading", 1000, 38) in seen and ("reading", 2000, 76) in seen and ("comparing", 2100, 85) in seen


def test_declared_rows_come_from_the_sheets_dimension(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(5), "Notes": [["a"], ["b"]]})
    assert declared_rows(path) == 5  # only the template's sheets count
    assert declared_rows(tmp_path / "missing.xlsx") is None


# The queued path: the database backend, the worker's own code -----------------------------------------------

@pytest.fixture
def own_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers: put pytest's back afterwards."""
    saved = {name: signal.getsignal(name) for name in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


@pytest.mark.django_db(transaction=True)
def test_queued_job_is_run_by_the_database_worker(settings, tmp_path, own_signals):
    from django_tasks_db.models import DBTaskResult

    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = DATABASE
    units = make_units()
    user = make_user("qp", district=units["Huyện Quế Phong"])
    client = Client()
    client.force_login(user)
    response = post_file(client, write_workbook(tmp_path / "x.xlsx", {"Hamlets": rows(2)}), follow=False)
    job = ImportJob.objects.get()
    assert response.url == f"/import/jobs/{job.pk}/"  # the request only stored and enqueued
    assert job.state == "queued" and DBTaskResult.objects.ready().count() == 1
    assert client.get(f"/import/jobs/{job.pk}.json").json()["finished"] is False
    worker = {"verbosity": 0, "batch": True, "interval": 0, "startup_delay": False, "reload": False}
    call_command("db_worker", **worker)
    job.refresh_from_db()
    assert (job.state, job.ok, job.changes) == ("done", True, 2)
    assert DBTaskResult.objects.successful().count() == 1
    confirmed = client.post(f"/import/jobs/{job.pk}/confirm/")
    write = ImportJob.objects.get(kind="write")
    assert confirmed.url == f"/import/jobs/{write.pk}/" and write.state == "queued" and not Hamlet.objects.exists()
    call_command("db_worker", **worker)
    write.refresh_from_db()
    assert (write.state, write.written) == ("done", True) and Hamlet.objects.count() == 2
