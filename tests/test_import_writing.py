"""What a row does to the stored state: a row is the whole state of its
hamlet for its term (``workbooks.md``, "Import rules")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from elections.figures import Figures
from elections.importing import import_workbook
from elections.models import AdmissionTarget, ChiefElection, Congress, Target, Term
from hamlets.models import Hamlet, PartyCell, PartyMember
from tests.factories import ChiefElectionFactory, HamletFactory, PartyMemberFactory, TermFactory
from tests.workbooks import (
    admission_row,
    admission_target_row,
    hamlet_row,
    history_count,
    make_units,
    snapshot,
    target_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db
MAY_20, MARCH_1 = dt.date(2022, 5, 20), dt.date(2023, 3, 1)


@pytest.fixture
def units(db):
    return make_units()


@pytest.fixture
def run(units, tmp_path):
    def run(*rows, **sheets):
        book = {"Hamlets": list(rows), **{k.replace("_", " ").capitalize(): v for k, v in sheets.items()}}
        result = import_workbook(write_workbook(tmp_path / "w.xlsx", book))
        assert result.ok, [str(p) for p in result.problems]
        return result

    return run


def elections() -> list[tuple[dt.date, str]]:
    return list(ChiefElection.objects.order_by("held_on").values_list("held_on", "chief"))


NON_MEMBER = {"chief_member_since": None, "chief_party_role": None}


def test_a_later_chief_elected_on_records_a_by_election_and_keeps_the_earlier(run, units):
    run(hamlet_row())
    run(hamlet_row(chief_elected_on=MARCH_1, chief="Lương Văn Mới", **NON_MEMBER))
    assert elections() == [(MAY_20, "Vi Thị Hạnh"), (MARCH_1, "Lương Văn Mới")]
    term = Term.objects.get()
    hamlets = Hamlet.objects.all()
    before = Figures(hamlets, term, dt.date(2023, 2, 28)).total(["chief_members"])["chief_members"]
    after = Figures(hamlets, term, dt.date(2023, 3, 1)).total(["chief_members"])["chief_members"]
    assert (before.numerator, after.numerator) == (1, 0)  # the earlier chief counts for earlier dates


def test_the_same_date_with_other_values_corrects_the_election_in_place(run):
    run(hamlet_row())
    first = ChiefElection.objects.get()
    result = run(hamlet_row(chief="Lô Văn Xuân", chief_party_role="Secretary"))
    corrected = ChiefElection.objects.get()
    assert corrected.pk == first.pk and corrected.version == 2
    assert (corrected.chief, corrected.chief_party_role) == ("Lô Văn Xuân", "secretary")
    assert result.summary.elections_updated == 1 and result.summary.elections_created == 0


def test_an_earlier_date_corrects_the_latest_election_and_removes_later_ones(run):
    run(hamlet_row(chief_elected_on=dt.date(2022, 4, 1), chief="Chief A", **NON_MEMBER))
    run(hamlet_row(chief_elected_on=MAY_20, chief="Chief B", **NON_MEMBER))
    run(hamlet_row(chief_elected_on=MARCH_1, chief="Chief C", **NON_MEMBER))
    latest = ChiefElection.objects.get(held_on=MARCH_1)
    result = run(hamlet_row(chief_elected_on=dt.date(2022, 5, 15), chief="Chief B", **NON_MEMBER))
    assert elections() == [(dt.date(2022, 4, 1), "Chief A"), (dt.date(2022, 5, 15), "Chief B")]
    moved = ChiefElection.objects.get(held_on=dt.date(2022, 5, 15))
    assert moved.pk == latest.pk and moved.version == 2  # the latest one, its date corrected
    assert [(w.cell, w.message) for w in result.warnings] == [
        ("N2", "Cuộc bầu trưởng thôn ngày 20/05/2022 (Chief B) đã lưu sau ngày bầu của dòng này nên bị xoá")]
    assert (result.summary.elections_updated, result.summary.elections_deleted) == (1, 1)


def test_an_earlier_date_than_every_stored_one(run):
    run(hamlet_row(chief_elected_on=MAY_20, chief="Chief B", **NON_MEMBER))
    run(hamlet_row(chief_elected_on=MARCH_1, chief="Chief C", **NON_MEMBER))
    run(hamlet_row(chief_elected_on=dt.date(2022, 5, 2), chief="Chief A", **NON_MEMBER))
    assert elections() == [(dt.date(2022, 5, 2), "Chief A")]


def test_a_blank_date_clears_what_was_stored(run):
    run(hamlet_row())
    run(hamlet_row(chief_elected_on=MARCH_1, chief="Lương Văn Mới", **NON_MEMBER))
    result = run(hamlet_row(congress_held_on=None, secretary=None, deputy_secretary=None, chief_elected_on=None,
                            chief=None, **NON_MEMBER))
    assert not ChiefElection.objects.exists() and not Congress.objects.exists()
    assert PartyCell.objects.get().active  # the cell stays
    assert (result.summary.elections_deleted, result.summary.congresses_deleted) == (2, 1)
    assert {r.history_type for r in ChiefElection.history.filter(history_type="-")} == {"-"}
    assert ChiefElection.history.filter(history_type="-").count() == 2


def test_a_congress_with_a_blank_date_keeps_the_names_as_not_held_yet(run):
    run(hamlet_row())
    run(hamlet_row(congress_held_on=None, chief_party_role=None))
    congress = Congress.objects.get()
    assert (congress.held_on, congress.secretary, congress.deputy_secretary) == (None, "Lô Văn Xuân", "Vi Thị Hạnh")
    figures = Figures(Hamlet.objects.all(), Term.objects.get(), dt.date(2024, 1, 1)).total(["congresses"])
    assert figures["congresses"].numerator == 0


def test_party_cell_no_deactivates_the_cell_and_keeps_its_congress(run):
    run(hamlet_row())
    result = run(hamlet_row(party_cell="no", congress_held_on=None, chief_party_role=None))
    cell = PartyCell.objects.get()
    assert not cell.active and Congress.objects.get().held_on == dt.date(2022, 5, 12)
    assert [w.cell for w in result.warnings] == ["I2"]  # the names on the row are ignored
    run(hamlet_row())
    assert PartyCell.objects.get().active and PartyCell.objects.count() == 1


def test_the_hamlet_attributes_are_overwritten_and_the_last_row_wins(run):
    hamlet = HamletFactory(commune=make_units()["Xã Thông Thụ"], name="Bản Đỉ", kind="xom", party_members=3)
    run(hamlet_row(kind="bản", special_area="x", project01="có", party_members=8),
        hamlet_row(term="2025-2030", special_area="x", project01="không", party_members=9, congress_held_on=None,
                   secretary=None, deputy_secretary=None, chief_elected_on=None, chief=None, **NON_MEMBER))
    hamlet.refresh_from_db()
    assert (hamlet.kind, hamlet.special_area, hamlet.project01, hamlet.party_members) == ("ban", True, False, 9)
    assert hamlet.version == 2 and Hamlet.objects.count() == 1
    assert set(Term.objects.values_list("start_year", flat=True)) == {2022, 2025}


def test_elections_of_other_terms_are_left_alone(run, units):
    hamlet = HamletFactory(commune=units["Xã Thông Thụ"], name="Bản Đỉ")
    ChiefElectionFactory(hamlet=hamlet, term=TermFactory(start_year=2019, end_year=2022), held_on=dt.date(2019, 5, 1))
    run(hamlet_row(chief_elected_on=None, chief=None, **NON_MEMBER))
    assert ChiefElection.objects.get().term.start_year == 2019


def test_admissions_are_updated_never_duplicated_and_never_change_party_members(run, units):
    run(hamlet_row(), admissions=[admission_row(full_name="Lô Văn Chung")])
    result = run(hamlet_row(), admissions=[admission_row(full_name="lô văn  chung", gender="Nữ", sitting_chief="no"),
                                           admission_row(full_name="Lô Văn Chung", birth_year=1990)])
    assert PartyMember.objects.count() == 2
    member = PartyMember.objects.get(birth_year=1979)
    assert (member.full_name, member.gender, member.sitting_chief) == ("Lô Văn Chung", "female", False)
    assert Hamlet.objects.get().party_members == 12
    assert (result.summary.admissions_created, result.summary.admissions_updated) == (1, 1)
    assert [(c.row, c.action, c.details) for c in result.changes if c.sheet == "Admissions"] == [
        (2, "update", ("Giới tính: Nam → Nữ", "Đang là trưởng thôn: có → không")),
        (3, "create", ("Thêm đảng viên kết nạp",))]


def test_an_admission_for_a_stored_hamlet_needs_no_hamlets_row(units, tmp_path):
    hamlet = HamletFactory(commune=units["Xã Thông Thụ"], name="Bản Đỉ")
    PartyMemberFactory(hamlet=hamlet, full_name="Lô Văn Chung", birth_year=1979, official_on=dt.date(2023, 5, 1),
                       admitted_on=dt.date(2022, 5, 1))
    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": [], "Admissions": [
        admission_row(admitted_on=dt.date(2023, 6, 1)), admission_row(full_name="Vi Văn Hải", gender="other")]})
    result = import_workbook(path)
    assert [str(p) for p in result.problems] == [
        "Admissions!I2: Ngày kết nạp sau ngày chính thức đã lưu (01/05/2023)"]
    write_workbook(path, {"Hamlets": [], "Admissions": [admission_row(full_name="Vi Văn Hải", gender="other")]})
    result = import_workbook(path)
    assert result.ok and [w.cell for w in result.warnings] == ["G2"]
    assert PartyMember.objects.get(full_name="Vi Văn Hải").gender == ""


def test_the_same_person_twice_in_admissions_is_wrong(units, tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": [hamlet_row()], "Admissions": [
        admission_row(), admission_row(full_name="LÔ VĂN CHUNG")]})
    assert [p.cell for p in import_workbook(path).problems] == ["E3"]


def test_targets_are_upserted_province_wide_and_per_district(run, units):
    result = run(targets=[target_row(), target_row(district="Quế Phong", special_area_only="yes", percent="90%"),
                          target_row(metric="Hoàn thành đại hội chi bộ", percent=95.5)],
                 admission_targets=[admission_target_row()])
    assert [(c.subject, c.action, c.details) for c in result.changes] == [
        ("Tỉnh Nghệ An: Trưởng thôn là đảng viên, 2022-2025", "create", ("Mục tiêu 100%",)),
        ("Huyện Quế Phong: Trưởng thôn là đảng viên (chỉ địa bàn đặc thù), 2022-2025", "create", ("Mục tiêu 90%",)),
        ("Tỉnh Nghệ An: Hoàn thành đại hội chi bộ, 2022-2025", "create", ("Mục tiêu 95.5%",)),
        ("Huyện Quế Phong, 2023", "create", ("Chỉ tiêu kết nạp 120",))]
    assert Target.objects.count() == 3 and AdmissionTarget.objects.get().target == 120
    assert Target.objects.get(metric="Congresses completed").percent == Decimal("95.50")
    before = history_count()
    result = run(targets=[target_row(percent=98)], admission_targets=[admission_target_row(target=130)])
    assert [c.details for c in result.changes] == [("Mục tiêu %: 100 → 98",), ("Chỉ tiêu kết nạp: 120 → 130",)]
    assert Target.objects.count() == 3 and Target.objects.get(district=None, metric__startswith="Chiefs").percent == 98
    assert AdmissionTarget.objects.get().target == 130
    assert history_count() == before + 2


def test_a_target_twice_in_the_sheet_is_wrong(units, tmp_path):
    path = write_workbook(tmp_path / "t.xlsx", {"Hamlets": [], "Targets": [target_row(), target_row(percent=90)]})
    result = import_workbook(path)
    assert [str(p) for p in result.problems] == ["Targets!D3: Mục tiêu này đã có ở dòng 2"]


def test_a_workbook_with_only_targets_writes_only_targets(run):
    before = snapshot()
    run(targets=[target_row()])
    after = snapshot()
    assert [name for name in before if before[name] != after[name]] == ["Term", "Target"]


def test_a_large_import_has_the_worker_refresh_the_planner_statistics_once_committed(
        run, monkeypatch, settings, django_capture_on_commit_callbacks):
    """Issue 9, item 11: after a bulk import PostgreSQL's planner knows the new rows; issue 11: the clerk does
    not wait for it, the worker does it once the import has committed (never for one rolled back)."""
    from cadre_tracker import db
    from elections.importing import writer

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    analysed: list[set[str]] = []
    monkeypatch.setattr(db, "analyze_changed",  # which of them it analyses: tests/test_analyze.py
                        lambda written: analysed.append({m.__name__ for m, count in written.items() if count}))
    monkeypatch.setattr(writer, "ANALYZE_AFTER", 8)  # one row writes 5 objects (hamlet, record, cell, ...)
    with django_capture_on_commit_callbacks(execute=True) as small:
        run(hamlet_row(hamlet="Xóm 1"))
    assert small == [] and analysed == []  # a small import leaves it to autovacuum
    with django_capture_on_commit_callbacks(execute=True) as large:
        run(hamlet_row(hamlet="Xóm 2"), hamlet_row(hamlet="Xóm 3"))
        assert analysed == []  # not inside the import's transaction
    assert len(large) == 1 and len(analysed) == 1 and {"Hamlet", "HamletTerm"} <= analysed[0]
    with django_capture_on_commit_callbacks(execute=False) as rolled_back:
        run(hamlet_row(hamlet="Xóm 4"), hamlet_row(hamlet="Xóm 5"))
    assert len(rolled_back) == 1 and len(analysed) == 1  # a callback never run (the rollback's case) analyses nothing


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_cycle_collector_is_paused_while_importing_and_left_as_it_was(run, monkeypatch, enabled_before):
    """Issue 11: an import's many short-lived objects are not walked by the collector again and again; a
    process that had it off (a caller's own choice) keeps it off."""
    import gc

    from elections.importing import service

    seen: list[bool] = []
    read = service._read
    monkeypatch.setattr(service, "_read", lambda *args: (seen.append(gc.isenabled()), read(*args))[1])
    (gc.enable if enabled_before else gc.disable)()
    try:
        run(hamlet_row(hamlet="Xóm 1"))
        assert seen == [False]
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()
