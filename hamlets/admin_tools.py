"""Pieces shared by the admin classes of both apps.

* ``DiacriticSearchMixin``: the admin search box ignores case and
  Vietnamese diacritics (it searches the stored ``search`` keys).
* ``unit_filters(path)``: district and commune list filters that offer only
  units that have data, the commune list narrowed to the chosen district
  (a province has hundreds of communes, the country ten thousand).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import text
from .models import Commune, District


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


def unit_filters(path: str) -> list[type[admin.SimpleListFilter]]:
    """District and commune filters for a model reached from the commune by ``path``
    (``"commune"`` for hamlets, ``"hamlet__commune"`` for elections...)."""

    class DistrictFilter(admin.SimpleListFilter):
        title = _("huyện")
        parameter_name = "district"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
            districts = District.objects.filter(communes__hamlets__isnull=False).distinct()
            return [(d.pk, f"{d.name} ({d.province.name})") for d in districts.select_related("province")]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value():
                return queryset.filter(**{f"{path}__district_id": self.value()})
            return queryset

    class CommuneFilter(admin.SimpleListFilter):
        title = _("xã")
        parameter_name = "commune"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
            communes = Commune.objects.filter(hamlets__isnull=False)
            district = request.GET.get("district")
            if district and district.isdigit():
                communes = communes.filter(district_id=district)
            return list(communes.distinct().values_list("pk", "name")[:300])

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value():
                return queryset.filter(**{f"{path}_id": self.value()})
            return queryset

    return [DistrictFilter, CommuneFilter]
