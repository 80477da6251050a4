"""Hamlets rows read again (``elections/importing/known.py``): a row applied cleanly and unchanged since is
neither checked nor compared again, and the import says exactly what reading it in full would say; anything
that could make the row read differently (its hamlet written by any path, a hamlet created, renamed or moved
among those it is matched with, another user's scope, other columns, other code) reads it in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import translation

from elections.importing import import_workbook
from elections.importing import known as known_module
from elections.models import ChiefElection, HamletFact, HamletTerm, KnownRow, KnownSheet
from hamlets.models import Hamlet
from hamlets.scoping import Scope
from tests.factories import HamletFactory
from tests.workbooks import (
    HEADERS_2025,
    HEADERS_PROFILES,
    IN_THANH_CHUONG,
    hamlet_row,
    history_count,
    make_both_lists,
    new_row,
    snapshot,
    write_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_both_lists()


def earlier_rows() -> list[dict[str, Any]]:
    """Rows of every shape: with and without a cell, a congress, a chief, a chief who is secretary."""
    return [
        hamlet_row(hamlet="Bản Đỉ"),
        hamlet_row(hamlet="Bản Hai", party_cell="no", congress_held_on=None, secretary=None, deputy_secretary=None,
                   chief_party_role=None),
        hamlet_row(hamlet="Bản Ba", chief_elected_on=None, chief=None, chief_member_since=None, chief_party_role=None),
        hamlet_row(hamlet="Bản Bốn", chief="Lô Văn Xuân", chief_party_role="Secretary", kind="thôn",
                   special_area="yes", project01="yes", party_members=40),
        hamlet_row(hamlet="Bản Năm", congress_held_on=None, secretary="Lô Văn Năm", deputy_secretary=None,
                   chief_party_role=None),
        hamlet_row(**IN_THANH_CHUONG, commune="Thanh Phong", hamlet="Xóm 1", chief_member_since=None),
        hamlet_row(**IN_THANH_CHUONG, commune="Thanh Ngọc", hamlet="Xóm 1", party_members=20, chief="Lê Văn Ngọc"),
    ]


def outcome(result: Any) -> tuple:
    return (result.ok, [str(p) for p in result.problems], [str(w) for w in result.warnings],
            [(c.sheet, c.row, c.subject, c.action, c.details) for c in result.changes], result.summary,
            result.versions)


def both_ways(path: Any, **options: Any) -> tuple[Any, Any]:
    """A dry run with the records (the sheet's and its rows'), one with the rows' alone (the sheet scanned,
    parsed and its rows digested again) and one with none (read in full); the first two must say the same
    thing, and the records are kept."""
    with_known = import_workbook(path, dry_run=True, **options)
    sheets, rows = list(KnownSheet.objects.all()), list(KnownRow.objects.all())
    KnownSheet.objects.all().delete()
    rows_only = import_workbook(path, dry_run=True, **options)
    KnownRow.objects.all().delete()
    in_full = import_workbook(path, dry_run=True, **options)
    KnownSheet.objects.bulk_create(sheets)
    KnownRow.objects.bulk_create(rows)
    assert in_full.known == 0 and rows_only.known == with_known.known
    assert outcome(rows_only) == outcome(with_known)
    return with_known, in_full


def book(tmp_path: Any, rows: list[dict[str, Any]], name: str = "a.xlsx", **options: Any) -> Any:
    return write_workbook(tmp_path / name, {"Hamlets": rows}, **options)


def test_an_unchanged_workbook_is_known_and_reads_as_in_full(units, tmp_path):
    path = book(tmp_path, earlier_rows())
    first = import_workbook(path)
    assert first.ok and first.written, first.problems
    assert KnownRow.objects.count() == len(earlier_rows())
    before, histories = snapshot(), history_count()
    with_known, in_full = both_ways(path)
    assert with_known.known == len(earlier_rows())
    assert outcome(with_known) == outcome(in_full)
    assert {c.action for c in with_known.changes} == {"unchanged"}
    again = import_workbook(path)
    assert again.known == len(earlier_rows()) and not again.written and outcome(again)[:5] == outcome(in_full)[:5]
    assert snapshot() == before and history_count() == histories


def test_2025_rows_with_namesakes_read_as_in_full_in_both_languages(units, tmp_path):
    assert import_workbook(book(tmp_path, earlier_rows())).ok
    rows = [new_row(hamlet="Xóm 1", former_commune="Thanh Ngọc", party_members=22),
            new_row(hamlet="Xóm 1", former_district="Thanh Chương", former_commune="Xã Thanh Phong", party_members=11),
            new_row(hamlet="Xóm Mới")]
    path = book(tmp_path, rows, "2025.xlsx", headers=HEADERS_2025)
    assert import_workbook(path).written
    for language in ("vi", "en"):
        with translation.override(language):
            with_known, in_full = both_ways(path)
        assert with_known.known == 3
        assert outcome(with_known) == outcome(in_full)
    with translation.override("en"):
        subjects = [c.subject for c in both_ways(path)[0].changes]
    assert subjects == ["Xóm 1 (formerly Thanh Ngọc), Xã Đại Đồng of the 2025 list (2025-2027)",
                        "Xóm 1 (formerly Thanh Phong), Xã Đại Đồng of the 2025 list (2025-2027)",
                        "Xóm Mới, Xã Đại Đồng of the 2025 list (2025-2027)"]


def test_changed_rows_are_read_in_full_among_known_ones(units, tmp_path):
    assert import_workbook(book(tmp_path, earlier_rows())).written
    rows = earlier_rows()
    rows[1]["party_members"] = 3
    rows[4]["secretary"] = "Lô Văn Mới"
    rows.append(hamlet_row(hamlet="Bản Sáu"))
    path = book(tmp_path, rows, "b.xlsx")
    with_known, in_full = both_ways(path)
    assert with_known.known == len(rows) - 3
    assert outcome(with_known) == outcome(in_full)
    assert [c.action for c in with_known.changes] == ["unchanged", "update", "unchanged", "unchanged", "update",
                                                       "unchanged", "unchanged", "create"]
    written = import_workbook(path)
    assert written.written and HamletTerm.objects.get(hamlet__name="Bản Hai").party_members == 3
    # the rows written are recorded as the write left them; Bản Sáu, made in Thông Thụ, is among the hamlets
    # the other rows of Thông Thụ are matched with: those are read in full once, and recorded again
    assert import_workbook(path).known == len(rows) - 3
    assert import_workbook(path).known == len(rows)


def test_a_save_that_forgets_the_version_still_reads_the_row_in_full(units, tmp_path):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path).written
    election = ChiefElection.objects.get(hamlet__name="Bản Đỉ")
    version = election.hamlet.version
    election.chief = "Hà Thị Khác"
    election.save()  # no form, no version bump: the hamlet's facts rows are rewritten all the same
    assert Hamlet.objects.get(name="Bản Đỉ").version == version
    result = import_workbook(path)
    assert result.known == len(earlier_rows()) - 1 and result.written
    assert ChiefElection.objects.get(hamlet__name="Bản Đỉ").chief == hamlet_row(hamlet="Bản Đỉ")["chief"]


def test_a_newer_version_reads_the_row_in_full(units, tmp_path):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path).written
    Hamlet.objects.filter(name="Bản Ba").update(version=F("version") + 1)  # as a form's save of it does
    with_known, in_full = both_ways(path)
    assert with_known.known == len(earlier_rows()) - 1
    assert outcome(with_known) == outcome(in_full)


def test_a_hamlet_made_renamed_or_removed_among_the_rows_hamlets_reads_them_in_full(units, tmp_path):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path).written
    every = len(earlier_rows())
    other = HamletFactory(name="Xóm 9", commune=units["Xã Thanh Phong"], term=False)  # placed in Xã Đại Đồng too
    assert other.new_commune == units["2025/Xã Đại Đồng"]
    with_known, in_full = both_ways(path)
    assert with_known.known == every - 2  # both Xóm 1 are matched among the hamlets of Xã Đại Đồng
    assert outcome(with_known) == outcome(in_full)
    assert import_workbook(path).known == every - 2  # nothing written: those two recorded as they read now
    assert import_workbook(path, dry_run=True).known == every
    other.name = "Xóm 1 mới"
    other.save()
    assert import_workbook(path, dry_run=True).known == every - 2
    import_workbook(path)
    other.delete()
    assert import_workbook(path).known == every - 2
    Hamlet.objects.filter(name="Bản Đỉ").delete()
    result = import_workbook(path)  # the rows of Xã Thông Thụ read in full: one of its hamlets is gone
    assert result.known == 2 and result.summary.hamlets_created == 1
    assert outcome(import_workbook(path, dry_run=True))[:5] == outcome(both_ways(path)[1])[:5]


def test_another_scope_other_columns_or_other_code_read_every_row_in_full(units, tmp_path, monkeypatch):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path).written
    quế_phong = Scope(district_id=units["Huyện Quế Phong"].pk)
    board = import_workbook(book(tmp_path, earlier_rows()[:5], "qp.xlsx"), scope=quế_phong, dry_run=True)
    assert board.ok and board.known == 0
    profiles = book(tmp_path, earlier_rows(), "profiles.xlsx", headers=HEADERS_PROFILES)
    assert import_workbook(profiles, dry_run=True).known == 0
    assert import_workbook(path, dry_run=True).known == len(earlier_rows())
    monkeypatch.setattr(known_module, "code_digest", lambda: b"another release")
    assert import_workbook(path, dry_run=True).known == 0


def test_only_rows_applied_without_a_warning_are_recorded_and_only_by_a_write(units, tmp_path):
    rows = [*earlier_rows(), hamlet_row(hamlet="Bản Bảy", kind="thôn nhỏ")]  # an unknown Kind: a warning
    path = book(tmp_path, rows)
    preview = import_workbook(path, dry_run=True)
    assert preview.ok and [w.row for w in preview.warnings] == [len(rows) + 1]
    assert not KnownRow.objects.exists()  # a dry run records nothing
    assert import_workbook(path).written
    assert KnownRow.objects.count() == len(rows) - 1
    again = import_workbook(path)
    assert again.known == len(rows) - 1 and [w.row for w in again.warnings] == [len(rows) + 1]


def test_a_chief_of_two_hamlets_is_asked_about_once_and_then_known(units, tmp_path):
    """The preview asks about one person as chief of two hamlets only where a row changes the chief: once the
    rows are written, reading them in full asks nothing, so they are recorded as rows without a warning."""
    rows = [*earlier_rows()[:2], hamlet_row(hamlet="Bản Ba", chief=earlier_rows()[0]["chief"], chief_party_role=None)]
    path = book(tmp_path, rows)
    first = import_workbook(path)
    assert first.written and sorted(w.row for w in first.warnings) == [2, 4]
    assert KnownRow.objects.count() == len(rows)
    with_known, in_full = both_ways(path)
    assert with_known.known == len(rows) and not in_full.warnings
    assert outcome(with_known) == outcome(in_full)


def test_a_row_warned_of_a_later_election_it_removes_is_known_once_written(units, tmp_path):
    path = book(tmp_path, earlier_rows())
    assert import_workbook(path).written
    hamlet = Hamlet.objects.get(name="Bản Đỉ")
    ChiefElection.objects.create(hamlet=hamlet, term=HamletTerm.objects.get(hamlet=hamlet).term,
                                 held_on=dt.date(2023, 3, 1), chief="Lò Văn Mới")  # a by-election, entered by hand
    removed = import_workbook(path)
    assert removed.written and [w.row for w in removed.warnings] == [2] and removed.summary.elections_deleted == 1
    with_known, in_full = both_ways(path)
    assert with_known.known == len(earlier_rows()) and not in_full.warnings
    assert outcome(with_known) == outcome(in_full)


def test_a_repeated_row_or_hamlet_is_found_as_in_full(units, tmp_path):
    assert import_workbook(book(tmp_path, earlier_rows())).written
    rows = earlier_rows()
    twice = book(tmp_path, [*rows, rows[0]], "twice.xlsx")
    with_known, in_full = both_ways(twice)
    assert not with_known.ok and with_known.known == 0 and outcome(with_known) == outcome(in_full)
    other = book(tmp_path, [*rows, {**rows[2], "party_members": 99}], "same-hamlet.xlsx")
    with_known, in_full = both_ways(other)
    assert not with_known.ok and with_known.known == 0 and outcome(with_known) == outcome(in_full)


def test_a_known_row_written_back_by_the_same_workbook_is_read_in_full(units, tmp_path):
    """A row of another term of a known row's hamlet changes that hamlet: every row is read in full."""
    assert import_workbook(book(tmp_path, earlier_rows())).written
    later = hamlet_row(hamlet="Bản Đỉ", term="2025-2027", congress_held_on=dt.date(2025, 5, 1),
                       chief_elected_on=dt.date(2025, 6, 1), party_members=30)
    path = book(tmp_path, [*earlier_rows(), later], "terms.xlsx")
    with_known, in_full = both_ways(path)
    assert with_known.known == 0 and outcome(with_known) == outcome(in_full)
    assert any(c.action != "unchanged" for c in with_known.changes)


def test_the_record_of_a_row_is_its_hamlet_as_written(units, tmp_path):
    assert import_workbook(book(tmp_path, earlier_rows()[:1])).written
    hamlet = Hamlet.objects.get(name="Bản Đỉ")
    record = model_to_dict(KnownRow.objects.get(), exclude=["id", "digest", "recorded_at", "places", "communes"])
    facts = max(HamletFact.objects.filter(hamlet_id=hamlet.pk).values_list("pk", flat=True))
    subject = "Bản Đỉ, Xã Thông Thụ, Huyện Quế Phong (2022-2025)"
    assert record == {"hamlet_id": hamlet.pk, "term_id": HamletTerm.objects.get().term_id, "version": hamlet.version,
                      "facts": facts, "subject_vi": subject, "subject_en": subject}
    assert str(units["Xã Thông Thụ"].pk) in KnownRow.objects.get().communes.split(",")


def test_a_record_that_cannot_be_written_leaves_the_import_written(units, tmp_path, monkeypatch, caplog):
    def refuse(rows: Any, hamlets: Any) -> None:
        KnownRow.objects.create(digest="x" * 32, hamlet_id=0, term_id=0, version=1, facts=0, places="", communes="",
                                subject_vi="", subject_en="")
        raise DatabaseError("disk full")

    monkeypatch.setattr(known_module, "_replace", refuse)
    result = import_workbook(book(tmp_path, earlier_rows()))
    assert result.ok and result.written and Hamlet.objects.count() == len(earlier_rows())
    assert not KnownRow.objects.exists()  # the savepoint rolled back whatever the record began
    assert "could not record" in caplog.text
    monkeypatch.undo()
    assert import_workbook(book(tmp_path, earlier_rows())).known == 0  # read in full once more, and recorded
    assert import_workbook(book(tmp_path, earlier_rows())).known == len(earlier_rows())
