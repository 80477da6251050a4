"""Looking a unit up by name or code among the units of one parent (``workbooks.md``, "Matching names").

Names are matched after NFC, white-space, case and tone-mark folding
(``text.match_key``); the administrative prefix is optional, but where a
bare name fits two units the row must give the prefix or the code, and where
two units have the same full name (Thanh Hóa's two Xã Đông Khê, both of
Thành phố Thanh Hóa) only the code can tell them apart: the message names the
codes (``same_name``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from hamlets import text

from .messages import Label, both

# Abbreviations clerks type for the prefixes (``TP. Vinh``, ``TX Thái Hoà``).
_ABBREVIATIONS = {"tp": "Thành phố", "tx": "Thị xã", "tt": "Thị trấn"}
_ABBREVIATION = re.compile(r"^\s*(tp|tx|tt)\s*\.?\s+(?=\S)", re.IGNORECASE)
CODE = re.compile(r"^\d{1,5}$")


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: ``parent_id`` is the province of a district or of a 2025 commune, the district of an
    earlier commune; ``new``: of the 2025 list."""

    id: int
    code: int
    name: str
    parent_id: int | None = None
    new: bool = False


@dataclass(frozen=True)
class Level:
    vi: str
    en: str

    @property
    def en_plural(self) -> str:
        first, _space, rest = self.en.partition(" ")
        return f"{first}s" + (f" {rest}" if rest else "")

    @property
    def code_label(self) -> Label:
        """The template's header for this level's code (``Commune code``)."""
        return Label(f"Mã {self.vi.split(' ')[0]}", f"{self.en.split(' ')[0].capitalize()} code")


PROVINCE = Level("tỉnh", "province")
DISTRICT = Level("huyện", "district")
COMMUNE = Level("xã", "commune")
NEW_COMMUNE = Level("xã của danh mục từ 01/07/2025", "commune of the 2025 list")
OLD_COMMUNE = Level("xã của danh mục trước 01/07/2025", "commune of the earlier list")
UNIT = Level("đơn vị", "unit")


@dataclass(frozen=True)
class Resolution:
    """The unit a row names, or why there is none; ``fields`` says which
    cells the problem concerns: ``("name",)``, ``("code",)`` or both.

    For a province: ``region`` is its 2025 province; ``within`` the earlier
    provinces whose districts an earlier-list row may name, ``prefer`` those
    of them the name itself names; ``warning`` is for the clerk, not a problem."""

    unit: Unit | None
    message: str = ""
    fields: tuple[str, ...] = ("name",)
    warning: str = ""
    region: int = 0
    within: tuple[int, ...] = ()
    prefer: tuple[int, ...] = ()


def expand(name: str) -> str:
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m[1].lower()] + " ", text.clean(name), count=1)


class Lookup:
    """The units under one parent, by code, full name, bare name and loose name."""

    def __init__(self, units: Iterable[Unit], *, any_prefix: bool = False):
        self.any_prefix = any_prefix  # a wrong prefix is forgiven where the bare name is unique (provinces)
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
            hits = self.by_key.get(text.match_key(name), [])
            if not hits and self.any_prefix and len(self.by_bare.get(bare, [])) == 1:
                return self.by_bare[bare]
            return hits
        return self.by_key.get(bare, []) or self.by_bare.get(bare, [])

    def suggestions(self, name: str) -> list[Unit]:
        """Near misses for a message: same bare name, other prefix; or typed without diacritics."""
        bare = text.split_prefix(expand(name))[1]
        return self.by_bare.get(bare, []) or self.by_loose.get(text.search_key(bare), [])


def names(units: list[Unit]) -> str:
    return ", ".join(f'"{name}"' for name in dict.fromkeys(u.name for u in units))


def resolve(lookup: Lookup, level: Level, name: str, *, code: int | None = None, parent: str = "",
            code_label: Label | None = None, hint: Label | None = None) -> Resolution:
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
        return Resolution(None, same_name(name, hits, level, parent, code_label)
                          or ambiguous(name, hits, where_vi, where_en, code_label))
    near = lookup.suggestions(name)
    hint_vi = f" (có phải {names(near)}?)" if near else ""
    hint_en = f" (did you mean {names(near)}?)" if near else ""
    if hint is not None and not near:
        hint_vi, hint_en = f" ({hint.vi})", f" ({hint.en})"
    if level is PROVINCE and not lookup.by_code:
        hint_vi = " (chưa nạp danh mục đơn vị hành chính: chạy manage.py load_admin_units)"
        hint_en = " (the official list of units is not loaded: run manage.py load_admin_units)"
    return Resolution(None, both(f'Không có {level.vi} "{name}"{where_vi}{hint_vi}',
                                 f'No {level.en} "{name}"{where_en}{hint_en}'))


_COUNT_VI = {2: "hai", 3: "ba", 4: "bốn"}
_COUNT_EN = {2: "two", 3: "three", 4: "four"}


def same_name(name: str, hits: list[Unit], level: Level, parent: str = "", code_label: Label | None = None) -> str:
    """Where every unit ``name`` fits bears the same full name, the message asking for the code and
    naming each unit's (the prefix cannot help); ``""`` otherwise."""
    if len(hits) < 2 or len({text.match_key(u.name) for u in hits}) > 1:
        return ""
    label = code_label or level.code_label
    hits = sorted(hits, key=lambda u: u.code)
    codes_vi = " hoặc ".join(str(u.code) for u in hits)
    codes_en = " or ".join(str(u.code) for u in hits)
    count_vi, count_en = _COUNT_VI.get(len(hits), str(len(hits))), _COUNT_EN.get(len(hits), str(len(hits)))
    where_vi, where_en = (f" thuộc {parent}", f" of {parent}") if parent else ("", "")
    return both(f'"{text.clean(name)}" ứng với {count_vi} {level.vi} cùng tên{where_vi}: ghi {label.vi} '
                f"({codes_vi})",
                f'"{text.clean(name)}" fits {count_en} {level.en_plural}{where_en} with the same name: write the '
                f"{label.en} ({codes_en})")


def ambiguous(name: str, hits: list[Unit], where_vi: str, where_en: str, code_label: Label | None) -> str:
    code_vi = f" hoặc điền {code_label.vi}" if code_label else ""
    code_en = f" or fill in {code_label.en}" if code_label else ""
    if message := same_name(name, hits, UNIT, code_label=code_label):  # the same full name twice
        return message
    return both(
        f'"{name}" chưa rõ{where_vi}: có thể là {" hoặc ".join(u.name for u in hits)}; ghi rõ tên kèm tiền tố '
        f'(ví dụ "{hits[0].name}"){code_vi}',
        f'"{name}" is ambiguous{where_en}: {" or ".join(u.name for u in hits)}; write the name with its prefix '
        f'(e.g. "{hits[0].name}"){code_en}')
