"""Saving the entry grid, row by row: read with the import's rules, asked about with
``warnings``, written through the domain's own functions, locked like the forms.

For each row the grid posted:

* unchanged (what it posts is what it was shown): nothing to do;
* shown at other versions than the stored ones (someone saved the hamlet
  since): refused, shown again with the newer values and what the user typed;
* a problem (``importing.rules``: readable values, rule-10 bounds, rules 1, 6,
  7 and 8, with rule 8's profile part in ``profiles``; and the grid's own: a
  chief needs an election date, the grid's date must stay after the term's
  previous election, a rating needs a chief): not saved, the messages on their
  cells;
* a warning (``warnings``) not yet confirmed: not saved, asked about;
* otherwise saved in its own transaction: the term's record
  (``records.save_record``), its congress and its latest election, each only
  if the version shown is still the stored one, and the rating.

Profiles: where the chief is the secretary (Party role Secretary), blank
secretary cells take the chief's values, and so do secretary cells the user
left as shown that held the chief's stored values (they follow a corrected
chief); any other secretary value differing from the chief's is refused. A
people column the post leaves out (a page opened before it existed) keeps the
stored value, or is blank where its person's name is blank. The rating is the
chief's (as saved) for ``entry_grid.evaluation_year``: a rating creates or
updates that ``ChiefEvaluation``; a blank cell leaves any stored one alone.

Choices where the issue is silent: a row is the hamlet's state for the term in
these columns, so a cleared congress (date and names blank) or a cleared
election (date, chief, membership and role blank) is deleted, the latest
election only; with "Có chi bộ" = no the term's congress is left as stored, and
names typed for it are not saved (a warning asks first), as the import does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cadre_tracker.generic import VersionConflict, save_versioned
from hamlets import text
from hamlets.bounds import MAX_PARTY_MEMBERS, NAME_LENGTH
from hamlets.models import Hamlet, PartyCell

from . import profiles, warnings
from .entry_grid import COLUMNS, PEOPLE, Stored, digest, fingerprint, show
from .importing import messages as msg
from .importing import rules
from .intervals import kept_once
from .models import ChiefElection, Congress, HamletTerm, PartyRole, Term
from .people_models import ChiefEvaluation
from .records import save_record

PROBLEM, CAUTION, CONFLICT, SAVED = "problem", "caution", "conflict", "saved"


@dataclass
class Posted:
    """What the grid posted for one row: the cells as typed, the lock and fingerprint it was shown
    with, and the warnings the user confirmed (their fingerprint)."""

    cells: dict[str, str]
    lock: str
    shown: str
    confirmed: str = ""

    @property
    def changed(self) -> bool:
        return fingerprint(self.cells) != self.shown

    @classmethod
    def read(cls, data: Mapping[str, Any], stored: Stored) -> Posted | None:
        hamlet_id = stored.hamlet.pk
        state = data.get(f"h{hamlet_id}-state")
        if state is None:
            return None  # the row was not posted (unchanged rows are left out by the page's script)
        lock, _sep, shown = str(state).partition("|")
        cells = {c.field: str(data.get(f"h{hamlet_id}-{c.field}", ""))[:1000] for c in COLUMNS}
        was = stored.shown()
        for column in COLUMNS:
            if column.group == PEOPLE and f"h{hamlet_id}-{column.field}" not in data:  # left out: as stored
                person = profiles.PERSON_OF.get(column.field, "chief")
                cells[column.field] = was[column.field] if rules.parse_text(cells[person]) else ""
        return cls(cells, lock, shown, str(data.get(f"h{hamlet_id}-confirm", "")))


@dataclass
class Outcome:
    """What became of a posted row: ``status`` one of PROBLEM, CAUTION, CONFLICT, SAVED."""

    status: str
    posted: Posted
    errors: dict[str, list[str]] = field(default_factory=dict)
    cautions: list[warnings.Caution] = field(default_factory=list)

    @property
    def confirm_key(self) -> str:
        """The fingerprint a confirmation of exactly these warnings carries."""
        return digest(c.message for c in self.cautions)


# --- reading a row ------------------------------------------------------------

def _read_name(value: str, label: msg.Label) -> str:
    name = rules.parse_text(value)
    if len(name) > NAME_LENGTH:  # rule 10
        raise rules.CellError(msg.too_long(label, NAME_LENGTH, len(name)))
    return name


def _read_members(value: str, label: msg.Label) -> int | None:
    if rules.is_blank(value):
        raise rules.CellError(msg.required(label))
    return rules.parse_whole_number(value, label, maximum=MAX_PARTY_MEMBERS)


READERS: dict[str, Callable[[str, msg.Label], Any]] = {
    "yesno": rules.parse_yes_no,
    "number": _read_members,
    "date": rules.parse_date,
    "name": _read_name,
    "role": rules.parse_party_role,
    "year": rules.parse_year,  # a birth year: 1900 to this year
    "gender": profiles.parse_gender,
    "ethnicity": rules.parse_ethnicity,
    "rating": profiles.parse_rating,
}


def read_row(cells: Mapping[str, str], stored: Stored) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The row's values, and its problems by column (empty when the row may be saved)."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for column in COLUMNS:
        try:
            values[column.field] = READERS[column.kind](cells.get(column.field, ""), column.label)
        except rules.CellError as error:
            errors.setdefault(column.field, []).append(error.message)
            values[column.field] = None
    failed = set(errors)
    between = rules.check_congress_and_roles(
        party_cell=bool(values["party_cell"]), skip=failed,
        **{f: values[f] if values[f] is not None else "" for f in (
            "secretary", "deputy_secretary", "chief", "chief_party_role")},
        **{f: values[f] for f in ("congress_held_on", "chief_elected_on", "chief_member_since")})
    for problem in between:
        errors.setdefault(problem.field, []).append(problem.message)
    for name, message in _election_problems(values, failed, stored):
        errors.setdefault(name, []).append(message)
    for name, message in _people_problems(cells, values, failed, stored):
        errors.setdefault(name, []).append(message)
    return values, errors


def _people_problems(cells: Mapping[str, str], values: dict[str, Any], failed: set[str],
                     stored: Stored) -> list[tuple[str, str]]:
    """Rule 8's profile part, the secretary's profile taken from the chief's where the chief is the
    secretary (``values`` completed), and a rating needs a chief."""
    if values["chief_party_role"] == PartyRole.SECRETARY:
        before, was = stored.values(), stored.shown()
        for chief_field, field in profiles.PAIRS:
            # left as shown, and shown as the chief's stored value: it follows the chief
            if cells.get(field, "") == was[field] and profiles.same(field, before[field], before[chief_field]):
                values[field] = None if field.endswith("birth_year") else ""
    problems = [(p.field, p.message) for p in profiles.check_profiles(values, skip=failed)]
    if not problems and not failed & set(profiles.SECRETARY_PROFILE + profiles.CHIEF_PROFILE):
        profiles.take_chief_profile(values)
    if values["evaluation"] and values["chief_elected_on"] is None and not {"evaluation", "chief_elected_on"} & failed:
        problems.append(("evaluation", _("Chưa có trưởng thôn để xếp loại: nhập ngày bầu và trưởng thôn, hoặc xóa "
                                         "ô xếp loại (để trống thì giữ nguyên xếp loại đã lưu).")))
    return problems


def _election_problems(values: dict[str, Any], failed: set[str], stored: Stored) -> list[tuple[str, str]]:
    """The grid edits the term's latest election: it needs a date, after the term's previous one."""
    if "chief_elected_on" in failed:
        return []
    day = values["chief_elected_on"]
    if day is None:
        given = [f for f in ("chief", "chief_member_since", "chief_party_role") if values[f] or f in failed]
        if given:
            return [("chief_elected_on", _("Chưa có ngày bầu trưởng thôn: nhập ngày bầu, hoặc xóa cả trưởng thôn, "
                                           "ngày vào Đảng và chức vụ."))]
        return []
    previous = stored.previous
    if previous is not None and day <= previous.held_on:
        return [("chief_elected_on", _("Ngày bầu phải sau lần bầu trước của nhiệm kỳ (%(day)s, %(chief)s); "
                                       "sửa các lần bầu trước ở trang của thôn.")
                 % {"day": show("date", previous.held_on), "chief": previous.chief})]
    return []


def row_cautions(values: dict[str, Any], stored: Stored, term: Term) -> list[warnings.Caution]:
    """The warnings of one readable row, for the values the user changed only (what was stored
    before is not asked about again)."""
    before = stored.values()
    changed = {f: v for f, v in values.items() if v != before[f]}
    cautions = warnings.row_cautions(term, changed)
    typed = ("secretary", "deputy_secretary", *profiles.SECRETARY_PROFILE)
    if values["party_cell"] is False and any(changed.get(f) for f in typed):
        cautions.append(warnings.Caution("secretary", _(
            "Thôn không có chi bộ (Có chi bộ = không) nên bí thư, phó bí thư sẽ không được lưu.")))
    return cautions


# --- writing a row ------------------------------------------------------------

def _still(obj: models.Model) -> None:
    """Refuse (``VersionConflict``) unless the object is still at the version the row showed;
    on PostgreSQL the row stays locked until the transaction ends."""
    model = type(obj)
    if not model._default_manager.filter(pk=obj.pk, version=obj.version).update(version=F("version")):
        raise VersionConflict


def write_row(stored: Stored, values: dict[str, Any], term: Term, year: int) -> None:
    """Write one row in its own transaction; ``VersionConflict`` (or ``IntegrityError``, when
    someone created the same thing meanwhile) leaves nothing written. ``year``: the rating's. The
    hamlet's interval columns and facts rows are brought in step once, after all of it (``kept_once``)."""
    with transaction.atomic(), kept_once():
        _write_record(stored, values, term)
        if values["party_cell"]:
            _write_congress(stored, _cell(stored), values, term)
        _write_election(stored, values, term)
        _write_evaluation(stored, values, year)
        # the hamlet moved on: an import planned or a form opened before must not overwrite this
        Hamlet.objects.filter(pk=stored.hamlet.pk).update(version=F("version") + 1)


def _write_record(stored: Stored, values: dict[str, Any], term: Term) -> None:
    base = {f: getattr(stored.own, f) for f in HamletTerm.FIELDS} if stored.own else stored.record
    record = {**base, "party_cell": values["party_cell"], "party_members": values["party_members"]}
    if stored.own is not None:
        _still(stored.own)
        if all(getattr(stored.own, f) == v for f, v in record.items()):
            return
    elif HamletTerm.objects.filter(hamlet=stored.hamlet, term=term).exists():
        raise VersionConflict  # recorded for the term by someone else meanwhile
    save_record(stored.hamlet, term, **record)


def _cell(stored: Stored) -> PartyCell:
    """The hamlet's cell: ``save_record`` made it where the term is the hamlet's latest; for an
    earlier term one is made inactive, as the import does."""
    cell = stored.cell or PartyCell.objects.filter(hamlet=stored.hamlet).first()
    return cell or PartyCell.objects.create(hamlet=stored.hamlet, active=False)


def _write_congress(stored: Stored, cell: PartyCell, values: dict[str, Any], term: Term) -> None:
    new = {"held_on": values["congress_held_on"], "secretary": values["secretary"],
           "deputy_secretary": values["deputy_secretary"], **{f: values[f] for f in profiles.SECRETARY_PROFILE}}
    congress = stored.congress
    if congress is None:
        if any(new.values()):
            Congress.objects.create(cell=cell, term=term, **new)  # IntegrityError if one was made meanwhile
        return
    _write(congress, new, delete=not any(new.values()))


def _write_election(stored: Stored, values: dict[str, Any], term: Term) -> None:
    new = {"held_on": values["chief_elected_on"], "chief": values["chief"],
           "chief_member_since": values["chief_member_since"], "chief_party_role": values["chief_party_role"],
           **{f: values[f] for f in profiles.CHIEF_PROFILE}}
    election = stored.election
    if election is None:
        if new["held_on"] is not None:
            ChiefElection.objects.create(hamlet=stored.hamlet, term=term, **new)
        return
    _write(election, new, delete=new["held_on"] is None)


def _write_evaluation(stored: Stored, values: dict[str, Any], year: int) -> None:
    """The rating of the row's chief for ``year``: created or updated; a blank one leaves it."""
    rating = values["evaluation"]
    if not rating or values["chief_elected_on"] is None:
        return
    chief = text.clean(values["chief"])
    key = text.match_key(chief)
    shown = stored.evaluation
    evaluations = ChiefEvaluation.objects.select_for_update(of=("self",)).order_by("pk")  # no outer-joined units
    if shown is not None and shown.chief_key == key:
        evaluation = evaluations.filter(pk=shown.pk, rating=shown.rating).first()
        if evaluation is None:
            raise VersionConflict  # changed or removed since the row was shown
    else:
        evaluation = evaluations.filter(hamlet=stored.hamlet, year=year, chief_key=key).first()
    if evaluation is None:  # IntegrityError if someone made it meanwhile
        ChiefEvaluation.objects.create(hamlet=stored.hamlet, year=year, chief=chief, rating=rating)
    elif (evaluation.rating, evaluation.chief) != (rating, chief):
        evaluation.rating, evaluation.chief = rating, chief
        evaluation.save()


def _write(obj: Congress | ChiefElection, new: dict[str, Any], *, delete: bool) -> None:
    if delete:
        _still(obj)
        obj.delete()
    elif any(getattr(obj, f) != v for f, v in new.items()):
        for name, value in new.items():
            setattr(obj, name, value)
        save_versioned(obj, obj.version)
    else:
        _still(obj)


# --- the whole grid -----------------------------------------------------------

def save_grid(rows: list[Stored], data: Mapping[str, Any], term: Term, year: int) -> dict[int, Outcome]:
    """Every posted row that changed, by hamlet id: saved, or why not. ``year``: the ratings'."""
    posted = {s.hamlet.pk: p for s in rows if (p := Posted.read(data, s)) is not None and p.changed}
    outcomes: dict[int, Outcome] = {}
    readable: dict[int, dict[str, Any]] = {}
    for stored in rows:
        row = posted.get(stored.hamlet.pk)
        if row is None:
            continue
        if row.lock != stored.lock:
            outcomes[stored.hamlet.pk] = Outcome(CONFLICT, row)
            continue
        values, errors = read_row(row.cells, stored)
        if errors:
            outcomes[stored.hamlet.pk] = Outcome(PROBLEM, row, errors)
        else:
            readable[stored.hamlet.pk] = values
    repeated = _repeated_chiefs(rows, readable, term)
    for stored in rows:
        pk = stored.hamlet.pk
        if pk not in readable:
            continue
        row, values = posted[pk], readable[pk]
        cautions = row_cautions(values, stored, term)
        if pk in repeated and values["chief"] != stored.values()["chief"]:
            cautions.append(repeated[pk])
        outcome = Outcome(SAVED, row, cautions=cautions)
        if cautions and row.confirmed != outcome.confirm_key:
            outcome.status = CAUTION
        else:
            try:
                write_row(stored, values, term, year)
            except (VersionConflict, IntegrityError):
                outcome.status = CONFLICT
        outcomes[pk] = outcome
    return outcomes


def _repeated_chiefs(rows: list[Stored], readable: dict[int, dict[str, Any]], term: Term) -> dict[int, Any]:
    """The same chief in two hamlets of the commune: the chiefs as they would be after saving
    (readable rows as typed, the others as stored)."""
    chiefs: dict[int, str] = {}
    for stored in rows:
        values = readable.get(stored.hamlet.pk)
        if values is not None:
            chiefs[stored.hamlet.pk] = values["chief"] if values["chief_elected_on"] else ""
        elif stored.election is not None:
            chiefs[stored.hamlet.pk] = stored.election.chief
    names = {s.hamlet.pk: s.name for s in rows}
    return warnings.chief_cautions(chiefs, term, names.__getitem__)

