"""Writing a plan: one transaction, in bulk, with history.

New and changed objects go through simple-history's ``bulk_create_with_history``
and ``bulk_update_with_history`` so every write still has its history row,
with the importing user and the change reason. Only changed objects are
saved; those with a ``version`` (optimistic locking of the web forms) get it
bumped. Deleted objects are deleted one by one so that their history rows
carry the same user and reason.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadre_tracker.db import analyze
from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from hamlets.models import Hamlet, PartyCell, PartyMember

from .plan import Plan, Tracker

BATCH = 500
REASON_LENGTH = 100  # simple-history's history_change_reason
# After a write this large, PostgreSQL's planner statistics are refreshed at once
# (cadre_tracker.db.analyze): autovacuum may be late or off.
ANALYZE_AFTER = 1000


def write(plan: Plan, *, user: Any, reason: str) -> None:
    reason = reason[:REASON_LENGTH]
    with transaction.atomic():
        _save_terms(plan)
        for tracker in (plan.elections, plan.congresses):
            _delete(tracker, user, reason)
        Hamlet.settle_all(plan.hamlets.created)
        _save(Hamlet, plan.hamlets, user, reason, extra=("updated_at",))
        _save(PartyCell, plan.cells, user, reason)
        for record in plan.records.created:  # the hamlet may have been created just above
            record.hamlet = record.hamlet
        _save(HamletTerm, plan.records, user, reason, extra=("updated_at",))
        _save(Congress, plan.congresses, user, reason, extra=("updated_at",))
        _save(ChiefElection, plan.elections, user, reason, extra=("updated_at",))
        _save(PartyMember, plan.members, user, reason)
        _save(Target, plan.targets, user, reason)
        _save(AdmissionTarget, plan.admission_targets, user, reason)
    written = {model: len(tracker.created) + len(tracker.updated()) + len(tracker.deleted) for model, tracker in (
        (Hamlet, plan.hamlets), (HamletTerm, plan.records), (PartyCell, plan.cells), (Congress, plan.congresses),
        (ChiefElection, plan.elections), (PartyMember, plan.members))}
    if sum(written.values()) >= ANALYZE_AFTER:
        analyze(model for model, count in written.items() if count)


def _save_terms(plan: Plan) -> None:
    """Create the terms the workbook names that are not stored yet (no history on terms)."""
    for term in plan.terms.values():
        if term.pk is None:
            stored = Term.objects.get_or_create_from_text(term.name)
            term.pk = stored.pk
            term._state.adding = False
            term._state.db = stored._state.db


def _delete(tracker: Tracker, user: Any, reason: str) -> None:
    for obj in tracker.deleted:
        obj._history_user = user
        obj._change_reason = reason
        obj.delete()


def _save(model: type[models.Model], tracker: Tracker, user: Any, reason: str, extra: tuple[str, ...] = ()) -> None:
    updated = tracker.updated()
    if updated:
        now = timezone.now()
        fields = [*tracker.fields, *extra]
        for obj in updated:
            if hasattr(obj, "version"):
                obj.version += 1
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
        if hasattr(model, "version"):
            fields.append("version")
        bulk_update_with_history(updated, model, fields, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
    if tracker.created:
        bulk_create_with_history(tracker.created, model, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
