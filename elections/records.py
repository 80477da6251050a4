"""A hamlet's attributes per term (``units.md``, "Attributes per term").

Kind, special area, Project 01, Party members and Party cell are recorded
per term in ``HamletTerm``; the figures of a term read the record of that
term, else of the latest earlier term. ``Hamlet`` keeps a copy of its
latest term's values (what lists and forms show as "now"), and the hamlet's
``PartyCell.active`` follows the latest term's Party cell; both are kept in
step here, and only here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hamlets.models import Hamlet, PartyCell

from .models import HamletTerm, Term

MIRRORED = ("kind", "special_area", "project01", "party_members")


def latest_record(hamlet: Hamlet) -> HamletTerm | None:
    return (HamletTerm.objects.filter(hamlet=hamlet).select_related("term")
            .order_by("-term__start_year", "-term__end_year").first())


def record_for(hamlet: Hamlet, term: Term) -> HamletTerm | None:
    """The record the term's figures use for this hamlet (its own, else the latest earlier one)."""
    return HamletTerm.objects.in_force(term, hamlet).first()


def values_of(hamlet: Hamlet, term: Term) -> dict[str, Any]:
    """The values a form for this term starts from: the record in force, else the hamlet's latest."""
    record = record_for(hamlet, term)
    if record is not None:
        return {f: getattr(record, f) for f in HamletTerm.FIELDS}
    cell = PartyCell.objects.filter(hamlet=hamlet, active=True).exists() if hamlet.pk else False
    return {**{f: getattr(hamlet, f) for f in MIRRORED}, "party_cell": cell}


def save_record(hamlet: Hamlet, term: Term, **values: Any) -> HamletTerm:
    """Record the hamlet's attributes for ``term`` and keep the hamlet's copy and cell in step."""
    record, created = HamletTerm.objects.get_or_create(hamlet=hamlet, term=term, defaults=values)
    if not created:
        changed = [f for f, v in values.items() if getattr(record, f) != v]
        if changed:
            for f in changed:
                setattr(record, f, values[f])
            record.version += 1
            record.save(update_fields=[*changed, "version", "updated_at"])
    sync_hamlets([hamlet.pk])
    return record


def sync_hamlets(hamlet_ids: Iterable[int]) -> None:
    """Copy each hamlet's latest record onto it and its Party cell (a few queries per chunk)."""
    ids = list(hamlet_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        latest: dict[int, HamletTerm] = {}
        for record in (HamletTerm.objects.filter(hamlet_id__in=chunk)
                       .order_by("hamlet_id", "term__start_year", "term__end_year")):
            latest[record.hamlet_id] = record
        hamlets = Hamlet.objects.filter(pk__in=list(latest)).only("pk", *MIRRORED)
        changed = []
        for hamlet in hamlets:
            record = latest[hamlet.pk]
            if any(getattr(hamlet, f) != getattr(record, f) for f in MIRRORED):
                for f in MIRRORED:
                    setattr(hamlet, f, getattr(record, f))
                changed.append(hamlet)
        Hamlet.objects.bulk_update(changed, list(MIRRORED))
        cells = {c.hamlet_id: c for c in PartyCell.objects.filter(hamlet_id__in=list(latest))}
        new_cells, flipped = [], []
        for hamlet_id, record in latest.items():
            cell = cells.get(hamlet_id)
            if cell is None and record.party_cell:
                new_cells.append(PartyCell(hamlet_id=hamlet_id, active=True))
            elif cell is not None and cell.active != record.party_cell:
                cell.active = record.party_cell
                flipped.append(cell)
        PartyCell.objects.bulk_create(new_cells)
        PartyCell.objects.bulk_update(flipped, ["active"])
