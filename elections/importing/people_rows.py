"""Checking the rows about people (``workbooks.md``; ``domain.md`` items 8-11): the profile cells of a
Hamlets row, and the rows of ``Chief plans``, ``Chief evaluations`` and ``Area officials``.

The sheets of plans and evaluations name their hamlet as the Hamlets sheet does (either list, ``Former
...``); the planner finds it among the stored hamlets and those the workbook creates, but never creates
or places one (``plan_people.py``). ``Area officials`` names a district of the earlier list or a commune
of the 2025 list, exactly one of them; only provincial staff and the command line may import it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hamlets import bounds, text
from hamlets.scoping import Scope

from . import people_messages as people
from . import rules
from .places import Place, unit_place
from .rows import NAME_LENGTH, HamletNaming, RowContext, hamlet_place, naming
from .template import CHIEF_PROFILE, SECRETARY_PROFILE
from .units import Units

CHIEF_FIELDS = tuple(c.field for c in CHIEF_PROFILE)
SECRETARY_FIELDS = tuple(c.field for c in SECRETARY_PROFILE)


# --- profiles on the Hamlets sheet ----------------------------------------------

def _profile_cell(ctx: RowContext, name: str) -> Any:
    if name.endswith("birth_year"):
        return ctx.parse(name, rules.parse_year)
    if name.endswith("gender"):
        return ctx.parse(name, rules.parse_profile_gender)
    return ctx.text(name, max_length=bounds.ETHNICITY_LENGTH)


def hamlet_profile(ctx: RowContext, values: dict[str, Any]) -> dict[str, Any]:
    """The profile cells under the headers the sheet has (field -> value; blank: None or ``""``), after
    rules 3, 8 and 10 (``rules.check_profiles``; where the Chief's headers are absent the planner compares a
    chief also secretary with the stored chief)."""
    columns = ctx.sheet.columns
    profile = {name: _profile_cell(ctx, name) for name in (*CHIEF_FIELDS, *SECRETARY_FIELDS) if name in columns}
    labels = {name: ctx.label(name) for name in (*profile, "chief", "secretary")}
    for problem in rules.check_profiles(chief=values.get("chief") or "", secretary=values.get("secretary") or "",
                                        chief_party_role=values.get("chief_party_role") or "", profile=profile,
                                        skip=ctx.failed, labels=labels):
        ctx.problem(problem.fields, problem.message)
    return profile


# --- Chief plans ----------------------------------------------------------------

@dataclass(slots=True)
class ChiefPlanRow:
    row: int
    place: Place
    hamlet_name: str
    hamlet_key: str
    term: tuple[int, int]
    chief: str
    chief_key: str
    mentor: str
    started_on: dt.date
    course_on: dt.date | None
    application_on: dt.date | None

    @property
    def naming(self) -> HamletNaming:
        return naming(self.place, self.hamlet_key)


def _hamlet(ctx: RowContext, units: Units, scope: Scope) -> tuple[Place | None, str]:
    place = hamlet_place(ctx, units, scope)
    name = ctx.text("hamlet", required=True, max_length=NAME_LENGTH)
    return (place if place is not None and place.commune is not None else None), name


def check_chief_plan(ctx: RowContext, units: Units, scope: Scope) -> tuple[ChiefPlanRow | None, tuple | None]:
    """A plan row, and its (hamlet as named, term, chief) key for "the same key twice"."""
    place, hamlet = _hamlet(ctx, units, scope)
    term = ctx.parse("term", rules.parse_term, required=True)
    chief = ctx.text("chief", required=True, max_length=NAME_LENGTH)
    mentor = ctx.text("mentor", required=True, max_length=bounds.POSITION_LENGTH)
    started_on = ctx.parse("started_on", rules.parse_date, required=True)
    steps = {name: ctx.parse(name, rules.parse_date) for name in ("course_on", "application_on")}
    for name, day in steps.items():
        if day and started_on and day < started_on:
            ctx.problem(("started_on", name), people.step_before_start(ctx.label(name), ctx.label("started_on"),
                                                                       day, started_on))
    key = (*naming(place, text.match_key(hamlet)), term, text.match_key(chief)) if (
        place and hamlet and term and chief) else None
    if not ctx.ok or place is None:
        return None, key
    return ChiefPlanRow(ctx.row, place, hamlet, text.match_key(hamlet), term, chief, text.match_key(chief), mentor,
                        started_on, steps["course_on"], steps["application_on"]), key


# --- Chief evaluations ----------------------------------------------------------

@dataclass(slots=True)
class EvaluationRow:
    row: int
    place: Place
    hamlet_name: str
    hamlet_key: str
    year: int
    chief: str
    chief_key: str
    rating: str

    @property
    def naming(self) -> HamletNaming:
        return naming(self.place, self.hamlet_key)


def check_evaluation(ctx: RowContext, units: Units, scope: Scope) -> tuple[EvaluationRow | None, tuple | None]:
    """An evaluation row, and its (hamlet as named, year, chief) key."""
    place, hamlet = _hamlet(ctx, units, scope)
    year = ctx.parse("year", rules.parse_past_year, required=True)
    chief = ctx.text("chief", required=True, max_length=NAME_LENGTH)
    rating = ctx.parse("rating", rules.parse_rating, required=True)
    key = (*naming(place, text.match_key(hamlet)), year, text.match_key(chief)) if (
        place and hamlet and year and chief) else None
    if not ctx.ok or place is None:
        return None, key
    return EvaluationRow(ctx.row, place, hamlet, text.match_key(hamlet), year, chief, text.match_key(chief),
                         rating), key


# --- Area officials -------------------------------------------------------------

@dataclass(slots=True)
class OfficialRow:
    row: int
    place: Place
    name: str
    name_key: str
    position: str
    phone: str

    @property
    def area(self) -> tuple[str, int]:
        """("district", id) of the earlier list or ("commune", id) of the 2025 list."""
        if self.place.district is not None:
            return "district", self.place.district.id
        assert self.place.commune is not None
        return "commune", self.place.commune.id

    @property
    def official(self) -> tuple[int, str]:
        """An official is identified by (2025) province and name."""
        return self.place.region, self.name_key

    @property
    def key(self) -> tuple:
        return (*self.official, *self.area)


def check_official(ctx: RowContext, units: Units, scope: Scope) -> OfficialRow | None:
    """An official's assignment to one district (earlier list) or one commune (2025 list); refused for
    anyone but provincial staff and the command line."""
    if not scope.can_set_targets:
        ctx.problem("province", people.no_officials())
        return None
    place = unit_place(ctx, units, scope, whole_province=False)
    name = ctx.text("official", required=True, max_length=NAME_LENGTH)
    position = ctx.text("position", max_length=bounds.POSITION_LENGTH)
    phone = ctx.parse("phone", rules.parse_phone) or ""
    if not ctx.ok or place is None or (place.district or place.commune) is None:
        return None
    return OfficialRow(ctx.row, place, name, text.match_key(name), position, phone)
