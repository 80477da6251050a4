"""The entry grid's rows: each hamlet of one commune with what the grid shows for one term.

A row shows the record in force for the term (``records.values_of``: the
term's own, else the latest earlier one), the term's congress (where that
record says the hamlet has a cell) and the term's latest chief election. It
carries a lock (``Stored.lock``): the versions of the term's own record, its
congress and its latest election as shown, and the rating shown; a save against
other versions is refused, as a form's is. Loading a commune's rows takes six
queries whatever the number of hamlets.

The people columns (group ``people``, shown on demand under "Hồ sơ cán bộ")
come last, in the import's order: the chief's birth year, gender and
ethnicity, the secretary's, then the rating of the chief for the year before
the grid's date (``evaluation_year``): the ``ChiefEvaluation`` of that year
naming the row's chief, who is the chief in office on the grid's date (today:
no date of the row lies after it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamlets import text
from hamlets.bounds import today
from hamlets.models import Gender, Hamlet, PartyCell

from . import profiles
from .importing.messages import Label
from .importing.template import HAMLETS
from .models import ChiefElection, Congress, HamletTerm, PartyRole, Term
from .people_models import ChiefEvaluation, Rating
from .records import MIRRORED

PEOPLE = "people"  # the group of columns shown on demand


@dataclass(frozen=True)
class GridColumn:
    field: str
    header: str | Promise  # what the page calls the column (and its cells' accessible labels)
    # how the cell is read and shown: "yesno", "number", "date", "name", "role", "year", "gender", "ethnicity",
    # "rating"
    kind: str
    group: str = ""  # PEOPLE: hidden until the user shows the group

    @property
    def label(self) -> Label:
        """The import's name of the column, for the rules' messages (``profiles.LABELS`` where the import
        has none)."""
        try:
            return HAMLETS.label(self.field)
        except KeyError:  # a column of the grid only
            return profiles.LABELS[self.field]


COLUMNS = (
    GridColumn("party_cell", gettext_lazy("Có chi bộ"), "yesno"),
    GridColumn("party_members", gettext_lazy("Số đảng viên"), "number"),
    GridColumn("congress_held_on", gettext_lazy("Ngày đại hội"), "date"),
    GridColumn("secretary", gettext_lazy("Bí thư"), "name"),
    GridColumn("deputy_secretary", gettext_lazy("Phó bí thư"), "name"),
    GridColumn("chief_elected_on", gettext_lazy("Ngày bầu trưởng thôn"), "date"),
    GridColumn("chief", gettext_lazy("Trưởng thôn"), "name"),
    GridColumn("chief_member_since", gettext_lazy("Ngày vào Đảng của trưởng thôn"), "date"),
    GridColumn("chief_party_role", gettext_lazy("Chức vụ trong chi bộ"), "role"),
    # the people columns, in the order of the import's optional columns
    GridColumn("chief_birth_year", gettext_lazy("Năm sinh trưởng thôn"), "year", PEOPLE),
    GridColumn("chief_gender", gettext_lazy("Giới tính trưởng thôn"), "gender", PEOPLE),
    GridColumn("chief_ethnicity", gettext_lazy("Dân tộc trưởng thôn"), "ethnicity", PEOPLE),
    GridColumn("secretary_birth_year", gettext_lazy("Năm sinh bí thư"), "year", PEOPLE),
    GridColumn("secretary_gender", gettext_lazy("Giới tính bí thư"), "gender", PEOPLE),
    GridColumn("secretary_ethnicity", gettext_lazy("Dân tộc bí thư"), "ethnicity", PEOPLE),
    GridColumn("evaluation", gettext_lazy("Xếp loại trưởng thôn năm trước"), "rating", PEOPLE),
)
FIELDS = tuple(c.field for c in COLUMNS)
CONGRESS_FIELDS = ("congress_held_on", "secretary", "deputy_secretary", *profiles.SECRETARY_PROFILE)
ELECTION_FIELDS = ("chief_elected_on", "chief", "chief_member_since", "chief_party_role", *profiles.CHIEF_PROFILE)


def evaluation_year() -> int:
    """The year the grid's rating column is for: the year before the grid's date (today, in Vietnam)."""
    return today().year - 1


def headers(year: int) -> dict[str, str]:
    """What the page calls each column: the rating's names its year (``Xếp loại trưởng thôn năm 2025``)."""
    names = {c.field: str(c.header) for c in COLUMNS}
    names["evaluation"] = _("Xếp loại trưởng thôn năm %(year)s") % {"year": year}
    return names


def show(kind: str, value: Any) -> str:
    """A value as its cell shows it: dates ``DD/MM/YYYY``, yes/no and roles in words."""
    if value is None or value == "":
        return ""
    if kind == "yesno":
        return _("có") if value else _("không")
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "role":
        return str(PartyRole(value).label)
    if kind == "gender":
        return str(Gender(value).label)
    if kind == "rating":
        return str(Rating(value).label)
    return str(value)


def digest(values: Iterable[str]) -> str:
    """A short fingerprint of what a row shows (or of its warnings), to tell later whether it changed."""
    joined = "\x1f".join(text.clean(v) for v in values)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def natural_key(name: str) -> str:
    """``Khối 2`` before ``Khối 10``: the order the lists use in the database (``text.sort_key``)."""
    return text.sort_key(name)


@dataclass
class Stored:
    """One hamlet as stored: what its grid row shows for the term, and the versions it shows."""

    hamlet: Hamlet
    name: str  # as the page shows it: ``Xóm 1 (Thanh Lâm cũ)`` beside a namesake
    record: dict[str, Any]  # the values of the record in force (``records.values_of``)
    own: HamletTerm | None  # the term's own record
    cell: PartyCell | None
    congress: Congress | None  # the term's congress
    elections: list[ChiefElection] = field(default_factory=list)  # the term's, by date
    evaluation: ChiefEvaluation | None = None  # the rating of the latest election's chief for the grid's year

    @property
    def election(self) -> ChiefElection | None:
        """The term's latest election: the one the grid edits."""
        return self.elections[-1] if self.elections else None

    @property
    def previous(self) -> ChiefElection | None:
        """The election before it (a by-election's predecessor), which the grid leaves alone."""
        return self.elections[-2] if len(self.elections) > 1 else None

    @property
    def lock(self) -> str:
        """The versions the row shows: the term's own record, congress and latest election, and the
        rating shown (an evaluation has no version: its rating stands for one)."""
        evaluation = self.evaluation
        parts = [(self.own.pk, self.own.version) if self.own else (0, 0),
                 (self.congress.pk, self.congress.version) if self.congress else (0, 0),
                 (self.election.pk, self.election.version) if self.election else (0, 0),
                 (evaluation.pk, Rating.values.index(evaluation.rating) + 1) if evaluation else (0, 0)]
        return "-".join(f"{pk}.{version}" for pk, version in parts)

    def values(self) -> dict[str, Any]:
        """The row's values as stored: the congress only where the record says the hamlet has a cell."""
        congress = self.congress if self.record["party_cell"] else None
        election = self.election
        return {
            "party_cell": self.record["party_cell"],
            "party_members": self.record["party_members"],
            "congress_held_on": congress.held_on if congress else None,
            "secretary": congress.secretary if congress else "",
            "deputy_secretary": congress.deputy_secretary if congress else "",
            "chief_elected_on": election.held_on if election else None,
            "chief": election.chief if election else "",
            "chief_member_since": election.chief_member_since if election else None,
            "chief_party_role": election.chief_party_role if election else "",
            **{f: getattr(congress, f) if congress else None for f in profiles.SECRETARY_PROFILE},
            **{f: getattr(election, f) if election else None for f in profiles.CHIEF_PROFILE},
            "evaluation": self.evaluation.rating if self.evaluation and election else "",
        }

    def shown(self) -> dict[str, str]:
        values = self.values()
        return {c.field: show(c.kind, values[c.field]) for c in COLUMNS}


def stored_rows(hamlets: QuerySet[Hamlet], term: Term, namesakes: bool, year: int) -> list[Stored]:
    """The rows of these hamlets for ``term``, in natural order of their names: six queries.

    ``namesakes``: the hamlets lie in one 2025 commune, where a namesake is shown with its former
    commune (``Xóm 1 (Thanh Lâm cũ)``). ``year``: the year of the ratings shown."""
    if namesakes:
        hamlets = hamlets.with_former()
    listed = list(hamlets.select_related("commune").order_by())
    ids = [h.pk for h in listed]
    in_force: dict[int, HamletTerm] = {}
    own: dict[int, HamletTerm] = {}
    for record in (HamletTerm.objects.filter(hamlet_id__in=ids, term__start_year__lte=term.start_year)
                   .select_related("term").order_by("term__start_year", "term__end_year")):
        in_force[record.hamlet_id] = record  # as ``in_force``: the latest term starting no later
        if record.term_id == term.pk:
            own[record.hamlet_id] = record
    cells = {c.hamlet_id: c for c in PartyCell.objects.filter(hamlet_id__in=ids)}
    congresses = {c.cell_id: c for c in Congress.objects.filter(cell__hamlet_id__in=ids, term=term)}
    elections: dict[int, list[ChiefElection]] = {}
    for election in ChiefElection.objects.filter(hamlet_id__in=ids, term=term).order_by("held_on"):
        elections.setdefault(election.hamlet_id, []).append(election)
    ratings = {(e.hamlet_id, e.chief_key): e for e in ChiefEvaluation.objects.filter(hamlet_id__in=ids, year=year)}
    rows = []
    for hamlet in listed:
        cell = cells.get(hamlet.pk)
        chosen = elections.get(hamlet.pk, [])
        rows.append(Stored(
            hamlet=hamlet, name=hamlet.display_name(bool(getattr(hamlet, "former_name", None))),
            record=record_values(hamlet, in_force.get(hamlet.pk), cell), own=own.get(hamlet.pk), cell=cell,
            congress=congresses.get(cell.pk) if cell else None, elections=chosen,
            evaluation=ratings.get((hamlet.pk, chosen[-1].chief_key)) if chosen else None))
    rows.sort(key=lambda r: (natural_key(r.name), r.hamlet.pk))
    return rows


def record_values(hamlet: Hamlet, record: HamletTerm | None, cell: PartyCell | None) -> dict[str, Any]:
    """``records.values_of`` for a hamlet whose record in force and cell are already loaded."""
    if record is not None:
        return {f: getattr(record, f) for f in HamletTerm.FIELDS}
    return {**{f: getattr(hamlet, f) for f in MIRRORED}, "party_cell": bool(cell and cell.active)}


def row_values(posted: dict[str, str]) -> list[str]:
    return [posted.get(f, "") for f in FIELDS]


def fingerprint(values: dict[str, str]) -> str:
    return digest(row_values(values))


def describe(values: dict[str, str], only: Sequence[str] = FIELDS, names: dict[str, str] | None = None) -> str:
    """``Bí thư: Nguyễn Văn A; Ngày bầu trưởng thôn: 01/03/2026`` for the named columns."""
    names = names or {c.field: str(c.header) for c in COLUMNS}
    return "; ".join(f"{names[f]}: {values.get(f) or '—'}" for f in only)
