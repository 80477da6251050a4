"""The ``Placements`` sheet: unplaced hamlets of the earlier list placed in a 2025 commune.

A row names the hamlet by province, former district (blank where the
former commune's name is unique in the province), former commune (or its
code, which decides) and name, and the 2025 commune to place it in, which
must be a candidate (``units.md``); a blank ``Commune`` skips the row. The
hamlet must exist (the same workbook's Hamlets rows included) and lie in no
other 2025 commune; placing touches nothing else (``plan_sheets.placements``).

``hamlets.placing.write_placements`` writes the sheet to fill in
(``place_hamlets --out``): the template's columns, ``Commune`` blank, and a
last column ``Candidates`` that the import ignores. A workbook with a
``Placements`` sheet needs no ``Hamlets`` sheet, so the file imports back as
it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from hamlets import text
from hamlets.scoping import Scope

from . import messages as msg
from . import rules
from .messages import both
from .places import FORMER_FIELDS, code_cell, report
from .rows import NAME_LENGTH, RowContext
from .template import (
    FORMER_COMMUNE,
    FORMER_COMMUNE_CODE,
    FORMER_DISTRICT,
    PLACEMENTS,
)
from .units import Unit, Units


@dataclass(slots=True)
class PlacementRow:
    row: int
    region: int
    old: Unit
    name: str
    key: str
    commune: Unit

    @property
    def hamlet(self) -> tuple[int, str]:
        return self.old.id, self.key


SKIP = "skip"


def check_placement(ctx: RowContext, units: Units, scope: Scope) -> PlacementRow | str | None:
    """A Placements row; ``SKIP`` where Commune is blank."""
    commune_name = ctx.text("commune")
    if not commune_name and "commune" not in ctx.failed:
        return SKIP
    province_name = ctx.text("province", required=True)
    district_name = ctx.text("former_district")
    former_name = ctx.text("former_commune", required="former_commune_code" not in ctx.sheet.columns or rules.is_blank(
        ctx.raw.values.get("former_commune_code")))
    code = code_cell(ctx, "former_commune_code")
    name = ctx.text("hamlet", required=True, max_length=NAME_LENGTH)
    if not province_name or not (former_name or code is not None) or set(FORMER_FIELDS.values()) & ctx.failed:
        return None
    found = units.new_province(province_name)
    province = report(ctx, found, {"name": "province"})
    if province is None:
        return None
    labels = {"district": FORMER_DISTRICT.label, "name": FORMER_COMMUNE.label, "code": FORMER_COMMUNE_CODE.label}
    old = report(ctx, units.old_commune_in(found.region, district_name, former_name, code, labels),
                 {k: v for k, v in FORMER_FIELDS.items() if v in ctx.sheet.columns})
    new = report(ctx, units.new_commune(province, found.region, commune_name), {"name": "commune"})
    if old is None or new is None or not name:
        return None
    if not units.is_candidate(new.id, old.id):
        choices = [units.label(u) for pk in units.successors(old.id) if (u := units.new_commune_unit(pk))]
        ctx.problem("commune", msg.not_candidate(units.label(new), units.label(old), choices))
        return None
    if why := _scope(scope, units, found.region, old, new):
        ctx.problem("commune", why)
        return None
    return PlacementRow(ctx.row, found.region, old, name, text.match_key(name), new)


def _scope(scope: Scope, units: Units, region: int, old: Unit, new: Unit) -> str | None:
    if scope.everything:
        return None
    if scope.is_district:
        return None if old.parent_id == scope.district_id else msg.outside_district(units.label(old).vi)
    if scope.is_commune:
        return None if new.id == scope.commune_id else msg.outside_commune(units.label(new))
    return None if region == scope.province_id else msg.outside_province(units.label(new))


FIELDS = [c.field for c in PLACEMENTS.columns]


def duplicate_message(first: int) -> str:
    return both(f"Thôn này đã có ở dòng {first}", f"This hamlet already appears in row {first}")
