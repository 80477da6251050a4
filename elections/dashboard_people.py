"""The dashboard's people tables (issue 12; ``domain.md`` items 8-11): per unit of the dashboard's level,
the chiefs' and secretaries' profiles, the non-member chiefs with and without a plan and the stalled
plans, last year's "not completed" chiefs, and the officials responsible for each unit.

Two queries whatever the size: the people figures by unit (``PeopleFigures.by``; the total is added
up from the units, each hamlet lying in exactly one), and the officials' areas. Officials answer for a
district (earlier-list rows) or a 2025 commune (2025-list rows); on a district's page, whose rows are
its earlier communes, the district's officials stand on the total row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from .figures import Ratio
from .people_figures import PEOPLE_FIGURES_BY_CODE, PEOPLE_ZERO, PeopleFigures, add_up
from .people_models import OfficialArea

if TYPE_CHECKING:
    from .dashboard import Dashboard, Row

# The profiles table (items 8) and the path table (items 9-10), in the order shown.
PROFILE_CODES = ("chiefs", "aged_60", "under_40", "women_chiefs", "minority_chiefs", "women_secretaries",
                 "minority_secretaries")
PATH_CODES = ("non_members", "with_plan", "without_plan", "stalled", "not_completed")
PEOPLE_LABELS = {code: PEOPLE_FIGURES_BY_CODE[code].label for code in (*PROFILE_CODES, *PATH_CODES)}
# Column headers (the full label is the header's title).
PEOPLE_SHORT = {
    "chiefs": _("Trưởng thôn đương nhiệm"), "aged_60": _("Từ 60 tuổi"), "under_40": _("Dưới 40 tuổi"),
    "women_chiefs": _("Nữ"), "minority_chiefs": _("Dân tộc thiểu số"), "women_secretaries": _("Bí thư nữ"),
    "minority_secretaries": _("Bí thư dân tộc thiểu số"), "non_members": _("Chưa là đảng viên"),
    "with_plan": _("Có kế hoạch"), "without_plan": _("Chưa có kế hoạch"),
    "stalled": _("Quá 180 ngày không có bước mới"), "not_completed": _("Không hoàn thành nhiệm vụ năm trước"),
}
TOTAL_KEY = "total"  # the officials of the total row (a district's page: the district's)


@dataclass(frozen=True)
class AreaOfficial:
    name: str
    position: str
    phone: str

    @property
    def title(self) -> str:
        return " · ".join(part for part in (self.position, self.phone) if part)


@dataclass(frozen=True)
class PeopleLine:
    """One row of the people tables: the dashboard's row, its people figures and its officials."""

    row: Row
    ratios: dict[str, Ratio]
    officials: list[AreaOfficial]


class PeopleBoard:
    """A dashboard's people figures and officials, per unit of its level."""

    def __init__(self, board: Dashboard):
        self.board = board

    @cached_property
    def by_unit(self) -> dict[int | None, dict[str, Ratio]]:
        board = self.board
        return PeopleFigures(board.hamlets, board.term, board.as_of).by(board.level)

    def of(self, unit_id: int | None) -> dict[str, Ratio]:
        return self.by_unit.get(unit_id, PEOPLE_ZERO)

    @cached_property
    def total(self) -> dict[str, Ratio]:
        return add_up(self.by_unit.values())

    @cached_property
    def officials(self) -> dict[int | str, list[AreaOfficial]]:
        """{unit id (or ``TOTAL_KEY``): officials, by name}, in one query (none where no unit can have one)."""
        board = self.board
        areas = OfficialArea.objects.restrict(board.scope).order_by("official__name_key", "official_id")
        if board.is_new:
            field, ids, key = "commune_id", [pk for pk, _name in board.units], None
        elif board.district:
            field, ids, key = "district_id", [board.district.pk], TOTAL_KEY
        else:
            field, ids, key = "district_id", [pk for pk, _name in board.units], None
        found: dict[int | str, list[AreaOfficial]] = {}
        rows = areas.filter(**{f"{field}__in": ids}).values_list(field, "official__name", "official__position",
                                                                 "official__phone")
        for unit_id, name, position, phone in rows:
            found.setdefault(key or unit_id, []).append(AreaOfficial(name, position, phone))
        return found

    def lines(self, rows: list[Row]) -> list[PeopleLine]:
        """The people tables' rows for the dashboard's rows (as filtered and sorted there)."""
        officials = self.officials
        return [PeopleLine(row, self.of(row.unit_id), [] if row.unit_id is None else officials.get(row.unit_id, []))
                for row in rows]

    def total_line(self, total: Row) -> PeopleLine:
        return PeopleLine(total, self.total, self.officials.get(TOTAL_KEY, []))
