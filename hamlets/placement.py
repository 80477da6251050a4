"""``/units/unplaced/``: hamlets waiting for their 2025 commune, and placing them.

Who sees and does what (``units.md``, "Who works where"):

* administrators and provincial staff: every unplaced hamlet of their scope
  with its candidate communes; with ``?state=placed``, the hamlets already
  placed by hand (split or absent earlier commune), to re-place them.
  Placing is an edit: staff need the editor right (``Scope.can_edit_results``);
  read-only staff see the list without the buttons.
* a commune Party committee: the unplaced hamlets that could be its own (its
  commune is among their candidates), showing only their name, kind and
  former commune and district: nothing else of them, no link to them; it may
  place them into its own commune only.
* a district board (earlier list): its district's unplaced hamlets, read-only
  (they already lie in its scope; placing is the province's or the new
  commune's business).

Placing is a POST to the same address (CSRF-protected), checked on the
server: a hamlet outside what the user may place is a 404, a commune that is
not one of its candidates a 400, a stale page a conflict message; each
placement is a history row of the hamlet naming who placed it. The page
costs the same number of queries whatever the number of hamlets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cadre_tracker.generic import VersionConflict

from . import text
from .models import Commune, Hamlet
from .placing import Choice, PlacementRefused, candidates_for, claimable_by, hand_placeable, place
from .scoping import Scope

PER_PAGE = 50
UNPLACED, PLACED = "unplaced", "placed"
PAGE_REASON = "placed on /units/unplaced/"


def may_place(scope: Scope) -> bool:
    """Staff with the editor right and administrators place any hamlet of their scope;
    a commune Party committee places into its own commune."""
    return scope.can_edit_results and (scope.can_place_any or scope.is_commune)


def waiting(request: HttpRequest, scope: Scope, state: str) -> QuerySet[Hamlet]:
    """The hamlets the page lists for this user (``state``: unplaced, or placed by hand)."""
    if scope.is_commune:
        return claimable_by(scope.commune_id, scope.province_id) if state == UNPLACED else Hamlet.objects.none()
    mine = Hamlet.objects.restrict(request.user)
    if state == PLACED:
        return hand_placeable(mine) if scope.can_place_any else Hamlet.objects.none()
    return mine.unplaced()


@dataclass
class Row:
    """What the page shows of one hamlet (a commune board gets the first four only)."""

    id: int
    name: str
    kind: str
    former_commune: str
    former_district: str
    version: int
    province: str = ""
    commune: str = ""
    commune_id: int | None = None
    url: str = ""
    candidates: list[Choice] = field(default_factory=list)


def rows_of(hamlets: list[Hamlet], scope: Scope) -> list[Row]:
    if scope.is_commune:  # name, kind, former commune and district: nothing else of a hamlet not yet its own
        return [Row(h.pk, h.name, h.get_kind_display(), h.commune.name, h.commune.district.name
                    if h.commune.district_id else "", h.version) for h in hamlets]
    candidates = candidates_for({(h.commune_id, h.province_id) for h in hamlets})
    return [Row(h.pk, h.name, h.get_kind_display(), h.commune.name,
                h.commune.district.name if h.commune.district_id else "", h.version, h.province.name,
                h.new_commune.name if h.new_commune_id else "", h.new_commune_id, h.get_absolute_url(),
                candidates.get(h.commune_id, [])) for h in hamlets]


def page_context(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    state = PLACED if request.GET.get("state") == PLACED and scope.can_place_any else UNPLACED
    query = request.GET.get("q", "")
    hamlets = waiting(request, scope, state).search(query).select_related(
        "commune__district", "new_commune", "province").order_by(
        "province__code", "commune__district__code", "commune__code", "name_sort", "pk")
    page = Paginator(hamlets, PER_PAGE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    own = Commune.objects.filter(pk=scope.commune_id).values_list("name", flat=True).first() if scope.is_commune \
        else None
    return {
        "title": _("Thôn, xóm chưa xếp vào xã, phường mới"), "nav": "unplaced", "page": page,
        "rows": rows_of(list(page.object_list), scope), "state": state, "q": query, "keep": keep.urlencode(),
        "can_place": may_place(scope), "limited": scope.is_commune, "own_commune": own,
        "can_replace": scope.can_place_any, "read_only_reason": read_only_reason(scope),
    }


def read_only_reason(scope: Scope) -> str:
    if may_place(scope):
        return ""
    if scope.is_district:
        return _("Ban tổ chức huyện chỉ xem; tỉnh hoặc đảng ủy xã mới xếp thôn vào xã, phường mới.")
    return _("Bạn chỉ có quyền xem; cần quyền sửa kết quả để xếp thôn.")


def render_page(request: HttpRequest, scope: Scope, status: int = 200) -> HttpResponse:
    return render(request, "hamlets/unplaced.html", page_context(request, scope), status=status)


def _number(request: HttpRequest, name: str) -> int | None:
    return text.whole_number(request.POST.get(name))


@require_http_methods(["GET", "HEAD", "POST"])
def unplaced_hamlets(request: HttpRequest) -> HttpResponse:
    scope = Scope.of(request.user)
    if request.method != "POST":
        return render_page(request, scope)
    if not may_place(scope):
        raise PermissionDenied(read_only_reason(scope))
    hamlet_id, commune_id, version = (_number(request, n) for n in ("hamlet", "commune", "version"))
    if hamlet_id is None or commune_id is None or version is None:
        messages.error(request, _("Thiếu thôn, xã hoặc phiên bản: hãy chọn xã, phường rồi bấm Xếp."))
        return render_page(request, scope, status=400)
    allowed = waiting(request, scope, UNPLACED) | waiting(request, scope, PLACED)
    hamlet = allowed.select_related("commune").filter(pk=hamlet_id).first()
    if hamlet is None:
        raise Http404(_("Không có thôn, xóm này trong danh sách bạn được xếp (có thể đã được xếp)."))
    if scope.is_commune and commune_id != scope.commune_id:
        messages.error(request, _("Đảng ủy xã chỉ xếp thôn vào xã, phường của mình."))
        return render_page(request, scope, status=400)
    try:
        place(hamlet, commune_id, version, request.user, PAGE_REASON)
    except PlacementRefused:
        messages.error(request, _("%(hamlet)s (%(former)s cũ) không thể xếp vào xã, phường đã chọn: chỉ chọn "
                                  "trong các xã, phường được đề xuất.") % {
            "hamlet": hamlet.name, "former": hamlet.former_commune_label})
        return render_page(request, scope, status=400)
    except VersionConflict:
        messages.error(request, _("Người khác vừa sửa hoặc xếp %(hamlet)s; hãy xem lại rồi xếp lần nữa.") % {
            "hamlet": hamlet.name})
        return render_page(request, scope, status=409)
    hamlet.refresh_from_db(fields=["new_commune"])
    messages.success(request, _("Đã xếp %(hamlet)s (%(former)s cũ) vào %(commune)s.") % {
        "hamlet": hamlet.name, "former": hamlet.former_commune_label, "commune": hamlet.new_commune.name})
    return redirect(request.get_full_path())


urlpatterns = [path("", unplaced_hamlets, name="unplaced_hamlets")]  # included at units/unplaced/
