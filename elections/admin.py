from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamlets.admin_tools import DiacriticSearchMixin, unit_filters

from .models import AdmissionTarget, ChiefElection, Congress, Target, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("__str__", "start_year", "end_year")


@admin.register(Congress)
class CongressAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("cell", "term", "held_on", "secretary", "deputy_secretary")
    list_filter = ("term", *unit_filters("cell__hamlet__commune"))
    list_select_related = ("cell__hamlet", "term")
    date_hierarchy = "held_on"
    search_fields = ("cell__hamlet__name",)
    search_key_fields = ("cell__hamlet__search", "cell__hamlet__commune__search")
    autocomplete_fields = ("cell",)
    readonly_fields = ("version",)


@admin.register(ChiefElection)
class ChiefElectionAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("hamlet", "term", "held_on", "chief", "chief_member_since", "chief_party_role")
    list_filter = ("term", *unit_filters("hamlet__commune"), "chief_party_role")
    list_select_related = ("hamlet", "term")
    date_hierarchy = "held_on"
    search_fields = ("hamlet__name",)
    search_key_fields = ("hamlet__search", "hamlet__commune__search")
    autocomplete_fields = ("hamlet",)
    readonly_fields = ("version",)


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("province", "district", "term", "metric", "special_area_only", "percent")
    list_filter = ("term", "metric", "special_area_only", "province")
    list_select_related = ("province", "district", "term")
    autocomplete_fields = ("province", "district")


@admin.register(AdmissionTarget)
class AdmissionTargetAdmin(SimpleHistoryAdmin):
    list_display = ("district", "year", "target")
    list_filter = ("year",)
    list_select_related = ("district",)
    autocomplete_fields = ("district",)
