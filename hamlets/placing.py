"""Placing hamlets in the 2025 list (``units.md``): automatically where the conversion
table maps their earlier commune to exactly one new commune, by people elsewhere.

* ``place_automatically(hamlets)``: every unplaced hamlet of ``hamlets`` whose
  earlier commune has exactly one successor, in a fixed number of queries
  (``bulk_update_with_history``, one history row per hamlet).
* ``candidates_for(rows)``: the candidate communes of many hamlets at once
  (their earlier commune's successors; every commune of the 2025 province for
  an earlier commune absent from the table), in at most two queries.
* ``place(hamlet, commune_id, ...)``: one person's placement, checked against
  the candidates, versioned, recorded in the hamlet's history with its author.
* ``hand_placeable()`` and ``claimable_by()``: which hamlets provincial staff may
  re-place and which unplaced hamlets a commune Party committee may claim.
* ``write_placements(path, hamlets)``: the ``Placements`` sheet of
  ``workbooks.md`` for the unplaced hamlets, to fill in and import back.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from simple_history.utils import bulk_update_with_history

from cadre_tracker.generic import save_versioned
from cadre_tracker.spreadsheets import xlsx_row

from .models import Commune, CommuneSuccession, Hamlet

AUTOMATIC_REASON = "placed by place_hamlets"
BATCH = 500

# The Placements sheet (workbooks.md): headers exactly as the import reads them.
PLACEMENTS_SHEET = "Placements"
PLACEMENTS_HEADERS = ("Province", "Former district", "Former commune", "Former commune code", "Hamlet", "Commune",
                      "Candidates")


@dataclass(frozen=True, slots=True)
class Choice:
    """A candidate commune of the 2025 list."""

    id: int
    code: int
    name: str


def single_successor_communes() -> QuerySet:
    """Earlier communes the conversion table maps to exactly one new commune (as a subquery)."""
    return (CommuneSuccession.objects.order_by().values("old_id").annotate(n=Count("id")).filter(n=1)
            .values("old_id"))


def place_automatically(hamlets: QuerySet[Hamlet], reason: str = AUTOMATIC_REASON) -> list[Hamlet]:
    """Place every unplaced hamlet of ``hamlets`` whose earlier commune maps to exactly one new
    commune; idempotent. Four queries whatever the number of hamlets (more only past ``BATCH``)."""
    todo = hamlets.unplaced().filter(commune_id__in=Subquery(single_successor_communes()))
    with transaction.atomic():
        placed = list(todo.order_by("pk").select_for_update())
        if not placed:
            return []
        successor = {old: (new, province) for old, new, province in CommuneSuccession.objects.filter(
            old_id__in=Subquery(todo.values("commune_id"))).values_list("old_id", "new_id", "new__province_id")}
        now = timezone.now()
        for hamlet in placed:
            hamlet.new_commune_id, hamlet.province_id = successor[hamlet.commune_id]
            hamlet.version += 1  # an edit form opened before must not put the hamlet back
            hamlet.updated_at = now
        bulk_update_with_history(placed, Hamlet, ["new_commune", "province", "version", "updated_at"],
                                 batch_size=BATCH, default_change_reason=reason)
    return placed


def candidates_for(rows: Iterable[tuple[int, int]]) -> dict[int, list[Choice]]:
    """Earlier commune id → the 2025 communes its hamlets may be placed in, for
    ``(earlier commune id, 2025 province id)`` pairs: the commune's successors, or every
    commune of the province for an earlier commune absent from the conversion table."""
    province_of = dict(rows)
    found: dict[int, list[Choice]] = defaultdict(list)
    lines = CommuneSuccession.objects.filter(old_id__in=list(province_of)).order_by("new__code").values_list(
        "old_id", "new_id", "new__code", "new__name")
    for old, pk, code, name in lines:
        found[old].append(Choice(pk, code, name))
    absent = {old: province for old, province in province_of.items() if old not in found}
    if absent:
        everywhere: dict[int, list[Choice]] = defaultdict(list)
        communes = Commune.objects.new().filter(province_id__in=set(absent.values())).order_by("code")
        for pk, code, name, province in communes.values_list("pk", "code", "name", "province_id"):
            everywhere[province].append(Choice(pk, code, name))
        for old, province in absent.items():
            found[old] = everywhere[province]
    return dict(found)


class PlacementRefused(Exception):
    """The commune is not one the hamlet may be placed in."""


def place(hamlet: Hamlet, commune_id: int, version: int, user: Any, reason: str) -> None:
    """Place (or re-place) ``hamlet`` in the 2025 commune ``commune_id``, one of its candidates,
    if nobody changed the hamlet since ``version``; the history row names ``user``.
    Raises ``PlacementRefused`` or ``cadre_tracker.generic.VersionConflict``."""
    if not hamlet.commune_id:
        raise PlacementRefused
    candidates = candidates_for([(hamlet.commune_id, hamlet.province_id)]).get(hamlet.commune_id, [])
    if commune_id not in {c.id for c in candidates}:
        raise PlacementRefused
    hamlet.new_commune_id = commune_id
    hamlet._history_user = user  # type: ignore[attr-defined]
    hamlet._change_reason = reason  # type: ignore[attr-defined]
    save_versioned(hamlet, version)


def hand_placeable(hamlets: QuerySet[Hamlet]) -> QuerySet[Hamlet]:
    """Placed hamlets someone chose the commune of: their earlier commune was split or is absent
    from the conversion table (the others follow the table and cannot move)."""
    return hamlets.placed().filter(commune__isnull=False).exclude(
        commune_id__in=Subquery(single_successor_communes()))


def claimable_by(commune_id: int, province_id: int) -> QuerySet[Hamlet]:
    """The unplaced hamlets a commune Party committee may place into its commune: those whose
    earlier commune went (partly) into it, or is absent from the table, in its province."""
    into_it = CommuneSuccession.objects.filter(old_id=OuterRef("commune_id"), new_id=commune_id)
    anywhere = CommuneSuccession.objects.filter(old_id=OuterRef("commune_id"))
    return Hamlet.objects.unplaced().filter(province_id=province_id, commune__isnull=False).filter(
        Exists(into_it) | ~Exists(anywhere))


def placement_rows(hamlets: QuerySet[Hamlet]) -> Iterable[list[object]]:
    """The ``Placements`` rows of the unplaced ``hamlets`` (header first), in three queries."""
    rows = list(hamlets.unplaced().filter(commune__isnull=False).order_by(
        "province__code", "commune__district__code", "commune__code", "name_sort", "pk").values_list(
        "province__name", "commune__district__name", "commune__name", "commune__code", "name", "commune_id",
        "province_id"))
    candidates = candidates_for({(row[5], row[6]) for row in rows})
    yield list(PLACEMENTS_HEADERS)
    for province, district, commune, code, name, commune_id, _province_id in rows:
        names = "; ".join(c.name for c in candidates.get(commune_id, []))
        yield [province, district or "", commune, code, name, None, names]


def write_placements(target: str | os.PathLike[str] | IO[bytes], hamlets: QuerySet[Hamlet]) -> int:
    """Write the ``Placements`` sheet (formula-safe, write-only) for the unplaced ``hamlets``;
    returns the number of hamlet rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(PLACEMENTS_SHEET)
    sheet.freeze_panes = "A2"
    rows = placement_rows(hamlets)
    sheet.append(xlsx_row(sheet, next(rows), font=Font(bold=True)))
    count = 0
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
        count += 1
    workbook.save(target)
    return count


def unplaced_counts(hamlets: QuerySet[Hamlet]) -> dict[int, tuple[int, str, int]]:
    """2025 province id → (its code, its name, hamlets of ``hamlets`` still unplaced), in one query."""
    rows = hamlets.order_by().values("province_id", "province__code", "province__name").annotate(
        unplaced=Count("pk", filter=Q(new_commune__isnull=True)))
    return {r["province_id"]: (r["province__code"], r["province__name"], r["unplaced"]) for r in rows}
