"""The two official lists of units and their conversion table, read from the PyPI
package ``vietnam-provinces==2026.9.0`` (``units.md``); nothing is typed by hand.

* earlier list (until 30 June 2025): ``vietnam_provinces.legacy``, 63 provinces,
  696 districts, 10,051 communes;
* 2025 list (from 1 July 2025): ``vietnam_provinces``, 34 provinces, 3,321
  communes, no districts;
* conversion: ``vietnam_provinces._ward_conversion_2025.OLD_TO_NEW``, old
  commune code → new commune codes (codes of the table that are not in the
  earlier list are ignored). An earlier province's 2025 province is derived
  from its communes' lines of that table (the package's province table has a
  bad entry).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache


@dataclass
class OfficialProvince:
    code: int
    name: str
    districts: list[tuple[int, str, list[tuple[int, str]]]] = field(default_factory=list)  # earlier list
    communes: list[tuple[int, str]] = field(default_factory=list)  # 2025 list


@cache
def earlier_provinces() -> dict[int, OfficialProvince]:
    from vietnam_provinces.legacy import District, Province, Ward

    provinces = {int(p.code): OfficialProvince(int(p.code), p.name) for p in Province.iter_all()}
    wards: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for w in Ward.iter_all():
        wards[int(w.district_code)].append((int(w.code), w.name))
    for d in District.iter_all():
        provinces[int(d.province_code)].districts.append((int(d.code), d.name, sorted(wards[int(d.code)])))
    for p in provinces.values():
        p.districts.sort()
    return provinces


@cache
def new_provinces() -> dict[int, OfficialProvince]:
    from vietnam_provinces import Province, Ward

    provinces = {int(p.code): OfficialProvince(int(p.code), p.name) for p in Province.iter_all()}
    for w in Ward.iter_all():
        provinces[int(w.province_code)].communes.append((int(w.code), w.name))
    for p in provinces.values():
        p.communes.sort()
    return provinces


@cache
def conversion() -> dict[int, tuple[tuple[int, ...], bool]]:
    """Old commune code → (new commune codes, partly merged), for old codes of the earlier list."""
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW

    known = {code for p in earlier_provinces().values() for _d, _n, wards in p.districts for code, _w in wards}
    return {old: (tuple(int(w.code) for w in entry.new_wards), bool(entry.old_ward.is_partly_merged))
            for old, entry in OLD_TO_NEW.items() if old in known}


@cache
def province_successors() -> dict[int, int]:
    """Earlier province code → the code of the 2025 province it lies wholly in."""
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW

    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for entry in OLD_TO_NEW.values():
        for new in entry.new_wards:
            votes[int(entry.old_ward.province_code)][int(new.province_code)] += 1
    return {old: counter.most_common(1)[0][0] for old, counter in votes.items() if old in earlier_provinces()}
