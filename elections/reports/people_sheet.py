"""The meeting report's ``People`` sheet (``workbooks.md`` section 5; ``domain.md`` items 8-10).

One row per unit as on ``Districts`` (earlier layout) or ``Communes`` (2025 layout, with
``Unplaced``), then ``Total``; whole numbers only (the numerators of ``PeopleFigures``).
The figures come from one grouped query; the total is the sum of the groups (each count is a
count of hamlets, and every hamlet of the scope lies in exactly one group), so the sheet costs
one query whatever the province's size. The national report has no ``People`` sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..figures import Ratio
from ..people_figures import PEOPLE_ZERO, add_up
from .xlsx import Column

SHEET = "People"
# (header, people figure code) in the order of workbooks.md section 5
HEADERS: tuple[tuple[str, str], ...] = (
    ("Chiefs in office", "chiefs"),
    ("Chiefs aged 60 or more", "aged_60"),
    ("Chiefs under 40", "under_40"),
    ("Women chiefs", "women_chiefs"),
    ("Ethnic-minority chiefs", "minority_chiefs"),
    ("Congresses completed", "congresses"),
    ("Women secretaries", "women_secretaries"),
    ("Ethnic-minority secretaries", "minority_secretaries"),
    ("Non-member chiefs", "non_members"),
    ("Non-member chiefs with a plan", "with_plan"),
    ("Plans without a step for 180 days", "stalled"),
    ("Chiefs rated not completed last year", "not_completed"),
)
TITLES = {
    False: "Con người: trưởng thôn, bí thư, kế hoạch bồi dưỡng, đánh giá / People (by district)",
    True: "Con người: trưởng thôn, bí thư, kế hoạch bồi dưỡng, đánh giá / People (2025 list)",
}


@dataclass(frozen=True)
class PeopleRow:
    """One unit's (or the total's) people figures."""

    name: str
    ratios: Mapping[str, Ratio] = field(default_factory=lambda: PEOPLE_ZERO)
    unit_id: int | None = None
    is_total: bool = False

    def __getitem__(self, code: str) -> Ratio:
        return self.ratios[code]


def _count(code: str) -> Callable[[PeopleRow], int]:
    return lambda row: row[code].numerator


def columns(first: str) -> tuple[Column, ...]:
    """The sheet's columns: ``District`` or ``Commune``, then the counts."""
    return (Column(first, "text", lambda row: row.name),
            *(Column(header, "count", _count(code)) for header, code in HEADERS))


def rows(units: Iterable[tuple[int, str]], by_unit: Mapping[int | None, Mapping[str, Ratio]],
         unplaced: str | None = None, total: str = "Total") -> list[PeopleRow]:
    """One row per unit (zeros without hamlets), ``unplaced`` where hamlets lie in no unit (2025
    layout), then the total of every group."""
    made = [PeopleRow(name, by_unit.get(pk, PEOPLE_ZERO), pk) for pk, name in units]
    if unplaced is not None and None in by_unit:
        made.append(PeopleRow(unplaced, by_unit[None]))
    return [*made, PeopleRow(total, add_up(by_unit.values()), is_total=True)]
