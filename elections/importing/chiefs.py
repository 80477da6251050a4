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
    from elections.warnings import chief_cautions  # elections.warnings reads the import's labels

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
    lying: dict[int, list[HamletKey]] = defaultdict(list)  # commune (either list) -> hamlets lying in it
    for key, hamlet in planner.index.objects.items():
        for commune_id in {hamlet.commune_id, hamlet.new_commune_id} - {None}:
            lying[commune_id].append(key)

    def name(key: HamletKey, years: Years) -> str:
        shown = str(planner.index.display(key))
        if (number := named.get((key, years))) is None:
            return shown
        cell = check.columns.ref("chief", number)
        return both(f"{shown} (ô {cell})", f"{shown} (cell {cell})")

    warnings = []
    for row, key in asked:
        chiefs, hamlet = after[row.term], planner.index.objects[key]
        person = text.match_key(chiefs[key])
        others = sorted({other for commune_id in {hamlet.commune_id, hamlet.new_commune_id} - {None}
                         for other in lying[commune_id]
                         if other != key and text.match_key(chiefs.get(other, "")) == person},
                        key=lambda k: (named.get((k, row.term), 0), planner.index.objects[k].name))
        if not others:
            continue
        group = {key: chiefs[key], **{other: chiefs[other] for other in others}}
        caution = chief_cautions(group, planner.plan.terms[row.term], lambda k, y=row.term: name(k, y))[key]
        warnings.append(check.at("chief", row.row, caution.message))
    return warnings
