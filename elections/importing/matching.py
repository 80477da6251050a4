"""Finding the hamlet a row names, in either list (``workbooks.md``, "Which list a row names").

The hamlets the workbook may name are held in memory, stored ones and those
the import creates, so that matching sees the hamlets of earlier rows of the
same workbook:

* an earlier-list row: the hamlet of that name in its (old) commune; else,
  where the conversion table places the old commune in exactly one 2025
  commune that holds a namesake with no earlier commune, that hamlet (it
  *adopts* the old commune); else a new hamlet of the old commune (placed
  where the table maps it to one commune);
* a 2025-list row with ``Former ...``: the hamlet of that name in that old
  commune (adopting, as above, a namesake with no earlier commune), created
  there if there is none, placed in the row's commune; wrong (rule 11) when
  it already lies in another 2025 commune;
* a 2025-list row without: among the hamlets of that name lying in the row's
  commune and the unplaced ones for which it is a candidate, the one with no
  earlier commune first, else the only one (placed there); none: a new
  hamlet of the 2025 commune with no earlier commune; several: wrong (rule
  11), naming the former communes to choose from.

``find`` only looks; ``apply`` makes the change the match describes, so a
row refused for scope changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from hamlets import text
from hamlets.models import Hamlet

from .loading import fresh
from .messages import Label, both
from .units import Unit, Units

FORMER = ("hamlet", "former_commune")
HamletKey = int  # a stored hamlet's pk, or a negative number for a hamlet the import creates


@dataclass(frozen=True)
class Match:
    """A row's hamlet: ``key`` (None: a new one) as it will lie after the row, or ``problem`` (rule 11)."""

    key: HamletKey | None = None
    commune_id: int | None = None
    new_commune_id: int | None = None
    problem: str = ""
    fields: tuple[str, ...] = ("hamlet",)  # where a problem shows: the rightmost of these columns

    @property
    def creates(self) -> bool:
        return self.key is None and not self.problem


class HamletIndex:
    """The hamlets an import may name, by old commune and by 2025 commune."""

    def __init__(self, units: Units, tracker: Any):
        self.units = units
        self.tracker = tracker
        self.objects: dict[HamletKey, Hamlet] = {}
        self.by_old: dict[tuple[int, str], HamletKey] = {}
        self.by_new: dict[tuple[int, str], list[HamletKey]] = defaultdict(list)
        self._serial = 0

    def add_stored(self, hamlet: Hamlet) -> bool:
        if hamlet.pk in self.objects:
            return False
        self.objects[hamlet.pk] = self.tracker.load(hamlet)
        self._index(hamlet.pk)
        return True

    def _index(self, key: HamletKey) -> None:
        hamlet = self.objects[key]
        if hamlet.commune_id:
            self.by_old[(hamlet.commune_id, hamlet.name_key)] = key
        if hamlet.new_commune_id and key not in self.by_new[(hamlet.new_commune_id, hamlet.name_key)]:
            self.by_new[(hamlet.new_commune_id, hamlet.name_key)].append(key)

    # --- looking ----------------------------------------------------------

    def _at(self, key: HamletKey, commune_id: int | None = None, new_commune_id: int | None = None) -> Match:
        hamlet = self.objects[key]
        return Match(key, commune_id or hamlet.commune_id, new_commune_id or hamlet.new_commune_id)

    def _without_earlier(self, new_commune_id: int, name_key: str) -> HamletKey | None:
        return next((k for k in self.by_new.get((new_commune_id, name_key), ())
                     if self.objects[k].commune_id is None), None)

    def earlier(self, commune: Unit, name_key: str, *, create: bool = True) -> Match:
        found = self.by_old.get((commune.id, name_key))
        sole = self.units.sole_successor(commune.id)
        if found is not None:
            unplaced = self.objects[found].new_commune_id is None
            return self._at(found, new_commune_id=sole if create and unplaced else None)
        if sole is not None and (adoptee := self._without_earlier(sole, name_key)) is not None:
            return self._at(adoptee, commune_id=commune.id if create else None)
        return Match(None, commune.id, sole)

    def new(self, commune: Unit, former: Unit | None, name: str, name_key: str, *, create: bool = True) -> Match:
        if former is not None:
            return self._former(commune, former, name, name_key, create)
        found = list(self.by_new.get((commune.id, name_key), ()))
        for old_id in self.units.candidates(commune.id):
            key = self.by_old.get((old_id, name_key))
            if key is not None and self.objects[key].new_commune_id is None and key not in found:
                found.append(key)
        first = next((k for k in found if self.objects[k].commune_id is None), None)
        if first is not None:
            return self._at(first)
        if len(found) == 1:
            return self._at(found[0], new_commune_id=commune.id if create else None)
        if not found:
            return Match(None, None, commune.id)
        return Match(problem=self._ambiguous(commune, name, found), fields=FORMER)

    def _former(self, commune: Unit, former: Unit, name: str, name_key: str, create: bool) -> Match:
        found = self.by_old.get((former.id, name_key))
        if found is not None:
            lies_in = self.objects[found].new_commune_id
            if lies_in not in (None, commune.id):
                return Match(problem=self._elsewhere(self.objects[found], former, lies_in), fields=FORMER)
            return self._at(found, new_commune_id=commune.id if create else None)
        if (adoptee := self._without_earlier(commune.id, name_key)) is not None:
            return self._at(adoptee, commune_id=former.id if create else None)
        return Match(None, former.id, commune.id)

    # --- changing ---------------------------------------------------------

    def apply(self, match: Match, name: str, values: dict[str, Any]) -> HamletKey:
        """Create, adopt or place the hamlet as ``match`` says; its key."""
        if match.key is None:
            hamlet = fresh(Hamlet, commune_id=match.commune_id, new_commune_id=match.new_commune_id, name=name,
                           **values)
            hamlet.fill_keys()
            hamlet.province_id = self.units.hamlet_province(match.commune_id, match.new_commune_id)
            self._serial -= 1
            self.objects[self._serial] = self.tracker.create(hamlet)
            self._index(self._serial)
            return self._serial
        hamlet = self.objects[match.key]
        if (hamlet.commune_id, hamlet.new_commune_id) != (match.commune_id, match.new_commune_id):
            hamlet.commune_id, hamlet.new_commune_id = match.commune_id, match.new_commune_id
            hamlet.province_id = self.units.hamlet_province(match.commune_id, match.new_commune_id)
            self._index(match.key)
        return match.key

    # --- naming hamlets in messages --------------------------------------

    def former_name(self, hamlet: Hamlet) -> str:
        old = self.units.old_commune(hamlet.commune_id) if hamlet.commune_id else None
        return text.bare_name(old.name) if old else ""

    def display(self, key: HamletKey) -> Label:
        """``Xóm 1 (Thanh Lâm cũ)`` / ``Xóm 1 (formerly Thanh Lâm)`` where the hamlet's 2025 commune holds a
        namesake, else its name."""
        hamlet = self.objects[key]
        namesakes = self.by_new.get((hamlet.new_commune_id, hamlet.name_key), ()) if hamlet.new_commune_id else ()
        former = self.former_name(hamlet)
        if len(namesakes) > 1 and former:
            return Label(f"{hamlet.name} ({former} cũ)", f"{hamlet.name} (formerly {former})")
        return Label(hamlet.name, hamlet.name)

    def _ambiguous(self, commune: Unit, name: str, keys: list[HamletKey]) -> str:
        keys = sorted(keys, key=self._old_code)
        formers = [self.former_name(self.objects[k]) for k in keys]
        where = self.units.label(commune)
        listed_vi = ", ".join(f"{self.objects[k].name} ({f} cũ)" for k, f in zip(keys, formers, strict=True))
        listed_en = ", ".join(f"{self.objects[k].name} (formerly {f})" for k, f in zip(keys, formers, strict=True))
        return both(f'Có {len(keys)} thôn "{name}" ở {where.vi}: {listed_vi}; ghi Xã cũ là '
                    f'{" hoặc ".join(formers)}',
                    f'"{name}" fits {len(keys)} hamlets of {where.en}: {listed_en}; fill in Former commune: '
                    f'{" or ".join(formers)}')

    def _old_code(self, key: HamletKey) -> int:
        hamlet = self.objects[key]
        old = self.units.old_commune(hamlet.commune_id) if hamlet.commune_id else None
        return old.code if old else 0

    def _elsewhere(self, hamlet: Hamlet, former: Unit, new_commune_id: int) -> str:
        old = self.units.label(former)
        unit = self.units.new_commune_unit(new_commune_id)
        there = self.units.label(unit) if unit else Label(str(new_commune_id), str(new_commune_id))
        return both(f"{hamlet.name} của {old.vi} đã thuộc {there.vi}",
                    f"{hamlet.name} of {old.en} already lies in {there.en}")
