"""Django admin for the people behind the numbers (plans, evaluations, area officials)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamlets.admin_tools import DiacriticSearchMixin, unit_filters

from .people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea


@admin.register(ChiefPlan)
class ChiefPlanAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("hamlet", "term", "chief", "mentor", "started_on", "course_on", "application_on")
    list_filter = ("term", *unit_filters("hamlet"))
    list_select_related = ("hamlet", "term")
    search_fields = ("hamlet__name", "chief", "mentor")
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)


@admin.register(ChiefEvaluation)
class ChiefEvaluationAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("hamlet", "year", "chief", "rating")
    list_filter = ("year", "rating", *unit_filters("hamlet"))
    list_select_related = ("hamlet",)
    search_fields = ("hamlet__name", "chief")
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)


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
