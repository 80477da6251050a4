"""``manage.py import_workbook``: exit codes, output, --dry-run and --user."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from elections.importing import workbook
from hamlets.models import Hamlet
from tests.workbooks import hamlet_row, make_units, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_units()


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_success_prints_one_summary_line(units, tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row(), hamlet_row(hamlet="Bản Mới")]})
    out, err = run(str(path))
    assert out.splitlines() == [
        "Đã nhập ok.xlsx: 2 dòng; thôn: 2 thêm, 0 sửa; chi bộ: 2 thêm, 0 sửa; đại hội: 2 ghi, 0 xóa; "
        "bầu trưởng thôn: 2 ghi, 0 xóa; kết nạp: 0 ghi; mục tiêu: 0 ghi; chỉ tiêu kết nạp: 0 ghi"]
    assert err == "" and Hamlet.objects.count() == 2


def test_ct_language_en_speaks_english(units, tmp_path, commands_in_english):
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row(), hamlet_row(hamlet="Bản Mới")]})
    out, err = run(str(path))
    assert out.splitlines() == [
        "Imported ok.xlsx: 2 rows; hamlets 2 created, 0 updated; Party cells 2 created, 0 updated; congresses 2 "
        "written, 0 removed; chief elections 2 written, 0 removed; admissions 0 written; targets 0 written; "
        "admission targets 0 written"]
    bad = write_workbook(tmp_path / "bad.xlsx", {"Hamlets": [hamlet_row(party_members="ba")]})
    with pytest.raises(CommandError) as raised:
        run(str(bad))
    assert str(raised.value) == "Nothing imported: 1 problem"


def test_problems_go_to_stderr_one_per_line_and_nothing_is_written(units, tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", {"Hamlets": [hamlet_row(party_members="ba"),
                                                              hamlet_row(hamlet="Bản B", district="Kỳ Anh")]})
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_workbook", str(path), stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert str(raised.value) == "Không nhập gì: 2 lỗi"
    assert err.getvalue().splitlines() == [
        'Hamlets!H2: Số đảng viên phải là số nguyên ≥ 0, nhận được "ba"',
        'Hamlets!B3: Không có huyện "Kỳ Anh" thuộc Tỉnh Nghệ An']
    assert out.getvalue() == "" and not Hamlet.objects.exists()


def test_a_dry_run_writes_nothing(units, tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row()]})
    out, _err = run(str(path), "--dry-run")
    assert out.startswith("Chạy thử, chưa ghi gì: ok.xlsx, đã kiểm tra 1 dòng; sẽ ghi thôn: 1 thêm, 0 sửa")
    assert "Dry run" not in out
    assert not Hamlet.objects.exists()


def test_user_records_the_import_as_theirs(units, tmp_path):
    User.objects.create_superuser("admin", password="x")
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row()]})
    run(str(path), "--user", "admin")
    record = Hamlet.history.get()
    assert (record.history_user.username, record.history_change_reason) == ("admin", "import ok.xlsx")


def test_an_unknown_user_is_a_clear_error(units, tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row()]})
    with pytest.raises(CommandError, match='Không có người dùng "ghost"') as raised:
        run(str(path), "--user", "ghost")
    assert raised.value.returncode == 1 and not Hamlet.objects.exists()


def test_warnings_go_to_stderr_and_do_not_block(units, tmp_path):
    path = write_workbook(tmp_path / "w.xlsx", {"Hamlets": [hamlet_row(kind="buôn")]})
    out, err = run(str(path))
    assert len(out.splitlines()) == 1 and err.startswith("Cảnh báo: Hamlets!E2: Loại không rõ nên để trống")


def test_progress_lines_for_long_imports_only(units, tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "p.xlsx", {"Hamlets": [hamlet_row(hamlet=f"Bản {i}") for i in range(5)]})
    assert run(str(path), "--dry-run")[1] == ""
    monkeypatch.setattr(workbook, "PROGRESS_EVERY", 2)
    assert run(str(path), "--dry-run")[1].splitlines() == ["... Hamlets: đã đọc 2 dòng", "... Hamlets: đã đọc 4 dòng"]
    monkeypatch.setenv("CT_LANGUAGE", "en")
    assert run(str(path), "--dry-run")[1].splitlines() == ["... Hamlets: 2 rows read", "... Hamlets: 4 rows read"]


def test_the_command_line_exits_1_on_a_bad_file_without_a_traceback(tmp_path):
    path = tmp_path / "not.xlsx"
    path.write_text("Province;District\n")
    env = {**{k: v for k, v in os.environ.items() if k != "CT_LANGUAGE"},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run([sys.executable, "manage.py", "import_workbook", str(path)], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["Tệp không phải là bảng tính Excel .xlsx: hãy lưu lại dưới dạng Excel "
                                       "Workbook (.xlsx)", "CommandError: Không nhập gì: 1 lỗi"]
    assert "Traceback" not in done.stderr and done.stdout == ""
    english = subprocess.run([sys.executable, "manage.py", "import_workbook", str(path)], cwd=settings.BASE_DIR,
                             env={**env, "CT_LANGUAGE": "en"}, capture_output=True, text=True, timeout=120)
    assert english.returncode == 1
    assert english.stderr.splitlines() == ["The file is not an Excel .xlsx workbook: save it as an Excel Workbook "
                                           "(.xlsx)", "CommandError: Nothing imported: 1 problem"]


def test_verbosity_2_lists_what_each_row_changes(units, tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [hamlet_row()]})
    _out, err = run(str(path), "--dry-run", "-v", "2")
    assert err.splitlines() == [
        "Hamlets!2: thêm Bản Đỉ, Xã Thông Thụ, Huyện Quế Phong (2022-2025): Thêm thôn; Thêm chi bộ; "
        "Thêm đại hội nhiệm kỳ 2022-2025 (12/05/2022); Thêm cuộc bầu trưởng thôn ngày 20/05/2022"]


def test_a_2025_workbook_on_the_command_line(db, tmp_path):
    from tests.workbooks import HEADERS_2025, make_both_lists, new_row

    make_both_lists()
    path = write_workbook(tmp_path / "2025.xlsx", {"Hamlets": [new_row(hamlet="Xóm 1", former_commune="Thanh Ngọc"),
                                                               new_row(hamlet="Xóm 1", former_commune="Hạnh Lâm")]},
                          headers=HEADERS_2025)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_workbook", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith("Hamlets!S3: Xã Hạnh Lâm, Huyện Thanh Chương không nhập vào Xã Đại Đồng")
    write_workbook(path, {"Hamlets": [new_row(hamlet="Xóm 1", former_commune="Thanh Ngọc")]}, headers=HEADERS_2025)
    out, err = run(str(path), "-v", "2")
    assert "thôn: 1 thêm" in out and "Hamlets!2: thêm Xóm 1, Xã Đại Đồng (danh mục từ 01/07/2025)" in err
    assert Hamlet.objects.get().commune.name == "Xã Thanh Ngọc"


@pytest.mark.parametrize("command", ["import_workbook", "export_report"])
def test_the_system_checks_are_skipped_unless_asked_and_skip_checks_is_still_accepted(command):
    """Scripts run these often: the project's checks (~0.2 s) are left to deployment; ``--skip-checks``,
    which scripts written before may pass, is still read."""
    from django.core.management import load_command_class

    parser = load_command_class("elections", command).create_parser("manage.py", command)
    required = ["x.xlsx"] if command == "import_workbook" else ["--term", "2022-2025", "--as-of", "2026-01-01",
                                                                "--out", "r.xlsx"]
    assert parser.parse_args(required).skip_checks is True
    assert parser.parse_args([*required, "--skip-checks"]).skip_checks is True
