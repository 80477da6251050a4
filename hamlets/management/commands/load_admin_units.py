"""Load both official lists of units and their conversion table (``units.md``).

From the PyPI package ``vietnam-provinces==2026.9.0`` (``hamlets.official``):
the earlier list (63 provinces, 696 districts, 10,051 communes, in force
until 2025-06-30) and the 2025 list (34 provinces, 3,321 communes, from
2025-07-01), then the official conversion of old communes into new ones.
A unit is identified by its list and code. Loading twice changes nothing; a
renamed unit is updated by its list and code. Nothing is typed by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from cadre_tracker.language import LanguageCommand, both
from hamlets import official, text
from hamlets.models import Commune, CommuneSuccession, District, OfficialUnit, Province, UnitList

# The name's prefix is the unit's kind.
_KINDS = {"thành phố": "thành phố", "thị xã": "thị xã", "thị trấn": "thị trấn", "huyện": "huyện",
          "quận": "quận", "phường": "phường", "xã": "xã", "tỉnh": "tỉnh", "đặc khu": "đặc khu"}


def division_type(name: str) -> str:
    prefix, _ = text.split_prefix(name)
    return _KINDS.get(prefix, "")


def select_provinces(wanted: list[str]) -> tuple[set[int], set[int]]:
    """(earlier codes, 2025 codes) to load for ``--province`` names or codes: a 2025 province
    comes with the earlier provinces merged into it; an earlier one with its 2025 province."""
    earlier, new, successors = official.earlier_provinces(), official.new_provinces(), official.province_successors()
    if not wanted:
        return set(earlier), set(new)
    old_codes: set[int] = set()
    new_codes: set[int] = set()
    for name in wanted:
        key = text.split_prefix(name)[1]
        loose = text.search_key(key)

        new_hits, old_hits = _hits(new, name, key, loose), _hits(earlier, name, key, loose)
        if not new_hits and not old_hits:
            raise CommandError(both(f"--province: không có tỉnh nào tên {name!r} trong cả hai danh mục",
                                    f"--province: no province named {name!r} in either official list"))
        for code in new_hits:
            new_codes.add(code)
            old_codes.update(o for o, n in successors.items() if n == code)
        for code in old_hits:
            if not new_hits:
                old_codes.add(code)
                new_codes.add(successors[code])
    return old_codes, new_codes


def _hits(units: dict[int, official.OfficialProvince], name: str, key: str, loose: str) -> list[int]:
    found = [c for c, p in units.items() if str(c) == name.strip() or text.split_prefix(p.name)[1] == key]
    return found or [c for c, p in units.items() if text.search_key(text.split_prefix(p.name)[1]) == loose]


class Command(LanguageCommand):
    help = "Load both official lists of units and their conversion table (vietnam-provinces 2026.9.0)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", action="append", default=[], metavar="NAME",
                            help="load only this province (name or code, of either list) in both lists; "
                                 "may be repeated")

    def handle(self, *args: Any, **options: Any) -> None:
        old_codes, new_codes = select_provinces(options["province"])
        counts = load_units(old_codes, new_codes)
        self.stdout.write(both(
            f"danh mục trước 01/07/2025: {counts['province']} tỉnh, {counts['district']} huyện, "
            f"{counts['commune']} xã; danh mục từ 01/07/2025: {counts['new_province']} tỉnh, "
            f"{counts['new_commune']} xã, phường; {counts['succession']} dòng chuyển đổi "
            f"({counts['created']} thêm, {counts['updated']} sửa)",
            f"earlier list: {counts['province']} provinces, {counts['district']} districts, "
            f"{counts['commune']} communes; 2025 list: {counts['new_province']} provinces, "
            f"{counts['new_commune']} communes; {counts['succession']} conversion lines "
            f"({counts['created']} created, {counts['updated']} updated)"))


def _sync(model: type[OfficialUnit], unit_list: str, rows: list[tuple[int, str, dict[str, Any]]],
          counts: dict[str, int], level: str) -> dict[int, int]:
    """Create or update ``rows`` of (code, name, other fields) of one list in bulk; code -> primary key."""
    codes = [code for code, _name, _other in rows]
    existing = {u.code: u for u in model.objects.filter(unit_list=unit_list, code__in=codes)}
    other_fields = sorted({f for _c, _n, other in rows for f in other})
    fields = ["name", *OfficialUnit.KEYS, "division_type", *other_fields]
    new, changed = [], []
    for code, name, other in rows:
        unit = existing.get(code) or model(code=code, unit_list=unit_list)
        before = [getattr(unit, f, None) for f in fields]
        unit.name, unit.division_type = name, division_type(name)
        for f, value in other.items():
            setattr(unit, f, value)
        unit.fill_keys()
        if unit.pk is None:
            new.append(unit)
        elif before != [getattr(unit, f) for f in fields]:
            changed.append(unit)
    model.objects.bulk_create(new, batch_size=2000)
    model.objects.bulk_update(changed, fields, batch_size=2000)
    counts[level] += len(rows)
    counts["created"] += len(new)
    counts["updated"] += len(changed)
    return dict(model.objects.filter(unit_list=unit_list, code__in=codes).values_list("code", "pk"))


@transaction.atomic
def load_units(old_codes: Iterable[int], new_codes: Iterable[int]) -> dict[str, int]:
    earlier, new = official.earlier_provinces(), official.new_provinces()
    old_list = [earlier[c] for c in sorted(old_codes)]
    new_list = [new[c] for c in sorted(new_codes)]
    counts = dict.fromkeys(("province", "district", "commune", "new_province", "new_commune", "succession",
                            "created", "updated"), 0)
    new_province_ids = _sync(Province, UnitList.NEW, [(p.code, p.name, {}) for p in new_list], counts,
                             "new_province")
    _sync(Commune, UnitList.NEW, [
        (code, name, {"province_id": new_province_ids[p.code], "district_id": None})
        for p in new_list for code, name in p.communes], counts, "new_commune")
    successors = official.province_successors()
    all_new = dict(Province.objects.filter(unit_list=UnitList.NEW).values_list("code", "pk"))
    province_ids = _sync(Province, UnitList.EARLIER, [
        (p.code, p.name, {"successor_id": all_new.get(successors.get(p.code))}) for p in old_list], counts,
        "province")
    district_ids = _sync(District, UnitList.EARLIER, [
        (code, name, {"province_id": province_ids[p.code]}) for p in old_list for code, name, _w in p.districts],
        counts, "district")
    commune_ids = _sync(Commune, UnitList.EARLIER, [
        (code, name, {"province_id": province_ids[p.code], "district_id": district_ids[d]})
        for p in old_list for d, _n, wards in p.districts for code, name in wards], counts, "commune")
    counts["succession"] = _sync_conversion(commune_ids, counts)
    _follow_successors(province_ids.values())
    return counts


def _follow_successors(province_ids: Iterable[int]) -> None:
    """Hamlets and accounts of an earlier province point at its 2025 province once that is loaded."""
    from hamlets.models import Hamlet, UserScope

    for pk, successor_id in Province.objects.filter(pk__in=list(province_ids), successor__isnull=False).values_list(
            "pk", "successor_id"):
        Hamlet.objects.filter(commune__district__province_id=pk).exclude(province_id=successor_id).update(
            province_id=successor_id)
        UserScope.objects.filter(province_id=pk).update(province_id=successor_id)


def _sync_conversion(commune_ids: dict[int, int], counts: dict[str, int]) -> int:
    """The conversion lines of the loaded old communes whose new communes are loaded."""
    new_ids = dict(Commune.objects.filter(unit_list=UnitList.NEW).values_list("code", "pk"))
    table = official.conversion()
    wanted = {(commune_ids[old], new_ids[code]): partly
              for old, (codes, partly) in table.items() if old in commune_ids
              for code in codes if code in new_ids}
    stored = {(s.old_id, s.new_id): s for s in
              CommuneSuccession.objects.filter(old_id__in=list(commune_ids.values()))}
    CommuneSuccession.objects.bulk_create(
        [CommuneSuccession(old_id=o, new_id=n, partly_merged=p)
         for (o, n), p in wanted.items() if (o, n) not in stored],
        batch_size=5000)
    changed = [s for key, s in stored.items() if key in wanted and s.partly_merged != wanted[key]]
    for s in changed:
        s.partly_merged = wanted[(s.old_id, s.new_id)]
    CommuneSuccession.objects.bulk_update(changed, ["partly_merged"])
    gone = [s.pk for key, s in stored.items() if key not in wanted]
    CommuneSuccession.objects.filter(pk__in=gone).delete()
    counts["created"] += len(wanted) - (len(stored) - len(gone))
    counts["updated"] += len(changed) + len(gone)
    return len(wanted)
