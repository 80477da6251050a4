"""Finding the province, district and commune a row names.

Names are matched as ``workbooks.md`` says: NFC, white space, case and
tone-mark placement folded (``text.match_key``); the administrative prefix
(``Huyện``, ``Thị xã``...) is optional, but where the bare name fits two
units the row must give the prefix or the code. A district is looked up
within the row's province, a commune within the district. The units of a
province are loaded once, in two queries, the first time a row names it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from hamlets import text
from hamlets.models import Commune, District, Province

from .messages import Label, both

# Abbreviations clerks type for the prefixes (``TP. Vinh``, ``TX Thái Hoà``).
_ABBREVIATIONS = {"tp": "Thành phố", "tx": "Thị xã", "tt": "Thị trấn"}
_ABBREVIATION = re.compile(r"^\s*(tp|tx|tt)\s*\.?\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    code: int
    name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class Level:
    vi: str
    en: str


PROVINCE = Level("tỉnh", "province")
DISTRICT = Level("huyện", "district")
COMMUNE = Level("xã", "commune")


@dataclass(frozen=True)
class Resolution:
    """The unit a row names, or why there is none; ``fields`` says which
    cells the problem concerns: ``("name",)``, ``("code",)`` or both."""

    unit: Unit | None
    message: str = ""
    fields: tuple[str, ...] = ("name",)


def expand(name: str) -> str:
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m[1].lower()] + " ", text.clean(name), count=1)


class Lookup:
    """The units under one parent, by code, full name, bare name and loose name."""

    def __init__(self, units: Iterable[Unit]):
        self.by_code: dict[int, Unit] = {}
        self.by_key: dict[str, list[Unit]] = defaultdict(list)
        self.by_bare: dict[str, list[Unit]] = defaultdict(list)
        self.by_loose: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            self.by_code[unit.code] = unit
            self.by_key[text.match_key(unit.name)].append(unit)
            bare = text.split_prefix(unit.name)[1]
            self.by_bare[bare].append(unit)
            self.by_loose[text.search_key(bare)].append(unit)

    def candidates(self, name: str) -> list[Unit]:
        """The units ``name`` may mean: by full name when it has a prefix, else by bare name."""
        name = expand(name)
        prefix, bare = text.split_prefix(name)
        if prefix:
            return self.by_key.get(text.match_key(name), [])
        return self.by_key.get(bare, []) or self.by_bare.get(bare, [])

    def suggestions(self, name: str) -> list[Unit]:
        """Near misses for a message: same bare name, other prefix; or typed without diacritics."""
        bare = text.split_prefix(expand(name))[1]
        return self.by_bare.get(bare, []) or self.by_loose.get(text.search_key(bare), [])


def _names(units: list[Unit]) -> str:
    return ", ".join(f'"{u.name}"' for u in units)


def resolve(lookup: Lookup, level: Level, name: str, *, code: int | None = None, parent: str = "",
            code_label: Label | None = None) -> Resolution:
    """The unit of ``lookup`` that ``name`` (and ``code``, which decides when given) names."""
    where_vi = f" thuộc {parent}" if parent else ""
    where_en = f" in {parent}" if parent else ""
    if code is not None and code_label is not None:
        unit = lookup.by_code.get(code)
        if unit is None:
            return Resolution(None, both(f"{code_label.vi} {code} không phải mã của {level.vi} nào{where_vi}",
                                         f"{code_label.en} {code} is not the code of a {level.en}{where_en}"),
                              ("code",))
        if name and unit not in lookup.candidates(name):
            return Resolution(None, both(f'{code_label.vi} {code} là "{unit.name}", không khớp với tên "{name}"',
                                         f'{code_label.en} {code} is "{unit.name}", which does not match "{name}"'),
                              ("name", "code"))
        return Resolution(unit)
    hits = lookup.candidates(name)
    if len(hits) == 1:
        return Resolution(hits[0])
    if hits:
        code_vi = f" hoặc điền {code_label.vi}" if code_label else ""
        code_en = f" or fill in {code_label.en}" if code_label else ""
        return Resolution(None, both(
            f'"{name}" chưa rõ{where_vi}: có thể là {" hoặc ".join(u.name for u in hits)}; ghi rõ tên kèm tiền tố '
            f'(ví dụ "{hits[0].name}"){code_vi}',
            f'"{name}" is ambiguous{where_en}: {" or ".join(u.name for u in hits)}; write the name with its prefix '
            f'(e.g. "{hits[0].name}"){code_en}'))
    near = lookup.suggestions(name)
    hint_vi = f" (có phải {_names(near)}?)" if near else ""
    hint_en = f" (did you mean {_names(near)}?)" if near else ""
    if level is PROVINCE and not lookup.by_code:
        hint_vi = " (chưa nạp danh mục đơn vị hành chính: chạy manage.py load_admin_units)"
        hint_en = " (the official list of units is not loaded: run manage.py load_admin_units)"
    return Resolution(None, both(f'Không có {level.vi} "{name}"{where_vi}{hint_vi}',
                                 f'No {level.en} "{name}"{where_en}{hint_en}'))


class Units:
    """The official units the workbook names, loaded a province at a time."""

    def __init__(self) -> None:
        self._provinces: Lookup | None = None
        self._districts: dict[int, Lookup] = {}
        self._communes: dict[int, Lookup] = {}
        self._found: dict[tuple[object, ...], Resolution] = {}  # the same names come again and again
        self.queries = 0

    def province(self, name: str) -> Resolution:
        if self._provinces is None:
            self.queries += 1
            self._provinces = Lookup(Unit(pk, code, n) for pk, code, n in
                                     Province.objects.order_by("code").values_list("pk", "code", "name"))
        key = (PROVINCE, name)
        if key not in self._found:
            self._found[key] = resolve(self._provinces, PROVINCE, name)
        return self._found[key]

    def district(self, province: Unit, name: str, code: int | None = None,
                 code_label: Label | None = None) -> Resolution:
        self._load(province)
        key = (DISTRICT, province.id, name, code, code_label)
        if key not in self._found:
            self._found[key] = resolve(self._districts[province.id], DISTRICT, name, code=code,
                                       parent=province.name, code_label=code_label)
        return self._found[key]

    def commune(self, district: Unit, name: str, code: int | None = None,
                code_label: Label | None = None) -> Resolution:
        key = (COMMUNE, district.id, name, code, code_label)
        if key not in self._found:
            self._found[key] = resolve(self._communes.get(district.id) or Lookup(()), COMMUNE, name, code=code,
                                       parent=district.name, code_label=code_label)
        return self._found[key]

    def _load(self, province: Unit) -> None:
        if province.id in self._districts:
            return
        self.queries += 2
        districts = [Unit(pk, code, n, province.id) for pk, code, n in
                     District.objects.filter(province_id=province.id).values_list("pk", "code", "name")]
        self._districts[province.id] = Lookup(districts)
        communes: dict[int, list[Unit]] = defaultdict(list)
        rows = Commune.objects.filter(district__province_id=province.id).values_list("pk", "code", "name",
                                                                                     "district_id")
        for pk, code, name, district_id in rows:
            communes[district_id].append(Unit(pk, code, name, district_id))
        for district in districts:
            self._communes[district.id] = Lookup(communes[district.id])
