"""Managing the officials responsible for an area: provincial staff (and administrators) add and
edit their province's officials (name, position, phone), assign each to districts of the earlier
list or communes of the 2025 list of the province, and remove an assignment. Every change keeps its
history (who and when: django-simple-history, shown on the official's page).

Boards and central staff get 404 here: they read the officials of their scope on ``/officials/``.
Staff of another province get 404 for an official who is not of their own province.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hamlets.models import Province
from hamlets.scoping import Scope

from .dashboard import scoped_province
from .layout import province_key
from .official_forms import AreaForm, OfficialForm
from .people_models import Official, OfficialArea

RECENT = 30  # history rows shown on an official's page


def require_manager(request: HttpRequest) -> Scope:
    """Provincial staff and administrators; anyone else is told the page does not exist (404)."""
    scope = Scope.of(request.user)
    if not scope.can_set_targets:
        raise Http404(_("Chỉ cán bộ cấp tỉnh quản lý cán bộ phụ trách địa bàn."))
    return scope


def managed_province(request: HttpRequest, scope: Scope) -> Province:
    """The user's 2025 province (an administrator: ``?province=``, else the first with hamlets)."""
    province = scoped_province(request, scope)
    if province is None:
        raise Http404(_("Chưa có tỉnh nào trong phạm vi của bạn."))
    return province.current


def managed_official(request: HttpRequest, pk: int) -> Official:
    require_manager(request)
    return get_object_or_404(Official.objects.restrict(request.user).select_related("province"), pk=pk)


def official_manage(request: HttpRequest) -> HttpResponse:
    """The province's officials with their areas (two queries), and the way to add one."""
    scope = require_manager(request)
    province = managed_province(request, scope)
    areas = OfficialArea.objects.select_related("district", "commune").order_by("district__code", "commune__code")
    officials = (Official.objects.restrict(request.user).filter(province=province)
                 .prefetch_related(Prefetch("areas", queryset=areas, to_attr="shown_areas")).order_by("name_key"))
    return render(request, "elections/official_manage.html", {
        "nav": "officials", "title": _("Quản lý cán bộ phụ trách địa bàn"), "province": province,
        "officials": officials, "province_query": f"province={province_key(province)}" if scope.everything else "",
    })


def official_new(request: HttpRequest) -> HttpResponse:
    scope = require_manager(request)
    province = managed_province(request, scope)
    form = OfficialForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            official = form.save()
        except IntegrityError:  # the same name saved in the same instant
            form.add_error("name", _("Người khác vừa thêm cán bộ cùng tên; hãy tải lại trang."))
        else:
            messages.success(request, _("Đã thêm cán bộ %(name)s; hãy phân công địa bàn.") % {"name": official.name})
            return redirect("officials:edit", pk=official.pk)
    return render(request, "generic/object_form.html", {
        "form": form, "nav": "officials", "cancel": reverse("officials:manage"),
        "title": _("Thêm cán bộ phụ trách địa bàn: %(province)s") % {"province": province.name}})


def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The official's name, position and phone; the areas, each removable; a form to add one; history."""
    official = managed_official(request, pk)
    scope = Scope.of(request.user)
    form = OfficialForm(request.POST or None, instance=official, province=official.province)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except IntegrityError:
            form.add_error("name", _("Người khác vừa lưu cán bộ cùng tên; hãy tải lại trang."))
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("officials:edit", pk=official.pk)
    return _edit_page(request, official, form, AreaForm(official=official, scope=scope))


def area_add(request: HttpRequest, pk: int) -> HttpResponse:
    official = managed_official(request, pk)  # 404 first for anyone else, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    scope = Scope.of(request.user)
    area_form = AreaForm(request.POST, official=official, scope=scope)
    if area_form.is_valid():
        area: OfficialArea = area_form.cleaned_data["unit"]
        try:
            with transaction.atomic():
                area.save()
        except IntegrityError:  # the same area assigned in the same instant
            area_form.add_error("unit", _("%(official)s đã phụ trách %(unit)s.") % {
                "official": official.name, "unit": area.unit})
        else:
            messages.success(request, _("Đã phân công %(official)s phụ trách %(unit)s.") % {
                "official": official.name, "unit": area.unit})
            return redirect("officials:edit", pk=official.pk)
    messages.error(request, _("Chưa phân công: %(problem)s") % {"problem": " ".join(area_form.errors["unit"])})
    return _edit_page(request, official, OfficialForm(instance=official, province=official.province), area_form,
                      status=400)


def area_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    area = get_object_or_404(OfficialArea.objects.filter(official__in=Official.objects.restrict(request.user))
                             .select_related("official", "district", "commune"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    official, unit = area.official, area.unit
    area.delete()
    messages.success(request, _("Đã bỏ phân công %(official)s phụ trách %(unit)s.") % {
        "official": official.name, "unit": unit})
    return redirect("officials:edit", pk=official.pk)


def _edit_page(request: HttpRequest, official: Official, form: OfficialForm, area_form: AreaForm,
               status: int = 200) -> HttpResponse:
    areas = list(official.areas.select_related("district", "commune").order_by("district__code", "commune__code"))
    return render(request, "elections/official_edit.html", {
        "nav": "officials", "title": _("Cán bộ phụ trách địa bàn: %(name)s") % {"name": official.name},
        "official": official, "form": form, "area_form": area_form, "areas": areas, "history": history(official),
    }, status=status)


def history(official: Official) -> list[dict[str, Any]]:
    """The official's changes and the assignments added and removed, latest first (two queries)."""
    rows: list[dict[str, Any]] = []
    kinds = {"+": _("thêm"), "~": _("sửa"), "-": _("xóa")}
    for row in Official.history.filter(id=official.pk).select_related("history_user").order_by("-history_date")[
            :RECENT]:
        what = " · ".join(v for v in (row.name, row.position, row.phone) if v)
        rows.append({"when": row.history_date, "who": row.history_user, "kind": kinds[row.history_type],
                     "what": _("Cán bộ: %(what)s") % {"what": what}})
    area_kinds = {"+": _("phân công"), "~": _("sửa phân công"), "-": _("bỏ phân công")}
    for row in (OfficialArea.history.filter(official_id=official.pk).select_related("history_user", "district",
                                                                                     "commune")
                .order_by("-history_date")[:RECENT]):
        rows.append({"when": row.history_date, "who": row.history_user, "kind": area_kinds[row.history_type],
                     "what": str(row.district or row.commune or "")})
    return sorted(rows, key=lambda r: r["when"], reverse=True)[:RECENT]
