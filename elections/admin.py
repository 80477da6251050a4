from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hamlets import text
from hamlets.admin_tools import DiacriticSearchMixin, unit_filters
from hamlets.models import Province

from .models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from .records import sync_hamlets
from .versioned_admin import VersionedAdmin


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("__str__", "start_year", "end_year")


@admin.register(HamletTerm)
class HamletTermAdmin(DiacriticSearchMixin, VersionedAdmin):
    """A hamlet's attributes in one term (``units.md``)."""

    list_display = ("hamlet", "commune", "new_commune", "term", "kind", "special_area", "project01", "party_members",
                    "party_cell")
    list_filter = ("term", *unit_filters("hamlet"), "kind", "special_area", "project01", "party_cell")
    list_select_related = ("hamlet__commune", "hamlet__new_commune", "term")
    search_fields = ("hamlet__name",)
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)
    readonly_fields = ("version",)

    def save_model(self, request: HttpRequest, obj: HamletTerm, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        sync_hamlets([obj.hamlet_id])  # the hamlet's copy of its latest record

    def delete_model(self, request: HttpRequest, obj: HamletTerm) -> None:
        super().delete_model(request, obj)
        sync_hamlets([obj.hamlet_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HamletTerm]) -> None:
        hamlets = list(queryset.values_list("hamlet_id", flat=True))
        super().delete_queryset(request, queryset)
        sync_hamlets(hamlets)

    @admin.display(description=_("xã (trước 01/07/2025)"), ordering="hamlet__commune__code")
    def commune(self, obj: HamletTerm) -> str:
        return obj.hamlet.commune.name if obj.hamlet.commune_id else ""

    @admin.display(description=_("xã, phường (từ 01/07/2025)"), ordering="hamlet__new_commune__code")
    def new_commune(self, obj: HamletTerm) -> str:
        return obj.hamlet.new_commune.name if obj.hamlet.new_commune_id else ""


@admin.register(Congress)
class CongressAdmin(DiacriticSearchMixin, VersionedAdmin):
    hamlet_path = "cell"
    list_display = ("cell", "term", "held_on", "secretary", "deputy_secretary")
    list_filter = ("term", *unit_filters("cell__hamlet"))
    list_select_related = ("cell__hamlet", "term")
    date_hierarchy = "held_on"
    search_fields = ("cell__hamlet__name",)
    search_key_fields = ("cell__hamlet__search", "cell__hamlet__commune__search", "cell__hamlet__new_commune__search")
    autocomplete_fields = ("cell",)
    readonly_fields = ("version",)


@admin.register(ChiefElection)
class ChiefElectionAdmin(DiacriticSearchMixin, VersionedAdmin):
    list_display = ("hamlet", "term", "held_on", "chief", "chief_member_since", "chief_party_role")
    list_filter = ("term", *unit_filters("hamlet"), "chief_party_role")
    list_select_related = ("hamlet", "term")
    date_hierarchy = "held_on"
    search_fields = ("hamlet__name",)
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)
    readonly_fields = ("version",)


class TargetProvinceFilter(admin.SimpleListFilter):
    """The 2025 province a target or admission target belongs to."""

    title = _("tỉnh (từ 01/07/2025)")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        return list(Province.objects.new().order_by("code").values_list("pk", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = text.whole_number(self.value())
        if value is None:
            return queryset
        if queryset.model is Target:
            return queryset.filter(province_id=value)
        return queryset.filter(Q(commune__province_id=value) | Q(district__province_id=value)
                               | Q(district__province__successor_id=value))


class LevelFilter(admin.SimpleListFilter):
    """Whose target: a whole province, a district (earlier list) or a commune (2025 list)."""

    title = _("cấp")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        levels = [("district", _("huyện (trước 01/07/2025)")), ("commune", _("xã, phường (từ 01/07/2025)"))]
        return ([("province", _("cả tỉnh"))] if model_admin.model is Target else []) + levels

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        match self.value():
            case "province":
                return queryset.filter(district__isnull=True, commune__isnull=True)
            case "district":
                return queryset.filter(district__isnull=False)
            case "commune":
                return queryset.filter(commune__isnull=False)
        return queryset


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("province", "district", "commune", "term", "metric", "special_area_only", "percent")
    list_filter = ("term", "metric", "special_area_only", TargetProvinceFilter, LevelFilter)
    list_select_related = ("province", "district", "commune", "term")
    autocomplete_fields = ("province", "district", "commune")


@admin.register(AdmissionTarget)
class AdmissionTargetAdmin(SimpleHistoryAdmin):
    list_display = ("district", "commune", "year", "target")
    list_filter = ("year", TargetProvinceFilter, LevelFilter)
    list_select_related = ("district", "commune")
    autocomplete_fields = ("district", "commune")


from . import people_admin  # noqa: E402, F401  (registers the people models)
