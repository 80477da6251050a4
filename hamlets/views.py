from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadre_tracker.generic import ObjectListView, save_form, scoped_object_or_404
from elections.models import ChiefElection, Congress, Term
from elections.period import Period
from elections.results import with_results

from .filtersets import HamletFilterSet
from .forms import HamletForm, NewHamletForm
from .history import hamlet_history
from .models import Commune, Hamlet, PartyCell, PartyMember
from .scoping import Scope
from .tables import HamletTable


class HamletListView(ObjectListView):
    queryset = Hamlet.objects.select_related("commune__district")
    filterset_class = HamletFilterSet
    table_class = HamletTable
    title = gettext_lazy("Thôn, xóm")
    template_name = "hamlets/hamlet_list.html"

    def base_queryset(self) -> QuerySet[Hamlet]:
        self.period = Period.from_query(self.request.GET)
        hamlets = super().base_queryset()
        return with_results(hamlets, self.period.term, self.period.as_of) if self.period.term else hamlets

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for error in self.period.errors:
            messages.warning(self.request, error)
        context.update(nav="hamlets", period=self.period)
        return context


def hamlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hamlet = scoped_object_or_404(Hamlet.objects.select_related("commune__district__province"), request, pk=pk)
    cell = PartyCell.objects.filter(hamlet=hamlet).first()
    terms = Term.objects.prefetch_related(
        Prefetch("congresses", queryset=Congress.objects.filter(cell__hamlet=hamlet), to_attr="hamlet_congresses"),
        Prefetch("chief_elections", queryset=ChiefElection.objects.filter(hamlet=hamlet).order_by("held_on"),
                 to_attr="hamlet_elections"),
    )
    return render(request, "hamlets/hamlet_detail.html", {
        "hamlet": hamlet, "cell": cell, "terms": terms, "nav": "hamlets", "title": hamlet.name,
        "members": PartyMember.objects.filter(hamlet=hamlet).order_by("-admitted_on")[:100],
        "history": hamlet_history(hamlet), "can_edit": Scope.of(request.user).can_edit_results,
    })


def require_editor(request: HttpRequest) -> None:
    if not Scope.of(request.user).can_edit_results:
        raise PermissionDenied(_("Bạn chỉ có quyền xem, không có quyền sửa kết quả."))


def _set_cell(form: HamletForm) -> Callable[[Hamlet], None]:
    """Create, reactivate or deactivate the hamlet's cell as the form says."""

    def apply(hamlet: Hamlet) -> None:
        wanted = form.cleaned_data["has_cell"]
        cell = PartyCell.objects.filter(hamlet=hamlet).first()
        if cell is None and wanted:
            PartyCell.objects.create(hamlet=hamlet)
        elif cell is not None and cell.active != wanted:
            cell.active = wanted
            cell.save()

    return apply


def hamlet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hamlet = scoped_object_or_404(Hamlet.objects.select_related("commune__district"), request, pk=pk)
    require_editor(request)
    form = HamletForm(request.POST or None, instance=hamlet)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_hamlet, _set_cell(form)):
        return redirect(hamlet)
    return render(request, "generic/object_form.html", {
        "form": form, "title": _("Sửa thôn, xóm: %(name)s") % {"name": hamlet.name}, "cancel": hamlet,
        "nav": "hamlets"})


def hamlet_new(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form = NewHamletForm(request.POST or None, communes=Commune.objects.restrict(request.user))
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_hamlet, _set_cell(form)):
        return redirect(form.instance)
    return render(request, "generic/object_form.html", {"form": form, "title": _("Thêm thôn, xóm"),
                                                        "nav": "hamlets"})


def describe_hamlet(hamlet: Hamlet) -> str:
    return (f"{hamlet.name}, {hamlet.get_kind_display()}, " + _("%(n)s đảng viên") % {"n": hamlet.party_members})
