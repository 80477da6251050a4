"""Finding an official unit by the name (or code) a person typed: command lines, accounts.

Names are matched as the import matches them (``workbooks.md``): NFC, white
space, case and tone-mark placement folded (``text.match_key``), the
administrative prefix optional (``Thanh Chương`` or ``Huyện Thanh Chương``;
``TP.``, ``TX``, ``TT`` stand for Thành phố, Thị xã, Thị trấn), and, when
nothing else fits, the name typed without diacritics (``nghe an``). A bare
name that fits two units (``Kỳ Anh``: a huyện and a thị xã) needs its prefix;
two units with the same full name (the two Huyện Châu Thành of Bến Tre and
Trà Vinh, both now in Tỉnh Vĩnh Long) need their code, and the message names
the codes.

A province named anywhere is a 2025 province, by its name or its 2025 code;
the name of an earlier province that merged into another (Yên Bái) means that
earlier province (``units.md``): ``find_province`` returns it, and callers
that need the 2025 province take ``.current``.

Every failure raises ``UnitNotFound`` with a message in the active language
(``cadre_tracker.language``) that names the candidates, so a command turns it
into a ``CommandError`` as it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q

from cadre_tracker.language import both

from . import text
from .models import Commune, District, OfficialUnit, Province, UnitList

# Abbreviations clerks type for the prefixes (``TP. Vinh``, ``TX Thái Hoà``).
_ABBREVIATIONS = {"tp": "Thành phố", "tx": "Thị xã", "tt": "Thị trấn"}
_ABBREVIATION = re.compile(r"^\s*(tp|tx|tt)\s*\.?\s+(?=\S)", re.IGNORECASE)


class UnitNotFound(ValueError):
    """No unit, or several, fit the name; the message says which and what to type."""


def expand(name: str) -> str:
    """``TP. Vinh`` → ``Thành phố Vinh``; anything else only cleaned."""
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m[1].lower()] + " ", text.clean(name), count=1)


class NameIndex[U: OfficialUnit]:
    """Units by full name, bare name and name without diacritics."""

    def __init__(self, units: Iterable[U]):
        self.by_key: dict[str, list[U]] = defaultdict(list)
        self.by_bare: dict[str, list[U]] = defaultdict(list)
        self.by_loose: dict[str, list[U]] = defaultdict(list)
        for unit in units:
            self.by_key[text.match_key(unit.name)].append(unit)
            bare = text.split_prefix(unit.name)[1]
            self.by_bare[bare].append(unit)
            self.by_loose[text.search_key(bare)].append(unit)

    def candidates(self, name: str) -> list[U]:
        """The units ``name`` may mean: by full name when it has a prefix, else by bare name;
        by the name without diacritics when neither fits."""
        name = expand(name)
        prefix, bare = text.split_prefix(name)
        if prefix:
            exact = self.by_key.get(text.match_key(name), [])
        else:
            exact = self.by_key.get(bare, []) or self.by_bare.get(bare, [])
        return exact or self.by_loose.get(text.search_key(bare), [])


def _names(units: Iterable[OfficialUnit], where: Callable[[OfficialUnit], str] | None = None) -> str:
    return "; ".join(f"{u.name} ({where(u)})" if where else u.name for u in units)


def _one[U: OfficialUnit](hits: list[U], option: str, name: str, kind: tuple[str, str],
                          where: tuple[str, str] = ("", ""),
                          describe: Callable[[OfficialUnit], str] | None = None) -> U:
    """The single hit, or ``UnitNotFound`` naming what was looked for and the candidates."""
    if len(hits) == 1:
        return hits[0]
    kind_vi, kind_en = kind
    where_vi, where_en = (f" thuộc {where[0]}", f" in {where[1]}") if where[0] else ("", "")
    if not hits:
        raise UnitNotFound(both(f'{option}: không có {kind_vi} "{name}"{where_vi}',
                                f'{option}: no {kind_en} "{name}"{where_en}'))
    names = _names(hits, describe)
    if len({text.match_key(u.name) for u in hits}) == 1:  # the same full name: the prefix cannot help
        codes_vi = " hoặc ".join(str(u.code) for u in hits)
        codes_en = " or ".join(str(u.code) for u in hits)
        count_vi, count_en = {2: ("hai", "two"), 3: ("ba", "three")}.get(len(hits), (len(hits), len(hits)))
        raise UnitNotFound(both(
            f'{option}: "{name}" ứng với {count_vi} {kind_vi} cùng tên{where_vi}: {names}; ghi mã ({codes_vi}), '
            f"ví dụ {option} {hits[0].code}",
            f'{option}: "{name}" fits {count_en} {kind_en}s{where_en} with the same name: {names}; write the code '
            f"({codes_en}), e.g. {option} {hits[0].code}"))
    raise UnitNotFound(both(f'{option}: "{name}" chưa rõ{where_vi}, có thể là: {names}; ghi rõ tiền tố hoặc mã',
                            f'{option}: "{name}" is ambiguous{where_en}: {names}; write the prefix or the code'))


def find_province(name: str, option: str = "--province") -> Province:
    """The province ``name`` names: a 2025 province by name or 2025 code; else an earlier province
    by name (one that merged means its own hamlets only; ``.current`` is its 2025 province)."""
    raw = text.clean(name)
    if (code := text.whole_number(raw)) is not None:
        found = Province.objects.new().filter(code=code).first()
        if found is None:
            raise UnitNotFound(both(f"{option}: không có tỉnh mã {raw} trong danh mục từ 01/07/2025",
                                    f"{option}: no province of the 2025 list has the code {raw}"))
        return found
    provinces = list(Province.objects.select_related("successor").order_by("-unit_list", "code"))
    if not provinces:
        raise UnitNotFound(both(f"{option}: chưa nạp danh mục đơn vị hành chính, chạy manage.py load_admin_units",
                                f"{option}: the official list of units is not loaded: run manage.py load_admin_units"))
    new = NameIndex(p for p in provinces if p.unit_list == UnitList.NEW).candidates(raw)
    hits = new or NameIndex(p for p in provinces if p.unit_list == UnitList.EARLIER).candidates(raw)
    return _one(hits, option, raw, ("tỉnh", "province"), describe=lambda p: p.get_unit_list_display())


def merged_note(named: Province) -> str:
    """What to tell the user when an earlier province's name was given for a 2025 province;
    empty when the name already is the 2025 province's."""
    current = named.current
    if current.pk == named.pk or text.split_prefix(current.name)[1] == text.split_prefix(named.name)[1]:
        return ""
    old, new = text.bare_name(named.name), text.bare_name(current.name)
    return both(f"{old} đã hợp nhất vào {new} từ 01/07/2025: tài khoản theo {current.name}",
                f"{old} merged into {new} on 1 July 2025: the account follows {current.name}")


def find_district(name: str, province: Province | None = None, option: str = "--district") -> District:
    """A district of the earlier list, by name or code, within ``province`` when given (a 2025
    province: within every earlier province merged into it)."""
    districts = District.objects.select_related("province")
    if province is not None:
        if province.unit_list == UnitList.NEW:
            districts = districts.filter(Q(province__successor=province) | Q(province=province))
        else:
            districts = districts.filter(province=province)
    code = text.whole_number(text.clean(name))
    hits = list(districts.filter(code=code)) if code is not None else NameIndex(districts.order_by("code")).candidates(
        name)
    if len(hits) > 1 and province is None and len({d.province_id for d in hits}) > 1:
        where = _names(hits, lambda d: d.province.name)
        raise UnitNotFound(both(f'{option}: "{name}" có ở nhiều tỉnh: {where}; thêm --province',
                                f'{option}: "{name}" is in several provinces: {where}; add --province'))
    return _one(hits, option, text.clean(name), ("huyện", "district"),
                (province.name, province.name) if province else ("", ""), describe=lambda d: d.province.name)


def find_commune(name: str, province: Province | None = None, option: str = "--commune") -> Commune:
    """A commune of the 2025 list (by name or 2025 code), within the 2025 province of ``province``
    when given; a name that is also an earlier commune's, or is shared by communes of several
    provinces, is resolved within that province's 2025 list."""
    communes = Commune.objects.new().select_related("province")
    current = province.current if province is not None else None
    if current is not None:
        communes = communes.filter(province=current)
    raw = text.clean(name)
    code = text.whole_number(raw)
    if code is not None:
        hits = list(communes.filter(code=code))
    else:
        hits = NameIndex(communes.order_by("code")).candidates(raw)
    if len(hits) > 1 and current is None and len({c.province_id for c in hits}) > 1:
        where = _names(hits, lambda c: c.province.name)
        raise UnitNotFound(both(f'{option}: "{raw}" có ở nhiều tỉnh: {where}; thêm --province',
                                f'{option}: "{raw}" is in several provinces: {where}; add --province'))
    where = (f"{current.name} (danh mục từ 01/07/2025)", f"{current.name} (2025 list)") if current else (
        "danh mục từ 01/07/2025", "the 2025 list")
    if not hits and code is None:
        _explain_earlier(raw, current, option)
    return _one(hits, option, raw, ("xã, phường", "commune"), where, describe=lambda c: c.province.name)


def _explain_earlier(name: str, province: Province | None, option: str) -> None:
    """``UnitNotFound`` saying where an earlier commune called ``name`` went, if there is one."""
    earlier = Commune.objects.earlier().select_related("district").prefetch_related("successors")
    if province is not None:
        earlier = earlier.filter(Q(province__successor=province) | Q(province=province))
    old = NameIndex(earlier.order_by("code")).candidates(name)
    if not old:
        return
    went = "; ".join(f"{c.name}, {c.district.name if c.district_id else ''} → "
                     f"{', '.join(s.name for s in c.successors.all()) or '?'}" for c in old)
    raise UnitNotFound(both(f'{option}: "{name}" là xã của danh mục trước 01/07/2025 ({went}); ghi tên xã, phường '
                            "từ 01/07/2025",
                            f'{option}: "{name}" is a commune of the earlier list ({went}); name a commune of the '
                            "2025 list"))
