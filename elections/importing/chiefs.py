"""The entry grid's warning in the import preview too: one person (names folded, ``text.match_key``)
as chief of two hamlets of one commune in one term (issue 10, item 2).

Worked out once every Hamlets row is planned, over the chiefs as they would be after the import:
each row's chief for its hamlet and term (none where Chief elected on is blank), and for the
other hamlets lying in the same commune (of either list, as the grid shows a commune) the chief of
the term's latest stored election. As in the grid, a row is asked about only where it gives its
hamlet another chief than the one stored: importing back what is recorded asks nothing again.
The warning sits at the row's Chief cell and names the other hamlets, with the cell of those the
workbook names (``Bản Na (ô P3)``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from hamlets import text

from .matching import HamletKey
from .messages import both
from .plan import Planner, Years
from .result import Problem
from .rows import HamletRow


def repeated_chiefs(planner: Planner, rows: Iterable[HamletRow]) -> list[Problem]:
    """A warning at the Chief cell of each planned row whose new chief also heads another hamlet of
    its commune in its term."""
    from elections.warnings import chief_caution  # elections.warnings reads the import's labels

    check = planner.checks.get("Hamlets")
    if check is None:
        return []
    planned = {number: key for (key, _years), number in planner.seen.items()}
    rows = [r for r in rows if r.row in planned]
    if not rows:
        return []
    tracker = planner.plan.elections
    held_at, chief_at = tracker.fields.index("held_on"), tracker.fields.index("chief")
    stored: dict[Years, dict[HamletKey, str]] = defaultdict(dict)  # the term's latest election, as read
    for (key, years), elections in planner.elections.items():
        read = [tracker.before(e) for e in elections if e.pk is not None]  # not those the rows create
        if read:
            stored[years][key] = max(read, key=lambda values: values[held_at])[chief_at]
    after = {years: dict(chiefs) for years, chiefs in stored.items()}
    named: dict[tuple[HamletKey, Years], int] = {}  # hamlets the workbook names: their row
    asked = []
    for row in rows:
        key = planned[row.row]
        chief = row.chief if row.chief_elected_on else ""
        after.setdefault(row.term, {})[key] = chief
        named[(key, row.term)] = row.row
        if chief and text.match_key(chief) != text.match_key(stored.get(row.term, {}).get(key, "")):
            asked.append((row, key))
    if not asked:
        return []
    folded = {years: {key: text.match_key(chief) for key, chief in chiefs.items()} for years, chiefs in after.items()}
    holding: dict[tuple[Years, int, str], set[HamletKey]] = defaultdict(set)  # (term, commune, person) -> hamlets
    for key, hamlet in planner.index.objects.items():
        for commune_id in {hamlet.commune_id, hamlet.new_commune_id} - {None}:
            for years, people in folded.items():
                if person := people.get(key):
                    holding[(years, commune_id, person)].add(key)

    def name(key: HamletKey, years: Years) -> str:
        shown = str(planner.index.display(key))
        if (number := named.get((key, years))) is None:
            return shown
        cell = check.columns.ref("chief", number)
        return both(f"{shown} (ô {cell})", f"{shown} (cell {cell})")

    warnings = []
    for row, key in asked:
        hamlet, person = planner.index.objects[key], folded[row.term][key]
        others = set().union(*(holding[(row.term, commune_id, person)]
                               for commune_id in {hamlet.commune_id, hamlet.new_commune_id} - {None})) - {key}
        if not others:
            continue
        ordered = sorted(others, key=lambda k: (named.get((k, row.term), 0), planner.index.objects[k].name))
        caution = chief_caution(after[row.term][key], ordered, planner.plan.terms[row.term],
                                lambda k, y=row.term: name(k, y))
        warnings.append(check.at("chief", row.row, caution.message))
    return warnings
