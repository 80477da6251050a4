"""Finding the province, district and commune a row names, in either official list.

Names are matched as ``workbooks.md`` says: NFC, white space, case and
tone-mark placement folded (``text.match_key``); the administrative prefix
(``Huyện``, ``Thị xã``...) is optional, but where the bare name fits two
units the row must give the prefix or the code.

A row of the earlier list names a province (the earlier one, or the 2025
province it lies in), a district within it and a commune within the
district. A row of the 2025 list names a 2025 province (an earlier
province's name that merged into another is accepted with a warning) and a
2025 commune within it, and may name the hamlet's old commune among the
old communes that are candidates for that 2025 commune.

The units are loaded a 2025 province (a *region*) at a time, both lists and
the conversion table together, in three queries, the first time a row names
it; the provinces of both lists in one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from hamlets import text
from hamlets.models import Commune, CommuneSuccession, District, Province, UnitList

from .lookup import (
    CODE,
    COMMUNE,
    DISTRICT,
    NEW_COMMUNE,
    OLD_COMMUNE,
    PROVINCE,
    Level,
    Lookup,
    Resolution,
    Unit,
    ambiguous,
    expand,
    names,
    resolve,
    same_name,
)
from .messages import Label, both

__all__ = ["COMMUNE", "DISTRICT", "NEW_COMMUNE", "OLD_COMMUNE", "PROVINCE", "Level", "Lookup", "Region",
           "Resolution", "Unit", "Units", "ambiguous", "expand", "resolve"]

@dataclass
class Region:
    """A 2025 province with the earlier provinces merged into it: both lists and the conversion table."""

    id: int
    districts: dict[int, Unit] = field(default_factory=dict)
    old: dict[int, Unit] = field(default_factory=dict)  # earlier communes by id
    new: dict[int, Unit] = field(default_factory=dict)  # 2025 communes by id
    successors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # old id -> new ids
    predecessors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # new id -> old ids
    old_keys: set[str] = field(default_factory=set)  # full names of the earlier communes
    new_lookup: Lookup = field(default_factory=lambda: Lookup(()))
    old_lookup: Lookup = field(default_factory=lambda: Lookup(()))
    district_lookup: Lookup = field(default_factory=lambda: Lookup(()))
    # Old communes the conversion table does not map: their hamlets may go anywhere in the province.
    absent: list[int] = field(default_factory=list)


class Units:
    """The official units the workbook names, loaded a 2025 province at a time."""

    def __init__(self) -> None:
        self._provinces: dict[int, tuple[Unit, int]] | None = None  # id -> (unit, 2025 province id)
        self._new_provinces = Lookup((), any_prefix=True)
        self._old_provinces = Lookup((), any_prefix=True)
        self._regions: dict[int, Region] = {}
        self._region_of: dict[int, int] = {}  # commune id (either list) -> region id
        self._district_region: dict[int, int] = {}  # district id -> region id
        self._districts: dict[tuple[int, ...], Lookup] = {}
        self._communes: dict[int, Lookup] = {}
        self._candidates: dict[int, Lookup] = {}
        self._found: dict[tuple[object, ...], Resolution] = {}  # the same names come again and again
        self.queries = 0

    # --- provinces ---------------------------------------------------------

    def _load_provinces(self) -> dict[int, tuple[Unit, int]]:
        if self._provinces is None:
            self.queries += 1
            rows = Province.objects.order_by("code").values_list("pk", "code", "name", "unit_list", "successor_id")
            self._provinces = {pk: (Unit(pk, code, name, None, unit_list == UnitList.NEW),
                                    pk if unit_list == UnitList.NEW else (successor or pk))
                               for pk, code, name, unit_list, successor in rows}
            units = [u for u, _r in self._provinces.values()]
            self._new_provinces = Lookup([u for u in units if u.new], any_prefix=True)
            self._old_provinces = Lookup([u for u in units if not u.new], any_prefix=True)
        return self._provinces

    def region_id(self, province: Unit) -> int:
        """The 2025 province a province is or lies in (itself where the 2025 list is not loaded)."""
        return self._load_provinces()[province.id][1]

    def province_unit(self, province_id: int) -> Unit:
        return self._load_provinces()[province_id][0]

    def _by_code(self, lookup: Lookup, name: str) -> list[Unit]:
        code = text.clean(name)
        return [lookup.by_code[int(code)]] if CODE.match(code) and int(code) in lookup.by_code else []

    def province(self, name: str) -> Resolution:
        """A province of an earlier-list row: the earlier province or the 2025 province it lies in."""
        key = ("earlier province", name)
        if key not in self._found:
            self._found[key] = self._earlier_province(name)
        return self._found[key]

    def _earlier_province(self, name: str) -> Resolution:
        provinces = self._load_provinces()
        new_hits = self._by_code(self._new_provinces, name) or self._new_provinces.candidates(name)
        old_hits = [] if self._by_code(self._new_provinces, name) else self._old_provinces.candidates(name)
        regions = sorted({provinces[u.id][1] for u in [*new_hits, *old_hits]})
        if len(regions) > 1 or len(new_hits) > 1 or (not new_hits and len(old_hits) > 1):
            hits = new_hits or old_hits
            return Resolution(None, ambiguous(name, hits, "", "", None))
        if not regions:
            return self._province_missing(name)
        region = regions[0]
        if new_hits:  # the 2025 province: the districts of every earlier province merged into it
            within = tuple(pk for pk, (u, r) in provinces.items() if r == region and not u.new)
            return Resolution(old_hits[0] if old_hits else new_hits[0], region=region, within=within,
                              prefer=tuple(u.id for u in old_hits))
        return Resolution(old_hits[0], region=region, within=(old_hits[0].id,), prefer=(old_hits[0].id,))

    def new_province(self, name: str) -> Resolution:
        """A province of a 2025-list row (or a province-wide target): a 2025 province, by name or code; an
        earlier province's name that merged into another means its 2025 province, with a warning."""
        key = ("new province", name)
        if key in self._found:
            return self._found[key]
        provinces = self._load_provinces()
        hits = self._by_code(self._new_provinces, name) or self._new_provinces.candidates(name)
        if len(hits) == 1:
            found = Resolution(hits[0], region=hits[0].id)
        elif hits:
            found = Resolution(None, ambiguous(name, hits, "", "", None))
        else:
            old = self._old_provinces.candidates(name)
            if len(old) > 1:
                found = Resolution(None, ambiguous(name, old, "", "", None))
            elif old:
                region = provinces[old[0].id][1]
                successor = provinces[region][0]
                warning = "" if region == old[0].id else both(
                    f"{old[0].name} đã hợp nhất vào {successor.name}: dòng của danh mục từ 01/07/2025 nên hiểu là "
                    f"{successor.name}",
                    f"{old[0].name} merged into {successor.name}: a row of the 2025 list means {successor.name}")
                found = Resolution(successor, warning=warning, region=region)
            else:
                found = self._province_missing(name)
        self._found[key] = found
        return found

    def _province_missing(self, name: str) -> Resolution:
        lookup = Lookup([u for u, _r in self._load_provinces().values()])
        return resolve(lookup, PROVINCE, name)

    # --- regions -----------------------------------------------------------

    def region(self, region_id: int) -> Region:
        if region_id in self._regions:
            return self._regions[region_id]
        region = self._regions[region_id] = Region(region_id)
        in_region = Q(province_id=region_id) | Q(province__successor_id=region_id)
        self.queries += 2
        for pk, code, name, province_id in District.objects.filter(in_region).values_list(
                "pk", "code", "name", "province_id"):
            region.districts[pk] = Unit(pk, code, name, province_id)
            self._district_region[pk] = region_id
        for pk, code, name, district_id, province_id, unit_list in Commune.objects.filter(in_region).values_list(
                "pk", "code", "name", "district_id", "province_id", "unit_list"):
            if unit_list == UnitList.NEW:
                region.new[pk] = Unit(pk, code, name, province_id, True)
            else:
                region.old[pk] = Unit(pk, code, name, district_id)
                region.old_keys.add(text.match_key(name))
            self._region_of[pk] = region_id
        if region.new:
            self.queries += 1
            for old_id, new_id in CommuneSuccession.objects.filter(new__province_id=region_id).values_list(
                    "old_id", "new_id").order_by("new__code", "old__code"):
                region.successors[old_id].append(new_id)
                region.predecessors[new_id].append(old_id)
        region.new_lookup = Lookup(sorted(region.new.values(), key=lambda u: u.code))
        region.old_lookup = Lookup(region.old.values())
        region.district_lookup = Lookup(region.districts.values())
        region.absent = [pk for pk in region.old if pk not in region.successors] if region.new else []
        by_district: dict[int, list[Unit]] = defaultdict(list)
        for unit in region.old.values():
            by_district[unit.parent_id or 0].append(unit)
        for district_id in region.districts:
            self._communes[district_id] = Lookup(by_district[district_id])
        return region

    def region_of(self, commune_id: int) -> Region | None:
        """The loaded region of a commune of either list."""
        region_id = self._region_of.get(commune_id)
        return self._regions[region_id] if region_id is not None else None

    def old_commune(self, commune_id: int) -> Unit | None:
        region = self.region_of(commune_id)
        return region.old.get(commune_id) if region else None

    def new_commune_unit(self, commune_id: int) -> Unit | None:
        region = self.region_of(commune_id)
        return region.new.get(commune_id) if region else None

    def district_unit(self, district_id: int) -> Unit | None:
        region_id = self._district_region.get(district_id)
        return self._regions[region_id].districts.get(district_id) if region_id is not None else None

    def successors(self, old_id: int) -> list[int]:
        region = self.region_of(old_id)
        return list(region.successors.get(old_id, ())) if region else []

    def sole_successor(self, old_id: int) -> int | None:
        successors = self.successors(old_id)
        return successors[0] if len(successors) == 1 else None

    def candidates(self, new_id: int) -> list[int]:
        """The old communes whose hamlets may lie in a 2025 commune: those the table maps to it, and the
        province's old communes absent from the table."""
        region = self.region_of(new_id)
        if region is None:
            return []
        return [*region.predecessors.get(new_id, ()), *region.absent]

    def is_candidate(self, new_id: int, old_id: int) -> bool:
        return old_id in self.candidates(new_id)

    def hamlet_province(self, commune_id: int | None, new_commune_id: int | None) -> int | None:
        """The 2025 province of a hamlet lying in these communes."""
        if new_commune_id and (unit := self.new_commune_unit(new_commune_id)):
            return unit.parent_id
        region = self.region_of(commune_id) if commune_id else None
        return region.id if region else None

    # --- districts and communes ------------------------------------------

    def district(self, province: Unit, name: str, code: int | None = None, code_label: Label | None = None,
                 *, within: tuple[int, ...] = (), prefer: tuple[int, ...] = ()) -> Resolution:
        """A district of the earlier provinces ``within`` (default: ``province``); where the name fits
        several, those of the provinces ``prefer`` win."""
        within = within or (province.id,)
        self.region(self.region_id(self.province_unit(within[0])))
        key = ("district", within, prefer, name, code, code_label)
        if key not in self._found:
            lookup = self._district_lookup(within)
            found = resolve(lookup, DISTRICT, name, code=code, parent=province.name, code_label=code_label)
            if found.unit is None and code is None and (preferred := [
                    u for u in lookup.candidates(name) if u.parent_id in prefer]) and len(preferred) == 1:
                found = Resolution(preferred[0])
            self._found[key] = found
        return self._found[key]

    def _district_lookup(self, within: tuple[int, ...]) -> Lookup:
        if within not in self._districts:
            units = [d for pk in within for d in self.region(self.region_id(self.province_unit(pk))).districts.values()
                     if d.parent_id == pk]
            self._districts[within] = Lookup(units)
        return self._districts[within]

    def commune(self, district: Unit, name: str, code: int | None = None,
                code_label: Label | None = None) -> Resolution:
        """A commune of the earlier list, within its district."""
        key = ("commune", district.id, name, code, code_label)
        if key not in self._found:
            self._found[key] = resolve(self._communes.get(district.id) or Lookup(()), COMMUNE, name, code=code,
                                       parent=district.name, code_label=code_label)
        return self._found[key]

    def new_commune(self, province: Unit, region_id: int, name: str, code: int | None = None,
                    code_label: Label | None = None) -> Resolution:
        """A commune of the 2025 list, within its 2025 province."""
        key = ("new commune", region_id, name, code, code_label)
        if key in self._found:
            return self._found[key]
        region = self.region(region_id)
        hint = None
        if not region.new:
            hint = Label("chưa nạp danh mục từ 01/07/2025: chạy manage.py load_admin_units",
                         "the 2025 list is not loaded: run manage.py load_admin_units")
        elif old := region.old_lookup.candidates(name):
            where = " hoặc ".join(self.label(u).vi for u in old)
            where_en = " or ".join(self.label(u).en for u in old)
            hint = Label(f"{where} thuộc danh mục trước 01/07/2025: điền Huyện",
                         f"{where_en} is of the earlier list: fill in District")
        found = resolve(region.new_lookup, NEW_COMMUNE, name, code=code, parent=province.name,
                        code_label=code_label, hint=hint)
        self._found[key] = found
        return found

    def former_commune(self, new_commune: Unit, district_name: str, name: str, code: int | None,
                       labels: dict[str, Label]) -> Resolution:
        """The old commune a 2025-list row's ``Former ...`` cells name, among the candidates of its commune
        (rule 11); ``fields`` in ``district``, ``name``, ``code``."""
        key = ("former", new_commune.id, district_name, name, code)
        if key not in self._found:
            self._found[key] = self._former(new_commune, district_name, name, code, labels)
        return self._found[key]

    def _former(self, new_commune: Unit, district_name: str, name: str, code: int | None,
                labels: dict[str, Label]) -> Resolution:
        region = self.region_of(new_commune.id)
        assert region is not None
        candidates = self._candidate_lookup(new_commune.id)
        target = self.label(new_commune)
        district = None
        districts: list[Unit] | None = None  # with a code: every district the name may mean, the code decides
        if district_name:
            if code is not None:
                districts = region.district_lookup.candidates(district_name) or None
            if districts is None:
                found = resolve(region.district_lookup, DISTRICT, district_name,
                                parent=self.province_unit(region.id).name)
                if found.unit is None:
                    return Resolution(None, found.message, ("district",))
                district = found.unit
        if code is not None:
            unit = candidates.by_code.get(code)
            if unit is None:
                other = region.old_lookup.by_code.get(code)
                if other is None:
                    label = labels["code"]
                    return Resolution(None, both(
                        f"{label.vi} {code} không phải mã của {OLD_COMMUNE.vi} nào thuộc "
                        f"{self.province_unit(region.id).name}",
                        f"{label.en} {code} is not the code of a {OLD_COMMUNE.en} in "
                        f"{self.province_unit(region.id).name}"), ("code",))
                return Resolution(None, self._not_merged(other, target), ("code",))
            if name and unit not in candidates.candidates(name):
                label = labels["code"]
                return Resolution(None, both(f'{label.vi} {code} là "{unit.name}", không khớp với tên "{name}"',
                                             f'{label.en} {code} is "{unit.name}", which does not match "{name}"'),
                                  ("name", "code"))
            if district is not None and unit.parent_id != district.id:
                return Resolution(None, both(
                    f"{self.label(unit).vi} không thuộc {district.name}",
                    f"{self.label(unit).en} is not in {district.name}"), ("district", "code"))
            if districts is not None and unit.parent_id not in {d.id for d in districts}:
                return Resolution(None, both(
                    f"{self.label(unit).vi} không thuộc {district_name}",
                    f"{self.label(unit).en} is not in {district_name}"), ("district", "code"))
            return Resolution(unit)
        hits = candidates.candidates(name)
        if district is not None:
            elsewhere = hits
            hits = [u for u in hits if u.parent_id == district.id]
            if elsewhere and not hits:
                return Resolution(None, both(
                    f'"{name}" không thuộc {district.name}: {" hoặc ".join(self.label(u).vi for u in elsewhere)}',
                    f'"{name}" is not in {district.name}: {" or ".join(self.label(u).en for u in elsewhere)}'),
                    ("district",))
        if len(hits) == 1:
            return Resolution(hits[0])
        if message := self._same_name(name, hits, labels["code"]):
            return Resolution(None, message)
        if hits:
            names_vi = " hoặc ".join(self.label(u).vi for u in hits)
            names_en = " or ".join(self.label(u).en for u in hits)
            return Resolution(None, both(
                f'"{name}" chưa rõ: có thể là {names_vi}; điền {labels["district"].vi} hoặc {labels["code"].vi}',
                f'"{name}" is ambiguous: {names_en}; fill in {labels["district"].en} or {labels["code"].en}'))
        elsewhere = [u for u in region.old_lookup.candidates(name) if district is None or u.parent_id == district.id]
        if elsewhere:
            return Resolution(None, self._not_merged(elsewhere[0], target), ("district", "name"))
        near = candidates.suggestions(name)
        hint_vi = f" (có phải {names(near)}?)" if near else ""
        hint_en = f" (did you mean {names(near)}?)" if near else ""
        where_vi = f" thuộc {district.name}" if district else ""
        where_en = f" in {district.name}" if district else ""
        return Resolution(None, both(
            f'Không có {OLD_COMMUNE.vi} "{name}"{where_vi} đã nhập vào {target.vi}{hint_vi}',
            f'No {OLD_COMMUNE.en} "{name}"{where_en} merged into {target.en}{hint_en}'), ("district", "name"))

    def _same_name(self, name: str, hits: list[Unit], code_label: Label) -> str:
        """Where the old communes ``name`` fits share their full name and their district, only the code tells
        them apart (Thanh Hóa's two Xã Đông Khê): the message naming the codes; ``""`` otherwise."""
        if len({u.parent_id for u in hits}) != 1:
            return ""
        district = self.district_unit(hits[0].parent_id) if hits[0].parent_id else None
        return same_name(name, hits, COMMUNE, district.name if district else "", code_label)

    def _not_merged(self, old: Unit, target: Label) -> str:
        went = [self.label(self.new_commune_unit(pk)) for pk in self.successors(old.id)
                if self.new_commune_unit(pk) is not None]
        went_vi = f" (đã nhập vào {' và '.join(w.vi for w in went)})" if went else ""
        went_en = f" (it went into {' and '.join(w.en for w in went)})" if went else ""
        return both(f"{self.label(old).vi} không nhập vào {target.vi}{went_vi}",
                    f"{self.label(old).en} did not merge into {target.en}{went_en}")

    def _candidate_lookup(self, new_id: int) -> Lookup:
        if new_id not in self._candidates:
            region = self.region_of(new_id)
            assert region is not None
            self._candidates[new_id] = Lookup(region.old[pk] for pk in self.candidates(new_id))
        return self._candidates[new_id]

    def old_commune_in(self, region_id: int, district_name: str, name: str, code: int | None,
                       labels: dict[str, Label]) -> Resolution:
        """An old commune of a region by its district (blank where the name is unique) and name, or code
        (the Placements sheet)."""
        region = self.region(region_id)
        parent = self.province_unit(region_id).name
        district = None
        if district_name:
            found = resolve(region.district_lookup, DISTRICT, district_name, parent=parent)
            if found.unit is None:
                return Resolution(None, found.message, ("district",))
            district = found.unit
        lookup = self._communes.get(district.id, Lookup(())) if district else region.old_lookup
        found = resolve(lookup, OLD_COMMUNE, name, code=code, parent=district.name if district else parent,
                        code_label=labels["code"])
        hits = lookup.candidates(name)
        if found.unit is None and code is None and (message := self._same_name(name, hits, labels["code"])):
            return Resolution(None, message)
        if found.unit is None and code is None and not district and len(hits) > 1:
            return Resolution(None, both(
                f'"{name}" chưa rõ: có thể là {" hoặc ".join(self.label(u).vi for u in hits)}; '
                f'điền {labels["district"].vi}',
                f'"{name}" is ambiguous: {" or ".join(self.label(u).en for u in hits)}; '
                f'fill in {labels["district"].en}'), ("district", "name"))
        return found

    # --- how units are named in messages ---------------------------------

    def label(self, unit: Unit) -> Label:
        """A commune named so that the list is clear where a name exists in both:
        ``Xã Hạnh Lâm, Huyện Thanh Chương`` (earlier list), ``Xã Hạnh Lâm of the 2025 list``."""
        if unit.new:
            region = self.region_of(unit.id)
            if region is not None and text.match_key(unit.name) in region.old_keys:
                return Label(f"{unit.name} (danh mục từ 01/07/2025)", f"{unit.name} of the 2025 list")
            return Label(unit.name, unit.name)
        district = self.district_unit(unit.parent_id) if unit.parent_id else None
        name = f"{unit.name}, {district.name}" if district else unit.name
        return Label(name, name)
