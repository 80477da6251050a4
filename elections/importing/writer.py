"""Writing a plan: one transaction, in bulk, with history; refused whole on a conflict.

New and changed objects go through ``copying.create_with_history`` and
``update_with_history`` (``COPY`` and ``UPDATE ... FROM unnest`` on PostgreSQL,
simple-history's ``bulk_create_with_history``/``bulk_update_with_history``
elsewhere), so every write still has its history row,
with the importing user and the change reason. Only changed objects are
saved; those with a ``version`` (optimistic locking of the web forms) get it
bumped. Deleted objects are deleted one by one so that their history rows
carry the same user and reason.

No lost update: the hamlet is the unit of conflict. Every write that changes
a hamlet or anything of it (its records, cell, congresses, chief elections,
admissions, chiefs' plans and evaluations) bumps ``Hamlet.version``: this writer, the web forms
(``cadre_tracker.generic.save_form``) and placement. Inside its transaction
the writer first locks the hamlets the plan touches (``SELECT ... FOR UPDATE``
ordered by pk, so two imports wait for each other instead of deadlocking; on
SQLite the IMMEDIATE transaction holds the database's write lock) and
compares their versions with those the plan was made against, or with
``expected`` (a preview's): any difference raises ``Conflict`` and nothing is
written. Creations that clash with someone else's (the same hamlet, record,
election... created meanwhile) hit a unique constraint, and PostgreSQL breaks
a deadlock between two such creations: ``Conflict`` too. Then every touched
hamlet's version goes up by one, so a later import or form made against the
old version is refused in turn, and history versions only ever increase.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import F
from django.utils import timezone

from cadre_tracker.db import analyze_after_commit
from elections.facts import Pending
from elections.intervals import kept_once
from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from elections.people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea
from hamlets.models import Hamlet, PartyCell, PartyMember

from .copying import create_with_history, delete_with_history, reserve_ids, update_with_history
from .pipeline import pipelined
from .plan import Plan, Tracker, chunks

BATCH = 500
REASON_LENGTH = 100  # simple-history's history_change_reason
# After a write this large, PostgreSQL's planner statistics of the tables it changed by as much as
# autovacuum's own rule are refreshed by the worker once it commits (cadre_tracker.db.analyze_after_commit):
# autovacuum may be late or off.
ANALYZE_AFTER = 1000


# PostgreSQL's SQLSTATEs for a transaction it rolled back to let another through.
DEADLOCK, SERIALIZATION = "40P01", "40001"


class Conflict(Exception):
    """Someone else changed what the plan was made against, or created the same thing meanwhile; nothing
    was written. ``hamlets``: the stored hamlets whose version moved on (empty for a clash of creations);
    ``targets``: how many targets changed meanwhile; ``officials``: how many area officials; ``busy``: the
    database stayed locked by another write longer than its timeout (SQLite)."""

    def __init__(self, hamlets: Sequence[int] = (), *, targets: int = 0, officials: int = 0, busy: bool = False):
        super().__init__(list(hamlets), targets, officials, busy)
        self.hamlets = list(hamlets)
        self.targets = targets  # targets and admission targets changed meanwhile (they have no version)
        self.officials = officials  # officials (position, phone) changed meanwhile (no version either)
        self.busy = busy


def write(plan: Plan, *, user: Any, reason: str, expected: Mapping[int, int] | None = None,
          versions: dict[int, int] | None = None) -> None:
    """Write ``plan`` if none of the hamlets it touches changed since they were read (or since
    ``expected``: hamlet id -> version, a preview's ``ImportResult.versions``); ``Conflict`` otherwise.
    ``versions``: ``plan.versions()`` when the caller has worked it out already (a walk over every changed
    object of the plan: ~20 ms of a 5,000-row import)."""
    reason = reason[:REASON_LENGTH]
    versions = plan.versions() if versions is None else versions
    try:
        # the hamlets' interval columns and facts rows brought in step once, at the end (``kept_once``)
        with transaction.atomic(), kept_once() as notes:
            _check(plan, versions, expected)
            if changed := _unversioned(((Target, plan.targets), (AdmissionTarget, plan.admission_targets))):
                raise Conflict(targets=changed)
            if changed := _unversioned(((Official, plan.officials),)):
                raise Conflict(officials=changed)
            _save_terms(plan)
            saved = ((Hamlet, plan.hamlets), (PartyCell, plan.cells), (HamletTerm, plan.records),
                     (Congress, plan.congresses), (ChiefElection, plan.elections), (PartyMember, plan.members),
                     (Target, plan.targets), (AdmissionTarget, plan.admission_targets),
                     (ChiefPlan, plan.chief_plans), (ChiefEvaluation, plan.evaluations),
                     (Official, plan.officials), (OfficialArea, plan.official_areas))
            ids = reserve_ids({model: len(tracker.created) for model, tracker in saved})
            with pipelined():  # each table's rows sent while the next are built
                _write(plan, user, reason, ids)
                _note_touched(plan, notes)
                _bump(set(versions) - {h.pk for h in plan.hamlets.updated()})
    except IntegrityError as clash:  # the same hamlet, record, election... created by someone else meanwhile
        raise Conflict() from clash
    except OperationalError as error:
        code = getattr(error.__cause__, "pgcode", None)
        if code in (DEADLOCK, SERIALIZATION) or "database is locked" in str(error):
            raise Conflict(busy=code is None) from error
        raise
    written = {model: len(tracker.created) + len(tracker.updated()) + len(tracker.deleted) for model, tracker in (
        (Hamlet, plan.hamlets), (HamletTerm, plan.records), (PartyCell, plan.cells), (Congress, plan.congresses),
        (ChiefElection, plan.elections), (PartyMember, plan.members))}
    if sum(written.values()) >= ANALYZE_AFTER:
        analyze_after_commit(written)


def _write(plan: Plan, user: Any, reason: str, ids: Mapping[type[models.Model], list[int]]) -> None:
    """The plan's deletions, then its new and changed objects, parents first."""
    for model, tracker in ((ChiefElection, plan.elections), (Congress, plan.congresses)):
        delete_with_history(model, tracker.deleted, user=user, reason=reason)
    Hamlet.settle_all(plan.hamlets.created)
    _save(Hamlet, plan.hamlets, user, reason, ids, extra=("updated_at",))
    _save(PartyCell, plan.cells, user, reason, ids)
    for record in plan.records.created:  # the hamlet may have been created just above
        record.hamlet = record.hamlet
    _intervals_of_created(plan.records.created)
    _save(HamletTerm, plan.records, user, reason, ids, extra=("updated_at",))
    _save(Congress, plan.congresses, user, reason, ids, extra=("updated_at",))
    _save(ChiefElection, plan.elections, user, reason, ids, extra=("updated_at",))
    _save(PartyMember, plan.members, user, reason, ids)
    _save(Target, plan.targets, user, reason, ids)
    _save(AdmissionTarget, plan.admission_targets, user, reason, ids)
    for tracker in (plan.chief_plans, plan.evaluations):
        for obj in tracker.created:  # the hamlet (or term) may have been created just above
            obj.hamlet = obj.hamlet
    _save(ChiefPlan, plan.chief_plans, user, reason, ids, extra=("updated_at",))
    _save(ChiefEvaluation, plan.evaluations, user, reason, ids, extra=("updated_at",))
    _save(Official, plan.officials, user, reason, ids)
    for area in plan.official_areas.created:  # the official may have been created just above
        area.official = area.official
    _save(OfficialArea, plan.official_areas, user, reason, ids)


def _check(plan: Plan, versions: dict[int, int], expected: Mapping[int, int] | None) -> None:
    """Lock the touched hamlets (and those ``expected`` names), in pk order, and compare their versions
    with what the plan read, or with ``expected``; a hamlet the plan touches that ``expected`` does not
    name changed since the preview too (the preview had nothing to change there)."""
    against = versions if expected is None else {int(pk): int(v) for pk, v in expected.items()}
    ids = sorted(set(versions) | set(against))
    stored: dict[int, int] = {}
    for chunk in chunks(ids):
        stored.update(Hamlet.objects.filter(pk__in=chunk).order_by("pk").select_for_update()
                      .values_list("pk", "version"))
    changed = [pk for pk in ids if pk not in against or stored.get(pk) != against[pk]]
    if changed:
        raise Conflict(changed)
    for hamlet in plan.hamlets.loaded:  # what _save bumps: the version just locked
        if hamlet.pk in stored:
            hamlet.version = stored[hamlet.pk]


def _unversioned(trackers: Iterable[tuple[type[models.Model], Tracker]]) -> int:
    """Targets and officials have no version: lock those the plan updates and compare their stored values
    with what the plan read (a creation that clashes hits a unique constraint instead); how many changed."""
    changed = 0
    for model, tracker in trackers:
        read = {obj.pk: tracker.before(obj) for obj in tracker.updated()}
        for chunk in chunks(read):
            stored = {row[0]: row[1:] for row in model._default_manager.filter(pk__in=chunk).order_by("pk")
                      .select_for_update().values_list("pk", *tracker.fields)}
            changed += sum(stored.get(pk) != read[pk] for pk in chunk)
    return changed


def _bump(hamlet_ids: Iterable[int]) -> None:
    """A new version for the hamlets whose children changed but not their own fields (no history row:
    nothing of the hamlet itself changed)."""
    for chunk in chunks(hamlet_ids):
        Hamlet.objects.filter(pk__in=chunk).update(version=F("version") + 1)


def _save_terms(plan: Plan) -> None:
    """Create the terms the workbook names that are not stored yet (no history on terms)."""
    for term in plan.terms.values():
        if term.pk is None:
            stored = Term.objects.get_or_create_from_text(term.name)
            term.pk = stored.pk
            term._state.adding = False
            term._state.db = stored._state.db


def _intervals_of_created(records: Sequence[HamletTerm]) -> None:
    """The interval columns of new records as the plan tells them: the term's start year, and the start
    year of the hamlet's next new record (None: none). Right for every record of a hamlet the import
    creates (all its records are new), and for the common new latest record of a stored hamlet.
    ``intervals.relink`` still runs after the write and rewrites only what differs; left to it, all the
    new records of a 5,000-row import were copied, then rewritten with their indexes (~90 ms)."""
    by_hamlet: dict[int, list[HamletTerm]] = {}
    for record in records:
        record.start_year = record.term.start_year
        by_hamlet.setdefault(record.hamlet_id, []).append(record)
    for own in by_hamlet.values():
        own.sort(key=lambda r: (r.term.start_year, r.term.end_year))
        for record, following in zip(own, [*own[1:], None], strict=True):
            record.until_year = following.term.start_year if following is not None else None


def _note_touched(plan: Plan, notes: Pending) -> None:
    """Note what the plan's bulk writes may change the facts of (they send no signal): created, updated or
    deleted hamlets, cells, records and elections, and the hamlets of its congresses."""
    notes.hamlets.update(h.pk for h in plan.hamlets.changed())
    notes.hamlets.update(o.hamlet_id for tracker in (plan.cells, plan.records, plan.elections)
                         for o in tracker.changed())
    # a congress's hamlet is its cell's, which the plan read or made: noted as cells, they were looked up
    # again at the end (~15 ms at 100,000 hamlets)
    notes.hamlets.update(plan.congress_hamlets())


def _save(model: type[models.Model], tracker: Tracker, user: Any, reason: str,
          ids: Mapping[type[models.Model], list[int]], extra: tuple[str, ...] = ()) -> None:
    updated = tracker.updated()
    derived = getattr(model, "DERIVED_FIELDS", ())
    for obj in (*updated, *tracker.created):
        if derived:
            obj.derive()  # what ``save()`` would work out (folded keys, minority flags)
    if updated:
        now = timezone.now()
        fields = [*tracker.fields, *extra, *(f for f in derived if f not in tracker.fields)]
        for obj in updated:
            if hasattr(obj, "version"):
                obj.version += 1
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
        if hasattr(model, "version"):
            fields.append("version")
        update_with_history(model, updated, fields, user=user, reason=reason, batch_size=BATCH)
    create_with_history(model, tracker.created, user=user, reason=reason, batch_size=BATCH, ids=ids.get(model))
