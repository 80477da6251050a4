"""The import of the example workbook, all or nothing, idempotence, history."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from elections.importing import import_workbook
from elections.models import AdmissionTarget, ChiefElection, Congress, PartyRole, Target, Term
from hamlets.models import Hamlet, PartyCell, PartyMember
from tests.workbooks import (
    EXAMPLE,
    admission_row,
    hamlet_row,
    history_count,
    make_units,
    snapshot,
    target_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_units()


@pytest.fixture
def example(tmp_path):
    if not EXAMPLE.exists():
        pytest.skip("shared/spec/examples/example-import.xlsx is not beside the repository")
    return shutil.copy(EXAMPLE, tmp_path / "example-import.xlsx")


def test_the_example_workbook_imports(units, example):
    result = import_workbook(example)
    assert result.ok, result.problems
    assert result.warnings == []
    s = result.summary
    assert (s.hamlets_created, s.cells_created, s.congresses_created, s.elections_created) == (6, 5, 5, 5)
    assert (s.admissions_created, s.targets_created, s.admission_targets_created) == (1, 2, 1)
    assert Term.objects.get().name == "2022-2025"

    khoi6 = Hamlet.objects.get(name="Khối 6")
    assert khoi6.commune == units["Phường Hà Huy Tập"] and khoi6.kind == "khoi" and khoi6.party_members == 42
    congress = Congress.objects.get(cell__hamlet=khoi6)
    assert (congress.held_on, congress.secretary, congress.deputy_secretary) == (
        dt.date(2022, 5, 12), "Trần Thị Hoa", "Nguyễn Văn Long")
    election = ChiefElection.objects.get(hamlet=khoi6)
    assert (election.held_on, election.chief, election.chief_member_since, election.chief_party_role) == (
        dt.date(2022, 5, 20), "Nguyễn Văn Long", dt.date(2004, 3, 2), PartyRole.DEPUTY)

    ban_moi = Hamlet.objects.get(name="Bản Mới")  # text dates in both spellings, "x" for yes
    assert ban_moi.commune == units["Thị trấn Kim Sơn"] and ban_moi.special_area and not ban_moi.project01
    assert Congress.objects.get(cell__hamlet=ban_moi).held_on == dt.date(2022, 6, 3)
    assert ChiefElection.objects.get(hamlet=ban_moi).held_on == dt.date(2022, 6, 10)
    assert ChiefElection.objects.get(hamlet=ban_moi).chief_member_since is None

    pa_co = Hamlet.objects.get(name="Bản Pà Cọ")  # có/không; nothing held yet
    assert pa_co.project01 and pa_co.party_members == 2 and not PartyCell.objects.filter(hamlet=pa_co).exists()
    assert not ChiefElection.objects.filter(hamlet=pa_co).exists()

    assert ChiefElection.objects.get(hamlet__name="Bản Huồi Mới").chief_member_since == dt.date(2023, 4, 19)
    assert Hamlet.objects.get(name="Thôn Tây Xuân").commune == units["Xã Kỳ Xuân"]
    assert Hamlet.objects.get(name="Thôn Hải Phong").commune == units["Xã Kỳ Lợi"]

    province_wide = Target.objects.get(district=None)
    assert (province_wide.province, province_wide.percent, province_wide.special_area_only) == (
        units["Tỉnh Nghệ An"], Decimal("100"), False)
    assert Target.objects.get(district=units["Huyện Quế Phong"]).special_area_only
    member = PartyMember.objects.get()
    assert (member.full_name, member.gender, member.sitting_chief, member.admitted_on) == (
        "Lô Văn Chung", "male", True, dt.date(2023, 4, 19))
    assert member.hamlet.name == "Bản Huồi Mới" and member.hamlet.party_members == 6  # admissions never count
    assert AdmissionTarget.objects.get().target == 120


def test_importing_the_same_workbook_twice_changes_nothing(units, example):
    assert import_workbook(example).ok
    before, histories = snapshot(), history_count()
    again = import_workbook(example)
    assert again.ok and again.summary.written == 0
    assert {c.action for c in again.changes} == {"unchanged"}
    assert snapshot() == before
    assert history_count() == histories


def test_a_dry_run_reports_and_writes_nothing(units, example):
    before = snapshot()
    result = import_workbook(example, dry_run=True)
    assert result.ok and result.dry_run and not result.written
    assert result.summary.hamlets_created == 6
    assert result.summary_line.startswith("Chạy thử, chưa ghi gì")
    assert "Dry run" not in result.summary_line
    assert [c.action for c in result.changes if c.sheet == "Hamlets"] == ["create"] * 6
    assert snapshot() == before
    assert not Term.objects.exists()


def test_every_problem_of_every_sheet_is_listed_and_nothing_written(units, tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", {
        "Hamlets": [hamlet_row(hamlet="Bản A"), hamlet_row(hamlet="Bản B", party_members="ba"),
                    hamlet_row(hamlet="Bản C", term="2022")],
        "Targets": [target_row(percent=120)],
        "Admissions": [admission_row(hamlet="Bản Không Có")],
    })
    before = snapshot()
    result = import_workbook(path)
    assert not result.ok and not result.refused
    assert [str(p) for p in result.problems] == [
        'Hamlets!H3: Số đảng viên phải là số nguyên ≥ 0, nhận được "ba"',
        'Hamlets!J4: Nhiệm kỳ phải viết như 2022-2025, nhận được "2022"',
        'Targets!F2: Mục tiêu % phải là số từ 0 đến 100, nhận được "120"',
        'Admissions!D2: Không có thôn "Bản Không Có" ở Xã Thông Thụ: thêm thôn vào trang Hamlets',
    ]
    with translation.override("en"):
        assert [str(p) for p in import_workbook(path).problems] == [
            'Hamlets!H3: Party members must be a whole number ≥ 0, got "ba"',
            'Hamlets!J4: Term must be written like 2022-2025, got "2022"',
            'Targets!F2: Target % must be a number from 0 to 100, got "120"',
            'Admissions!D2: No hamlet "Bản Không Có" in Xã Thông Thụ: add it on the Hamlets sheet',
        ]
    assert result.changes == [] and result.summary.written == 0
    assert snapshot() == before


def test_history_records_the_user_and_the_file(units, tmp_path):
    clerk = User.objects.create_superuser("clerk", password="x")
    path = write_workbook(tmp_path / "que-phong.xlsx", {"Hamlets": [hamlet_row()]})
    assert import_workbook(path, user=clerk).ok
    for model in (Hamlet, PartyCell, Congress, ChiefElection):
        record = model.history.get()
        assert (record.history_user, record.history_change_reason, record.history_type) == (
            clerk, "import que-phong.xlsx", "+")


def test_history_of_a_command_line_import_names_the_os_user(units, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": [hamlet_row()]})
    assert import_workbook(path).ok
    write_workbook(path, {"Hamlets": [hamlet_row(party_members=13)]})
    assert import_workbook(path).ok
    records = Hamlet.history.order_by("history_id")
    assert [(r.history_type, r.party_members, r.history_user) for r in records] == [("+", 12, None), ("~", 13, None)]
    assert {r.history_change_reason for r in records} == {"import from command line by OS user operator"}


def test_only_changed_objects_are_saved_and_their_version_bumped(units, tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": [hamlet_row()]})
    assert import_workbook(path).ok
    write_workbook(path, {"Hamlets": [hamlet_row(secretary="Lô Văn Xuân Mới")]})
    result = import_workbook(path)
    assert result.summary.congresses_updated == 1 and result.summary.written == 1
    assert result.changes[0].details == ("Bí thư: Lô Văn Xuân → Lô Văn Xuân Mới",)
    assert Congress.objects.get().version == 2
    assert ChiefElection.objects.get().version == 1
    assert Hamlet.objects.get().version == 2  # the unit of conflict: a change to its congress is a change to it
    assert (Congress.history.count(), Hamlet.history.count(), ChiefElection.history.count()) == (2, 1, 1)


def test_the_preview_names_each_changed_field_in_the_interface_language(units, tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": [hamlet_row()]})
    assert import_workbook(path).ok
    write_workbook(path, {"Hamlets": [hamlet_row(kind="xóm", special_area="yes", party_members=3,
                                                 chief_party_role=None, chief_elected_on=None, chief=None)]})
    result = import_workbook(path, dry_run=True)
    assert [(c.action, c.details) for c in result.changes] == [("update", (
        "Loại: bản → xóm",
        "Địa bàn đặc thù: không → có",
        "Số đảng viên: 12 → 3",
        "Xóa cuộc bầu trưởng thôn ngày 20/05/2022"))]
    assert result.summary_line == (
        "Chạy thử, chưa ghi gì: a.xlsx, đã kiểm tra 1 dòng; sẽ ghi thôn: 0 thêm, 1 sửa; chi bộ: 0 thêm, 0 sửa; "
        "đại hội: 0 ghi, 0 xóa; bầu trưởng thôn: 0 ghi, 1 xóa; kết nạp: 0 ghi; mục tiêu: 0 ghi; "
        "chỉ tiêu kết nạp: 0 ghi")
    with translation.override("en"):
        result = import_workbook(path, dry_run=True)
        summary = result.summary_line
    assert [(c.action, c.details) for c in result.changes] == [("update", (
        "Kind: bản → xóm",
        "Special area: no → yes",
        "Party members: 12 → 3",
        "chief election of 2022-05-20 removed"))]
    assert summary == (
        "Dry run, nothing written: a.xlsx, 1 rows checked; would write hamlets 0 created, 1 updated; "
        "Party cells 0 created, 0 updated; congresses 0 written, 0 removed; chief elections 0 written, 1 removed; "
        "admissions 0 written; targets 0 written; admission targets 0 written")


def test_a_file_like_source_is_read(units, tmp_path):
    path = write_workbook(tmp_path / "upload.xlsx", {"Hamlets": [hamlet_row()]})
    with open(path, "rb") as upload:
        result = import_workbook(upload, dry_run=True)
    assert result.ok and result.name == "upload.xlsx" and result.summary.hamlets_created == 1


def test_a_clash_of_creations_is_rolled_back_and_reported(units, tmp_path, monkeypatch):
    from elections.importing import service

    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": [hamlet_row()]})
    real_plan = service._plan
    theirs = {}

    def another_import_meanwhile(reading, scope):  # creates the same hamlet, record, cell... first
        planner = real_plan(reading, scope)
        monkeypatch.setattr(service, "_plan", real_plan)
        assert import_workbook(path).written
        theirs.update(state=snapshot(), history=history_count())
        return planner

    monkeypatch.setattr(service, "_plan", another_import_meanwhile)
    result = import_workbook(path)
    assert not result.ok and not result.written and result.changes == []
    assert str(result.problems[0]).endswith("hãy nhập lại")
    assert snapshot() == theirs["state"] and history_count() == theirs["history"]
    assert Hamlet.objects.count() == 1 and ChiefElection.objects.count() == 1


def test_a_value_repeated_down_a_column_is_judged_at_every_row(units, tmp_path):
    """Each different cell of a column is parsed once per import (issue 11); a wrong one repeated is still a
    problem at each of its rows, and a right one repeated is read in each."""
    path = write_workbook(tmp_path / "w.xlsx", {"Hamlets": [
        hamlet_row(hamlet="Bản A", party_members="ba"), hamlet_row(hamlet="Bản B", party_members="ba"),
        hamlet_row(hamlet="Bản C", congress_held_on="31/02/2023"),
        hamlet_row(hamlet="Bản D", congress_held_on="31/02/2023")]})
    problems = [str(p) for p in import_workbook(path).problems]
    assert [p.split(":")[0] for p in problems[:2]] == ["Hamlets!H2", "Hamlets!H3"]
    assert problems[0].split(":")[1] == problems[1].split(":")[1]
    assert len(problems) == 4 and problems[2].split(":")[1] == problems[3].split(":")[1]
    assert problems[2].split("!")[1][0] == problems[3].split("!")[1][0] and problems[2] != problems[3]
    path = write_workbook(tmp_path / "ok.xlsx", {"Hamlets": [
        hamlet_row(hamlet=name, congress_held_on="02/03/2023") for name in ("Bản A", "Bản B")]})
    assert import_workbook(path).ok
    assert sorted(Congress.objects.values_list("held_on", flat=True)) == [dt.date(2023, 3, 2)] * 2
