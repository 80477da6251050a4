"""A workbook read again: what an import keeps of what it read, and how the next import uses it.

Rows (``known.py``): a Hamlets row applied cleanly is recorded, and the same row read again while all it
depends on is as that import left it is counted "unchanged" without being checked or compared
(``remember``, ``with_known``, ``crossed``).

Sheets (``KnownSheet``): the same file again (the same bytes, the same code, the same user's scope) gives
the same scan, the same columns and the same digest for each row; the Hamlets sheet read in full records
them, by the digest of the whole file (``record_sheet``). Read again, the sheet is neither scanned nor
parsed to know its rows: their digests are looked up as they were recorded (``find_sheet``,
``Workbook.rows``), and only when a row is not known unchanged any more does calamine parse the sheet (its
scan is still not needed: the bytes are those it was made of). A sheet record holds nothing the database
may change since: every row is still asked of ``KnownRow`` (its hamlet's version, facts rows and places).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db import DatabaseError, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from elections.models import KnownSheet
from hamlets.scoping import Scope

from . import known as known_rows
from .places import row_communes
from .result import Change, ImportResult
from .sheetxml import SheetScan
from .workbook import Workbook

if TYPE_CHECKING:
    from .plan import Planner
    from .rows import HamletRow, SheetCheck
    from .units import Units

logger = logging.getLogger(__name__)
KEEP = 20  # files recorded per user's scope and sheet title: older ones are deleted
KEEP_DAYS = 366  # nor kept longer (a deployed change of the code makes them unreachable)


class Reading(Protocol):
    """What ``service.Reading`` holds that reading again uses (the service imports this module)."""

    checks: dict[str, SheetCheck]
    hamlets: list[HamletRow]
    units: Units
    known: known_rows.Known
    sheet: RecordedSheet | None
    sheet_key: SheetKey | None
    hamlets_scan: SheetScan | None


@dataclass(frozen=True)
class SheetKey:
    key: str  # the code, the user's scope, the sheet's title
    file: str  # the file's bytes


@dataclass(frozen=True)
class RecordedSheet:
    columns: dict[str, int]
    scan: SheetScan  # without its member (``Workbook.adopt``)
    rows: list[tuple[int, str]]  # (number, digest) of each row holding a value


def sheet_key(book: Workbook, scope: Scope, title: str) -> SheetKey:
    key = repr((known_rows.code_digest(), repr(scope), title)).encode()
    return SheetKey(hashlib.blake2b(key, digest_size=16).hexdigest(), book.file_digest())


def find_sheet(key: SheetKey) -> RecordedSheet | None:
    """What the last full reading of the same file recorded (one query), or None."""
    found = KnownSheet.objects.filter(key=key.key, file=key.file).first()
    if found is None:
        return None
    rows = []
    for item in found.rows.split(",") if found.rows else []:
        number, _, digest = item.partition(":")
        rows.append((int(number), digest))
    scan = SheetScan("", found.last_row, found.last_column, found.formulas, found.errors, found.refs)
    columns = sorted(((str(name), int(column)) for name, column in found.columns.items()), key=lambda item: item[1])
    return RecordedSheet(dict(columns), scan, rows)  # in the header's order, as ``Workbook.columns`` maps it


def record_sheet(key: SheetKey, columns: dict[str, int], scan: SheetScan, rows: list[tuple[int, str]]) -> None:
    """Record (or record again) the sheet; the scope's oldest records beyond ``KEEP`` go. A failure is logged:
    the file is read in full next time."""
    rows_text = ",".join(f"{number}:{digest}" for number, digest in rows)
    try:
        with transaction.atomic():  # a savepoint within a caller's transaction
            old = timezone.now() - dt.timedelta(days=KEEP_DAYS)
            KnownSheet.objects.filter(Q(key=key.key, file=key.file) | Q(recorded_at__lt=old)).delete()
            KnownSheet.objects.create(key=key.key, file=key.file, columns=columns, last_row=scan.last_row,
                                      last_column=scan.last_column, formulas=scan.formulas, errors=scan.errors,
                                      refs=scan.refs, rows=rows_text)
            scope = KnownSheet.objects.filter(key=key.key)
            kept = scope.order_by("-recorded_at", "-pk").values("pk")[:KEEP]
            scope.exclude(pk__in=Subquery(kept)).delete()
    except DatabaseError:
        logger.warning("could not record the sheet of an import as read", exc_info=True)


def with_known(reading: Reading, changes: list[Change]) -> list[Change]:
    """The plan's changes with an unchanged one for each known Hamlets row, in row order (the Hamlets
    rows are planned first)."""
    if not reading.known.rows:
        return changes
    sheet = reading.checks["Hamlets"].columns.sheet
    count = next((i for i, change in enumerate(changes) if change.sheet != sheet), len(changes))
    known = [Change(sheet, number, str(subject), "unchanged") for number, subject in
             reading.known.subjects.items()]
    return sorted([*changes[:count], *known], key=lambda change: change.row) + changes[count:]


def crossed(reading: Reading, planner: Planner) -> bool:
    """Whether a row read in full names, or another sheet changes, a hamlet of a known row: then every row
    is read in full (a duplicate is found, and rows of one hamlet are applied together), as when a row
    comes twice or two known rows name one hamlet and term (``Known.clash``)."""
    known = reading.known.hamlets
    return any(key in known for key, _years in planner.seen) or not known.isdisjoint(planner.plan.touched())


def remember(reading: Reading, planner: Planner, result: ImportResult) -> None:
    """Record the Hamlets rows applied with neither a problem nor a warning (``known.py``), with their
    hamlets' versions as the write left them; and the sheet, where it was read in full."""
    check = reading.checks.get("Hamlets")
    if check is None or not reading.known.digests:
        return
    # a warning about what the write changes (a chief of two hamlets asked about, a later election removed)
    # does not come again once written: its row is recorded like a row without a warning
    passing = {id(warning) for warning in planner.plan.passing} if result.written else set()
    flagged = {p.row for p in [*result.warnings, *result.problems] if p.sheet == check.columns.sheet
               and id(p) not in passing}
    rows = {row.row: row for row in reading.hamlets}
    plan, created = planner.plan, {id(h) for h in planner.plan.hamlets.created}
    applied = []
    for (key, years), number in planner.seen.items():
        row, digest = rows.get(number), reading.known.digests.get(number)
        hamlet, term = planner.index.objects.get(key), plan.terms[years]
        if row is None or not digest or number in flagged or hamlet is None or hamlet.pk is None or term.pk is None:
            continue
        if id(hamlet) in created:
            version = hamlet.version
        elif result.written and hamlet.pk in result.versions:
            version = result.versions[hamlet.pk] + 1  # the writer's bump
        else:
            version = plan.read[hamlet.pk]
        applied.append(known_rows.Applied(digest, hamlet, term.pk, version, row_communes(row, reading.units),
                                          planner.subject(key, row)))
    known_rows.record(applied, planner.index.objects.values())
    known = reading.known
    if reading.sheet is None and reading.sheet_key is not None and reading.hamlets_scan is not None and all(
            number in known.digests for number in known.numbers):  # every row holding a value, with its digest
        record_sheet(reading.sheet_key, check.columns.columns, reading.hamlets_scan,
                     [(number, known.digests[number]) for number in known.numbers])
