"""The province, district and commune a row names, in either list, within the user's scope.

Which list a row names (``workbooks.md``): ``District`` or ``District
code`` filled, the earlier list (province, district, commune; the
``Former ...`` cells are ignored with a warning); both blank, the 2025 list
(province and commune, and where given the hamlet's old commune from the
``Former ...`` cells, rule 11).

Scope is checked here where the units alone decide it (a district board
and an earlier-list row of another district; provincial staff and another
province; a commune board and a 2025-list row of another commune); the
planner checks the rest on the hamlet the row finds (``Scope.covers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hamlets.scoping import Scope

from . import messages as msg
from . import rules
from .template import FORMER_COMMUNE, FORMER_COMMUNE_CODE, FORMER_DISTRICT
from .units import Resolution, Unit, Units

if TYPE_CHECKING:
    from .rows import RowContext


@dataclass(frozen=True, slots=True)
class Place:
    """``province`` as named; ``region`` the 2025 province; ``commune`` of the row's list; ``former``
    the old commune a 2025-list row names in its ``Former ...`` cells."""

    province: Unit
    district: Unit | None = None
    commune: Unit | None = None
    former: Unit | None = None
    region: int = 0
    new: bool = False


def report(ctx: RowContext, found: Resolution, fields: dict[str, str]) -> Unit | None:
    """The unit found, else a problem at the cells ``found.fields`` names (``{"name": "district", ...}``)."""
    if found.unit is None:
        ctx.problem(tuple(fields[f] for f in found.fields if f in fields) or tuple(fields.values())[:1],
                    found.message)
    return found.unit


def names_earlier_list(ctx: RowContext) -> bool:
    """A row whose District or District code is filled names the earlier list."""
    values = ctx.raw.values
    return any(not rules.is_blank(values.get(f)) or f in ctx.raw.bad for f in ("district", "district_code"))


def scope_message(scope: Scope, region: int, unit: str, district: Unit | None = None) -> str | None:
    """Why ``scope`` may not write data of this province (and district), or None."""
    if scope.everything:
        return None
    if scope.district_id is not None:
        return None if district is not None and district.id == scope.district_id else msg.outside_district(unit)
    if scope.province_id is not None:
        return None if region == scope.province_id else msg.outside_province(unit)
    return msg.NO_SCOPE


def code_cell(ctx: RowContext, name: str) -> int | None:
    return ctx.parse(name, rules.parse_whole_number) if name in ctx.sheet.columns else None


def earlier_place(ctx: RowContext, units: Units, scope: Scope, *, commune: bool = True,
                  district_required: bool = True) -> Place | None:
    """The row's province, district (and commune) of the earlier list.

    With ``district_required=False`` (Targets) a blank district means the
    whole (2025) province."""
    columns = ctx.sheet.columns
    province_name = ctx.text("province", required=True)
    district_code = code_cell(ctx, "district_code")
    district_name = ctx.text("district", required=district_required and district_code is None)
    commune_name = ctx.text("commune", required=True) if commune else ""
    commune_code = code_cell(ctx, "commune_code")
    if not province_name:
        return None
    if not district_name and district_code is None:
        if district_required or "district" in ctx.failed:
            return None
        return province_place(ctx, units, scope, province_name)
    found = units.province(province_name)
    province = report(ctx, found, {"name": "province"})
    if province is None or {"district_code", "commune_code"} & ctx.failed:
        return None
    code_label = ctx.label("district_code") if "district_code" in columns else None
    district = report(ctx, units.district(province, district_name, district_code, code_label,
                                          within=found.within, prefer=found.prefer),
                      {"name": "district", "code": "district_code"})
    if district is None:
        return None
    region = units.region_id(units.province_unit(district.parent_id or province.id))
    if why := scope_message(scope, region, district.name, district):
        ctx.problem("district", why)
        return None
    if not commune or not commune_name:
        return Place(province, district, region=region)
    code_label = ctx.label("commune_code") if "commune_code" in columns else None
    found_commune = report(ctx, units.commune(district, commune_name, commune_code, code_label),
                           {"name": "commune", "code": "commune_code"})
    return Place(province, district, found_commune, region=region) if found_commune else None


def province_place(ctx: RowContext, units: Units, scope: Scope, province_name: str) -> Place | None:
    """A whole 2025 province (a province-wide target)."""
    found = units.new_province(province_name)
    province = report(ctx, found, {"name": "province"})
    if province is None:
        return None
    if found.warning:
        ctx.warn("province", found.warning)
    if not scope.is_district and (why := scope_message(scope, found.region, province.name)):
        ctx.problem("province", why)
        return None
    return Place(province, region=found.region, new=True)


def new_place(ctx: RowContext, units: Units, scope: Scope, *, commune_required: bool = True,
              former: bool = True) -> Place | None:
    """The row's 2025 province and commune, and the old commune its ``Former ...`` cells name."""
    province_name = ctx.text("province", required=True)
    commune_name = ctx.text("commune", required=commune_required)
    commune_code = code_cell(ctx, "commune_code")
    if not province_name or (not commune_name and commune_code is None):
        return None
    found = units.new_province(province_name)
    province = report(ctx, found, {"name": "province"})
    if province is None or "commune_code" in ctx.failed:
        return None
    if former and not units.region(found.region).new:
        ctx.problem("district", msg.required(ctx.label("district")))  # no 2025 list: only the earlier list
        return None
    if found.warning:
        ctx.warn("province", found.warning)
    code_label = ctx.label("commune_code") if "commune_code" in ctx.sheet.columns else None
    commune = report(ctx, units.new_commune(province, found.region, commune_name, commune_code, code_label),
                     {"name": "commune", "code": "commune_code"})
    if commune is None:
        return None
    if why := _new_scope_message(scope, units, found.region, commune):
        ctx.problem("commune", why)
        return None
    old = _former(ctx, units, commune) if former else None
    if old is False:
        return None
    if old and scope.is_district and old.parent_id != scope.district_id:
        ctx.problem(_former_cell(ctx), msg.outside_district(units.label(old).vi))
        return None
    return Place(province, None, commune, old or None, region=found.region, new=True)


def _new_scope_message(scope: Scope, units: Units, region: int, commune: Unit) -> str | None:
    if scope.everything or scope.is_district:  # a district board: decided on the hamlet
        return None
    label = units.label(commune)
    if scope.commune_id is not None:
        return None if commune.id == scope.commune_id else msg.outside_commune(label)
    if scope.province_id is not None:
        return None if region == scope.province_id else msg.outside_province(label)
    return msg.NO_SCOPE


FORMER_FIELDS = {"district": "former_district", "name": "former_commune", "code": "former_commune_code"}


def _former_cell(ctx: RowContext) -> tuple[str, ...]:
    """The ``Former ...`` cells the row fills (a problem shows at the rightmost)."""
    return tuple(f for f in FORMER_FIELDS.values() if f in ctx.sheet.columns
                 and not rules.is_blank(ctx.raw.values.get(f))) or ("former_commune",)


def _former(ctx: RowContext, units: Units, commune: Unit) -> Unit | None | bool:
    """The old commune of the ``Former ...`` cells: None when they are blank, False after a problem."""
    columns = ctx.sheet.columns
    district_name = ctx.text("former_district") if "former_district" in columns else ""
    name = ctx.text("former_commune") if "former_commune" in columns else ""
    code = code_cell(ctx, "former_commune_code")
    if set(FORMER_FIELDS.values()) & ctx.failed:
        return False
    if not name and code is None:
        if district_name:
            ctx.problem("former_commune", msg.former_district_alone(ctx.label("former_district"),
                                                                     ctx.label("former_commune")))
            return False
        return None
    labels = {"district": FORMER_DISTRICT.label, "name": FORMER_COMMUNE.label, "code": FORMER_COMMUNE_CODE.label}
    found = units.former_commune(commune, district_name, name, code, labels)
    return report(ctx, found, {k: v for k, v in FORMER_FIELDS.items() if v in columns}) or False


def ignore_former(ctx: RowContext) -> None:
    """``Former ...`` cells on an earlier-list row are ignored, with a warning."""
    given = [f for f in FORMER_FIELDS.values() if f in ctx.sheet.columns and not rules.is_blank(
        ctx.raw.values.get(f))]
    if given:
        ctx.warn(given[0], msg.FORMER_IGNORED)
        ctx.failed.update(given)  # nothing reads them


def unit_place(ctx: RowContext, units: Units, scope: Scope, *, whole_province: bool) -> Place | None:
    """A target's unit: a district of the earlier list, a commune of the 2025 list (optional ``Commune``
    header) or, where ``whole_province``, neither: the whole 2025 province. Both filled is wrong (rule 2)."""
    has_commune = "commune" in ctx.sheet.columns
    commune_given = has_commune and (not rules.is_blank(ctx.raw.values.get("commune")) or "commune" in ctx.raw.bad)
    if names_earlier_list(ctx):
        if commune_given:
            ctx.problem("commune", msg.district_and_commune(ctx.label("district"), ctx.label("commune")))
            return None
        return earlier_place(ctx, units, scope, commune=False)
    if commune_given:
        return new_place(ctx, units, scope, former=False)
    if whole_province:
        return earlier_place(ctx, units, scope, commune=False, district_required=False)
    if has_commune:
        ctx.text("province", required=True)
        ctx.problem("district", msg.district_or_commune(ctx.label("district"), ctx.label("commune")))
        return None
    return earlier_place(ctx, units, scope, commune=False)


class Placed(Protocol):
    """A checked row with its units (Hamlets, Admissions, Chief plans, Chief evaluations)."""

    @property
    def place(self) -> Place: ...


def row_communes(row: Placed, units: Units) -> frozenset[int]:
    """The communes of either list whose hamlets one row may find: its own commune, the one the table
    places its old commune in (adoption), its former commune and the candidates of its 2025 one."""
    place = row.place
    assert place.commune is not None
    ids = {place.commune.id}
    if place.new:
        ids.update(units.candidates(place.commune.id))
        if place.former is not None:
            ids.add(place.former.id)
    elif (sole := units.sole_successor(place.commune.id)) is not None:
        ids.add(sole)
    return frozenset(ids)
