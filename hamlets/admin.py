from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_tools import DiacriticSearchMixin, DistrictFilter, ProvinceFilter, UnitAutocompleteView, unit_filters
from .models import Commune, CommuneSuccession, District, Hamlet, PartyCell, PartyMember, Province, UserScope
from .placing import candidates_for


class ReadOnlyAdmin(admin.ModelAdmin):
    """Official units and the conversion table come from the official lists: read-only here."""

    list_per_page = 50

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class OfficialUnitAdmin(DiacriticSearchMixin, ReadOnlyAdmin):
    search_fields = ("name",)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class MergedProvinceInline(ReadOnlyInline):
    """The earlier provinces merged into a 2025 province."""

    model = Province
    fk_name = "successor"
    fields = ("code", "name")
    verbose_name = _("tỉnh trước 01/07/2025 hợp nhất vào")
    verbose_name_plural = _("các tỉnh trước 01/07/2025 hợp nhất vào")


@admin.register(Province)
class ProvinceAdmin(OfficialUnitAdmin):
    list_display = ("code", "name", "unit_list", "division_type", "successor")
    list_filter = ("unit_list",)
    list_select_related = ("successor",)

    def get_inlines(self, request: HttpRequest, obj: Province | None) -> list[type[admin.options.InlineModelAdmin]]:
        return [MergedProvinceInline] if obj is not None and obj.is_new else []


@admin.register(District)
class DistrictAdmin(OfficialUnitAdmin):
    list_display = ("code", "name", "province", "new_province")
    list_filter = (ProvinceFilter,)
    list_select_related = ("province__successor",)
    search_key_fields = ("search", "province__search")

    def get_queryset(self, request: HttpRequest) -> QuerySet[District]:
        return super().get_queryset(request).select_related("province")  # autocomplete labels

    @admin.display(description=_("tỉnh từ 01/07/2025"), ordering="province__successor__code")
    def new_province(self, obj: District) -> str:
        return obj.province.current.name


class SuccessorInline(ReadOnlyInline):
    """An earlier commune's lines of the conversion table: the 2025 communes it went into."""

    model = CommuneSuccession
    fk_name = "old"
    fields = ("new", "partly_merged")
    verbose_name = _("xã, phường từ 01/07/2025")
    verbose_name_plural = _("chuyển vào xã, phường từ 01/07/2025")


class PredecessorInline(ReadOnlyInline):
    """A 2025 commune's lines of the conversion table: the earlier communes that went into it."""

    model = CommuneSuccession
    fk_name = "new"
    fields = ("old", "partly_merged")
    verbose_name = _("xã trước 01/07/2025")
    verbose_name_plural = _("gồm các xã trước 01/07/2025")


@admin.register(Commune)
class CommuneAdmin(OfficialUnitAdmin):
    list_display = ("code", "name", "unit_list", "district", "province")
    list_filter = ("unit_list", ProvinceFilter, DistrictFilter)
    list_select_related = ("district", "province")
    search_key_fields = ("search", "district__search", "province__search")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commune]:
        return super().get_queryset(request).select_related("district", "province")  # autocomplete labels

    def get_inlines(self, request: HttpRequest, obj: Commune | None) -> list[type[admin.options.InlineModelAdmin]]:
        if obj is None:
            return []
        return [PredecessorInline] if obj.is_new else [SuccessorInline]


@admin.register(CommuneSuccession)
class CommuneSuccessionAdmin(DiacriticSearchMixin, ReadOnlyAdmin):
    """The official conversion table, one line per (earlier commune, 2025 commune)."""

    list_display = ("old", "old_district", "new", "province", "partly_merged")
    list_filter = ("partly_merged", ("new__province", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("old__district", "new__province")
    search_key_fields = ("old__search", "new__search", "old__district__search")

    @admin.display(description=_("huyện"), ordering="old__district__code")
    def old_district(self, obj: CommuneSuccession) -> str:
        return obj.old.district.name if obj.old.district_id else ""

    @admin.display(description=_("tỉnh từ 01/07/2025"), ordering="new__province__code")
    def province(self, obj: CommuneSuccession) -> str:
        return obj.new.province.name


class PartyCellInline(admin.StackedInline):
    model = PartyCell
    extra = 0


class HamletAdminForm(forms.ModelForm):
    """A hamlet's 2025 commune must be one of its candidates (``units.md``)."""

    class Meta:
        model = Hamlet
        fields = ("name", "commune", "new_commune")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        old, new = data.get("commune"), data.get("new_commune")
        if old is not None and new is not None:
            province = Commune.current_province_id(old.pk)
            allowed = candidates_for([(old.pk, province)]).get(old.pk, [])
            if new.pk not in {c.id for c in allowed}:
                names = "; ".join(c.name for c in allowed) or "—"
                self.add_error("new_commune", _("%(commune)s không phải nơi %(old)s chuyển vào; chọn một trong: "
                                                "%(names)s.") % {"commune": new.name, "old": old.name,
                                                                 "names": names})
        return data


@admin.register(Hamlet)
class HamletAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    form = HamletAdminForm
    list_display = ("hamlet_name", "kind", "commune", "district", "new_commune", "province", "party_members",
                    "special_area", "project01")
    list_display_links = ("hamlet_name",)
    list_filter = (*unit_filters(""), "kind", "special_area", "project01")
    list_select_related = ("commune__district", "new_commune", "province")
    search_fields = ("name",)
    search_key_fields = ("search", "commune__search", "new_commune__search", "commune__district__search")
    autocomplete_fields = ("commune", "new_commune")
    # kind, special area, Project 01 and Party members are recorded per term (HamletTerm): the hamlet holds a copy
    readonly_fields = ("province", "kind", "special_area", "project01", "party_members")
    inlines = (PartyCellInline,)

    def save_model(self, request: HttpRequest, obj: Hamlet, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.version += 1  # a web form opened before this change must not overwrite it
        super().save_model(request, obj, form, change)

    @admin.display(description=_("tên"), ordering="name_sort")
    def hamlet_name(self, obj: Hamlet) -> str:
        """The name, sorted naturally (``Khối 2`` before ``Khối 10``) when its column is clicked."""
        return obj.name

    @admin.display(description=_("huyện (trước 01/07/2025)"), ordering="commune__district__code")
    def district(self, obj: Hamlet) -> str:
        return obj.commune.district.name if obj.commune_id and obj.commune.district_id else ""


@admin.register(PartyCell)
class PartyCellAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "commune", "new_commune", "active")
    list_filter = (*unit_filters("hamlet"), "active")
    list_select_related = ("hamlet__commune", "hamlet__new_commune")
    ordering = ("hamlet__commune__district__code", "hamlet__commune__code", "hamlet__new_commune__code",
                "hamlet__name_sort", "pk")
    search_fields = ("hamlet__name",)
    search_key_fields = ("hamlet__search", "hamlet__commune__search", "hamlet__new_commune__search")
    autocomplete_fields = ("hamlet",)

    @admin.display(description=_("xã (trước 01/07/2025)"))
    def commune(self, obj: PartyCell) -> str:
        return obj.hamlet.commune.name if obj.hamlet.commune_id else ""

    @admin.display(description=_("xã, phường (từ 01/07/2025)"))
    def new_commune(self, obj: PartyCell) -> str:
        return obj.hamlet.new_commune.name if obj.hamlet.new_commune_id else ""


@admin.register(PartyMember)
class PartyMemberAdmin(DiacriticSearchMixin, SimpleHistoryAdmin):
    list_display = ("full_name", "birth_year", "hamlet", "admitted_on", "official_on", "sitting_chief")
    list_filter = (*unit_filters("hamlet"), "sitting_chief")
    list_select_related = ("hamlet",)
    date_hierarchy = "admitted_on"
    search_fields = ("full_name",)
    search_key_fields = ("search", "hamlet__search")
    autocomplete_fields = ("hamlet",)


class UserScopeInline(admin.StackedInline):
    """A user's scope: a province (staff), a district or commune (boards), or the whole country (central
    staff, read-only: ``national`` with no unit; ``UserScope.clean`` says what is wrong)."""

    model = UserScope
    can_delete = False
    fields = ("national", "province", "district", "commune", "editor")
    autocomplete_fields = ("province", "district", "commune")


class RoleFilter(admin.SimpleListFilter):
    title = _("vai trò")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("national", _("cán bộ trung ương")), ("province", _("cán bộ tỉnh")),
                ("district", _("ban tổ chức huyện")), ("commune", _("đảng ủy xã, phường")),
                ("none", _("chưa có phạm vi"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        match self.value():
            case "national":
                return queryset.filter(scope__national=True)
            case "province":
                return queryset.filter(scope__national=False, scope__district__isnull=True,
                                       scope__commune__isnull=True)
            case "district":
                return queryset.filter(scope__district__isnull=False)
            case "commune":
                return queryset.filter(scope__commune__isnull=False)
            case "none":
                return queryset.filter(scope__isnull=True)
        return queryset


admin.site.unregister(User)


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    inlines = (UserScopeInline,)
    list_display = ("username", "first_name", "last_name", "scope_display", "is_superuser", "is_active")
    list_filter = (RoleFilter, ("scope__province", admin.RelatedOnlyFieldListFilter), *UserAdmin.list_filter)
    list_select_related = ("scope__commune", "scope__district", "scope__province")

    @admin.display(description=_("phạm vi"))
    def scope_display(self, obj: User) -> str:
        scope = getattr(obj, "scope", None)
        if scope is None:
            return ""
        if scope.national:
            return str(_("Toàn quốc (cán bộ trung ương)"))
        unit = scope.commune or scope.district
        return f"{unit.name}, {scope.province.name}" if unit else scope.province.name


admin.site.site_header = _("Theo dõi đại hội chi bộ và bầu trưởng thôn")
admin.site.site_title = _("Cadre Tracker")


def autocomplete_view(request: HttpRequest) -> Any:
    """Autocomplete boxes name each unit with its province and list: there are many Xã Hạnh Lâm."""
    return UnitAutocompleteView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = autocomplete_view  # type: ignore[method-assign]
