"""What the checked rows change in the database, worked out before writing.

The objects of the communes, districts and provinces the workbook touches
are loaded in a few queries (chunks of ``CHUNK`` ids), then every row is
applied to them in memory: each model's ``Tracker`` knows which objects are
new, which changed (only those are saved, so importing the same workbook
again writes nothing and records no history) and which go.

The rules, from ``workbooks.md`` ("Import rules"):

* a hamlet is found by commune and ``name_key``, created otherwise (its name
  as first entered); Kind, Special area, Project 01 and Party members
  overwrite its current values, the last row wins;
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
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from hamlets.models import Hamlet, PartyCell, PartyMember

from . import messages as msg
from .messages import Label, both
from .result import Change, Problem, Summary
from .rows import AdmissionRow, AdmissionTargetRow, HamletRow, SheetCheck, TargetRow
from .template import ADMISSION_TARGETS, ADMISSIONS, HAMLETS, TARGETS, SheetSpec

CHUNK = 2000
HamletKey = tuple[int, str]  # (commune id, name key)
Years = tuple[int, int]


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
CONGRESS_LABELS = labels(HAMLETS, "secretary", "deputy_secretary", held_on="congress_held_on")
ELECTION_LABELS = labels(HAMLETS, "chief", "chief_member_since", "chief_party_role", held_on="chief_elected_on")
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
        self._before: dict[int, tuple[Any, ...]] = {}
        self.loaded: list[Any] = []
        self.created: list[Any] = []
        self._deleted: dict[int, Any] = {}

    def _values(self, obj: Any) -> tuple[Any, ...]:
        return tuple(getattr(obj, f) for f in self.fields)

    def load(self, obj: Any) -> Any:
        self._before[id(obj)] = self._values(obj)
        self.loaded.append(obj)
        return obj

    def create(self, obj: Any) -> Any:
        self.created.append(obj)
        return obj

    def delete(self, obj: Any) -> None:
        self._deleted[id(obj)] = obj

    @property
    def deleted(self) -> list[Any]:
        return list(self._deleted.values())

    def updated(self) -> list[Any]:
        return [o for o in self.loaded if id(o) not in self._deleted and self._values(o) != self._before[id(o)]]

    @staticmethod
    def assign(obj: Any, values: dict[str, Any], labels: Mapping[str, Label]) -> list[str]:
        """Set ``values`` on ``obj``; the changes as ``"Số đảng viên / Party members: 12 → 3"``,
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
    hamlets: Tracker = field(default_factory=lambda: Tracker("kind", "special_area", "project01", "party_members"))
    records: Tracker = field(default_factory=lambda: Tracker(*HamletTerm.FIELDS))
    cells: Tracker = field(default_factory=lambda: Tracker("active"))
    congresses: Tracker = field(default_factory=lambda: Tracker("held_on", "secretary", "deputy_secretary"))
    elections: Tracker = field(default_factory=lambda: Tracker(
        "held_on", "chief", "chief_member_since", "chief_party_role"))
    members: Tracker = field(default_factory=lambda: Tracker(
        "gender", "ethnicity", "admitted_on", "sitting_chief"))
    targets: Tracker = field(default_factory=lambda: Tracker("percent"))
    admission_targets: Tracker = field(default_factory=lambda: Tracker("target"))
    changes: list[Change] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self, rows: dict[str, int]) -> Summary:
        s = Summary(rows=dict(rows))
        for name, tracker in (("hamlets", self.hamlets), ("records", self.records), ("cells", self.cells),
                              ("congresses", self.congresses),
                              ("elections", self.elections), ("admissions", self.members),
                              ("targets", self.targets), ("admission_targets", self.admission_targets)):
            setattr(s, f"{name}_created", len(tracker.created))
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

    def __init__(self, checks: dict[str, SheetCheck], terms: dict[Years, Term]):
        self.checks = checks
        self.plan = Plan(terms)
        self.hamlets: dict[HamletKey, Hamlet] = {}
        self.records: dict[tuple[HamletKey, Years], HamletTerm] = {}
        self.latest: dict[HamletKey, Years] = {}  # each hamlet's latest term with a record
        self.cells: dict[HamletKey, PartyCell] = {}
        self.congresses: dict[tuple[HamletKey, Years], Congress] = {}
        self.elections: dict[tuple[HamletKey, Years], list[ChiefElection]] = defaultdict(list)

    def _stored_term_ids(self) -> dict[int, Years]:
        return {t.pk: y for y, t in self.plan.terms.items() if t.pk is not None}

    def load(self, commune_ids: set[int]) -> None:
        """The hamlets of these communes, with their cells, congresses and elections of the workbook's terms."""
        terms = self._stored_term_ids()
        by_id: dict[int, HamletKey] = {}
        for chunk in chunks(commune_ids):
            for hamlet in Hamlet.objects.filter(commune_id__in=chunk).order_by():
                key = (hamlet.commune_id, hamlet.name_key)
                self.hamlets[key] = self.plan.hamlets.load(hamlet)
                by_id[hamlet.pk] = key
            for record in HamletTerm.objects.filter(hamlet__commune_id__in=chunk).select_related("term"):
                key, years = by_id[record.hamlet_id], (record.term.start_year, record.term.end_year)
                self.records[(key, years)] = self.plan.records.load(record)
                self.latest[key] = max(self.latest.get(key, years), years)
            for cell in PartyCell.objects.filter(hamlet__commune_id__in=chunk):
                self.cells[by_id[cell.hamlet_id]] = self.plan.cells.load(cell)
            cell_hamlets = {c.pk: k for k, c in self.cells.items()}
            for congress in Congress.objects.filter(cell__hamlet__commune_id__in=chunk, term_id__in=list(terms)):
                self.congresses[(cell_hamlets[congress.cell_id], terms[congress.term_id])] = \
                    self.plan.congresses.load(congress)
            for election in ChiefElection.objects.filter(hamlet__commune_id__in=chunk,
                                                         term_id__in=list(terms)).order_by("held_on"):
                key = (by_id[election.hamlet_id], terms[election.term_id])
                self.elections[key].append(self.plan.elections.load(election))

    def hamlet_row(self, row: HamletRow) -> None:
        assert row.place.commune is not None and row.place.district is not None
        key, term = row.hamlet, self.plan.terms[row.term]
        values = {"kind": row.kind, "special_area": row.special_area, "project01": row.project01,
                  "party_members": row.party_members}
        hamlet = self.hamlets.get(key)
        latest = self.latest.get(key) is None or row.term >= self.latest[key]
        if hamlet is None:
            hamlet = Hamlet(commune_id=row.place.commune.id, name=row.name, **values)
            hamlet.fill_keys()
            self.hamlets[key] = self.plan.hamlets.create(hamlet)
            details = [msg.HAMLET_CREATED]
        else:
            details = []
            if latest:  # the hamlet's own fields are its latest term's values
                Tracker.assign(hamlet, values, HAMLET_LABELS)
        if latest:
            self.latest[key] = row.term
        details += self._record(key, hamlet, term, row, {**values, "party_cell": row.party_cell})
        details += self._cell(key, hamlet, row, latest)
        if row.party_cell:
            details += self._congress(key, term, row)
        details += self._election(key, hamlet, term, row)
        action = "create" if details[:1] == [msg.HAMLET_CREATED] else "update" if details else "unchanged"
        subject = f"{row.name}, {row.place.commune.name}, {row.place.district.name} ({term.name})"
        self.plan.changes.append(Change(self.checks["Hamlets"].columns.sheet, row.row, subject, action,
                                        tuple(details)))

    def _record(self, key: HamletKey, hamlet: Hamlet, term: Term, row: HamletRow,
                values: dict[str, Any]) -> list[str]:
        """What describes the hamlet in the row's term (a later term never rewrites an earlier one)."""
        record = self.records.get((key, row.term))
        if record is None:
            self.records[(key, row.term)] = self.plan.records.create(HamletTerm(hamlet=hamlet, term=term, **values))
            return []
        return Tracker.assign(record, values, RECORD_LABELS)

    def _cell(self, key: HamletKey, hamlet: Hamlet, row: HamletRow, latest: bool) -> list[str]:
        """The hamlet's cell holds its congresses; its active flag follows the latest term's record."""
        cell = self.cells.get(key)
        if row.party_cell and cell is None:
            self.cells[key] = self.plan.cells.create(PartyCell(hamlet=hamlet, active=latest))
            return [msg.CELL_CREATED]
        if latest and cell is not None and cell.active != row.party_cell:
            cell.active = row.party_cell
            return [msg.CELL_ACTIVE_AGAIN if row.party_cell else msg.CELL_INACTIVE]
        return []

    def _congress(self, key: HamletKey, term: Term, row: HamletRow) -> list[str]:
        congress = self.congresses.get((key, row.term))
        if row.congress_held_on is None and not row.secretary and not row.deputy_secretary:
            if congress is not None and congress.pk is not None:
                self.plan.congresses.delete(congress)
                return [msg.congress_removed(term.name)]
            return []
        values = {"held_on": row.congress_held_on, "secretary": row.secretary,
                  "deputy_secretary": row.deputy_secretary}
        if congress is None:
            congress = Congress(cell=self.cells[key], term=term, **values)
            self.congresses[(key, row.term)] = self.plan.congresses.create(congress)
            return [msg.congress_created(term.name, row.congress_held_on)]
        return Tracker.assign(congress, values, CONGRESS_LABELS)

    def _election(self, key: HamletKey, hamlet: Hamlet, term: Term, row: HamletRow) -> list[str]:
        stored = self.elections.get((key, row.term), [])
        day = row.chief_elected_on
        if day is None:
            for election in stored:
                self.plan.elections.delete(election)
            return [msg.election_removed(e.held_on) for e in stored]
        same = next((e for e in stored if e.held_on == day), None)
        later = [e for e in stored if e.held_on > day]
        if same is None and later:
            same = later.pop()  # the latest stored election: its date is corrected
        details = []
        for election in later:
            self.plan.elections.delete(election)
            details.append(msg.election_removed(election.held_on))
            self.plan.warnings.append(self.checks["Hamlets"].at("chief_elected_on", row.row, both(
                f"Cuộc bầu trưởng thôn ngày {msg.day(election.held_on)} ({election.chief}) đã lưu sau ngày bầu của "
                "dòng này nên bị xoá",
                f"The stored chief election of {msg.day(election.held_on)} ({election.chief}) is later than this "
                "row's and is removed")))
        values = {"held_on": day, "chief": row.chief, "chief_member_since": row.chief_member_since,
                  "chief_party_role": row.chief_party_role}
        if same is None:
            self.plan.elections.create(ChiefElection(hamlet=hamlet, term=term, **values))
            return [*details, msg.election_created(day)]
        return details + Tracker.assign(same, values, ELECTION_LABELS)

    def admissions(self, rows: list[AdmissionRow], failed: set[HamletKey] = frozenset()) -> None:
        """``failed``: hamlets named by Hamlets rows with problems (not reported again here)."""
        check = self.checks["Admissions"]
        ids = {h.pk: k for k, h in self.hamlets.items() if h.pk is not None}
        wanted = {self.hamlets[r.hamlet].pk for r in rows if r.hamlet in self.hamlets} - {None}
        members: dict[tuple[HamletKey, str, int], PartyMember] = {}
        for chunk in chunks(wanted):
            for member in PartyMember.objects.filter(hamlet_id__in=chunk).order_by():
                members[(ids[member.hamlet_id], member.name_key, member.birth_year)] = self.plan.members.load(member)
        for row in rows:
            assert row.place.commune is not None
            hamlet = self.hamlets.get(row.hamlet)
            if hamlet is None:
                if row.hamlet in failed:
                    continue
                self.plan.problems.append(check.at("hamlet", row.row, both(
                    f'Không có thôn "{row.hamlet_name}" ở {row.place.commune.name}: thêm thôn vào trang Hamlets',
                    f'No hamlet "{row.hamlet_name}" in {row.place.commune.name}: add it on the Hamlets sheet')))
                continue
            values = {"gender": row.gender, "ethnicity": row.ethnicity, "admitted_on": row.admitted_on,
                      "sitting_chief": row.sitting_chief}
            member = members.get((row.hamlet, row.name_key, row.birth_year))
            subject = f"{row.full_name} ({row.birth_year}), {hamlet.name}, {row.place.commune.name}"
            if member is None:
                member = PartyMember(hamlet=hamlet, full_name=row.full_name, birth_year=row.birth_year, **values)
                member.fill_keys()
                self.plan.members.create(member)
                self.plan.changes.append(Change(check.columns.sheet, row.row, subject, "create", (msg.MEMBER_CREATED,)))
                continue
            if member.official_on and row.admitted_on > member.official_on:
                self.plan.problems.append(check.at("admitted_on", row.row, both(
                    f"Ngày kết nạp sau ngày chính thức đã lưu ({msg.day(member.official_on)})",
                    f"Admitted on is later than the stored official date ({msg.day(member.official_on)})")))
                continue
            details = Tracker.assign(member, values, MEMBER_LABELS)
            self.plan.changes.append(Change(check.columns.sheet, row.row, subject,
                                            "update" if details else "unchanged", tuple(details)))

    def targets(self, rows: list[TargetRow]) -> None:
        sheet = self.checks["Targets"].columns.sheet if "Targets" in self.checks else ""
        stored: dict[tuple, Target] = {}
        provinces = {r.place.province.id for r in rows}
        for target in Target.objects.filter(province_id__in=provinces).select_related("term"):
            key = (target.province_id, target.district_id, (target.term.start_year, target.term.end_year),
                   target.metric, target.special_area_only)
            stored[key] = self.plan.targets.load(target)
        for row in rows:
            target = stored.get(row.key)
            unit = row.place.district or row.place.province
            subject = (f"{unit.name}: {row.metric}{f' ({msg.SPECIAL_AREAS_ONLY})' if row.special_area_only else ''}, "
                       f"{self.plan.terms[row.term].name}")
            if target is None:
                province, district, _years, metric, special = row.key
                self.plan.targets.create(Target(province_id=province, district_id=district, metric=metric,
                                                term=self.plan.terms[row.term], special_area_only=special,
                                                percent=row.percent))
                self.plan.changes.append(Change(sheet, row.row, subject, "create", (msg.target_created(row.percent),)))
                continue
            details = Tracker.assign(target, {"percent": row.percent}, TARGET_LABELS)
            self.plan.changes.append(Change(sheet, row.row, subject, "update" if details else "unchanged",
                                            tuple(details)))

    def admission_targets(self, rows: list[AdmissionTargetRow]) -> None:
        sheet = self.checks["Admission targets"].columns.sheet if "Admission targets" in self.checks else ""
        districts = {r.place.district.id for r in rows if r.place.district}
        stored = {(t.district_id, t.year): self.plan.admission_targets.load(t)
                  for t in AdmissionTarget.objects.filter(district_id__in=districts)}
        for row in rows:
            assert row.place.district is not None
            target = stored.get((row.place.district.id, row.year))
            subject = f"{row.place.district.name}, {row.year}"
            if target is None:
                self.plan.admission_targets.create(AdmissionTarget(district_id=row.place.district.id, year=row.year,
                                                                   target=row.target))
                self.plan.changes.append(Change(sheet, row.row, subject, "create",
                                                (msg.admission_target_created(row.target),)))
                continue
            details = Tracker.assign(target, {"target": row.target}, ADMISSION_TARGET_LABELS)
            self.plan.changes.append(Change(sheet, row.row, subject, "update" if details else "unchanged",
                                            tuple(details)))
