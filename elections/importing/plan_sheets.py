"""What the rows of the optional sheets change: Admissions, Targets, Admission targets, Placements.

They run after every Hamlets row is planned, so the hamlets they name may be
created by the same workbook. Admissions and Placements find hamlets as the
Hamlets sheet does (``matching.py``) but never create one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from elections.models import AdmissionTarget, Metric, Target
from hamlets.models import PartyMember

from . import messages as msg
from .loading import fresh
from .matching import Match
from .messages import both
from .plan import ADMISSION_TARGET_LABELS, MEMBER_LABELS, TARGET_LABELS, HamletKey, Tracker, chunks
from .plan_people import find_hamlets
from .result import Change

if TYPE_CHECKING:
    from .placements import PlacementRow
    from .plan import Planner
    from .rows import AdmissionRow, AdmissionTargetRow, TargetRow


def admissions(planner: Planner, rows: list[AdmissionRow]) -> None:
    """Members admitted: found by hamlet, full name and birth year (importing again updates)."""
    check = planner.checks["Admissions"]
    found = find_hamlets(planner, check, rows)
    stored = {k for _r, k in found if k > 0}
    members: dict[tuple[HamletKey, str, int], PartyMember] = {}
    for chunk in chunks(stored):
        for member in PartyMember.objects.filter(hamlet_id__in=chunk).order_by():
            members[(member.hamlet_id, member.name_key, member.birth_year)] = planner.plan.members.load(member)
    seen: dict[tuple[HamletKey, str, int], int] = {}
    for row, key in found:
        assert row.place.commune is not None
        person = (key, row.name_key, row.birth_year)
        if (first := seen.setdefault(person, row.row)) != row.row:
            planner.plan.problems.append(check.at("full_name", row.row, both(
                f"Người này (họ tên, năm sinh, thôn) đã có ở dòng {first}",
                f"This person (name, birth year, hamlet) already appears in row {first}")))
            continue
        hamlet = planner.index.objects[key]
        values = {"gender": row.gender, "ethnicity": row.ethnicity, "admitted_on": row.admitted_on,
                  "sitting_chief": row.sitting_chief}
        member = members.get(person)
        if row.place.new:
            where = planner.index.display(key)
            commune = planner.units.label(row.place.commune)
            subject = msg.text_of(f"{row.full_name} ({row.birth_year}), {where.vi}, {commune.vi}",
                                  f"{row.full_name} ({row.birth_year}), {where.en}, {commune.en}")
        else:
            subject = f"{row.full_name} ({row.birth_year}), {hamlet.name}, {row.place.commune.name}"
        if member is None:
            member = fresh(PartyMember, hamlet=hamlet, full_name=row.full_name, birth_year=row.birth_year, **values)
            member.fill_keys()
            planner.plan.members.create(member)
            planner.plan.changes.append(Change(check.columns.sheet, row.row, subject, "create", (msg.MEMBER_CREATED,)))
            continue
        if member.official_on and row.admitted_on > member.official_on:
            planner.plan.problems.append(check.at("admitted_on", row.row, both(
                f"Ngày kết nạp sau ngày chính thức đã lưu ({msg.day(member.official_on)})",
                f"Admitted on is later than the stored official date ({msg.day(member.official_on)})")))
            continue
        details = Tracker.assign(member, values, MEMBER_LABELS)
        planner.plan.changes.append(Change(check.columns.sheet, row.row, subject,
                                           "update" if details else "unchanged", tuple(details)))


def targets(planner: Planner, rows: list[TargetRow]) -> None:
    """Targets of a 2025 province, a district (earlier list) or a commune (2025 list), for the term or one
    year of it (an annual plan, ``domain.md`` item 12)."""
    sheet = planner.checks["Targets"].columns.sheet if "Targets" in planner.checks else ""
    stored: dict[tuple, Target] = {}
    provinces = {r.place.region for r in rows}
    for target in Target.objects.filter(province_id__in=provinces).select_related("term"):
        key = (target.province_id, target.district_id, target.commune_id,
               (target.term.start_year, target.term.end_year), target.metric, target.special_area_only, target.year)
        stored[key] = planner.plan.targets.load(target)
    for row in rows:
        target = stored.get(row.key)
        if row.place.commune is not None:
            unit = planner.units.label(row.place.commune)
        else:
            name = (row.place.district or planner.units.province_unit(row.place.region)).name
            unit = msg.Label(name, name)
        what = (f": {Metric(row.metric).label}{f' ({msg.SPECIAL_AREAS_ONLY})' if row.special_area_only else ''}, "
                f"{planner.plan.terms[row.term].name}{f', {row.year}' if row.year else ''}")
        subject = f"{unit}{what}"
        if target is None:
            province, district, commune, _years, metric, special, year = row.key
            planner.plan.targets.create(Target(province_id=province, district_id=district, commune_id=commune,
                                               metric=metric, term=planner.plan.terms[row.term],
                                               special_area_only=special, percent=row.percent, year=year))
            planner.plan.changes.append(Change(sheet, row.row, subject, "create", (msg.target_created(row.percent),)))
            continue
        details = Tracker.assign(target, {"percent": row.percent}, TARGET_LABELS)
        planner.plan.changes.append(Change(sheet, row.row, subject, "update" if details else "unchanged",
                                           tuple(details)))


def admission_targets(planner: Planner, rows: list[AdmissionTargetRow]) -> None:
    """Yearly admission targets of a district (earlier list) or a commune (2025 list)."""
    sheet = planner.checks["Admission targets"].columns.sheet if "Admission targets" in planner.checks else ""
    districts = {r.place.district.id for r in rows if r.place.district}
    communes = {r.place.commune.id for r in rows if r.place.commune}
    stored = {}
    for target in AdmissionTarget.objects.filter(Q(district_id__in=districts) | Q(commune_id__in=communes)):
        unit = ("district", target.district_id) if target.district_id else ("commune", target.commune_id)
        stored[(*unit, target.year)] = planner.plan.admission_targets.load(target)
    for row in rows:
        target = stored.get(row.key)
        if row.place.district is not None:
            subject = f"{row.place.district.name}, {row.year}"
        else:
            assert row.place.commune is not None
            unit = planner.units.label(row.place.commune)
            subject = msg.text_of(f"{unit.vi}, {row.year}", f"{unit.en}, {row.year}")
        if target is None:
            planner.plan.admission_targets.create(AdmissionTarget(
                district_id=row.place.district.id if row.place.district else None,
                commune_id=row.place.commune.id if row.place.commune else None, year=row.year, target=row.target))
            planner.plan.changes.append(Change(sheet, row.row, subject, "create",
                                               (msg.admission_target_created(row.target),)))
            continue
        details = Tracker.assign(target, {"target": row.target}, ADMISSION_TARGET_LABELS)
        planner.plan.changes.append(Change(sheet, row.row, subject, "update" if details else "unchanged",
                                           tuple(details)))


def placements(planner: Planner, rows: list[PlacementRow]) -> None:
    """Unplaced hamlets placed in a 2025 commune; nothing else changes."""
    check = planner.checks["Placements"]
    for row in rows:
        key = planner.index.by_old.get((row.old.id, row.key))
        old = planner.units.label(row.old)
        new = planner.units.label(row.commune)
        if key is None:
            planner.plan.problems.append(check.at("hamlet", row.row, both(
                f'Không có thôn "{row.name}" ở {old.vi}', f'No hamlet "{row.name}" in {old.en}')))
            continue
        hamlet = planner.index.objects[key]
        if hamlet.new_commune_id not in (None, row.commune.id):
            unit = planner.units.new_commune_unit(hamlet.new_commune_id)
            there = planner.units.label(unit) if unit else new
            planner.plan.problems.append(check.at("commune", row.row, both(
                f"{hamlet.name} của {old.vi} đã thuộc {there.vi}",
                f"{hamlet.name} of {old.en} already lies in {there.en}")))
            continue
        match = Match(key, hamlet.commune_id, row.commune.id)
        if why := planner.out_of_scope(match, hamlet.name):
            planner.plan.problems.append(check.at("hamlet", row.row, why))
            continue
        subject = msg.text_of(f"{hamlet.name}, {old.vi}", f"{hamlet.name}, {old.en}")
        if hamlet.new_commune_id == row.commune.id:
            planner.plan.changes.append(Change(check.columns.sheet, row.row, subject, "unchanged"))
            continue
        planner.index.apply(match, hamlet.name, {})
        planner.plan.changes.append(Change(check.columns.sheet, row.row, subject, "update", (msg.placed_in(new),)))
