"""The same file imported again (``elections/importing/again.py``, ``KnownSheet``): its Hamlets sheet is neither
scanned nor parsed to know its rows, and the import says exactly what reading it in full says; a row not known
unchanged any more has the sheet parsed (not scanned); other bytes, another scope or a dry run find or record no
sheet."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError

from elections.importing import again, import_workbook
from elections.importing import workbook as workbook_module
from elections.importing.workbook import Workbook
from elections.models import ChiefElection, KnownRow, KnownSheet
from hamlets.models import Hamlet
from hamlets.scoping import Scope
from tests.test_import_known import both_ways, earlier_rows, outcome
from tests.workbooks import hamlet_row, snapshot, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    from tests.workbooks import make_both_lists

    return make_both_lists()


def book(tmp_path: Any, rows: list[Any], name: str = "a.xlsx") -> Any:
    return write_workbook(tmp_path / name, {"Hamlets": rows})


def neither_scanned_nor_parsed(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the sheet was read")

    monkeypatch.setattr(workbook_module, "scan_sheet", refuse)
    monkeypatch.setattr(Workbook, "_sheet", refuse)


def test_the_same_file_again_is_neither_scanned_nor_parsed(units, tmp_path, monkeypatch):
    rows = [*earlier_rows()[:3], None, *earlier_rows()[3:], None]  # blank rows are not rows holding a value
    path = book(tmp_path, rows)
    first = import_workbook(path)
    assert first.written and KnownSheet.objects.count() == 1
    recorded = KnownSheet.objects.get()
    assert [int(item.split(":")[0]) for item in recorded.rows.split(",")] == [2, 3, 4, 6, 7, 8, 9]
    with Workbook(path) as opened:
        scan = opened.check_size("Hamlets")
    assert (recorded.last_row, recorded.last_column, recorded.formulas, recorded.errors, recorded.refs) == (
        scan.last_row, scan.last_column, scan.formulas, scan.errors, scan.refs)
    with_known, in_full = both_ways(path)
    monkeypatch.setattr(workbook_module, "PROGRESS_EVERY", 2)
    lines: list[str] = []
    neither_scanned_nor_parsed(monkeypatch)
    before = snapshot()
    result = import_workbook(path, progress=lines.append)
    assert result.known == len(earlier_rows()) and not result.written
    assert outcome(result)[:5] == outcome(in_full)[:5] and outcome(with_known) == outcome(in_full)
    assert [line for line in lines if line.startswith("Hamlets:")] == [f"Hamlets: đã đọc {n} dòng" for n in (2, 4, 6)]
    assert snapshot() == before


def test_a_row_changed_since_has_the_sheet_parsed_but_not_scanned(units, tmp_path, monkeypatch):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path).written
    election = ChiefElection.objects.get(hamlet__name="Bản Đỉ")
    election.chief = "Hà Thị Khác"
    election.save()  # as the result form does
    with_known, in_full = both_ways(path)
    assert with_known.known == len(earlier_rows()) - 1 and outcome(with_known) == outcome(in_full)
    monkeypatch.setattr(workbook_module, "scan_sheet", lambda *a, **k: pytest.fail("scanned again"))
    result = import_workbook(path)
    assert result.written and result.known == len(earlier_rows()) - 1
    assert [c.row for c in result.changes if c.action == "update"] == [2]
    assert ChiefElection.objects.get(hamlet__name="Bản Đỉ").chief == hamlet_row(hamlet="Bản Đỉ")["chief"]
    assert import_workbook(path).known == len(earlier_rows())  # the row written back is recorded again


def test_other_bytes_another_scope_or_a_dry_run_find_or_record_no_sheet(units, tmp_path):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path, dry_run=True).ok and not KnownSheet.objects.exists()
    assert import_workbook(path).written
    changed = earlier_rows()
    changed[1]["party_members"] = 3
    other = book(tmp_path, changed, "b.xlsx")
    result = import_workbook(other)
    assert result.written and result.known == len(changed) - 1  # its rows looked up by their digests
    assert KnownSheet.objects.count() == 2
    quế_phong = Scope(district_id=units["Huyện Quế Phong"].pk)
    mine = book(tmp_path, earlier_rows()[:5], "qp.xlsx")  # rows of Huyện Quế Phong alone
    assert import_workbook(mine).ok and KnownSheet.objects.count() == 3
    board = import_workbook(mine, scope=quế_phong)
    assert board.ok and board.known == 0  # the rows of another scope are read in full...
    assert KnownSheet.objects.count() == 4  # ... and recorded for it
    assert import_workbook(mine, scope=quế_phong, dry_run=True).known == 5


def test_only_the_latest_files_of_a_scope_are_kept(units, tmp_path, monkeypatch):
    monkeypatch.setattr(again, "KEEP", 2)
    paths = []
    for count in (1, 2, 3):
        paths.append(book(tmp_path, earlier_rows()[:count], f"{count}.xlsx"))
        assert import_workbook(paths[-1]).ok
    assert KnownSheet.objects.count() == 2
    files = set(KnownSheet.objects.values_list("file", flat=True))
    digests = []
    for path in paths:
        with Workbook(path) as opened:
            digests.append(opened.file_digest())
    assert files == set(digests[1:])


def test_a_sheet_that_cannot_be_recorded_leaves_the_import_written(units, tmp_path, monkeypatch, caplog):
    def refuse(*args: Any, **kwargs: Any) -> Any:
        Hamlet.objects.filter(name="Bản Đỉ").delete()  # undone with the savepoint
        raise DatabaseError("disk full")

    monkeypatch.setattr(KnownSheet.objects, "create", refuse)
    path = book(tmp_path, earlier_rows())
    result = import_workbook(path)
    assert result.written and Hamlet.objects.filter(name="Bản Đỉ").exists()
    assert "could not record the sheet" in caplog.text and not KnownSheet.objects.exists()
    assert KnownRow.objects.count() == len(earlier_rows())
    monkeypatch.undo()
    assert import_workbook(path).known == len(earlier_rows())  # by the rows' digests; the sheet recorded now
    assert KnownSheet.objects.count() == 1


def test_an_uploaded_file_is_known_by_its_bytes_as_a_path_is(units, tmp_path, monkeypatch):
    path = book(tmp_path, earlier_rows())
    with open(path, "rb") as upload:
        assert import_workbook(upload).written  # a file-like object, as the web upload gives it
    neither_scanned_nor_parsed(monkeypatch)
    with open(path, "rb") as upload:
        assert import_workbook(upload, dry_run=True).known == len(earlier_rows())
    assert import_workbook(path, dry_run=True).known == len(earlier_rows())  # the same bytes from a path
