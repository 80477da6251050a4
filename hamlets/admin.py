from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_tools import DiacriticSearchMixin, unit_filters
from .models import Commune, District, Hamlet, PartyCell, PartyMember, Province, UserScope


class OfficialUnitAdmin(DiacriticSearchMixin, admin.ModelAdmin):
    """Official units come from the official list: read-only here."""

    search_fields = ("name",)
    list_per_page = 50

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Province)
class ProvinceAdmin(OfficialUnitAdmin):
    list_display = ("code", "name", "division_type")


@admin.register(District)
class DistrictAdmin(OfficialUnitAdmin):
    list_display = ("code", "name", "province")
    list_filter = ("province",)
    list_select_related = ("province",)
    search_key_fields = ("search", "province__search")


@admin.register(Commune)
class CommuneAdmin(OfficialUnitAdmin):
    list_display = ("code", "name", "district", "province")
    list_select_related = ("district__province",)
    search_key_fields = ("search", "district__search")

    @admin.display(description=_("tỉnh"), ordering="district__province__code")
    def province(self, obj: Commune) -> str:
        return obj.district.province.name


class PartyCellInline(admin.StackedInline):
    model = PartyCell
    extra = 0


@admin.register(Hamlet)
class HamletAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "commune", "district", "party_members", "special_area", "project01")
    list_filter = (*unit_filters("commune"), "kind", "special_area", "project01")
    list_select_related = ("commune__district",)
    search_fields = ("name",)
    search_key_fields = ("search", "commune__search", "commune__district__search")
    autocomplete_fields = ("commune",)
    inlines = (PartyCellInline,)

    @admin.display(description=_("huyện"), ordering="commune__district__code")
    def district(self, obj: Hamlet) -> str:
        return obj.commune.district.name


@admin.register(PartyCell)
class PartyCellAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "commune", "active")
    list_filter = (*unit_filters("hamlet__commune"), "active")
    list_select_related = ("hamlet__commune",)
    search_fields = ("hamlet__name",)
    search_key_fields = ("hamlet__search", "hamlet__commune__search")
    autocomplete_fields = ("hamlet",)

    @admin.display(description=_("xã"))
    def commune(self, obj: PartyCell) -> str:
        return obj.hamlet.commune.name


@admin.register(PartyMember)
class PartyMemberAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("full_name", "birth_year", "hamlet", "admitted_on", "official_on", "sitting_chief")
    list_filter = (*unit_filters("hamlet__commune"), "sitting_chief")
    list_select_related = ("hamlet",)
    date_hierarchy = "admitted_on"
    search_fields = ("full_name",)
    search_key_fields = ("search", "hamlet__search")
    autocomplete_fields = ("hamlet",)


class UserScopeInline(admin.StackedInline):
    model = UserScope
    can_delete = False
    autocomplete_fields = ("province", "district")


admin.site.unregister(User)


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    inlines = (UserScopeInline,)
    list_display = ("username", "first_name", "last_name", "scope_display", "is_superuser", "is_active")
    list_select_related = ("scope__district", "scope__province")

    @admin.display(description=_("phạm vi"))
    def scope_display(self, obj: User) -> str:
        scope = getattr(obj, "scope", None)
        return str(scope.district or scope.province) if scope else ""


admin.site.site_header = _("Theo dõi đại hội chi bộ và bầu trưởng thôn")
admin.site.site_title = _("Cadre Tracker")
