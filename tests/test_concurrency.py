"""No lost update (issue 9, item 3): the hamlet is the unit of conflict.

An import records the version of every stored hamlet it changes (or whose
records, cell, congresses, elections or admissions it changes), locks them
when it writes and is refused whole when one moved on; every web form save
of a hamlet's object bumps the hamlet's version. The version check is tested
deterministically everywhere, by changing a hamlet between the planning and
the writing; the races themselves on PostgreSQL with two real connections
(threads, each with its own connection).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elections.importing import import_workbook, service, writer
from elections.models import ChiefElection, Congress, HamletTerm, Target, Term
from hamlets.models import Hamlet, PartyMember
from tests.workbooks import (
    admission_row,
    hamlet_row,
    history_count,
    make_units,
    snapshot,
    target_row,
    write_workbook,
)

POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason=(
    "races need two real connections that block on each other's row locks: PostgreSQL only (SQLite's in-memory "
    "test database serializes threads differently); the version check itself is tested on every database"))
MAY_20 = dt.date(2022, 5, 20)
VERSIONED = (Hamlet, HamletTerm, Congress, ChiefElection)


def rows(count: int, **values: Any) -> list[dict[str, Any]]:
    """Hamlets rows for Bản 1 .. Bản <count> of Xã Thông Thụ."""
    return [hamlet_row(hamlet=f"Bản {i + 1}", **values) for i in range(count)]


def changed(tag: str, day: dt.date, members: int) -> dict[str, Any]:
    """A file's values: Party members, congress secretary and a chief by-election of its own."""
    return {"party_members": members, "secretary": f"Bí thư {tag}", "chief_elected_on": day, "chief": f"Trưởng {tag}",
            "chief_member_since": None, "chief_party_role": None}


def editor_client() -> Client:
    user = User.objects.create_superuser("editor", password="x")
    client = Client()
    client.force_login(user)
    return client


def hamlet(name: str) -> Hamlet:
    return Hamlet.objects.get(name=name)


def post_congress(client: Client, name: str, secretary: str, version: int | None = None) -> Any:
    """The congress form of ``name``'s 2022-2025 term, saved with a new secretary (the form's version:
    the stored one unless given, as a form opened earlier would post)."""
    congress = Congress.objects.get(cell__hamlet__name=name)
    return client.post(reverse("elections:congress", args=[congress.cell.hamlet_id, congress.term_id]), {
        "held_on": congress.held_on.isoformat(), "secretary": secretary, "deputy_secretary": congress.deputy_secretary,
        "version": congress.version if version is None else version})


def between_plan_and_write(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]) -> None:
    """Run ``meanwhile`` once, after the next import has read and planned and before it writes."""
    real_plan = service._plan

    def plan(reading: Any, scope: Any) -> Any:
        planner = real_plan(reading, scope)
        monkeypatch.setattr(service, "_plan", real_plan)
        meanwhile()
        return planner

    monkeypatch.setattr(service, "_plan", plan)


def assert_history_versions_increase() -> None:
    """No two history rows of one object carry the same version, and they follow one another in order."""
    for model in VERSIONED:
        by_object: dict[int, list[int]] = {}
        for pk, version in model.history.order_by("history_id").values_list("id", "version"):
            by_object.setdefault(pk, []).append(version)
        for pk, versions in by_object.items():
            assert versions == sorted(set(versions)), (model.__name__, pk, versions)


# --- the version check, deterministic on every database -----------------------------------------------------

@pytest.mark.django_db
def test_a_hamlet_saved_by_a_form_between_reading_and_writing_refuses_the_whole_import(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(3)})).written
    client = editor_client()
    between_plan_and_write(monkeypatch, lambda: post_congress(client, "Bản 2", "Người Sửa Tay"))
    before_versions = dict(Hamlet.objects.values_list("name", "version"))
    result = import_workbook(write_workbook(tmp_path / "second.xlsx", {
        "Hamlets": rows(3, **changed("B", dt.date(2023, 3, 1), 7))}))
    assert not result.ok and not result.written and result.changes == []
    [problem] = result.problems
    assert "Bản 2" in problem.message and "Bản 1" not in problem.message
    assert problem.message == ("Không ghi gì: 1 thôn đã bị người khác thay đổi từ khi đọc tệp: Bản 2 (Xã Thông Thụ, "
                               "Huyện Quế Phong); hãy đọc lại tệp")
    assert set(HamletTerm.objects.values_list("party_members", flat=True)) == {12}  # nothing of the import
    assert dict(Congress.objects.values_list("cell__hamlet__name", "secretary")) == {
        "Bản 1": "Lô Văn Xuân", "Bản 2": "Người Sửa Tay", "Bản 3": "Lô Văn Xuân"}
    assert ChiefElection.objects.count() == 3
    assert dict(Hamlet.objects.values_list("name", "version")) == {**before_versions, "Bản 2": 2}
    assert_history_versions_increase()


@pytest.mark.django_db
def test_the_command_line_exits_1_with_the_message(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(2)})).written
    between_plan_and_write(monkeypatch, lambda: Hamlet.objects.filter(name="Bản 1").update(version=F("version") + 1))
    path = write_workbook(tmp_path / "second.xlsx", {"Hamlets": rows(2, party_members=3)})
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert "Bản 1 (Xã Thông Thụ, Huyện Quế Phong); hãy đọc lại tệp" in err.getvalue()
    assert set(HamletTerm.objects.values_list("party_members", flat=True)) == {12}


@pytest.mark.django_db
def test_a_conflict_names_ten_hamlets_and_counts_the_rest(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(12)})).written
    between_plan_and_write(monkeypatch, lambda: Hamlet.objects.update(version=F("version") + 1))
    result = import_workbook(write_workbook(tmp_path / "second.xlsx", {"Hamlets": rows(12, party_members=3)}))
    [problem] = result.problems
    assert problem.message.startswith("Không ghi gì: 12 thôn đã bị người khác thay đổi từ khi đọc tệp: ")
    assert problem.message.count("(Xã Thông Thụ, Huyện Quế Phong)") == 10
    assert problem.message.endswith(" và 2 thôn khác; hãy đọc lại tệp")


@pytest.mark.django_db
def test_an_import_changes_each_touched_hamlet_version_once_and_leaves_the_others(tmp_path):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(3)})).written
    # Bản 1: its own fields (Party members); Bản 2: only its congress; Bản 3: nothing; Bản 2 also an admission
    book = {"Hamlets": [hamlet_row(hamlet="Bản 1", party_members=30), hamlet_row(hamlet="Bản 2", secretary="Mới"),
                        hamlet_row(hamlet="Bản 3")],
            "Admissions": [admission_row(hamlet="Bản 2")]}
    preview = import_workbook(write_workbook(tmp_path / "second.xlsx", book), dry_run=True)
    ids = dict(Hamlet.objects.values_list("name", "pk"))
    assert preview.ok and preview.versions == {ids["Bản 1"]: 1, ids["Bản 2"]: 1}
    result = import_workbook(tmp_path / "second.xlsx")
    assert result.written and result.versions == preview.versions
    assert dict(Hamlet.objects.values_list("name", "version")) == {"Bản 1": 2, "Bản 2": 2, "Bản 3": 1}
    assert Hamlet.history.filter(name="Bản 2").count() == 1  # a bump, not a change of the hamlet itself
    assert PartyMember.objects.get().hamlet.name == "Bản 2"
    assert_history_versions_increase()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [8, 120])
def test_the_lock_and_the_bump_are_one_query_each_whatever_the_number_of_hamlets(tmp_path, count):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(count)})).written
    path = write_workbook(tmp_path / "second.xlsx", {"Hamlets": rows(count, secretary="Bí thư Mới")})
    with CaptureQueriesContext(connection) as captured:
        assert import_workbook(path).written
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum(s.startswith('SELECT "hamlets_hamlet"."id" AS "pk", "hamlets_hamlet"."version"') for s in sql) == 1
    assert sum(s.startswith('UPDATE "hamlets_hamlet" SET "version"') for s in sql) == 1
    assert set(Hamlet.objects.values_list("version", flat=True)) == {2}


@pytest.mark.django_db
def test_expected_versions_refuse_a_confirm_after_a_change_since_the_preview(tmp_path):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(3)})).written
    path = write_workbook(tmp_path / "second.xlsx", {"Hamlets": rows(3, party_members=7)})
    preview = import_workbook(path, dry_run=True)
    assert preview.ok and len(preview.versions) == 3
    kept = json.loads(json.dumps(preview.versions))  # kept between the preview and the confirm, as JSON
    post_congress(editor_client(), "Bản 3", "Người Sửa Tay")
    before = snapshot()
    confirm = import_workbook(path, expected_versions=kept)
    assert not confirm.written and "Bản 3 (Xã Thông Thụ, Huyện Quế Phong)" in confirm.problems[0].message
    assert snapshot() == before
    again = import_workbook(path, dry_run=True)  # read the file again: a new preview, then its confirm
    assert import_workbook(path, expected_versions=again.versions).written
    assert set(HamletTerm.objects.values_list("party_members", flat=True)) == {7}
    # the new preview showed that the file puts back its secretary: a deliberate overwrite, not a lost update
    assert any("Người Sửa Tay → Lô Văn Xuân" in detail for change in again.changes for detail in change.details)
    assert Congress.objects.get(cell__hamlet__name="Bản 3").secretary == "Lô Văn Xuân"


@pytest.mark.django_db
def test_a_confirm_that_would_change_a_hamlet_the_preview_left_alone_is_refused(tmp_path):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(2)})).written
    path = write_workbook(tmp_path / "second.xlsx", {"Hamlets": [hamlet_row(hamlet="Bản 1", party_members=7),
                                                                hamlet_row(hamlet="Bản 2")]})
    preview = import_workbook(path, dry_run=True)
    assert list(preview.versions) == [hamlet("Bản 1").pk]  # Bản 2 unchanged: nothing to write there
    post_congress(editor_client(), "Bản 2", "Người Sửa Tay")  # the confirm would now undo this
    confirm = import_workbook(path, expected_versions=preview.versions)
    assert not confirm.written and "Bản 2 (" in confirm.problems[0].message
    assert Congress.objects.get(cell__hamlet__name="Bản 2").secretary == "Người Sửa Tay"
    assert hamlet("Bản 1").party_members == 12


@pytest.mark.django_db
def test_every_form_of_a_hamlet_bumps_its_version_and_a_stale_form_is_still_refused(tmp_path):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(1)})).written
    client, h, term = editor_client(), hamlet("Bản 1"), Term.objects.get()
    opened = Congress.objects.get().version

    def version() -> int:
        return Hamlet.objects.get(pk=h.pk).version

    assert post_congress(client, "Bản 1", "Người Sửa Tay").status_code == 302 and version() == 2
    election = ChiefElection.objects.get()
    assert client.post(reverse("elections:election_edit", args=[election.pk]), {
        "held_on": "2022-05-21", "chief": election.chief, "chief_member_since": "2001-03-02",
        "chief_party_role": "deputy", "version": election.version}).status_code == 302
    assert version() == 3
    assert client.post(reverse("elections:admission_new", args=[h.pk]), {
        "full_name": "Lô Văn Chung", "birth_year": 1979, "gender": "male", "ethnicity": "Thái",
        "admitted_on": "2023-04-19", "version": 0}).status_code == 302
    assert version() == 4
    record = HamletTerm.objects.get()
    assert client.post(reverse("hamlets:edit", args=[h.pk]) + f"?term={term.name}", {
        "name": "Bản Một", "kind": "ban", "party_members": 15, "party_cell": "on",
        "version": record.version}).status_code == 302
    assert version() == 5 and Hamlet.history.latest().version == 5  # the rename's history row: the new version
    stale = post_congress(client, "Bản Một", "Người Lưu Sau", version=opened)
    assert stale.status_code == 200 and "Người khác vừa lưu" in stale.text
    assert version() == 5 and Congress.objects.get().secretary == "Người Sửa Tay"
    assert_history_versions_increase()


@pytest.mark.django_db
def test_a_target_changed_between_reading_and_writing_refuses_the_import(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": [], "Targets": [target_row()]})).written
    between_plan_and_write(monkeypatch, lambda: Target.objects.update(percent=95))
    result = import_workbook(write_workbook(tmp_path / "second.xlsx", {"Hamlets": [],
                                                                        "Targets": [target_row(percent=90)]}))
    assert not result.written and result.problems[0].message.endswith(
        "Không ghi gì: 1 mục tiêu, chỉ tiêu đã bị người khác thay đổi từ khi đọc tệp; hãy đọc lại tệp")
    assert Target.objects.get().percent == 95


@pytest.mark.django_db
def test_sqlite_write_transactions_take_the_lock_when_they_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's transaction mode")
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 10


# --- races on PostgreSQL, two real connections ------------------------------------------------------------------

def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``work`` in a thread of its own (its own database connection); its result or error in the dict."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)  # a stuck one does not keep pytest from exiting
    thread.start()
    return thread, out


def joined(*threads: tuple[threading.Thread, dict[str, Any]]) -> list[Any]:
    results = []
    for thread, out in threads:
        thread.join(timeout=300)
        assert not thread.is_alive(), "a thread is stuck (deadlock?)"
        if "error" in out:
            raise out["error"]
        results.append(out["result"])
    return results


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_400_hamlets_at_once_one_wins_whole(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(400)})).written
    files = {"A": write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(400, **changed("A", dt.date(2022, 6, 1), 7))}),
             "B": write_workbook(tmp_path / "b.xlsx", {"Hamlets": rows(400, **changed("B", dt.date(2022, 6, 2), 9))})}
    both_read = threading.Barrier(2, timeout=120)
    real_plan = service._plan

    def plan(reading: Any, scope: Any) -> Any:  # both have read and planned before either writes
        planner = real_plan(reading, scope)
        both_read.wait()
        return planner

    monkeypatch.setattr(service, "_plan", plan)
    results = dict(zip("AB", joined(*(in_thread(lambda tag=tag: import_workbook(
        files[tag], change_reason=f"import {tag}")) for tag in "AB")), strict=True))
    won = [tag for tag, result in results.items() if result.written]
    assert len(won) == 1, {tag: r.problems[:1] for tag, r in results.items()}
    winner, loser = won[0], "B" if won[0] == "A" else "A"
    assert "hãy đọc lại tệp" in results[loser].problems[0].message
    assert "400 thôn" in results[loser].problems[0].message
    values = changed(winner, dt.date(2022, 6, 1) if winner == "A" else dt.date(2022, 6, 2),
                     7 if winner == "A" else 9)
    assert set(HamletTerm.objects.values_list("party_members", flat=True)) == {values["party_members"]}
    assert set(Hamlet.objects.values_list("party_members", "version")) == {(values["party_members"], 2)}
    assert set(Congress.objects.values_list("secretary", flat=True)) == {values["secretary"]}
    elections = Counter(ChiefElection.objects.values_list("held_on", flat=True))
    assert elections == {MAY_20: 400, values["chief_elected_on"]: 400}  # the stored ones kept, one by-election each
    assert set(ChiefElection.objects.exclude(held_on=MAY_20).values_list("chief", flat=True)) == {values["chief"]}
    for model in VERSIONED:
        assert not model.history.filter(history_change_reason=f"import {loser}").exists()
    assert_history_versions_increase()


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_form_saved_while_an_import_plans_refuses_the_import(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(50)})).written
    client = editor_client()

    def another_connection_saves() -> None:
        assert joined(in_thread(lambda: post_congress(client, "Bản 7", "Người Sửa Tay").status_code)) == [302]

    between_plan_and_write(monkeypatch, another_connection_saves)
    result = import_workbook(write_workbook(tmp_path / "second.xlsx", {
        "Hamlets": rows(50, **changed("B", dt.date(2023, 3, 1), 7))}))
    assert not result.written and "Bản 7 (" in result.problems[0].message
    assert Congress.objects.get(cell__hamlet__name="Bản 7").secretary == "Người Sửa Tay"  # not lost
    assert set(HamletTerm.objects.values_list("party_members", flat=True)) == {12}  # nothing of the import
    assert_history_versions_increase()


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_form_posted_while_an_import_writes_waits_and_is_refused(tmp_path, monkeypatch):
    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(50)})).written
    client = editor_client()
    opened = Congress.objects.get(cell__hamlet__name="Bản 7").version  # the form was opened before the import
    locked = threading.Event()
    real_save_terms = writer._save_terms

    def hold(plan: Any) -> None:  # the import has locked and checked its hamlets: hold the locks a while
        locked.set()
        time.sleep(1.5)
        real_save_terms(plan)

    monkeypatch.setattr(writer, "_save_terms", hold)
    path = write_workbook(tmp_path / "second.xlsx", {"Hamlets": rows(50, **changed("B", dt.date(2023, 3, 1), 7))})
    importing = in_thread(lambda: import_workbook(path))

    def post() -> Any:
        assert locked.wait(timeout=120)
        started = time.monotonic()
        response = post_congress(client, "Bản 7", "Người Sửa Tay", version=opened)
        return response, time.monotonic() - started

    result, (response, waited) = joined(importing, in_thread(post))
    assert result.written
    assert response.status_code == 200 and "Người khác vừa lưu" in response.text and waited > 0.5
    assert Congress.objects.get(cell__hamlet__name="Bản 7").secretary == "Bí thư B"
    assert hamlet("Bản 7").version == 2
    assert_history_versions_increase()


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_an_import_that_reads_while_a_form_saves_waits_for_it_and_is_refused(tmp_path, monkeypatch):
    from cadre_tracker import generic

    make_units()
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", {"Hamlets": rows(50)})).written
    client = editor_client()
    saving, planned = threading.Event(), threading.Event()
    real_save_versioned = generic.save_versioned

    def slow_save(obj: Any, expected: int) -> None:  # the form holds its hamlet's lock until the import has read
        saving.set()
        assert planned.wait(timeout=120)
        time.sleep(0.5)
        real_save_versioned(obj, expected)

    monkeypatch.setattr(generic, "save_versioned", slow_save)
    real_plan = service._plan

    def plan(reading: Any, scope: Any) -> Any:
        planner = real_plan(reading, scope)
        planned.set()
        return planner

    monkeypatch.setattr(service, "_plan", plan)
    form = in_thread(lambda: post_congress(client, "Bản 7", "Người Sửa Tay").status_code)
    assert saving.wait(timeout=120)
    path = write_workbook(tmp_path / "second.xlsx", {"Hamlets": rows(50, **changed("B", dt.date(2023, 3, 1), 7))})
    status, result = joined(form, in_thread(lambda: import_workbook(path)))
    assert status == 302 and not result.written and "Bản 7 (" in result.problems[0].message
    assert Congress.objects.get(cell__hamlet__name="Bản 7").secretary == "Người Sửa Tay"
    assert set(HamletTerm.objects.values_list("party_members", flat=True)) == {12}
    assert history_count() > 0
    assert_history_versions_increase()
