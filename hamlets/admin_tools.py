"""Pieces shared by the admin classes of both apps.

* ``DiacriticSearchMixin``: the admin search box ignores case and
  Vietnamese diacritics (it searches the stored ``search`` keys).
* ``unit_filters(hamlet_path)``: list filters by the units a hamlet lies in:
  its 2025 province, its district and commune of the earlier list, its
  commune of the 2025 list, and placed or not. They offer only units that
  have hamlets, each narrowed to the unit chosen above it (a province has
  hundreds of communes, the country thousands).
* ``ProvinceFilter``, ``DistrictFilter``: filters of the official units'
  own lists, by the province (of either list) or the district they lie in.
* ``unit_label``: a unit with what tells it apart from its namesakes
  (``Xã Hạnh Lâm (Tỉnh Nghệ An, danh mục từ 01/07/2025)``), for the admin's
  autocomplete boxes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import text
from .models import Commune, District, Province, UnitList

LOOKUP_LIMIT = 300


class DiacriticSearchMixin:
    """Search ``search_key_fields`` (stored diacritic-free keys) with the query
    folded the same way; ``Nghe An`` finds ``Nghệ An``."""

    search_key_fields: tuple[str, ...] = ("search",)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        key = text.search_key(search_term)
        if not key:
            return queryset, False
        condition = Q()
        for field in self.search_key_fields:
            condition |= Q(**{f"{field}__contains": key})
        return queryset.filter(condition), False


def _chosen(request: HttpRequest, name: str) -> int | None:
    return text.whole_number(request.GET.get(name))


def unit_filters(hamlet_path: str = "") -> list[type[admin.SimpleListFilter]]:
    """Filters for a model reached from the hamlet by ``hamlet_path`` (``""`` for hamlets,
    ``"hamlet"`` for elections, ``"cell__hamlet"`` for congresses)."""
    prefix = f"{hamlet_path}__" if hamlet_path else ""

    class UnitFilter(admin.SimpleListFilter):
        field = ""

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if (chosen := text.whole_number(self.value())) is not None:
                return queryset.filter(**{f"{prefix}{self.field}": chosen})
            return queryset

    class ProvinceFilter(UnitFilter):
        title = _("tỉnh (từ 01/07/2025)")
        parameter_name = "province"
        field = "province_id"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
            provinces = Province.objects.new().filter(hamlets__isnull=False).distinct().order_by("code")
            return list(provinces.values_list("pk", "name"))

    class DistrictFilter(UnitFilter):
        title = _("huyện (trước 01/07/2025)")
        parameter_name = "district"
        field = "commune__district_id"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
            districts = District.objects.filter(communes__hamlets__isnull=False)
            if province := _chosen(request, "province"):
                districts = districts.filter(Q(province_id=province) | Q(province__successor_id=province))
            rows = districts.distinct().order_by("code").values_list("pk", "name", "province__name")
            return [(pk, f"{name} ({province})") for pk, name, province in rows[:LOOKUP_LIMIT]]

    class CommuneFilter(UnitFilter):
        title = _("xã (trước 01/07/2025)")
        parameter_name = "commune"
        field = "commune_id"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
            communes = Commune.objects.earlier().filter(hamlets__isnull=False)
            if district := _chosen(request, "district"):
                communes = communes.filter(district_id=district)
            elif province := _chosen(request, "province"):
                communes = communes.filter(Q(province_id=province) | Q(province__successor_id=province))
            return list(communes.distinct().order_by("code").values_list("pk", "name")[:LOOKUP_LIMIT])

    class NewCommuneFilter(UnitFilter):
        title = _("xã, phường (từ 01/07/2025)")
        parameter_name = "new_commune"
        field = "new_commune_id"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
            communes = Commune.objects.new().filter(placed_hamlets__isnull=False)
            if province := _chosen(request, "province"):
                communes = communes.filter(province_id=province)
            return list(communes.distinct().order_by("code").values_list("pk", "name")[:LOOKUP_LIMIT])

    class PlacedFilter(admin.SimpleListFilter):
        title = _("xếp vào xã, phường mới")
        parameter_name = "placed"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [("no", _("chưa xếp")), ("yes", _("đã xếp"))]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value() in ("yes", "no"):
                return queryset.filter(**{f"{prefix}new_commune__isnull": self.value() == "no"})
            return queryset

    return [ProvinceFilter, DistrictFilter, CommuneFilter, NewCommuneFilter, PlacedFilter]


class ProvinceFilter(admin.SimpleListFilter):
    """An official unit's province, of either list (narrowed to the list chosen, if any)."""

    title = _("tỉnh")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        provinces = Province.objects.order_by("-unit_list", "code")
        if request.GET.get("unit_list") in UnitList.values:
            provinces = provinces.filter(unit_list=request.GET["unit_list"])
        elif model_admin.model is District:  # districts exist in the earlier list only
            provinces = provinces.earlier()
        return [(p.pk, unit_label(p)) for p in provinces]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if (chosen := text.whole_number(self.value())) is not None:
            return queryset.filter(province_id=chosen)
        return queryset


class DistrictFilter(admin.SimpleListFilter):
    """An earlier commune's district, narrowed to the province chosen."""

    title = _("huyện")
    parameter_name = "district"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        province = _chosen(request, "province")
        if province is None:
            return []  # 696 districts: choose the province first
        return list(District.objects.filter(province_id=province).order_by("code").values_list("pk", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if (chosen := text.whole_number(self.value())) is not None:
            return queryset.filter(district_id=chosen)
        return queryset


def unit_label(unit: Model) -> str:
    """The unit's name with its province (communes, districts) and its list where it matters."""
    if isinstance(unit, Province):
        return f"{unit.name} ({unit.get_unit_list_display()})"
    if isinstance(unit, District):
        return f"{unit.name} ({unit.province.name})"
    if isinstance(unit, Commune):
        if unit.district_id:
            return f"{unit.name} ({unit.district.name}, {unit.province.name}, {unit.get_unit_list_display()})"
        return f"{unit.name} ({unit.province.name}, {unit.get_unit_list_display()})"
    return str(unit)


class UnitAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, telling namesakes apart: ``Xã Hạnh Lâm (Huyện Thanh Chương, ...)``."""

    def serialize_result(self, obj: Model, to_field_name: str) -> dict[str, str]:
        return {"id": str(getattr(obj, to_field_name)), "text": unit_label(obj)}
