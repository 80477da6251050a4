"""The import's bulk reading and writing (``loading.stored``, ``copying.create_with_history``): the same
objects, values and history as Django's own paths, in a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from elections import intervals
from elections.importing import import_workbook
from elections.importing.loading import fresh, stored
from elections.importing.service import default_reason
from elections.models import ChiefElection, Congress, HamletTerm, KnownRow, Term
from hamlets import text
from hamlets.models import Hamlet, PartyCell, PartyMember
from tests.workbooks import hamlet_row, history_count, make_units, snapshot, write_workbook

pytestmark = pytest.mark.django_db
CREATED = (Hamlet, HamletTerm, PartyCell, Congress, ChiefElection)
COMMUNES = ["Thị trấn Thạch Giám", "Xã Mai Sơn", "Xã Yên Hòa"]


def rows(count: int) -> list[dict]:
    return [hamlet_row(district="Tương Dương", commune=COMMUNES[i % 3], hamlet=f"Bản {i + 1}",
                       party_members=5 + i % 20, congress_held_on=dt.date(2022, 6, 15), secretary=f"Vi Văn Bí {i}",
                       chief_elected_on=dt.date(2022, 6, 25), chief=f"Lô Văn Trưởng {i}", chief_party_role=None)
            for i in range(count)]


@pytest.fixture
def units(db):
    return make_units()


def test_created_objects_have_their_values_and_one_history_row_each(units, tmp_path):
    user = User.objects.create_superuser("importer", password="x")
    result = import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(7)}), user=user)
    assert result.ok and result.written, result.problems[:3]
    for model in CREATED:
        objects = list(model.objects.order_by("pk"))
        assert len(objects) == 7
        history = {h.id: h for h in model.history.all()}
        assert sorted(history) == [o.pk for o in objects]
        for obj in objects:
            record = history[obj.pk]
            assert (record.history_type, record.history_user, record.history_change_reason) == (
                "+", user, "import a.xlsx")
            for field in record.tracked_fields:
                assert getattr(record, field.attname) == getattr(obj, field.attname), (model, field.name)
    election = ChiefElection.objects.select_related("hamlet").get(chief="Lô Văn Trưởng 3")
    assert (election.hamlet.name, election.chief_key, election.held_on) == (
        "Bản 4", text.match_key("Lô Văn Trưởng 3"), dt.date(2022, 6, 25))  # derive() ran
    assert Hamlet.objects.get(name="Bản 4").updated_at is not None  # auto_now, as bulk_create sets it


def test_a_new_object_can_be_created_by_a_form_after_an_import(units, tmp_path):
    """The ids the import chose came from the tables' sequences: the next ordinary save does not clash."""
    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(3)})).written
    hamlet = Hamlet.objects.create(name="Bản mới", commune=units["Xã Mai Sơn"])
    assert hamlet.pk > max(Hamlet.objects.exclude(pk=hamlet.pk).values_list("pk", flat=True))


def test_writing_costs_the_same_queries_for_few_rows_and_many(units, tmp_path):
    def queries(count: int) -> int:
        path = write_workbook(tmp_path / f"{count}.xlsx", {"Hamlets": rows(count)})
        with CaptureQueriesContext(connection) as captured:
            assert import_workbook(path).written
        for model in reversed(CREATED):
            model.objects.all().delete()
        return len(captured)

    queries(1)  # creates the term (get_or_create), which later imports find stored
    assert queries(4) == queries(40)


def test_an_unchanged_reimport_writes_nothing_in_a_fixed_number_of_queries(units, tmp_path):
    """Read in full (no row recorded by the import that wrote it) and with every row known unchanged
    (``known.py``): each in as many queries for 5 rows as for 50."""
    def again(count: int, known: bool) -> int:
        path = write_workbook(tmp_path / f"{count}.xlsx", {"Hamlets": rows(count)})
        assert import_workbook(path).written
        if not known:
            KnownRow.objects.all().delete()
        before, histories = snapshot(), history_count()
        with CaptureQueriesContext(connection) as captured:
            result = import_workbook(path, dry_run=True)
        assert result.ok and not result.written and result.summary.written == 0
        assert [(c.row, c.action) for c in result.changes] == [(n, "unchanged") for n in range(2, count + 2)]
        assert snapshot() == before and history_count() == histories
        for model in (KnownRow, *reversed(CREATED)):
            model.objects.all().delete()
        return len(captured)

    in_full, known = again(5, known=False), again(5, known=True)
    assert (again(50, known=False), again(50, known=True)) == (in_full, known)
    assert known == 4  # the file's sheet read before, the recorded rows, the hamlets of their communes, the terms


def test_a_row_changed_since_by_a_form_is_written_back(units, tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(4)})
    assert import_workbook(path).written
    election = ChiefElection.objects.get(chief="Lô Văn Trưởng 2")
    election.chief = "Hà Thị Khác"
    election.save()  # as the result form does
    record = HamletTerm.objects.get(hamlet__name="Bản 2")
    record.party_members = 99
    record.save()
    result = import_workbook(path)
    assert result.written
    assert (result.summary.elections_updated, result.summary.records_updated) == (1, 1)
    assert [c.row for c in result.changes if c.action == "update"] == [3, 4]
    election.refresh_from_db()
    record.refresh_from_db()
    assert (election.chief, record.party_members) == ("Lô Văn Trưởng 2", 6)
    for obj in (election, record):
        latest = obj.history.order_by("-history_id").first()
        assert (latest.history_type, latest.history_change_reason) == ("~", default_reason("a.xlsx", None))
        for field in latest.tracked_fields:
            assert getattr(latest, field.attname) == getattr(obj, field.attname), field.name
    assert (election.version, record.version) == (2, 2)  # the import bumps it (a bare save() does not)


def test_stored_builds_the_objects_a_queryset_would(units, tmp_path):
    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(3)})).written
    for model in CREATED:
        fast, slow = list(stored(model.objects.order_by("pk"))), list(model.objects.order_by("pk"))
        assert [model_to_dict(o) for o in fast] == [model_to_dict(o) for o in slow]
        assert [o.__dict__.keys() - {"_state"} for o in fast] == [o.__dict__.keys() - {"_state"} for o in slow]
        assert all(not o._state.adding and o._state.db == "default" for o in fast)
        assert fast == slow  # same pk, same model


def _built(obj) -> tuple[dict, set, bool, str | None]:
    return ({k: v for k, v in obj.__dict__.items() if k != "_state"}, set(obj._state.fields_cache),
            obj._state.adding, obj._state.db)


def test_fresh_builds_the_objects_init_would(units):
    """``fresh(Model, **values)`` leaves an object as ``Model(**values)``: defaults (constant and computed),
    attnames, related objects cached with their keys copied (saved or not), a one-to-one's other side."""
    hamlet = Hamlet.objects.create(name="Bản Cáng", commune=units["Xã Mai Sơn"])
    term = Term.objects.get_or_create_from_text("2022-2025")
    unsaved = Hamlet(name="Bản Mới", commune_id=units["Xã Mai Sơn"].pk)
    cases = [
        (Hamlet, {"name": "Bản Na", "commune_id": units["Xã Mai Sơn"].pk, "kind": "ban", "party_members": 4}),
        (Hamlet, {}),
        (HamletTerm, {"hamlet": hamlet, "term": term, "party_members": 7, "party_cell": True}),
        (HamletTerm, {"hamlet": unsaved, "term_id": term.pk}),
        (PartyCell, {"hamlet": unsaved, "active": False}),
        (Congress, {"cell": PartyCell(hamlet=hamlet), "term": term, "held_on": dt.date(2022, 6, 1), "secretary": "A"}),
        (ChiefElection, {"hamlet": hamlet, "term": term, "held_on": dt.date(2022, 6, 2), "chief": "B",
                         "chief_member_since": None}),
        (PartyMember, {"hamlet": None, "full_name": "C", "birth_year": 1980}),
    ]
    for model, values in cases:
        slow, fast = model(**values), fresh(model, **values)
        assert _built(fast) == _built(slow), model
    cell_slow, cell_fast = PartyCell(hamlet=unsaved), fresh(PartyCell, hamlet=unsaved)  # noqa: F841
    assert unsaved.party_cell is cell_fast  # the one-to-one's reverse side points at the last one made
    with pytest.raises(TypeError, match="colour"):
        fresh(Hamlet, name="x", colour="red")


def test_a_model_with_init_receivers_is_built_the_ordinary_way(units, tmp_path):
    """``fresh`` and ``stored`` skip ``__init__`` only while no ``pre_init``/``post_init`` receiver listens."""
    from django.db.models import signals

    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(2)})).written
    seen: list[object] = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=PartyCell)
    try:
        made = fresh(PartyCell, active=False)
        read = list(stored(PartyCell.objects.order_by("pk")))
        others = list(stored(Hamlet.objects.order_by("pk")))  # no receiver for hamlets: built without __init__
    finally:
        signals.post_init.disconnect(receiver, sender=PartyCell)
    assert seen == [made, *read] and len(read) == 2 and len(others) == 2
    assert fresh(PartyCell, active=True) not in seen  # disconnected: without __init__ again


def test_copy_reads_the_attribute_itself_only_where_pre_save_would_return_it(units, tmp_path):
    """``copying`` skips ``pre_save`` where it is the attribute as it is (issue 11); an ``auto_now`` field's is
    still run (it sets the time), and for every other field of every model written the two agree."""
    from elections.importing.copying import _plain_pre_save

    assert not _plain_pre_save(Hamlet._meta.get_field("updated_at"))
    assert _plain_pre_save(ChiefElection._meta.get_field("held_on")) and _plain_pre_save(Hamlet._meta.get_field("name"))
    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(2)})).written
    for model in CREATED:
        obj = model.objects.first()
        for field in model._meta.concrete_fields:
            if _plain_pre_save(field):
                assert field.pre_save(obj, True) == getattr(obj, field.attname), (model, field.name)
            else:
                assert getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False), (model, field.name)


def test_deletions_write_their_history_and_keep_the_facts_in_step_in_a_fixed_number_of_queries(units, tmp_path):
    """Rows that blank what was stored delete the elections and congresses: each gets its "-" history row
    (the importer, the import's reason), the facts and intervals follow, and the queries do not grow with
    the number deleted (one DELETE per model on PostgreSQL)."""
    from elections import facts, intervals

    user = User.objects.create_superuser("importer", password="x")

    def blanked(count: int) -> int:
        Hamlet.objects.all().delete()
        assert import_workbook(write_workbook(tmp_path / f"full{count}.xlsx", {"Hamlets": rows(count)})).written
        ids = set(ChiefElection.objects.values_list("pk", flat=True))
        empty = [{**row, "congress_held_on": None, "secretary": None, "deputy_secretary": None,
                  "chief_elected_on": None, "chief": None}
                 for row in rows(count)]
        with CaptureQueriesContext(connection) as captured:
            result = import_workbook(write_workbook(tmp_path / f"empty{count}.xlsx", {"Hamlets": empty}), user=user)
        assert result.written and (result.summary.elections_deleted, result.summary.congresses_deleted) == (
            count, count)
        assert not ChiefElection.objects.exists() and not Congress.objects.exists()
        gone = ChiefElection.history.filter(history_type="-", id__in=ids)
        assert sorted(gone.values_list("id", flat=True)) == sorted(ids)
        assert {(h.history_user, h.history_change_reason) for h in gone} == {(user, f"import empty{count}.xlsx")}
        assert Congress.history.filter(history_type="-").count() >= count
        assert facts.stale() == [] and intervals.mismatches() == []
        return len(captured)

    if connection.vendor == "postgresql":
        assert blanked(3) == blanked(12)
    else:  # object by object elsewhere: the facts and history hold all the same
        blanked(3)


def test_new_records_are_written_with_their_interval_columns(units, tmp_path, monkeypatch):
    """The relink after the write is switched off: what the import itself wrote must already be in step
    (a new hamlet's records, out of order in the sheet, and a stored hamlet's new latest record)."""
    old = hamlet_row(hamlet="Bản Cũ", term="2019-2022", congress_held_on=dt.date(2019, 5, 12),
                     chief_elected_on=dt.date(2019, 5, 20))
    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": [old]})).written
    monkeypatch.setattr(intervals, "relink", lambda *args, **kwargs: None)
    terms = {"2022-2025": dt.date(2022, 5, 20), "2017-2019": dt.date(2017, 5, 20), "2019-2022": dt.date(2019, 5, 20)}
    sheet = [hamlet_row(hamlet="Bản Mới", term=term, congress_held_on=day, chief_elected_on=day)
             for term, day in terms.items()]
    sheet.append(hamlet_row(hamlet="Bản Cũ", party_members=20))  # 2022-2025: a record of its own
    result = import_workbook(write_workbook(tmp_path / "b.xlsx", {"Hamlets": sheet}))
    assert result.ok and result.written, result.problems[:3]
    new = HamletTerm.objects.filter(hamlet__name="Bản Mới").order_by("term__start_year")
    assert [(r.start_year, r.until_year) for r in new] == [(2017, 2019), (2019, 2022), (2022, None)]
    assert HamletTerm.objects.get(hamlet__name="Bản Cũ", term__start_year=2022).until_year is None
    # the stored record before it is not the import's to guess: left to the relink
    assert [m for m in intervals.mismatches() if "record" in m] == [
        f"record {HamletTerm.objects.get(hamlet__name='Bản Cũ', term__start_year=2019).pk}: 2019..None, "
        "expected 2019..2022"]


def test_congresses_bring_their_hamlets_facts_in_step_without_looking_their_cells_up(units, tmp_path):
    """A congress written by an import is noted by its cell's hamlet, whether the cell was stored or is new:
    the facts of both hamlets follow, and no query goes back for the cells' hamlets."""
    from elections import facts

    stored_row = hamlet_row(hamlet="Bản Có", congress_held_on=dt.date(2022, 6, 15), secretary="Vi Văn Một")
    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": [stored_row]})).written
    changed = {**stored_row, "congress_held_on": dt.date(2022, 7, 1), "secretary": "Vi Văn Hai"}
    new = hamlet_row(hamlet="Bản Mới", congress_held_on=dt.date(2022, 6, 20), secretary="Lô Văn Ba")
    with CaptureQueriesContext(connection) as captured:
        result = import_workbook(write_workbook(tmp_path / "b.xlsx", {"Hamlets": [changed, new]}))
    assert result.ok and result.written, result.problems[:3]
    assert facts.stale() == []
    names = dict(Hamlet.objects.values_list("pk", "name"))
    congress_on = {(names[h], day) for h, day in facts.HamletFact.objects.values_list("hamlet_id", "congress_on")}
    assert congress_on == {("Bản Có", dt.date(2022, 7, 1)), ("Bản Mới", dt.date(2022, 6, 20))}
    assert not [q for q in captured.captured_queries if 'SELECT "hamlets_partycell"."hamlet_id"' in q["sql"]]


def test_the_stored_childrens_queries_name_the_hamlets_read(units, tmp_path):
    """On PostgreSQL the records, cells, congresses and elections of the stored hamlets are read by the ids
    just read (one array, which the planner can count), not by a subquery of the communes' hamlets."""
    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(4)})).written
    KnownRow.objects.all().delete()  # every row read in full
    with CaptureQueriesContext(connection) as captured:
        again = import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(4)}))
    assert again.ok and not again.summary.written
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and any(
        f'FROM "{model._meta.db_table}"' in q["sql"] for model in (HamletTerm, PartyCell, Congress, ChiefElection))]
    assert len(reads) == 4
    if connection.vendor == "postgresql":
        assert all("= ANY(" in sql and 'FROM "hamlets_hamlet"' not in sql for sql in reads), reads
    else:
        assert all('FROM "hamlets_hamlet"' in sql for sql in reads), reads


def test_what_a_settled_plan_says_it_updates_is_what_it_wrote(units, tmp_path, monkeypatch):
    """A plan's changes are worked out once, when every row is applied (``Plan.settle``): after the write the
    objects each tracker found updated are still exactly those whose tracked values differ from what was read,
    so the writer changed nothing it did not write."""
    from elections.importing import service

    assert import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows(6)})).written
    changed = rows(6)
    changed[1]["party_members"] = 40
    changed[2]["chief"] = "Lô Văn Mới"
    changed[3]["congress_held_on"] = dt.date(2022, 7, 2)
    seen = []
    write = service.write

    def checked(plan, **kwargs):
        write(plan, **kwargs)
        for tracker in plan.trackers():
            assert tracker.updated() == tracker._compare()
            seen.append(len(tracker.updated()))

    monkeypatch.setattr(service, "write", checked)
    result = import_workbook(write_workbook(tmp_path / "b.xlsx", {"Hamlets": changed}))
    assert result.ok and result.written and sum(seen) >= 3
    assert result.summary.records_updated == 1 and result.summary.congresses_updated == 1
