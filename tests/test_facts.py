"""The facts rows the figures read (``elections.facts``) never disagree with a recount, whatever wrote:
model saves and deletes, ``QuerySet.update``/``bulk_update``, the placing of hamlets, a new term, the
import's bulk writer; and the figures read from them equal the figures joined afresh from the tables."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from elections import facts, intervals
from elections.fact_models import HamletFact
from elections.figures import Figures, Level
from elections.importing import import_workbook
from elections.models import ChiefElection, Congress, HamletTerm, PartyRole, Term
from elections.people_figures import PeopleFigures
from elections.people_models import Rating
from elections.progress import weekly_progress
from hamlets.models import Hamlet, PartyCell
from hamlets.placing import place_automatically
from tests.factories import (
    ChiefElectionFactory,
    ChiefEvaluationFactory,
    ChiefPlanFactory,
    CommuneFactory,
    CongressFactory,
    HamletFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    PartyCellFactory,
    TermFactory,
    succeed,
)
from tests.workbooks import hamlet_row, make_units, write_workbook

pytestmark = pytest.mark.django_db
LEVELS: tuple[Level, ...] = ("province", "district", "commune", "new_province", "new_commune")


def same_figures(term: Term, days: list[dt.date], scopes: list | None = None) -> None:
    """Every figure of every unit of every level, and the weekly progress, read from the facts rows and
    recounted from the tables, agree."""
    for hamlets in scopes or [Hamlet.objects.all()]:
        for day in days:
            for special_only in (False, True):
                stored = Figures(hamlets, term, day, special_only)
                live = Figures(hamlets, term, day, special_only, live=True)
                assert stored.total() == live.total(), (day, special_only)
                for level in LEVELS:
                    assert stored.by(level) == live.by(level), (day, level, special_only)
            assert weekly_progress(hamlets, term, day) == weekly_progress(hamlets, term, day, live=True), day
            people, live_people = PeopleFigures(hamlets, term, day), PeopleFigures(hamlets, term, day, live=True)
            assert people.total() == live_people.total(), day
            for level in LEVELS:
                assert people.by(level) == live_people.by(level), (day, level)


def days_of(term: Term) -> list[dt.date]:
    return [dt.date(term.start_year, 1, 1), dt.date(term.start_year, 7, 1), dt.date(term.start_year + 1, 3, 1),
            dt.date(term.end_year, 12, 31)]


def test_saves_updates_and_deletes_keep_the_facts_in_step():
    """Random writes of every kind a form or the admin makes; after each, no stale row."""
    old, new = TermFactory(start_year=2022, end_year=2025), TermFactory(start_year=2025, end_year=2027)
    rng = random.Random(11)
    province = NewProvinceFactory()
    new_communes = [NewCommuneFactory(province=province) for _ in range(2)]
    communes = [CommuneFactory() for _ in range(3)]
    hamlets = [HamletFactory(term=old, commune=rng.choice(communes), special_area=i % 3 == 0) for i in range(8)]
    made: list[ChiefElection] = []
    seen: set[int] = set()
    for step in range(60):
        hamlet, term = rng.choice(hamlets), rng.choice([old, new])
        day = dt.date(term.start_year, 1, 1) + dt.timedelta(days=rng.randrange(700))
        action = rng.randrange(12)
        if action == 0 and not ChiefElection.objects.filter(hamlet=hamlet, term=term, held_on=day).exists():
            made.append(ChiefElectionFactory(hamlet=hamlet, term=term, held_on=day,
                                             chief_member_since=rng.choice([None, day, day + dt.timedelta(days=9)]),
                                             chief_party_role=rng.choice(["", PartyRole.SECRETARY, PartyRole.DEPUTY])))
        elif action == 1 and made:
            made.pop(rng.randrange(len(made))).delete()
        elif action == 2:
            cell = PartyCellFactory(hamlet=hamlet)
            congress = Congress.objects.filter(cell=cell, term=term).first() or CongressFactory(cell=cell, term=term)
            congress.held_on = rng.choice([None, day])
            congress.save()
        elif action == 3:
            Congress.objects.filter(cell__hamlet=hamlet).delete()
        elif action == 4:
            HamletTerm.objects.get_or_create(hamlet=hamlet, term=new, defaults={"party_members": rng.randrange(6)})
        elif action == 5:  # a bulk update bypasses save(): the queryset keeps the facts in step itself
            HamletTerm.objects.filter(hamlet=hamlet).update(party_members=rng.randrange(6),
                                                            party_cell=rng.random() < 0.5)
        elif action == 6:
            hamlet.commune = rng.choice(communes)
            hamlet.new_commune = rng.choice([None, *new_communes])
            hamlet.name = f"Xóm {60 - step}"  # unique in its commune; the list's order reads its sort key
            hamlet.save()
        elif action == 7 and made:
            moved = rng.choice(made)
            ChiefElection.objects.filter(pk=moved.pk).update(chief_member_since=day)
        elif action == 9:
            Hamlet.objects.filter(pk=hamlet.pk).update(name_sort=rng.choice(["a", "b"]))
        elif action == 8:
            ChiefElection.objects.bulk_update(
                [ChiefElection(pk=e.pk, chief_party_role=PartyRole.SECRETARY) for e in made[:2]], ["chief_party_role"])
        elif action == 10 and made:  # the chief's and the secretary's profiles, in bulk: their rows rewritten
            chief = rng.choice(made)
            ChiefElection.objects.filter(pk=chief.pk).update(
                chief_birth_year=rng.choice([None, 1950, 1990]), chief_gender=rng.choice(["", "female", "male"]),
                chief_minority=rng.choice([None, True, False]))
            Congress.objects.filter(cell__hamlet=hamlet).update(
                secretary=rng.choice(["", "Lò Thị Bí"]), secretary_gender=rng.choice(["", "female"]),
                secretary_minority=rng.choice([None, True]))
        elif action == 11 and made:  # the chief's plan and last year's evaluation
            chief = rng.choice(made)
            plan_day = dt.date(chief.term.start_year, 1, 1) + dt.timedelta(days=rng.randrange(700))
            if not chief.hamlet.chief_plans.filter(term=chief.term, chief_key=chief.chief_key).exists():
                ChiefPlanFactory(hamlet=chief.hamlet, term=chief.term, chief=chief.chief, started_on=plan_day)
            year = plan_day.year
            if not chief.hamlet.chief_evaluations.filter(year=year, chief_key=chief.chief_key).exists():
                ChiefEvaluationFactory(hamlet=chief.hamlet, year=year, chief=chief.chief,
                                       rating=rng.choice([Rating.NOT_COMPLETED, Rating.GOOD]))
        assert facts.stale() == [], (step, action)
        seen.add(action)
    for day in (dt.date(2024, 12, 1), dt.date(2024, 12, 20)):  # a chief, then a by-election
        chief = ChiefElectionFactory(hamlet=hamlets[0], term=old, held_on=day, chief_birth_year=1960,
                                     chief_member_since=dt.date(2024, 12, 10) if day.day == 1 else None)
    ChiefPlanFactory(hamlet=hamlets[0], term=old, chief=chief.chief, started_on=dt.date(2024, 12, 22))
    ChiefEvaluationFactory(hamlet=hamlets[0], year=2023, chief=chief.chief, rating=Rating.NOT_COMPLETED)
    cell = PartyCell.objects.filter(hamlet=hamlets[0]).first() or PartyCellFactory(hamlet=hamlets[0])
    Congress.objects.update_or_create(cell=cell, term=old, defaults={
        "held_on": dt.date(2024, 12, 2), "secretary": "Lò Thị Bí", "secretary_gender": "female"})
    assert facts.stale() == []
    assert HamletFact.objects.filter(valid_from__isnull=False, valid_until__isnull=False).exists()
    assert HamletFact.objects.filter(congress_on__isnull=False).exists()
    assert seen == set(range(12))  # every kind of write was made
    days = [dt.date(2024, 12, 5), dt.date(2024, 12, 15), dt.date(2024, 12, 25)]
    people = PeopleFigures(Hamlet.objects.filter(pk=hamlets[0].pk), old, dt.date(2024, 12, 25)).total()
    shown = ("with_plan", "not_completed", "women_secretaries")
    assert [(people[code].numerator, people[code].denominator) for code in shown] == [(1, 1)] * 3
    Congress.objects.filter(cell=cell, term=old).update(secretary="")  # a gender given, no name: not counted
    alone = Hamlet.objects.filter(pk=hamlets[0].pk)
    blank = PeopleFigures(alone, old, dt.date(2024, 12, 25)).total()["women_secretaries"]
    assert (blank.numerator, blank.denominator) == (0, 1)
    assert blank == PeopleFigures(alone, old, dt.date(2024, 12, 25), live=True).total()["women_secretaries"]
    Congress.objects.filter(cell=cell, term=old).update(secretary="Lò Thị Bí", secretary_minority=True)
    minority = PeopleFigures(alone, old, dt.date(2024, 12, 25)).total()  # the chief's own flag is unknown
    assert [(minority[c].numerator, minority[c].denominator) for c in ("minority_secretaries", "minority_chiefs")] \
        == [(1, 1), (0, 1)]
    for term in (old, new):
        same_figures(term, days_of(term) + days, [Hamlet.objects.all(), Hamlet.objects.filter(commune=communes[0])])


def test_a_deleted_hamlet_leaves_no_rows_and_a_term_made_moved_or_deleted_moves_every_hamlets():
    old = TermFactory(start_year=2022, end_year=2025)
    kept, gone = HamletFactory(term=old), HamletFactory(term=old)
    ChiefElectionFactory(hamlet=gone, term=old, held_on=dt.date(2022, 5, 1))
    CongressFactory(cell=PartyCellFactory(hamlet=gone), term=old, held_on=dt.date(2022, 4, 1))
    gone.delete()
    assert set(HamletFact.objects.values_list("hamlet_id", flat=True)) == {kept.pk}
    later = TermFactory(start_year=2025, end_year=2027)  # no record of its own: the 2022 record is in force
    assert HamletFact.objects.filter(term_id=later.pk, hamlet_id=kept.pk).count() == 1
    assert facts.stale() == []
    other = HamletFactory(term=later, party_members=7)  # a hamlet with a record of the later term only
    HamletTerm.objects.create(hamlet=kept, term=later, party_members=5)
    later.start_year, later.end_year = 2019, 2021  # the term moved before the other's: records reordered
    later.save()
    assert facts.stale() == []
    assert set(HamletFact.objects.filter(term_id=old.pk).values_list("hamlet_id", "members")) == {(kept.pk, 10),
                                                                                                 (other.pk, 7)}
    assert set(HamletFact.objects.filter(term_id=later.pk).values_list("hamlet_id", "members")) == {(kept.pk, 5),
                                                                                                   (other.pk, 7)}
    HamletTerm.objects.filter(term=later).delete()  # a term holding records cannot be deleted
    later.delete()
    assert facts.stale() == [] and not HamletFact.objects.filter(term_id=later.pk).exists()


def test_placing_hamlets_in_bulk_moves_their_facts(db):
    term = TermFactory(start_year=2025, end_year=2027)
    commune, new_commune = CommuneFactory(), NewCommuneFactory()
    succeed(commune, new_commune)
    hamlets = [HamletFactory(commune=commune, term=term) for _ in range(3)]
    Hamlet.objects.update(new_commune=None)  # unplaced, in bulk: the facts follow
    assert set(HamletFact.objects.values_list("new_commune", flat=True)) == {None}
    assert len(place_automatically(Hamlet.objects.all())) == 3
    assert set(HamletFact.objects.values_list("new_commune", "new_province")) == {
        (new_commune.pk, new_commune.province_id)}
    assert facts.stale() == []
    same_figures(term, [dt.date(2026, 1, 1)], [Hamlet.objects.all(), Hamlet.objects.filter(pk=hamlets[0].pk)])


def test_an_import_keeps_the_facts_in_step(tmp_path):
    make_units()
    rows = [hamlet_row(district="Tương Dương", commune="Xã Mai Sơn", hamlet=f"Bản {i}", party_members=i % 6,
                       congress_held_on=dt.date(2022, 6, 1 + i) if i % 3 else None,
                       chief_elected_on=dt.date(2022, 6, 10 + i) if i % 4 else None,
                       chief=f"Lô Văn Trưởng {i}", secretary=f"Vi Văn Bí {i}", deputy_secretary=f"Lương Thị Phó {i}",
                       chief_party_role=None, chief_member_since=dt.date(2001, 3, 2) if i % 2 else None)
            for i in range(12)]
    first = import_workbook(write_workbook(tmp_path / "a.xlsx", {"Hamlets": rows}))
    assert first.ok, first.problems[:3]
    # a row per hamlet before its election, and one from each of the 9 elections on
    assert facts.stale() == [] and HamletFact.objects.count() == 12 + 9
    changed = [{**row, "party_members": 4, "congress_held_on": dt.date(2022, 7, 1)} for row in rows[:5]]
    assert import_workbook(write_workbook(tmp_path / "b.xlsx", {"Hamlets": changed})).ok
    assert facts.stale() == []
    term = Term.objects.get()
    same_figures(term, [dt.date(2022, 6, 5), dt.date(2022, 6, 30), dt.date(2022, 12, 31)])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the physical order of rows (ctid) is PostgreSQL's")
def test_a_rebuild_of_every_row_lays_them_out_by_term_and_province():
    """``refresh()`` of every hamlet writes a term's rows province by province (2025 province, then earlier
    province, communes), whatever order the hamlets were made in; the rows stay those of a recount."""
    terms = [TermFactory(start_year=2022, end_year=2025), TermFactory(start_year=2025, end_year=2027)]
    communes = []
    for _ in range(3):
        commune, new_commune = CommuneFactory(), NewCommuneFactory(province=NewProvinceFactory())
        succeed(commune, new_commune)
        communes.append(commune)
    for i in range(12):  # made interleaved across the communes, so made out of the order of their provinces
        HamletFactory(commune=communes[(i * 2) % 3], term=terms[i % 2])
    place_automatically(Hamlet.objects.all())
    facts.refresh()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term_id, new_province, province, new_commune, commune, hamlet_id "
                       f"FROM {HamletFact._meta.db_table} ORDER BY ctid")
        laid_out = cursor.fetchall()
    assert len(laid_out) == HamletFact.objects.count() > 12  # both terms (a 2022 record holds in 2025 too)
    assert laid_out == sorted(laid_out, key=lambda row: tuple((v is None, v) for v in row))  # NULLs last
    assert facts.stale() == []


def test_stale_finds_a_row_a_raw_write_left_behind():
    """The recount is no formality: a write that bypassed everything (raw SQL) shows, until refreshed."""
    term = TermFactory()
    hamlet = HamletFactory(term=term)
    ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 5, 1))
    assert facts.stale() == []
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {HamletTerm._meta.db_table} SET party_members = 99")
    assert len(facts.stale()) == 4  # two rows (before and after the election) missing, two not expected
    facts.refresh([hamlet.pk])
    assert facts.stale() == []


def test_figures_read_one_query_without_joining_the_tables(django_assert_num_queries):
    term = TermFactory()
    for _ in range(3):
        PartyCellFactory(hamlet=HamletFactory(term=term))
    with django_assert_num_queries(1) as captured:
        Figures(Hamlet.objects.all(), term, dt.date(2023, 1, 1)).by("province")
    sql = captured.captured_queries[0]["sql"]
    assert HamletFact._meta.db_table in sql
    assert not any(model._meta.db_table in sql for model in (HamletTerm, ChiefElection, Congress, PartyCell))


def test_every_scope_reads_the_same_figures_on_the_rows_own_columns(world):
    """Each persona's scope, a province of either list, a district, the unplaced hamlets: said on the facts
    rows' unit columns (no hamlet read), with the same figures as joined afresh; a filter that cannot be
    said so (a name, an OR) narrows by the hamlets' ids, with the same figures too."""
    hamlets = Hamlet.objects.all()
    scopes = [hamlets.restrict(user) for user in world.users.values()]
    scopes += [hamlets.in_province(world.home), hamlets.in_province(world.new_province),
               hamlets.filter(commune__district=world.mine), hamlets.in_province(world.new_province).unplaced(),
               hamlets.filter(new_commune=world.communes["hoanh_son"]), hamlets.filter(pk__in=[
                   world.hamlets["mine"].pk, world.hamlets["ha_tan"].pk])]
    said = [facts.unit_conditions(scope) for scope in scopes]
    assert all(q is not None for q in said)
    fallbacks = [hamlets.filter(name__startswith="Bản"), hamlets.filter(Q(commune__district=world.mine)
                                                                          | Q(province=world.new_province))]
    assert [facts.unit_conditions(scope) for scope in fallbacks] == [None, None]
    for day in (dt.date(2022, 6, 1), dt.date(2022, 6, 20), dt.date(2025, 8, 1)):
        same_figures(world.term, [day], scopes + fallbacks)
    with CaptureQueriesContext(connection) as captured:
        Figures(hamlets.in_province(world.home), world.term, dt.date(2022, 6, 20)).by("district")
    assert Hamlet._meta.db_table not in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize("elections", [3, 30])
def test_writes_kept_once_bring_their_hamlets_in_step_once_at_the_end(elections):
    """Inside ``kept_once`` each save or delete only notes its hamlet: deleting 3 or 30 elections one by one
    (as the import does, for their history rows) costs the same upkeep, and leaves everything in step."""
    term = TermFactory()
    hamlets = [HamletFactory(term=term) for _ in range(3)]
    made = [ChiefElectionFactory(hamlet=hamlets[i % 3], term=term, held_on=dt.date(2022, 1, 1) + dt.timedelta(days=i))
            for i in range(elections)]
    congress = CongressFactory(cell=PartyCellFactory(hamlet=hamlets[0]), term=term, held_on=dt.date(2022, 3, 1))
    with CaptureQueriesContext(connection) as captured, intervals.kept_once() as notes:
        for election in made[1:]:
            election.delete()
        congress.held_on = dt.date(2022, 4, 1)
        congress.save()
        HamletTerm.objects.filter(hamlet=hamlets[2]).update(party_members=1)
        assert notes.hamlets >= {hamlets[1].pk, hamlets[2].pk} and notes.cells == {congress.cell_id}  # noted
        assert facts.stale() != []  # not yet: at the end of the block
    upkeep = [q for q in captured.captured_queries if re.match(
        r'\s*((WITH n AS MATERIALIZED \(.*\) )?UPDATE "elections_(chiefelection|hamletterm)"( AS \w+)? '
        r'SET "(until|start_year|until_year)"'
        r'|DELETE FROM "elections_hamletfact"'
        r'|INSERT INTO "elections_hamletfact")', q["sql"])]
    # the interval columns' UPDATEs (one per table from a window on PostgreSQL, three correlated elsewhere),
    # then one DELETE and one INSERT of facts
    assert len(upkeep) == (2 if connection.vendor == "postgresql" else 3) + 2
    assert facts.stale() == [] and intervals.mismatches() == []
