"""Load provinces, districts and communes from the official list.

The list is the one shipped by the PyPI package ``vietnam-provinces``
(0.6.0: 63 provinces, 696 districts, 10,051 communes). Nothing is typed by
hand. Loading twice changes nothing; a renamed unit is updated by its code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

from hamlets import text
from hamlets.models import Commune, District, OfficialUnit, Province

# The package's division_type field says "huyện" / "xã" for every unit of a
# level; the name's prefix is the real kind.
_KINDS = {"thành phố": "thành phố", "thị xã": "thị xã", "thị trấn": "thị trấn", "huyện": "huyện",
          "quận": "quận", "phường": "phường", "xã": "xã", "tỉnh": "tỉnh"}


def division_type(name: str) -> str:
    prefix, _ = text.split_prefix(name)
    return _KINDS.get(prefix, "")


def official_provinces() -> list[dict[str, Any]]:
    with open(NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


class Command(BaseCommand):
    help = "Load official provinces, districts and communes (vietnam-provinces 0.6.0)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", action="append", default=[], metavar="NAME",
                            help="load only this province (name or code); may be repeated")

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = self.select(official_provinces(), options["province"])
        counts = load_units(provinces)
        self.stdout.write(
            f"{counts['province']} provinces, {counts['district']} districts, {counts['commune']} communes "
            f"({counts['created']} created, {counts['updated']} updated)")

    def select(self, data: list[dict[str, Any]], wanted: list[str]) -> list[dict[str, Any]]:
        if not wanted:
            return data
        chosen = []
        for name in wanted:
            key = text.split_prefix(name)[1]
            hits = [p for p in data if str(p["code"]) == name.strip() or text.split_prefix(p["name"])[1] == key]
            if not hits:  # typed without diacritics: "nghe an"
                loose = text.search_key(key)
                hits = [p for p in data if text.search_key(text.split_prefix(p["name"])[1]) == loose]
            if not hits:
                raise CommandError(f"--province: no province named {name!r} in the official list")
            chosen.extend(h for h in hits if h not in chosen)
        return chosen


def _sync(model: type[OfficialUnit], rows: list[tuple[int, str, int | None]],
          parent_field: str | None = None) -> tuple[dict[int, int], int, int]:
    """Create or update ``rows`` of (code, name, parent id) in bulk; returns
    code -> primary key and the created and updated counts."""
    codes = [code for code, _name, _parent in rows]
    existing = {u.code: u for u in model.objects.filter(code__in=codes)}
    fields = ["name", "name_key", "search", "division_type", *([parent_field] if parent_field else [])]
    new, changed = [], []
    for code, name, parent_id in rows:
        unit = existing.get(code) or model(code=code)
        before = [getattr(unit, f, None) for f in fields]
        unit.name, unit.division_type = name, division_type(name)
        if parent_field:
            setattr(unit, parent_field, parent_id)
        unit.fill_keys()
        if unit.pk is None:
            new.append(unit)
        elif before != [getattr(unit, f) for f in fields]:
            changed.append(unit)
    model.objects.bulk_create(new, batch_size=2000)
    model.objects.bulk_update(changed, fields, batch_size=2000)
    ids = dict(model.objects.filter(code__in=codes).values_list("code", "pk"))
    return ids, len(new), len(changed)


@transaction.atomic
def load_units(provinces: Iterable[dict[str, Any]]) -> dict[str, int]:
    provinces = list(provinces)
    counts = {"province": 0, "district": 0, "commune": 0, "created": 0, "updated": 0}

    def add(level: str, result: tuple[dict[int, int], int, int]) -> dict[int, int]:
        ids, created, updated = result
        counts[level] += len(ids)
        counts["created"] += created
        counts["updated"] += updated
        return ids

    province_ids = add("province", _sync(Province, [(p["code"], p["name"], None) for p in provinces]))
    district_ids = add("district", _sync(District, [
        (d["code"], d["name"], province_ids[p["code"]]) for p in provinces for d in p["districts"]], "province_id"))
    add("commune", _sync(Commune, [
        (w["code"], w["name"], district_ids[d["code"]]) for p in provinces for d in p["districts"]
        for w in d["wards"]], "district_id"))
    return counts
