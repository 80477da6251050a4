"""Recording a chief's development plan and yearly evaluation, and deleting them.

Only users who may change results reach the forms, and only for a hamlet of their scope
(``scoped_object_or_404`` then ``require_editor``, as the other result forms). A form saved
goes back to ``?next=`` (the people page it was opened from, with its filters), else to the
hamlet's page. Saves lock on the object's version and bump the hamlet's, in one transaction
(``generic.save_form``); a deletion locks and bumps the hamlet too, so an import planned
before it is refused. Every change is kept by django-simple-history, with its user.

``/hamlets/<hamlet>/plans/<term>/?chief=`` opens the plan of that chief (names folded),
else a new one for the chief in office on ``?as_of=`` (default today: ``people_facts``);
``/hamlets/<hamlet>/evaluations/?year=&chief=`` likewise, the year defaulting to the one
before ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import F, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cadre_tracker.generic import carry_next, redirect_next, save_form, scoped_object_or_404
from hamlets import text
from hamlets.models import Hamlet
from hamlets.views import require_editor

from .models import ChiefElection, Term
from .people import people_facts
from .people_forms import ChiefEvaluationForm, ChiefPlanForm, describe_evaluation, describe_plan
from .people_models import ChiefEvaluation, ChiefPlan
from .period import Period


def _hamlet(request: HttpRequest, pk: int) -> Hamlet:
    hamlet = scoped_object_or_404(Hamlet.objects.all(), request, pk=pk)
    require_editor(request)
    return hamlet


def chief_in_office(hamlet: Hamlet, term: Term | None, as_of: dt.date) -> str:
    """The hamlet's chief in office for ``term`` on ``as_of`` (``""`` when none)."""
    if term is None:
        return ""
    chief = people_facts(Hamlet.objects.filter(pk=hamlet.pk), term, as_of).values_list("p_chief", flat=True).first()
    return chief or ""


def _form_page(request: HttpRequest, form: Any, title: str, hamlet: Hamlet, delete: str = "") -> HttpResponse:
    return render(request, "generic/object_form.html", {
        "form": form, "title": title, "cancel": carry_next(hamlet.get_absolute_url(), request), "nav": "people",
        "delete": carry_next(delete, request) if delete else ""})


# --- plans ---------------------------------------------------------------------------

def plan_for(request: HttpRequest, hamlet: int, term: int) -> HttpResponse:
    """The plan of ``?chief=`` (default: the chief in office) for the hamlet and term: edited if it exists."""
    hamlet_obj = _hamlet(request, hamlet)
    term_obj = get_object_or_404(Term, pk=term)
    chief = text.clean(request.GET.get("chief", ""))[:200] or chief_in_office(
        hamlet_obj, term_obj, Period.from_query(request.GET).as_of)
    plan = (ChiefPlan.objects.filter(hamlet=hamlet_obj, term=term_obj, chief_key=text.match_key(chief)).first()
            if chief else None) or ChiefPlan(hamlet=hamlet_obj, term=term_obj, chief=chief)
    return _plan_form(request, plan, hamlet_obj)


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = scoped_object_or_404(ChiefPlan.objects.select_related("hamlet", "term"), request, pk=pk)
    require_editor(request)
    return _plan_form(request, plan, plan.hamlet)


def _plan_form(request: HttpRequest, plan: ChiefPlan, hamlet: Hamlet) -> HttpResponse:
    form = ChiefPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_plan):
        if not ChiefElection.objects.filter(hamlet=hamlet, term=plan.term, chief_key=plan.chief_key).exists():
            messages.warning(request, _("%(chief)s chưa được bầu làm trưởng thôn %(hamlet)s trong nhiệm kỳ %(term)s: "
                                        "kế hoạch đã lưu nhưng chưa được tính cho trưởng thôn nào.") % {
                "chief": plan.chief, "hamlet": hamlet.name, "term": plan.term})
        return redirect_next(request, hamlet)
    title = _("Kế hoạch bồi dưỡng trưởng thôn %(hamlet)s, nhiệm kỳ %(term)s") % {
        "hamlet": hamlet.name, "term": plan.term}
    return _form_page(request, form, title, hamlet, reverse("elections:plan_delete", args=[plan.pk]) if plan.pk else "")


def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = scoped_object_or_404(ChiefPlan.objects.select_related("hamlet", "term"), request, pk=pk)
    require_editor(request)
    return _delete(request, plan, plan.hamlet, _("Xóa kế hoạch bồi dưỡng trưởng thôn %(chief)s, %(hamlet)s, "
                                                  "nhiệm kỳ %(term)s?") % {
        "chief": plan.chief, "hamlet": plan.hamlet.name, "term": plan.term}, describe_plan(plan))


# --- evaluations ------------------------------------------------------------------------

def evaluation_for(request: HttpRequest, hamlet: int) -> HttpResponse:
    """The evaluation of ``?chief=`` (default: the chief in office) for ``?year=`` (default: the year before
    ``as_of``): edited if it exists."""
    hamlet_obj = _hamlet(request, hamlet)
    period = Period.from_query(request.GET)
    year = text.whole_number(request.GET.get("year")) or period.as_of.year - 1
    chief = text.clean(request.GET.get("chief", ""))[:200] or chief_in_office(hamlet_obj, period.term, period.as_of)
    evaluation = (ChiefEvaluation.objects.filter(hamlet=hamlet_obj, year=year, chief_key=text.match_key(chief)).first()
                  if chief else None) or ChiefEvaluation(hamlet=hamlet_obj, year=year, chief=chief)
    return _evaluation_form(request, evaluation, hamlet_obj)


def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = scoped_object_or_404(ChiefEvaluation.objects.select_related("hamlet"), request, pk=pk)
    require_editor(request)
    return _evaluation_form(request, evaluation, evaluation.hamlet)


def _evaluation_form(request: HttpRequest, evaluation: ChiefEvaluation, hamlet: Hamlet) -> HttpResponse:
    form = ChiefEvaluationForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_evaluation):
        return redirect_next(request, hamlet)
    title = _("Đánh giá trưởng thôn %(hamlet)s") % {"hamlet": hamlet.name}
    delete = reverse("elections:evaluation_delete", args=[evaluation.pk]) if evaluation.pk else ""
    return _form_page(request, form, title, hamlet, delete)


def evaluation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = scoped_object_or_404(ChiefEvaluation.objects.select_related("hamlet"), request, pk=pk)
    require_editor(request)
    return _delete(request, evaluation, evaluation.hamlet, _("Xóa đánh giá trưởng thôn năm %(year)s, %(hamlet)s?")
                   % {"year": evaluation.year, "hamlet": evaluation.hamlet.name}, describe_evaluation(evaluation))


# --- deleting ------------------------------------------------------------------------------

def _delete(request: HttpRequest, obj: Model, hamlet: Hamlet, question: str, described: str) -> HttpResponse:
    """GET: the question; POST: delete (with its history row) and bump the hamlet's version, in one transaction."""
    if request.method == "POST":
        with transaction.atomic():
            locked = Hamlet.objects.select_for_update(of=("self",)).filter(pk=hamlet.pk).order_by("pk")
            locked.values_list("pk").first()  # the import's order: the hamlet first
            obj.delete()
            Hamlet.objects.filter(pk=hamlet.pk).update(version=F("version") + 1)
        messages.success(request, _("Đã xóa."))
        return redirect_next(request, hamlet)
    return render(request, "generic/object_delete.html", {
        "title": question, "described": described, "nav": "people",
        "cancel": carry_next(hamlet.get_absolute_url(), request)})
