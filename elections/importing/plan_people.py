"""What the rows of ``Chief plans``, ``Chief evaluations`` and ``Area officials`` change.

They run after every Hamlets row is planned (and the placements), so the
hamlets they name may be created or placed by the same workbook; they find
them as the Hamlets sheet does (``matching.py``) but never create or place
one: an unknown or ambiguous hamlet makes the row wrong, and so does a
hamlet outside the user's scope.

* a plan is identified by hamlet, term and chief (names folded); a row is
  the plan's whole state (a blank step clears it); a chief no election of
  that hamlet and term elected is accepted with a warning;
* an evaluation by hamlet, year and chief;
* an official by (2025) province and name, with the position and phone of
  the last row naming them; each row assigns one area (a district of the
  earlier list or a commune of the 2025 list); areas are never removed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from elections.people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea

from . import messages as msg
from . import people_messages as people
from .messages import Label
from .plan import EVALUATION_LABELS, OFFICIAL_LABELS, PLAN_LABELS, HamletKey, Tracker, chunks, words
from .result import Change
from .rows import HamletNaming, SheetCheck
from .template import AREA_OFFICIALS

if TYPE_CHECKING:
    from .people_rows import ChiefPlanRow, EvaluationRow, OfficialRow
    from .places import Place
    from .plan import Planner


class NamesHamlet(Protocol):
    row: int
    place: Place
    hamlet_name: str
    hamlet_key: str

    @property
    def naming(self) -> HamletNaming: ...


def find_hamlets[R: NamesHamlet](planner: Planner, check: SheetCheck, rows: Sequence[R]) -> list[tuple[R, HamletKey]]:
    """Each row with the hamlet it names (never created nor placed); problems for the others."""
    found = []
    for row in rows:
        assert row.place.commune is not None
        match = planner.match(row.place, row.hamlet_name, row.hamlet_key, create=False)
        if match.problem:
            planner.plan.problems.append(check.at(match.fields, row.row, match.problem))
            continue
        if match.key is None:
            if row.naming not in planner.failed:  # else the Hamlets row's own problem says why
                where = planner.units.label(row.place.commune) if row.place.new else Label(
                    row.place.commune.name, row.place.commune.name)
                planner.plan.problems.append(check.at("hamlet", row.row, people.unknown_hamlet(row.hamlet_name,
                                                                                                 where)))
            continue
        if why := planner.out_of_scope(match, row.hamlet_name):
            planner.plan.problems.append(check.at("hamlet", row.row, why))
            continue
        found.append((row, match.key))
    return found


def _where(planner: Planner, row: NamesHamlet, key: HamletKey) -> Label:
    """``Xóm 1 (Thanh Lâm cũ), Xã Đại Đồng`` or ``Bản Đỉ, Xã Thông Thụ``."""
    assert row.place.commune is not None
    if row.place.new:
        hamlet, commune = planner.index.display(key), planner.units.label(row.place.commune)
        return Label(f"{hamlet.vi}, {commune.vi}", f"{hamlet.en}, {commune.en}")
    name = f"{planner.index.objects[key].name}, {row.place.commune.name}"
    return Label(name, name)


def _duplicate(planner: Planner, check: SheetCheck, seen: dict[tuple, int], ident: tuple, row: int,
               what: Label) -> bool:
    """The same key twice in the sheet (rows naming one hamlet differently included): wrong."""
    first = seen.setdefault(ident, row)
    if first != row:
        planner.plan.problems.append(check.at("chief", row, people.duplicate(what, first)))
        return True
    return False


def _change(planner: Planner, check: SheetCheck, row: int, subject: Label, tracker: Tracker, stored: Any,
            values: dict[str, Any], labels: dict[str, Label], make: Any, created: str) -> None:
    """Create the object (``make()``) or set ``values`` on the stored one; the preview's line."""
    if stored is None:
        tracker.create(make())
        planner.plan.changes.append(Change(check.columns.sheet, row, str(subject), "create", (created,)))
        return
    details = Tracker.assign(stored, values, labels)
    planner.plan.changes.append(Change(check.columns.sheet, row, str(subject), "update" if details else "unchanged",
                                       tuple(details)))


def chief_plans(planner: Planner, rows: list[ChiefPlanRow]) -> None:
    check = planner.checks["Chief plans"]
    found = find_hamlets(planner, check, rows)
    terms = {t.pk: years for years, t in planner.plan.terms.items() if t.pk is not None}
    stored: dict[tuple, ChiefPlan] = {}
    for chunk in chunks(k for _r, k in found if k > 0):
        for plan in ChiefPlan.objects.filter(hamlet_id__in=chunk, term_id__in=list(terms)).order_by():
            stored[(plan.hamlet_id, terms[plan.term_id], plan.chief_key)] = planner.plan.chief_plans.load(plan)
    seen: dict[tuple, int] = {}
    for row, key in found:
        ident = (key, row.term, row.chief_key)
        if _duplicate(planner, check, seen, ident, row.row, people.PLAN_KEY):
            continue
        term = planner.plan.terms[row.term]
        if not planner.elected(key, row.term, row.chief_key):
            planner.plan.warnings.append(check.at("chief", row.row, people.never_elected(row.chief, term.name)))
        where = _where(planner, row, key)
        subject = Label(f"{row.chief}, {where.vi} ({term.name})", f"{row.chief}, {where.en} ({term.name})")
        values = {"mentor": row.mentor, "started_on": row.started_on, "course_on": row.course_on,
                  "application_on": row.application_on}
        hamlet = planner.index.objects[key]
        _change(planner, check, row.row, subject, planner.plan.chief_plans, stored.get(ident), values, PLAN_LABELS,
                lambda h=hamlet, t=term, r=row, v=values: ChiefPlan(hamlet=h, term=t, chief=r.chief, **v),
                people.plan_created(row.mentor, row.started_on))


def evaluations(planner: Planner, rows: list[EvaluationRow]) -> None:
    check = planner.checks["Chief evaluations"]
    found = find_hamlets(planner, check, rows)
    stored: dict[tuple, ChiefEvaluation] = {}
    years = sorted({r.year for r, _k in found})
    for chunk in chunks(k for _r, k in found if k > 0):
        for evaluation in ChiefEvaluation.objects.filter(hamlet_id__in=chunk, year__in=years).order_by():
            stored[(evaluation.hamlet_id, evaluation.year, evaluation.chief_key)] = planner.plan.evaluations.load(
                evaluation)
    seen: dict[tuple, int] = {}
    for row, key in found:
        ident = (key, row.year, row.chief_key)
        if _duplicate(planner, check, seen, ident, row.row, people.EVALUATION_KEY):
            continue
        where = _where(planner, row, key)
        subject = Label(f"{row.chief}, {where.vi} ({row.year})", f"{row.chief}, {where.en} ({row.year})")
        hamlet = planner.index.objects[key]
        made = ChiefEvaluation(hamlet=hamlet, year=row.year, chief=row.chief, rating=row.rating)
        _change(planner, check, row.row, subject, planner.plan.evaluations, stored.get(ident),
                {"rating": row.rating}, EVALUATION_LABELS, lambda m=made: m,
                people.evaluation_created(words(made, "rating", row.rating)))


def officials(planner: Planner, rows: list[OfficialRow]) -> None:
    """Officials by (2025) province and name; each row assigns one area (``OfficialArea``)."""
    check = planner.checks["Area officials"]
    provinces = {r.place.region for r in rows}
    stored: dict[tuple[int, str], Official] = {}
    for official in Official.objects.filter(province_id__in=provinces).order_by():
        stored[(official.province_id, official.name_key)] = planner.plan.officials.load(official)
    areas = set(OfficialArea.objects.filter(official__province_id__in=provinces).values_list(
        "official_id", "district_id", "commune_id"))
    last: dict[tuple[int, str], OfficialRow] = {}  # the last row naming each official: its values are kept
    for row in rows:
        if (earlier := last.get(row.official)) is not None:
            for name in ("position", "phone"):
                if getattr(earlier, name) != getattr(row, name):
                    planner.plan.warnings.append(check.at(name, row.row, people.official_values_differ(
                        AREA_OFFICIALS.label(name), earlier.row)))
        last[row.official] = row
    created: dict[tuple[int, str], Official] = {}
    for row in rows:
        official = stored.get(row.official) or created.get(row.official)
        final = last[row.official]
        values = {"position": final.position, "phone": final.phone}
        details: list[str] = []
        new = official is None
        if official is None:
            official = created[row.official] = planner.plan.officials.create(Official(
                province_id=row.place.region, name=row.name, **values))
            details.append(people.official_created())
        else:
            details += Tracker.assign(official, values, OFFICIAL_LABELS)
        kind, unit_id = row.area
        district_id, commune_id = (unit_id, None) if kind == "district" else (None, unit_id)
        unit = row.place.district or row.place.commune
        assert unit is not None
        label = planner.units.label(unit) if unit.new else Label(unit.name, unit.name)
        if official.pk is None or (official.pk, district_id, commune_id) not in areas:
            planner.plan.official_areas.create(OfficialArea(official=official, district_id=district_id,
                                                            commune_id=commune_id))
            details.append(people.area_assigned(label))
        action = "create" if new else "update" if details else "unchanged"
        subject = msg.text_of(f"{row.name}: {label.vi}", f"{row.name}: {label.en}")
        planner.plan.changes.append(Change(check.columns.sheet, row.row, subject, action, tuple(details)))
