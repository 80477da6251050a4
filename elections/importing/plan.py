"""What the checked rows change in the database, worked out before writing.

The hamlets of the communes (of either list) the workbook touches are
loaded in a few queries (chunks of ``CHUNK`` ids), with their records,
cells, congresses and elections, then every row is applied to them in
memory: each model's ``Tracker`` knows which objects are new, which changed
(only those are saved, so importing the same workbook again writes nothing
and records no history) and which go. Each stored hamlet's ``version`` is
kept as read (``Plan.read``, read before its children); ``Plan.versions()``
gives it for the hamlets the plan touches, which the writer checks.

The rules, from ``workbooks.md`` ("Import rules"):

* a hamlet is found as ``matching.py`` says (either list), created
  otherwise (its name as first entered); Kind, Special area, Project 01,
  Party members and Party cell are the row's term's record, and the
  hamlet's own copy follows its latest term's record; a row of a term the
  hamlet has no record of, with the values of the record in force (the
  latest earlier term's), records nothing: the term's figures already read
  those values, so a workbook downloaded pre-filled (``prefill.py``) and
  imported unchanged changes nothing;
* the same hamlet and term twice is wrong (rule 9), whichever list the rows
  name it in; a hamlet outside the user's scope (as the row leaves it) too;
* Party cell yes: the cell exists and is active; no: an existing cell is made
  inactive (never deleted) and its congresses are left as they are;
* congress of the row's term (cell yes only): a date or a name given sets
  date, Secretary and Deputy secretary as given (a blank date is stored
  blank: not held yet); date and both names blank delete it;
* chief election of the row's term: after the import the row's election is
  the term's latest. Blank date: the term's elections are deleted. An
  election stored on the same date is corrected in place; a later date than
  every stored one adds a new election (a by-election) and keeps the earlier
  ones; an earlier date than the latest stored one corrects that latest
  election (moved to the row's date) and deletes any other stored after the
  row's date, with a warning for each deleted one; elections before the
  row's date are always kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

from django.db.models import Q
from django.utils import translation

from elections.models import ChiefElection, Congress, HamletTerm, PartyRole, Term
from hamlets import text
from hamlets.models import Hamlet, PartyCell
from hamlets.scoping import Scope

from . import messages as msg
from .loading import Among, fresh, stored
from .matching import HamletIndex, HamletKey, Match
from .messages import Label, both
from .places import Place
from .result import Change, Problem, Summary
from .rows import HamletNaming, HamletRow, SheetCheck
from .rules import profile_differs, same_profile
from .template import (
    ADMISSION_TARGETS,
    ADMISSIONS,
    AREA_OFFICIALS,
    CHIEF_EVALUATIONS,
    CHIEF_PLANS,
    CHIEF_PROFILE,
    HAMLETS,
    SECRETARY_PROFILE,
    TARGETS,
    SheetSpec,
)
from .units import Units

CHUNK = 2000
TERM = HamletTerm._meta.get_field("term")
Years = tuple[int, int]
HAMLET_FIELDS = ("kind", "special_area", "project01", "party_members", "commune_id", "new_commune_id", "province_id")
CHIEF_FIELDS = tuple(c.field for c in CHIEF_PROFILE)
SECRETARY_FIELDS = tuple(c.field for c in SECRETARY_PROFILE)


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def labels(spec: SheetSpec, *names: str, **columns: str) -> dict[str, Label]:
    """Model field -> the label of the template column it is read from: ``names`` are fields named
    like their column, ``columns`` maps the others (``held_on="congress_held_on"``)."""
    return {**{name: spec.label(name) for name in names},
            **{name: spec.label(column) for name, column in columns.items()}}


# The labels of the fields each tracker's rows set, for the preview's details.
HAMLET_LABELS = labels(HAMLETS, "kind", "special_area", "project01", "party_members")
RECORD_LABELS = labels(HAMLETS, "kind", "special_area", "project01", "party_members", "party_cell")
CONGRESS_LABELS = labels(HAMLETS, "secretary", "deputy_secretary", *SECRETARY_FIELDS, held_on="congress_held_on")
ELECTION_LABELS = labels(HAMLETS, "chief", "chief_member_since", "chief_party_role", *CHIEF_FIELDS,
                         held_on="chief_elected_on")
PLAN_LABELS = labels(CHIEF_PLANS, "mentor", "started_on", "course_on", "application_on")
EVALUATION_LABELS = labels(CHIEF_EVALUATIONS, "rating")
OFFICIAL_LABELS = labels(AREA_OFFICIALS, "position", "phone")
MEMBER_LABELS = labels(ADMISSIONS, "gender", "ethnicity", "admitted_on", "sitting_chief")
TARGET_LABELS = labels(TARGETS, "percent")
ADMISSION_TARGET_LABELS = labels(ADMISSION_TARGETS, "target")


def words(obj: Any, name: str, value: Any) -> Label:
    """A field's value in both languages: a choice by its label (``Nam`` / ``Male``)."""
    choices = dict(obj._meta.get_field(name).flatchoices)
    if value not in (None, "") and value in choices:
        with translation.override(None):
            vi = str(choices[value])
        with translation.override("en"):
            en = str(choices[value])
        return Label(vi, en)
    return msg.words(value)


class Tracker:
    """The objects of one model the import creates, changes or deletes."""

    def __init__(self, *fields: str):
        self.fields = fields
        self._get = attrgetter(*fields) if len(fields) > 1 else lambda obj: (getattr(obj, fields[0]),)
        self._before: dict[int, tuple[Any, ...]] = {}
        self.loaded: list[Any] = []
        self.created: list[Any] = []
        self._deleted: dict[int, Any] = {}
        self._settled: list[Any] | None = None

    def _values(self, obj: Any) -> tuple[Any, ...]:
        return self._get(obj)

    def load(self, obj: Any) -> Any:
        assert self._settled is None, "the plan is settled"
        self._before[id(obj)] = self._values(obj)
        self.loaded.append(obj)
        return obj

    def create(self, obj: Any) -> Any:
        assert self._settled is None, "the plan is settled"
        self.created.append(obj)
        return obj

    def delete(self, obj: Any) -> None:
        assert self._settled is None, "the plan is settled"
        self._deleted[id(obj)] = obj

    def is_deleted(self, obj: Any) -> bool:
        return id(obj) in self._deleted

    @property
    def deleted(self) -> list[Any]:
        return list(self._deleted.values())

    def updated(self) -> list[Any]:
        if self._settled is not None:
            return list(self._settled)
        return self._compare()

    def _compare(self) -> list[Any]:
        return [o for o in self.loaded if id(o) not in self._deleted and self._values(o) != self._before[id(o)]]

    def settle(self) -> None:
        """The plan is made: ``updated`` is worked out once from here on. The summary, the versions and the
        writer asked for it some six times, each comparing every object read (~25,000 at 100,000 hamlets,
        ~75 ms in all); the writer changes only what it writes (versions, times, derived fields)."""
        self._settled = self._compare()

    def before(self, obj: Any) -> tuple[Any, ...]:
        """The tracked fields of a loaded object as they were read."""
        return self._before[id(obj)]

    def changed(self) -> list[Any]:
        """Every object created, updated or deleted."""
        return [*self.created, *self.updated(), *self.deleted]

    @staticmethod
    def assign(obj: Any, values: dict[str, Any], labels: Mapping[str, Label]) -> list[str]:
        """Set ``values`` on ``obj``; the changes as ``"Số đảng viên: 12 → 3"`` (in the active language),
        each field named by its label in ``labels``."""
        details = []
        for name, value in values.items():
            old = getattr(obj, name)
            if old != value:
                details.append(msg.changed(labels[name], words(obj, name, old), words(obj, name, value)))
                setattr(obj, name, value)
        return details


@dataclass
class Plan:
    terms: dict[Years, Term]
    hamlets: Tracker = field(default_factory=lambda: Tracker(*HAMLET_FIELDS))
    records: Tracker = field(default_factory=lambda: Tracker(*HamletTerm.FIELDS))
    cells: Tracker = field(default_factory=lambda: Tracker("active"))
    congresses: Tracker = field(default_factory=lambda: Tracker(
        "held_on", "secretary", "deputy_secretary", *SECRETARY_FIELDS))
    elections: Tracker = field(default_factory=lambda: Tracker(
        "held_on", "chief", "chief_member_since", "chief_party_role", *CHIEF_FIELDS))
    members: Tracker = field(default_factory=lambda: Tracker(
        "gender", "ethnicity", "admitted_on", "sitting_chief"))
    targets: Tracker = field(default_factory=lambda: Tracker("percent"))
    admission_targets: Tracker = field(default_factory=lambda: Tracker("target"))
    chief_plans: Tracker = field(default_factory=lambda: Tracker(*PLAN_LABELS))
    evaluations: Tracker = field(default_factory=lambda: Tracker(*EVALUATION_LABELS))
    officials: Tracker = field(default_factory=lambda: Tracker(*OFFICIAL_LABELS))
    official_areas: Tracker = field(default_factory=lambda: Tracker("official_id", "district_id", "commune_id"))
    changes: list[Change] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # warnings about what the write itself changes: once written, the same row gives none (``known.py``)
    passing: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read: dict[int, int] = field(default_factory=dict)  # stored hamlet pk -> its version when loaded

    def trackers(self) -> list[Tracker]:
        return [value for value in vars(self).values() if isinstance(value, Tracker)]

    def settle(self) -> None:
        """Every row is applied: each tracker's changes are worked out once (``Tracker.settle``)."""
        for tracker in self.trackers():
            tracker.settle()

    def touched(self) -> set[int]:
        """The stored hamlets whose own fields change, or whose records, cell, congresses, chief elections,
        admissions, chiefs' plans or evaluations are created, changed or deleted: the units of conflict
        (``writer.py``)."""
        ids = {h.pk for h in self.hamlets.updated()}
        for tracker in (self.records, self.cells, self.elections, self.members, self.chief_plans, self.evaluations):
            ids.update(o.hamlet_id for o in tracker.changed())
        ids.update(self.congress_hamlets())
        ids.discard(None)  # a child of a hamlet the import creates
        return ids

    def congress_hamlets(self) -> Iterator[int | None]:
        """The hamlet of each congress created, changed or deleted: its cell's, as read or made by the plan
        (None: a hamlet not written yet). A congress of a cell the plan creates holds the cell itself."""
        cells = {c.pk: c.hamlet_id for c in (*self.cells.loaded, *self.cells.created) if c.pk is not None}
        for congress in self.congresses.changed():
            yield cells[congress.cell_id] if congress.cell_id in cells else congress.cell.hamlet_id

    def versions(self) -> dict[int, int]:
        """Each touched stored hamlet's version as it was read (what the writer checks)."""
        return {pk: self.read[pk] for pk in sorted(self.touched())}

    def summary(self, rows: dict[str, int]) -> Summary:
        s = Summary(rows=dict(rows))
        for name, tracker in (("hamlets", self.hamlets), ("records", self.records), ("cells", self.cells),
                              ("congresses", self.congresses),
                              ("elections", self.elections), ("admissions", self.members),
                              ("targets", self.targets), ("admission_targets", self.admission_targets),
                              ("chief_plans", self.chief_plans), ("evaluations", self.evaluations),
                              ("officials", self.officials), ("official_areas", self.official_areas)):
            setattr(s, f"{name}_created", len(tracker.created))
            if hasattr(s, f"{name}_updated"):
                setattr(s, f"{name}_updated", len(tracker.updated()))
            if hasattr(s, f"{name}_deleted"):
                setattr(s, f"{name}_deleted", len(tracker.deleted))
        return s


def load_terms(years: Iterable[Years]) -> dict[Years, Term]:
    """The stored terms, and an unsaved one for each term not stored yet."""
    terms = {(t.start_year, t.end_year): t for t in Term.objects.all()}
    for start, end in set(years) - set(terms):
        terms[(start, end)] = Term(start_year=start, end_year=end)
    return terms


class Planner:
    """Applies the checked rows of every sheet to the stored objects."""

    def __init__(self, checks: dict[str, SheetCheck], terms: dict[Years, Term], units: Units | None = None,
                 scope: Scope | None = None):
        self.checks = checks
        self.plan = Plan(terms)
        self.units = units or Units()
        self.scope = scope or Scope(everything=True)
        self.index = HamletIndex(self.units, self.plan.hamlets)
        self.records: dict[tuple[HamletKey, Years], HamletTerm] = {}
        self.latest: dict[HamletKey, Years] = {}  # each hamlet's latest term with a record
        self.stored_terms: dict[HamletKey, list[Years]] = defaultdict(list)  # the terms of its stored records
        self.cells: dict[HamletKey, PartyCell] = {}
        self.congresses: dict[tuple[HamletKey, Years], Congress] = {}
        self.elections: dict[tuple[HamletKey, Years], list[ChiefElection]] = defaultdict(list)
        self.seen: dict[tuple[HamletKey, Years], int] = {}  # rule 9 on the hamlets found: first row
        self.failed: set[HamletNaming] = set()  # hamlets named by Hamlets rows with problems
        self._subjects: list[tuple[int, HamletKey, HamletRow]] = []  # 2025-list changes, named at the end

    def _stored_term_ids(self) -> dict[int, Years]:
        return {t.pk: y for y, t in self.plan.terms.items() if t.pk is not None}

    def load(self, commune_ids: set[int]) -> None:
        """The hamlets lying in these communes (of either list), with their records, cells, and congresses
        and elections of the workbook's terms."""
        terms = self._stored_term_ids()
        by_pk = {t.pk: t for t in self.plan.terms.values() if t.pk is not None}
        for chunk in chunks(commune_ids):
            hamlets = Hamlet.objects.filter(Q(commune_id__in=chunk) | Q(new_commune_id__in=chunk))
            # read before their children: a later change shows as a new version
            found = []
            for hamlet in stored(hamlets.order_by()):
                found.append(hamlet.pk)
                if self.index.add_stored(hamlet):
                    self.plan.read[hamlet.pk] = hamlet.version
            ids = Among(hamlets.values("pk"), found)
            for record in stored(HamletTerm.objects.filter(ids.of("hamlet_id"))):
                term = by_pk[record.term_id]
                TERM.set_cached_value(record, term)  # as select_related("term") would
                years = (term.start_year, term.end_year)
                if (record.hamlet_id, years) not in self.records:
                    self.records[(record.hamlet_id, years)] = self.plan.records.load(record)
                    self.stored_terms[record.hamlet_id].append(years)
                    self.latest[record.hamlet_id] = max(self.latest.get(record.hamlet_id, years), years)
            cells = PartyCell.objects.filter(ids.of("hamlet_id"))
            found_cells = []
            for cell in stored(cells):
                found_cells.append(cell.pk)
                if cell.hamlet_id not in self.cells:
                    self.cells[cell.hamlet_id] = self.plan.cells.load(cell)
            cell_hamlets = {c.pk: k for k, c in self.cells.items()}
            # by the cells' own ids: through the hamlets PostgreSQL read the whole table (50 ms at 100,000)
            of_cells = Among(cells.values("pk"), found_cells).of("cell_id")
            for congress in stored(Congress.objects.filter(of_cells, term_id__in=list(terms))):
                key = (cell_hamlets[congress.cell_id], terms[congress.term_id])
                if key not in self.congresses:
                    self.congresses[key] = self.plan.congresses.load(congress)
            loaded = {e.pk for es in self.elections.values() for e in es}
            elections = ChiefElection.objects.filter(ids.of("hamlet_id"), term_id__in=list(terms))
            for election in stored(elections.order_by("held_on")):
                if election.pk not in loaded:
                    self.elections[(election.hamlet_id, terms[election.term_id])].append(
                        self.plan.elections.load(election))

    # --- finding the hamlet -------------------------------------------------

    def match(self, place: Place, name: str, key: str, *, create: bool = True) -> Match:
        assert place.commune is not None
        if place.new:
            return self.index.new(place.commune, place.former, name, key, create=create)
        return self.index.earlier(place.commune, key, create=create)

    def out_of_scope(self, match: Match, name: str) -> str | None:
        """Why the user may not change the hamlet as the row leaves it, or None (``Scope.covers``)."""
        old = self.units.old_commune(match.commune_id) if match.commune_id else None
        province = self.units.hamlet_province(match.commune_id, match.new_commune_id)
        if self.scope.covers(district_id=old.parent_id if old else None, new_commune_id=match.new_commune_id,
                             province_id=province):
            return None
        where = "district" if self.scope.is_district else "commune" if self.scope.is_commune else "province"
        return msg.hamlet_outside(self.hamlet_label(match, name), where)

    def hamlet_label(self, match: Match, name: str) -> Label:
        """A hamlet with where it lies: ``Xóm 1 (Xã Thanh Phong, Huyện Thanh Chương)``."""
        units = []
        if match.commune_id and (old := self.units.old_commune(match.commune_id)):
            units.append(self.units.label(old))
        if match.new_commune_id and (new := self.units.new_commune_unit(match.new_commune_id)):
            units.append(self.units.label(new))
        where_vi = "; ".join(u.vi for u in units) or "chưa xếp xã"
        where_en = "; ".join(u.en for u in units) or "unplaced"
        return Label(f"{name} ({where_vi})", f"{name} ({where_en})")

    # --- Hamlets rows ------------------------------------------------------

    def hamlet_row(self, row: HamletRow) -> None:
        assert row.place.commune is not None
        check = self.checks["Hamlets"]
        term = self.plan.terms[row.term]
        values = {"kind": row.kind, "special_area": row.special_area, "project01": row.project01,
                  "party_members": row.party_members}
        match = self.match(row.place, row.name, row.key)
        problem = match.problem or self.out_of_scope(match, row.name)
        fields = match.fields if match.problem else ("hamlet",)
        if not problem and match.key is not None and (first := self.seen.get((match.key, row.term))):
            problem = both(f"Thôn này với nhiệm kỳ {term.name} đã có ở dòng {first}",
                           f"This hamlet and term {term.name} already appears in row {first}")
        if problem:
            self.plan.problems.append(check.at(fields, row.row, problem))
            self.failed.add(row.naming)
            return
        created = match.creates
        before = None if created else self.index.objects[match.key]  # type: ignore[index]
        placed = before is not None and before.new_commune_id is None and match.new_commune_id is not None
        adopted = before is not None and before.commune_id is None and match.commune_id is not None
        key = self.index.apply(match, row.name, values)
        self.seen[(key, row.term)] = row.row
        hamlet = self.index.objects[key]
        latest = self.latest.get(key) is None or row.term >= self.latest[key]
        details = [msg.HAMLET_CREATED] if created else []
        if placed:
            details.append(msg.placed_in(self.units.label(self.units.new_commune_unit(match.new_commune_id))))
        if adopted:
            details.append(msg.adopted(self.units.label(self.units.old_commune(match.commune_id))))
        if not created and latest:  # the hamlet's own fields are its latest term's values
            Tracker.assign(hamlet, values, HAMLET_LABELS)
        if latest:
            self.latest[key] = row.term
        details += self._record(key, hamlet, term, row, {**values, "party_cell": row.party_cell})
        details += self._cell(key, hamlet, row, latest)
        election_details, election = self._election(key, hamlet, term, row)
        if row.party_cell:
            details += self._congress(key, term, row, election)
        details += election_details
        action = "create" if created else "update" if details else "unchanged"
        subject = str(self.subject(key, row)) if row.place.district else ""
        if not subject:
            self._subjects.append((len(self.plan.changes), key, row))
        self.plan.changes.append(Change(check.columns.sheet, row.row, subject, action, tuple(details)))

    def finish(self) -> None:
        """Name the hamlets of 2025-list rows now that every namesake is known (``Xóm 1 (Thanh Lâm cũ)``)."""
        for position, key, row in self._subjects:
            self.plan.changes[position] = replace(self.plan.changes[position],
                                                  subject=str(self.subject(key, row)))

    def subject(self, key: HamletKey, row: HamletRow) -> Label:
        """What a Hamlets row's change names: the row's hamlet, commune and district (earlier list), or the
        hamlet as the 2025 commune tells it from its namesakes, with the commune; and the term."""
        assert row.place.commune is not None
        term = self.plan.terms[row.term].name
        if row.place.district:
            named = f"{row.name}, {row.place.commune.name}, {row.place.district.name} ({term})"
            return Label(named, named)
        hamlet, where = self.index.display(key), self.units.label(row.place.commune)
        return Label(f"{hamlet.vi}, {where.vi} ({term})", f"{hamlet.en}, {where.en} ({term})")

    def _record(self, key: HamletKey, hamlet: Hamlet, term: Term, row: HamletRow,
                values: dict[str, Any]) -> list[str]:
        """What describes the hamlet in the row's term (a later term never rewrites an earlier one)."""
        record = self.records.get((key, row.term))
        if record is None:
            if self._in_force(key, row.term, values):
                return []
            self.records[(key, row.term)] = self.plan.records.create(
                fresh(HamletTerm, hamlet=hamlet, term=term, **values))
            return []
        return Tracker.assign(record, values, RECORD_LABELS)

    def _in_force(self, key: HamletKey, years: Years, values: dict[str, Any]) -> bool:
        """Whether the hamlet's record in force for a term it has no record of (its latest earlier term's)
        already holds ``values``."""
        earlier = [y for y in self.stored_terms.get(key, ()) if y[0] <= years[0] and y != years]
        if not earlier:
            return False
        record = self.records[(key, max(earlier))]
        return all(getattr(record, f) == v for f, v in values.items())

    def _cell(self, key: HamletKey, hamlet: Hamlet, row: HamletRow, latest: bool) -> list[str]:
        """The hamlet's cell holds its congresses; its active flag follows the latest term's record."""
        cell = self.cells.get(key)
        if row.party_cell and cell is None:
            self.cells[key] = self.plan.cells.create(fresh(PartyCell, hamlet=hamlet, active=latest))
            return [msg.CELL_CREATED]
        if latest and cell is not None and cell.active != row.party_cell:
            cell.active = row.party_cell
            return [msg.CELL_ACTIVE_AGAIN if row.party_cell else msg.CELL_INACTIVE]
        return []

    def _congress(self, key: HamletKey, term: Term, row: HamletRow, election: ChiefElection | None) -> list[str]:
        congress = self.congresses.get((key, row.term))
        if row.congress_held_on is None and not row.secretary and not row.deputy_secretary:
            if congress is not None and congress.pk is not None:
                self.plan.congresses.delete(congress)
                return [msg.congress_removed(term.name)]
            return []
        values = {"held_on": row.congress_held_on, "secretary": row.secretary,
                  "deputy_secretary": row.deputy_secretary, **self._secretary_profile(row, election)}
        if congress is None:
            congress = fresh(Congress, cell=self.cells[key], term=term, **values)
            self.congresses[(key, row.term)] = self.plan.congresses.create(congress)
            return [msg.congress_created(term.name, row.congress_held_on)]
        return Tracker.assign(congress, values, CONGRESS_LABELS)

    def _secretary_profile(self, row: HamletRow, election: ChiefElection | None) -> dict[str, Any]:
        """The secretary's profile the row sets: its cells under the headers present (absent: kept as stored).
        Where the chief is the secretary, a given cell must equal the chief's value, and a blank cell takes it;
        so does an absent one where the row sets the chief's (the same person: one value for both)."""
        values = {}
        secretary_role = row.chief_party_role == PartyRole.SECRETARY.value and election is not None
        for chief, secretary in zip(CHIEF_FIELDS, SECRETARY_FIELDS, strict=True):
            present = secretary in row.profile
            given = present and row.profile[secretary] not in (None, "")
            if secretary_role and chief not in row.profile and given and (
                    stored := getattr(election, chief)) not in (None, "") and not same_profile(
                    stored, row.profile[secretary]):
                self.plan.problems.append(self.checks["Hamlets"].at(secretary, row.row, profile_differs(
                    secretary, chief, row.profile[secretary], stored)))
            if given:
                values[secretary] = row.profile[secretary]
            elif secretary_role and (present or chief in row.profile):
                values[secretary] = getattr(election, chief)
            elif present:
                values[secretary] = row.profile[secretary]
        return values

    def _election(self, key: HamletKey, hamlet: Hamlet, term: Term,
                  row: HamletRow) -> tuple[list[str], ChiefElection | None]:
        """What the row does to the term's chief elections, and the row's election (None: blank date)."""
        stored = self.elections.get((key, row.term), [])
        day = row.chief_elected_on
        if day is None:
            for election in stored:
                self.plan.elections.delete(election)
            return [msg.election_removed(e.held_on) for e in stored], None
        same = next((e for e in stored if e.held_on == day), None)
        later = [e for e in stored if e.held_on > day]
        if same is None and later:
            same = later.pop()  # the latest stored election: its date is corrected
        details = []
        for election in later:
            self.plan.elections.delete(election)
            details.append(msg.election_removed(election.held_on))
            removed = self.checks["Hamlets"].at("chief_elected_on", row.row, both(
                f"Cuộc bầu trưởng thôn ngày {msg.day(election.held_on)} ({election.chief}) đã lưu sau ngày bầu của "
                "dòng này nên bị xoá",
                f"The stored chief election of {msg.day(election.held_on)} ({election.chief}) is later than this "
                "row's and is removed"))
            self.plan.warnings.append(removed)
            self.plan.passing.append(removed)
        values = {"held_on": day, "chief": row.chief, "chief_member_since": row.chief_member_since,
                  "chief_party_role": row.chief_party_role,
                  **{name: row.profile[name] for name in CHIEF_FIELDS if name in row.profile}}
        if same is None:
            same = self.plan.elections.create(fresh(ChiefElection, hamlet=hamlet, term=term, **values))
            self.elections[(key, row.term)].append(same)  # the plans' sheet looks for it
            return [*details, msg.election_created(day)], same
        return details + Tracker.assign(same, values, ELECTION_LABELS), same

    def elected(self, key: HamletKey, years: Years, chief_key: str) -> bool:
        """Whether an election of the term (after the Hamlets rows) elected that chief in the hamlet."""
        return any(text.match_key(e.chief) == chief_key for e in self.elections.get((key, years), ())
                   if not self.plan.elections.is_deleted(e))
