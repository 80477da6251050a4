"""Django admin for the people behind the numbers (plans, evaluations, area officials)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamlets.admin_tools import DiacriticSearchMixin, unit_filters

from .people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea
from .versioned_admin import VersionedAdmin


@admin.register(ChiefPlan)
class ChiefPlanAdmin(DiacriticSearchMixin, VersionedAdmin):
    list_display = ("hamlet", "term", "chief", "mentor", "started_on", "course_on", "application_on")
    list_filter = ("term", *unit_filters("hamlet"))
    list_select_related = ("hamlet", "term")
    search_fields = ("hamlet__name", "chief", "mentor")
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)
    readonly_fields = ("version",)


@admin.register(ChiefEvaluation)
class ChiefEvaluationAdmin(DiacriticSearchMixin, VersionedAdmin):
    list_display = ("hamlet", "year", "chief", "rating")
    list_filter = ("year", "rating", *unit_filters("hamlet"))
    list_select_related = ("hamlet",)
    search_fields = ("hamlet__name", "chief")
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)
    readonly_fields = ("version",)


class OfficialAreaInline(admin.TabularInline):
    model = OfficialArea
    extra = 1
    autocomplete_fields = ("district", "commune")


@admin.register(Official)
class OfficialAdmin(SimpleHistoryAdmin):
    list_display = ("name", "position", "phone", "province")
    list_filter = ("province",)
    list_select_related = ("province",)
    search_fields = ("name", "position", "phone")
    inlines = (OfficialAreaInline,)
