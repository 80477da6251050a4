"""Checking one data row of each sheet: cells parsed, units found, scope and
the rules of ``rules.py`` applied; every problem recorded at its cell.

A row that passes becomes a small typed record (``HamletRow``...) that the
planner compares with the database; a row with a problem becomes nothing,
but all its problems are listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hamlets import bounds, text
from hamlets.scoping import Scope

from . import messages as msg
from . import rules
from .messages import Label
from .people_messages import year_outside_term
from .places import Place, earlier_place, ignore_former, names_earlier_list, new_place, unit_place
from .result import Problem
from .units import Units
from .workbook import ColumnMap, RawRow

NAME_LENGTH = bounds.NAME_LENGTH  # rule 10: names of hamlets and people (the bounds live in hamlets.bounds)
ETHNICITY_LENGTH = bounds.ETHNICITY_LENGTH
HamletNaming = tuple  # how a row names a hamlet: (old commune id, name key) or ("2025", commune id, name key)


@dataclass
class SheetCheck:
    """The problems and warnings of one sheet, with where its columns are."""

    columns: ColumnMap
    order: int
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # (parser, column, type, cell value) -> the value parsed, or its ``Refused`` (``RowContext.parse``)
    parsed: dict[tuple, Any] = field(default_factory=dict)

    def at(self, names: str | tuple[str, ...], row: int, message: str) -> Problem:
        name = self.columns.later((names,) if isinstance(names, str) else names)
        column = self.columns.columns.get(name, 0)
        cell = self.columns.ref(name, row) if column else str(row)
        return Problem(self.columns.sheet, cell, message, row, column, name, self.order)


class RowContext:
    """One data row being checked."""

    def __init__(self, sheet: SheetCheck, raw: RawRow):
        self.sheet = sheet
        self.raw = raw
        self.row = raw.number
        self.failed: set[str] = set()
        self.problems = 0
        for name, message in raw.bad.items():
            self.problem(name, message)

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def label(self, name: str) -> Label:
        return self.sheet.columns.spec.label(name)

    def problem(self, names: str | tuple[str, ...], message: str) -> None:
        self.sheet.problems.append(self.sheet.at(names, self.row, message))
        self.failed.update((names,) if isinstance(names, str) else names)
        self.problems += 1

    def warn(self, name: str, message: str) -> None:
        self.sheet.warnings.append(self.sheet.at(name, self.row, message))

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        if name in self.failed:
            return ""
        value = rules.parse_text(self.raw.values.get(name))
        if required and not value:
            self.problem(name, msg.required(self.label(name)))
        if max_length is not None:  # rule 10
            try:
                return rules.parse_name(value, self.label(name), limit=max_length)
            except rules.CellError as error:
                self.problem(name, error.message)
                return ""
        return value

    def parse(self, name: str, parser: Callable[[Any, Label], Any], *, required: bool = False) -> Any:
        """``parser(value, label)``; a CellError becomes a problem at the cell."""
        if name in self.failed:
            return None
        value = self.raw.values.get(name)
        if required and rules.is_blank(value):
            self.problem(name, msg.required(self.label(name)))
            return None
        # A sheet's dates, yes/no, terms and roles repeat from row to row: each different cell of a column is
        # parsed once (the parsers are pure; the type is in the key, as 1, 1.0 and True are equal keys).
        key = (parser, name, type(value), value)
        try:
            parsed = self.sheet.parsed[key]
        except KeyError:
            try:
                parsed = parser(value, self.label(name))
            except rules.CellError as error:
                parsed = Refused(error.message)  # its message only: the error would keep the frames alive
            self.sheet.parsed[key] = parsed
        if isinstance(parsed, Refused):
            self.problem(name, parsed.message)
            return None
        return parsed


class Refused:
    """A cell value a parser refused, with the message it gave (``RowContext.parse``)."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


@dataclass(slots=True)
class HamletRow:
    row: int
    place: Place
    name: str
    key: str
    kind: str
    special_area: bool
    project01: bool
    party_members: int
    party_cell: bool
    term: tuple[int, int]
    congress_held_on: dt.date | None
    secretary: str
    deputy_secretary: str
    chief_elected_on: dt.date | None
    chief: str
    chief_member_since: dt.date | None
    chief_party_role: str
    # the profile cells under the headers the sheet has (``people_rows.hamlet_profile``): model field -> value
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def naming(self) -> HamletNaming:
        return naming(self.place, self.key)


def naming(place: Place, key: str) -> HamletNaming:
    """How a row names its hamlet: by old commune and name (an earlier-list row, or a 2025-list row with
    ``Former ...``), else by 2025 commune and name."""
    assert place.commune is not None
    if place.former is not None:
        return place.former.id, key
    if place.new:
        return "2025", place.commune.id, key
    return place.commune.id, key


def hamlet_place(ctx: RowContext, units: Units, scope: Scope, *, former: bool = True) -> Place | None:
    """A Hamlets (or Admissions) row's place, in the list its District cells say."""
    if names_earlier_list(ctx):
        ignore_former(ctx)
        return earlier_place(ctx, units, scope)
    return new_place(ctx, units, scope, former=former)


def check_hamlet(ctx: RowContext, units: Units, scope: Scope) -> tuple[HamletRow | None, tuple | None]:
    """A Hamlets row, and its (commune, hamlet, term) key for rule 9 when those could be read."""
    place = hamlet_place(ctx, units, scope)
    name = ctx.text("hamlet", required=True, max_length=NAME_LENGTH)
    kind = rules.parse_kind(ctx.raw.values.get("kind")) if "kind" not in ctx.failed else ""
    if kind is None:
        ctx.warn("kind", msg.unknown_kind(ctx.label("kind"), ctx.raw.values.get("kind")))
        kind = ""
    values = {
        "special_area": ctx.parse("special_area", rules.parse_yes_no),
        "project01": ctx.parse("project01", rules.parse_yes_no),
        "party_members": ctx.parse("party_members", rules.parse_party_members, required=True),
        "party_cell": ctx.parse("party_cell", rules.parse_yes_no),
        "term": ctx.parse("term", rules.parse_term, required=True),
        "congress_held_on": ctx.parse("congress_held_on", rules.parse_date),
        "secretary": ctx.text("secretary", max_length=NAME_LENGTH),
        "deputy_secretary": ctx.text("deputy_secretary", max_length=NAME_LENGTH),
        "chief_elected_on": ctx.parse("chief_elected_on", rules.parse_date),
        "chief": ctx.text("chief", max_length=NAME_LENGTH),
        "chief_member_since": ctx.parse("chief_member_since", rules.parse_date),
        "chief_party_role": ctx.parse("chief_party_role", rules.parse_party_role) or "",
    }
    between = rules.check_congress_and_roles(
        party_cell=bool(values["party_cell"]), skip=ctx.failed,
        **{k: values[k] for k in ("congress_held_on", "secretary", "deputy_secretary", "chief_elected_on", "chief",
                                  "chief_member_since", "chief_party_role")})
    for problem in between:
        ctx.problem(problem.fields, problem.message)
    from .people_rows import hamlet_profile  # it reads rows' helpers

    profile = hamlet_profile(ctx, values)
    _hamlet_warnings(ctx, values)
    key = text.match_key(name)
    commune = place.commune if place else None
    duplicate_key = (*naming(place, key), values["term"]) if place and commune and key and values["term"] else None
    if not ctx.ok or place is None or commune is None:
        return None, duplicate_key
    return HamletRow(ctx.row, place, name, key, kind, **values, profile=profile), duplicate_key


def _hamlet_warnings(ctx: RowContext, values: dict[str, Any]) -> None:
    from types import SimpleNamespace

    from elections.warnings import row_cautions  # the entry grid asks about the same slips

    if values.get("term"):
        term = SimpleNamespace(start_year=values["term"][0], end_year=values["term"][1])
        for caution in row_cautions(term, values):
            if caution.field not in ctx.failed:
                ctx.warn(caution.field, caution.message)
    if values["party_cell"] is False and (values["secretary"] or values["deputy_secretary"]):
        ctx.warn("party_cell", msg.both(
            "Thôn không có chi bộ (Chi bộ = không) nên bỏ qua tên bí thư, phó bí thư",
            "Party cell is no: Secretary and Deputy secretary are ignored"))
    if values["chief_elected_on"] is None and "chief_elected_on" not in ctx.failed:
        ignored = [f for f in ("chief", "chief_member_since", "chief_party_role") if values[f]]
        if ignored:
            ctx.warn(ignored[0], msg.both(
                "Chưa có ngày bầu trưởng thôn nên bỏ qua thông tin trưởng thôn",
                "Chief elected on is blank: the chief's name, membership and role are ignored"))


def duplicate(ctx: RowContext, seen: dict[tuple, int], key: tuple | None, name: str, what: Label) -> None:
    """Rule 9 (and its like on other sheets): the same thing twice in a sheet."""
    if key is None:
        return
    first = seen.setdefault(key, ctx.row)
    if first != ctx.row:
        ctx.problem(name, msg.both(f"{what.vi} đã có ở dòng {first}", f"{what.en} already appears in row {first}"))


@dataclass(slots=True)
class AdmissionRow:
    row: int
    place: Place
    hamlet_name: str
    hamlet_key: str
    full_name: str
    name_key: str
    birth_year: int
    gender: str
    ethnicity: str
    admitted_on: dt.date
    sitting_chief: bool

    @property
    def naming(self) -> HamletNaming:
        return naming(self.place, self.hamlet_key)


def check_admission(ctx: RowContext, units: Units, scope: Scope) -> tuple[AdmissionRow | None, tuple | None]:
    place = hamlet_place(ctx, units, scope)
    hamlet = ctx.text("hamlet", required=True, max_length=NAME_LENGTH)
    full_name = ctx.text("full_name", required=True, max_length=NAME_LENGTH)
    birth_year = ctx.parse("birth_year", rules.parse_year, required=True)
    gender = rules.parse_gender(ctx.raw.values.get("gender")) if "gender" not in ctx.failed else ""
    if gender is None:
        ctx.warn("gender", msg.unknown_gender(ctx.label("gender"), ctx.raw.values.get("gender")))
        gender = ""
    ethnicity = ctx.text("ethnicity", max_length=ETHNICITY_LENGTH)
    admitted_on = ctx.parse("admitted_on", rules.parse_date, required=True)
    sitting_chief = ctx.parse("sitting_chief", rules.parse_yes_no)
    name_key = text.match_key(full_name)
    commune = place.commune if place else None
    key = (*naming(place, text.match_key(hamlet)), name_key, birth_year) if (
        place and commune and hamlet and full_name and birth_year) else None
    if not ctx.ok or place is None or commune is None:
        return None, key
    return AdmissionRow(ctx.row, place, hamlet, text.match_key(hamlet), full_name, name_key, birth_year, gender,
                        ethnicity, admitted_on, bool(sitting_chief)), key


@dataclass(slots=True)
class TargetRow:
    row: int
    place: Place
    term: tuple[int, int]
    metric: str
    special_area_only: bool
    percent: Decimal
    year: int | None = None  # an annual plan (``domain.md`` item 12): a year of the term

    @property
    def key(self) -> tuple:
        district = self.place.district.id if self.place.district else None
        commune = self.place.commune.id if self.place.commune else None
        return self.place.region, district, commune, self.term, self.metric, self.special_area_only, self.year


def check_target(ctx: RowContext, units: Units, scope: Scope) -> TargetRow | None:
    if not scope.can_set_targets:
        ctx.problem("province", msg.NO_TARGETS)
    place = unit_place(ctx, units, scope, whole_province=True)
    term = ctx.parse("term", rules.parse_term, required=True)
    metric = ctx.parse("metric", rules.parse_metric, required=True)
    special = ctx.parse("special_area_only", rules.parse_yes_no)
    percent = ctx.parse("percent", rules.parse_percent, required=True)
    year = ctx.parse("year", rules.parse_plan_year) if "year" in ctx.sheet.columns else None
    if year is not None and term is not None and not term[0] <= year <= term[1]:
        ctx.problem(("term", "year"), year_outside_term(ctx.label("year"), year, term))
    if not ctx.ok or place is None:
        return None
    return TargetRow(ctx.row, place, term, metric, bool(special), percent, year)


@dataclass(slots=True)
class AdmissionTargetRow:
    row: int
    place: Place
    year: int
    target: int

    @property
    def key(self) -> tuple:
        unit = self.place.district or self.place.commune
        assert unit is not None
        return ("district" if self.place.district else "commune"), unit.id, self.year


def check_admission_target(ctx: RowContext, units: Units, scope: Scope) -> AdmissionTargetRow | None:
    if not scope.can_set_targets:
        ctx.problem("province", msg.NO_TARGETS)
    place = unit_place(ctx, units, scope, whole_province=False)
    year = ctx.parse("year", rules.parse_plan_year, required=True)
    target = ctx.parse("target", rules.parse_admission_target, required=True)
    if not ctx.ok or place is None or (place.district or place.commune) is None:
        return None
    return AdmissionTargetRow(ctx.row, place, year, target)
