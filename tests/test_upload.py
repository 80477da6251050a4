"""Uploading a workbook on the web: preview, problems by cell, confirm."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from elections.importing.template import SHEETS
from elections.models import ImportJob
from hamlets.models import Hamlet
from tests.personas import make_user
from tests.workbooks import hamlet_row, make_units, target_row, write_workbook

pytestmark = pytest.mark.django_db


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def units(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = IMMEDIATE  # the job runs within the upload's request
    return make_units()


def upload(client: Client, path) -> object:
    """Upload, then follow to the job's page (with the immediate backend the job has run)."""
    return client.post("/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}, follow=True)


def job_of(page) -> ImportJob:
    return page.context["job"]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_district_board_fixes_a_wrong_row_then_confirms(units, tmp_path):
    board = login(make_user("qp", district=units["Huyện Quế Phong"]))
    bad = write_workbook(tmp_path / "xom.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản Đỉ"), hamlet_row(hamlet="Bản Pà Cọ", party_members="ba")]})
    preview = upload(board, bad)
    assert preview.status_code == 200
    problems = [line.text for line in preview.context["problems"]]
    assert len(problems) == 1 and problems[0].startswith("Hamlets!H3: ")
    assert "Hamlets!H3" in preview.content.decode() and 'id="confirm"' not in preview.content.decode()
    assert not Hamlet.objects.exists()
    assert not list((tmp_path / "uploads").glob("*.xlsx"))  # a file with problems cannot be confirmed: gone
    good = write_workbook(tmp_path / "xom.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản Đỉ"), hamlet_row(hamlet="Bản Pà Cọ", party_members=3)]})
    preview = upload(board, good)
    assert job_of(preview).ok and 'id="confirm"' in preview.content.decode()
    assert not Hamlet.objects.exists()  # nothing saved before the confirmation
    done = board.post(f"/import/jobs/{job_of(preview).pk}/confirm/", follow=True)
    assert done.status_code == 200 and job_of(done).kind == "write" and job_of(done).written
    assert set(Hamlet.objects.values_list("name", flat=True)) == {"Bản Đỉ", "Bản Pà Cọ"}
    history = Hamlet.history.filter(name="Bản Pà Cọ").latest()
    assert history.history_user.username == "qp" and history.history_change_reason == "import xom.xlsx (web)"
    assert not list((tmp_path / "uploads").glob("*.xlsx"))  # the stored file is gone
    again = board.post(f"/import/jobs/{job_of(preview).pk}/confirm/", follow=True)
    assert job_of(again).pk == job_of(done).pk  # the same write job, not a second import
    assert Hamlet.history.filter(name="Bản Pà Cọ").count() == 1


def test_rows_of_another_district_are_refused_row_by_row(units, tmp_path):
    board = login(make_user("qp", district=units["Huyện Quế Phong"]))
    path = write_workbook(tmp_path / "x.xlsx", {"Hamlets": [
        hamlet_row(), hamlet_row(district="Tương Dương", commune="Mai Sơn", hamlet="Bản Lạ")]})
    page = upload(board, path)
    assert [line.text.split(":")[0] for line in page.context["problems"]] == ["Hamlets!B3"]
    assert not Hamlet.objects.exists()


def test_a_preview_of_another_user_cannot_be_confirmed(units, tmp_path):
    board = login(make_user("qp", district=units["Huyện Quế Phong"]))
    preview = upload(board, write_workbook(tmp_path / "x.xlsx", {"Hamlets": [hamlet_row()]}))
    other = login(make_user("qp2", district=units["Huyện Quế Phong"]))
    assert other.post(f"/import/jobs/{job_of(preview).pk}/confirm/").status_code == 404
    assert not Hamlet.objects.exists()


def test_read_only_staff_may_upload_targets_but_not_results(units, tmp_path):
    staff = login(make_user("tinh", province=units["Tỉnh Nghệ An"]))
    assert staff.get("/import/").status_code == 200
    results = upload(staff, write_workbook(tmp_path / "r.xlsx", {"Hamlets": [hamlet_row()]}))
    assert not job_of(results).ok
    targets = upload(staff, write_workbook(tmp_path / "t.xlsx", {"Hamlets": [], "Targets": [target_row()]}))
    assert job_of(targets).ok


def test_viewers_without_rights_and_anonymous_cannot_upload(units, tmp_path):
    nobody = login(make_user("nobody"))
    assert nobody.get("/import/").status_code == 403
    assert Client().get("/import/").status_code == 302


def test_hostile_file_gets_one_clear_message_and_no_job(units):
    board = login(make_user("qp", district=units["Huyện Quế Phong"]))
    page = board.post("/import/", {"file": SimpleUploadedFile("data.xlsx", b"Province,District\nNghe An,Que Phong\n")})
    assert page.status_code == 200
    errors = page.context["form"].errors["file"]
    assert len(errors) == 1 and "xlsx" in errors[0]
    assert not ImportJob.objects.exists()


def test_blank_template_has_the_contract_sheets_and_headers(units):
    board = login(make_user("qp", district=units["Huyện Quế Phong"]))
    response = board.get("/import/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Hướng dẫn", *[s.name for s in SHEETS]]  # the instructions first
    assert [s.name for s in SHEETS] == ["Hamlets", "Targets", "Admissions", "Admission targets", "Placements",
                                        "Chief plans", "Chief evaluations", "Area officials"]
    headers = [c.value for c in book["Hamlets"][1]]
    assert headers[:10] == ["Province", "District", "Commune", "Hamlet", "Kind", "Special area", "Project 01",
                            "Party members", "Party cell", "Term"]
    assert headers[-11:-6] == ["District code", "Commune code", "Former district", "Former commune",
                               "Former commune code"]
    assert headers[-6:] == ["Chief birth year", "Chief gender", "Chief ethnicity", "Secretary birth year",
                            "Secretary gender", "Secretary ethnicity"]  # optional: the people (issue 12)
    assert [c.value for c in book["Admission targets"][1]] == ["Province", "District", "Commune", "Year", "Target"]
    assert [c.value for c in book["Placements"][1]] == ["Province", "Former district", "Former commune",
                                                        "Former commune code", "Hamlet", "Commune"]
