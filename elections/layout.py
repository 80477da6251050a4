"""Which official list figures are grouped by, and which province a page or report is about (``units.md``).

* The layout: before 1 July 2025 province → district → commune of the
  earlier list; from that day province → commune of the 2025 list (no
  district level, an ``Unplaced`` row for hamlets that lie in no 2025
  commune yet). ``?units=2025`` / ``--units 2025`` asks for the 2025 layout
  for an earlier date. District boards always get the earlier layout,
  commune boards always the 2025 one.
* A province named anywhere is a 2025 province, by its name or its 2025
  code; the name of an earlier province that merged into another (Yên Bái
  into Lào Cai) means that earlier province's hamlets only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cadre_tracker.language import both
from hamlets import text
from hamlets.models import Commune, District, Hamlet, Province, UnitList, list_in_force
from hamlets.scoping import Scope

EARLIER, NEW = UnitList.EARLIER.value, UnitList.NEW.value
UNPLACED = "unplaced"  # the hamlet list's ``new_commune`` value for hamlets in no 2025 commune


def parse_units(value: object) -> str | None:
    """``2025`` (the 2025 layout), or None when blank; ValueError for anything else."""
    raw = text.clean(value)
    if not raw:
        return None
    if raw == NEW:
        return NEW
    raise ValueError(_("Cách nhóm “%(units)s” không có; chỉ nhận 2025 (nhóm theo xã, phường từ 01/07/2025).")
                     % {"units": raw})


def choose_layout(scope: Scope, as_of: object, units: str | None = None) -> str:
    """``EARLIER`` or ``NEW``: boards by their own list, everyone else by ``units`` or the list in force."""
    if scope.is_district:
        return EARLIER
    if scope.is_commune or units == NEW:
        return NEW
    return list_in_force(as_of)  # type: ignore[arg-type]


# --- provinces -------------------------------------------------------------

class ProvinceNotFound(ValueError):
    """A province name or code that fits no province, or several; the message says which."""


def find_province(value: object) -> Province:
    """The province a user named: a 2025 province by its name or 2025 code; an earlier
    province's name only where no 2025 province bears it (Yên Bái: that earlier province)."""
    raw = text.clean(value)
    if (code := text.whole_number(raw)) is not None:
        return _by_code(code)
    provinces = list(Province.objects.order_by("code"))
    prefix, key = text.split_prefix(raw)
    loose = text.search_key(key)
    tests: tuple[Callable[[Province], bool], ...] = (
        lambda p: text.split_prefix(p.name) == (prefix, key) or (not prefix and text.split_prefix(p.name)[1] == key),
        lambda p: text.split_prefix(p.name)[1] == key,  # a wrong prefix, where the bare name is unique
        # typed without diacritics: "nghe an", "tinh nghe an"
        lambda p: loose in (text.search_key(text.bare_name(p.name)), text.search_key(p.name)),
    )
    for fits in tests:
        for unit_list in (NEW, EARLIER):
            hits = [p for p in provinces if p.unit_list == unit_list and fits(p)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                names = ", ".join(f"{p.name} ({both('mã', 'code')} {p.code})" for p in hits)
                raise ProvinceNotFound(both(f"{raw!r} ứng với nhiều tỉnh ({names}); ghi rõ tiền tố hoặc mã",
                                            f"{raw!r} fits several provinces ({names}); give the prefix or the code"))
    raise ProvinceNotFound(both(f"không có tỉnh nào tên {raw!r}", f"no province named {raw!r}"))


def _by_code(code: int) -> Province:
    new = Province.objects.new().filter(code=code).first()
    if new is not None:
        return new
    earlier = Province.objects.earlier().filter(code=code).select_related("successor").first()
    if earlier is not None and earlier.successor_id is None:
        return earlier  # the 2025 list is not loaded: the earlier province stands for itself
    if earlier is not None:
        raise ProvinceNotFound(both(
            f"không có tỉnh mã {code} trong danh mục từ 01/07/2025 ({code} là mã của {earlier.name} trong danh mục "
            f"trước 01/07/2025: ghi tên tỉnh đó, hoặc mã {earlier.successor.code} của {earlier.successor.name})",
            f"no province with the code {code} in the 2025 list ({code} was {earlier.name} in the earlier list: "
            f"give its name, or {earlier.successor.name}'s code {earlier.successor.code})"))
    raise ProvinceNotFound(both(f"không có tỉnh mã {code}", f"no province with the code {code}"))


def province_key(province: Province) -> str:
    """What a URL names the province by, so that ``find_province`` finds it again."""
    if province.unit_list == NEW or province.successor_id is None:
        return str(province.code)
    return province.name


def provinces_of_layout(scope: Scope, layout: str) -> QuerySet[Province]:
    """The provinces the national view lists, in scope: the earlier list's (63) in the earlier layout, the
    2025 list's (34) in the 2025 layout, where an earlier province whose 2025 province is not loaded
    stands for itself (as ``Province.current`` does)."""
    provinces = Province.objects.restrict(scope)
    if layout == NEW:
        return provinces.filter(Q(unit_list=NEW) | Q(unit_list=EARLIER, successor__isnull=True))
    return provinces.earlier()


def provinces_with_hamlets(scope: Scope) -> QuerySet[Province]:
    """The (2025) provinces holding hamlets the scope sees."""
    return Province.objects.filter(pk__in=Hamlet.objects.restrict(scope).order_by().values("province_id"))


# --- the units listed ------------------------------------------------------

def districts_of(province: Province, scope: Scope) -> QuerySet[District]:
    """The earlier-list districts of a province in the scope: for a 2025 province those of
    every earlier province merged into it."""
    districts = District.objects.restrict(scope)
    if province.unit_list == NEW:
        return districts.filter(Q(province=province) | Q(province__successor=province))
    return districts.filter(province=province)


def new_communes_of(province: Province, scope: Scope, hamlets: QuerySet[Hamlet]) -> QuerySet[Commune]:
    """The 2025 communes of a province in the scope; for an earlier province that merged, those
    its communes went into and those its hamlets were placed in."""
    communes = Commune.objects.restrict(scope).new()
    if province.unit_list == NEW:
        return communes.filter(province=province)
    return communes.filter(Q(predecessors__province=province)
                           | Q(pk__in=hamlets.order_by().values("new_commune_id"))).distinct()
