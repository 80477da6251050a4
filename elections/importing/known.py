"""Hamlets rows read again: a row an import applied cleanly, read again unchanged while its hamlet and
the hamlets it was matched among are as that import left them, changes nothing; it is counted as read
("unchanged" in the preview, named as before) and neither checked again nor compared (issue 11:
re-importing an unchanged workbook of 5,000 rows spent nine tenths of its time checking every cell and
reading the stored state, to find nothing to write).

A row is known by the digest of its cells as calamine gives them (``Known.digest``, in
``Workbook.rows``), keyed by the code of the apps an import runs (``code_digest``: a deployed change of
rules, messages or units makes every digest new), the user's scope and where each column is (an absent
column and a blank cell read differently). After a write, or an import that found nothing to write,
every Hamlets row that found its hamlet with neither a problem nor a warning is recorded (``record``)
with what it must find again to be known:

* its hamlet's ``version`` as the write left it: every write of the hamlet or anything of it (records,
  cell, congresses, elections, admissions...) bumps it (``writer.py``, the web forms, placement);
* its hamlet's latest ``facts`` row id: every save or delete of the hamlet, its records, cell,
  congresses or elections rewrites its facts rows (``elections.facts``), even a write that forgot the
  version;
* ``places``: a digest of every hamlet lying, in either list, in the communes the row's matching looks
  at (``places.row_communes``): their ids, folded names and communes. A hamlet created, renamed, moved
  or deleted there could make the same cells find another hamlet, or none;
* what its change names (``Planner.subject``), in both languages.

Applying a row to the state it produced changes nothing (``test_import_known.py`` compares the result
both ways, with and without the records, on every kind of row). Anything that could make a known row
read otherwise reads it in full: a row twice, two known rows of one hamlet and term, a row read in full
that names a known row's hamlet or another sheet that changes it (then the whole workbook, ``service``).
A record that could not be written (or was not yet made: rows of an import before this one, a hamlet
made among the row's places) costs only the full reading, once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from elections.models import HamletFact, KnownRow
from elections.national_data.writer import copy_value
from hamlets.models import Hamlet
from hamlets.scoping import Scope

from .copying import copy_rows
from .loading import AnyOf
from .messages import Label
from .plan import chunks

Placed = tuple[int, str, int | None, int | None]  # a hamlet's id, folded name, communes of both lists
BATCH = 5000  # rows looked up at once (and recorded at once)
logger = logging.getLogger(__name__)


@functools.cache
def code_digest() -> bytes:
    """The source of the apps an import runs (and the units' package): a deployed change makes every
    recorded row unknown."""
    import elections
    import hamlets

    digest = hashlib.blake2b(digest_size=16)
    for app in (Path(elections.__file__).parent, Path(hamlets.__file__).parent):
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            digest.update(str(path.relative_to(app.parent)).encode())
            digest.update(path.read_bytes())
    digest.update(metadata.version("vietnam-provinces").encode())
    return digest.digest()


class Places:
    """The hamlets lying in some communes (of either list), digested per commune (``commune_digest``: the
    same text and md5 in SQL and in Python) and per set of communes."""

    def __init__(self, communes: dict[int, str]):
        self._one = communes
        self._sets: dict[str, str] = {}

    @classmethod
    def of_hamlets(cls, hamlets: Iterable[Placed]) -> Places:
        """Of these hamlets (every hamlet of the communes asked about among them)."""
        by_commune: dict[int, list[Placed]] = defaultdict(list)
        for hamlet in hamlets:
            for commune in {hamlet[2], hamlet[3]} - {None}:
                by_commune[commune].append(hamlet)  # type: ignore[index]
        return cls({commune: commune_digest(sorted(found)) for commune, found in by_commune.items()})

    @classmethod
    def read(cls, communes: Iterable[int]) -> Places:
        """As stored now: on PostgreSQL each commune's digest worked out by the server (one row per commune)."""
        wanted = sorted(set(communes))
        if connection.vendor != "postgresql":
            found: list[Placed] = []
            for chunk in chunks(wanted):
                query = Hamlet.objects.filter(Q(commune_id__in=chunk) | Q(new_commune_id__in=chunk)).order_by()
                found.extend(query.values_list("pk", "name_key", "commune_id", "new_commune_id"))
            return cls.of_hamlets(found)
        with connection.cursor() as cursor:
            cursor.execute(PLACES_SQL, [wanted])
            return cls(dict(cursor.fetchall()))

    def of(self, communes: str) -> str:
        """``communes``: their ids as ``text_of`` writes them."""
        if (digest := self._sets.get(communes)) is None:
            parts = ",".join(self._one.get(commune, "") for commune in ids_of(communes))
            digest = self._sets[communes] = hashlib.md5(parts.encode(), usedforsecurity=False).hexdigest()
        return digest


def commune_digest(hamlets: list[Placed]) -> str:
    """The md5 of ``id:name_key:commune:new_commune`` of each hamlet, by id, joined by ";" (``PLACES_SQL``)."""
    text = ";".join(f"{pk}:{key}:{'' if old is None else old}:{'' if new is None else new}"
                    for pk, key, old, new in hamlets)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


PLACES_SQL = f"""
SELECT c.id, md5(string_agg(h.id || ':' || h.name_key || ':' || coalesce(h.commune_id::text, '') || ':'
                            || coalesce(h.new_commune_id::text, ''), ';' ORDER BY h.id))
FROM unnest(%s::integer[]) AS c(id)
JOIN {Hamlet._meta.db_table} h ON h.commune_id = c.id OR h.new_commune_id = c.id
GROUP BY c.id
"""


def text_of(communes: Iterable[int]) -> str:
    return ",".join(map(str, sorted(set(communes))))


def ids_of(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


class Known:
    """The rows of one Hamlets sheet as ``Workbook.rows`` reads them, in batches: each row's digest and
    those known unchanged (row number -> (hamlet, term)).

    A row's digest is that of the cells of the sheet's columns as calamine gives them, with the marks of
    the sheet's XML (``workbook._Marks``): the same digest, the same ``RawRow``. Keyed by the code of the
    apps (``code_digest``), the user's scope and where each field's column is."""

    def __init__(self, scope: Scope | None = None, columns: dict[str, int] | None = None,
                 recorded: list[tuple[int, str]] | None = None):
        self._keyed_by = (repr(scope), sorted((columns or {}).items()))
        self.recorded = recorded  # the digests of the rows holding a value, where the same file was read before
        self.numbers: list[int] = []  # the rows holding a value, as they are read
        self.digests: dict[int, str] = {}
        self.rows: dict[int, tuple[int, int]] = {}
        self.subjects: dict[int, Label] = {}
        self.clash = False  # a row twice, or two known rows of one hamlet and term: read every row in full
        self._seen: set[str] = set()
        self._found: set[tuple[int, int]] = set()

    @property
    def hamlets(self) -> set[int]:
        return {hamlet for hamlet, _term in self.rows.values()}

    @functools.cached_property
    def key(self) -> bytes:
        """Worked out at the first digest: an import's ``Reading`` starts with an empty ``Known``."""
        return hashlib.blake2b(repr((code_digest(), *self._keyed_by)).encode(), digest_size=16).digest()

    def digest(self, cells: list[Any], marks: dict[int, str]) -> str:
        data = pickle.dumps((cells, marks) if marks else cells, protocol=5)
        return hashlib.blake2b(data, digest_size=16, key=self.key).hexdigest()

    def find(self, batch: list[tuple[int, str]]) -> set[int]:
        """Note the batch's digests (row number, digest); the numbers of its rows known unchanged (two
        queries: the recorded rows, the hamlets of their communes)."""
        wanted = []
        for number, digest in batch:
            self.digests[number] = digest
            if digest in self._seen:
                self.clash = True
            else:
                self._seen.add(digest)
                wanted.append(digest)
        recorded = list(_recorded(wanted))
        if not recorded:
            return set()
        places = Places.read({commune for found in recorded for commune in ids_of(found[4])})
        found = {digest: ((hamlet, term), Label(vi, en)) for digest, hamlet, term, stored, communes, vi, en
                 in recorded if places.of(communes) == stored}
        numbers = set()
        for number, digest in batch:
            if (hit := found.get(digest)) is not None:
                if hit[0] in self._found:
                    self.clash = True
                self._found.add(hit[0])
                self.rows[number], self.subjects[number] = hit
                numbers.add(number)
        return numbers

    def find_all(self, rows: list[tuple[int, str]]) -> set[int]:
        """``find`` for rows whose digests are known already, ``BATCH`` at a time."""
        return {number for start in range(0, len(rows), BATCH) for number in self.find(rows[start:start + BATCH])}


def _recorded(digests: list[str]) -> list[tuple[str, int, int, str, str, str, str]]:
    """The recorded rows among ``digests`` whose hamlet is still at the version recorded and whose facts rows
    are still those recorded (on PostgreSQL the digests as one array, each looked up by the index)."""
    if not digests:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(RECORDED_SQL, [digests])
            return cursor.fetchall()
    current = Exists(Hamlet.objects.filter(pk=OuterRef("hamlet_id"), version=OuterRef("version")))
    facts = Subquery(HamletFact.objects.filter(hamlet_id=OuterRef("hamlet_id")).order_by("-pk").values("pk")[:1])
    return list(KnownRow.objects.filter(digest__in=digests).filter(current, facts=facts).values_list(
        "digest", "hamlet_id", "term_id", "places", "communes", "subject_vi", "subject_en"))


RECORDED_SQL = f"""
SELECT k.digest, k.hamlet_id, k.term_id, k.places, k.communes, k.subject_vi, k.subject_en
FROM unnest(%s::varchar[]) AS d(digest)
JOIN {KnownRow._meta.db_table} k ON k.digest = d.digest
JOIN {Hamlet._meta.db_table} h ON h.id = k.hamlet_id AND h.version = k.version
WHERE k.facts = (SELECT max(f.id) FROM {HamletFact._meta.db_table} f WHERE f.hamlet_id = k.hamlet_id)
"""


@dataclass(frozen=True)
class Applied:
    """A row applied cleanly, to record: its digest, its hamlet (as the plan knows it), term and communes."""

    digest: str
    hamlet: Hamlet
    term_id: int
    version: int
    communes: frozenset[int]
    subject: Label


def record(applied: list[Applied], hamlets: Iterable[Hamlet]) -> None:
    """Record the rows (replacing what their digests recorded before); ``hamlets``: every hamlet the plan
    read or made, as the write left them (every hamlet of the rows' communes among them)."""
    if not applied:
        return
    places = Places.of_hamlets((h.pk, h.name_key, h.commune_id, h.new_commune_id) for h in hamlets if h.pk is not None)
    facts = _latest_facts({a.hamlet.pk for a in applied})
    now = timezone.now()
    rows = []
    for a in applied:
        if (latest := facts.get(a.hamlet.pk)) is None:  # no facts row yet: nothing to tell a later write by
            continue
        communes = text_of(a.communes)
        rows.append((a.digest, a.hamlet.pk, a.term_id, a.version, latest, places.of(communes), communes,
                     a.subject.vi, a.subject.en, now))
    try:
        with transaction.atomic():  # a savepoint within a caller's transaction
            _replace(rows, sorted({a.hamlet.pk for a in applied}))
    except DatabaseError:  # what was written stays written; the rows are read in full next time
        logger.warning("could not record the rows of an import as known", exc_info=True)


COLUMNS = ["digest", "hamlet_id", "term_id", "version", "facts", "places", "communes", "subject_vi", "subject_en",
           "recorded_at"]


def _replace(rows: list[tuple[Any, ...]], hamlets: list[int]) -> None:
    """What these hamlets' rows were recorded as before (other cells, older versions: never found again) and
    the digests recorded for another hamlet make way for ``rows``: on PostgreSQL one ``DELETE`` and one
    ``COPY`` (Django's ``bulk_create`` of 5,000 rows took ~600 ms, a tenth of a first import)."""
    digests = [row[0] for row in rows]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {KnownRow._meta.db_table} WHERE hamlet_id = ANY(%s) OR digest = ANY(%s)",
                           [hamlets, digests])
        stamp = copy_value(rows[0][-1]) if rows else ""
        # digests, ids and the communes' list need no escaping: only the subjects go through ``copy_value``
        copy_rows(KnownRow._meta.db_table, COLUMNS, [
            [digest, str(hamlet), str(term), str(version), str(facts), places, communes, copy_value(vi),
             copy_value(en), stamp] for digest, hamlet, term, version, facts, places, communes, vi, en, _now in rows])
        return
    for chunk in chunks(hamlets):
        KnownRow.objects.filter(hamlet_id__in=chunk).delete()
    for start in range(0, len(digests), BATCH):
        KnownRow.objects.filter(digest__in=digests[start:start + BATCH]).delete()
    KnownRow.objects.bulk_create([KnownRow(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
                                 batch_size=BATCH)


def _latest_facts(hamlets: set[int]) -> dict[int, int]:
    """Each hamlet's latest facts row id (one query on PostgreSQL, the ids as one array)."""
    latest: dict[int, int] = {}
    batches = [sorted(hamlets)] if connection.vendor == "postgresql" else list(chunks(hamlets))
    for batch in batches:
        match = AnyOf(F("hamlet_id"), batch) if connection.vendor == "postgresql" else Q(hamlet_id__in=batch)
        query = HamletFact.objects.filter(match).order_by().values("hamlet_id")
        latest.update(query.annotate(latest=Max("pk")).values_list("hamlet_id", "latest"))
    return latest
