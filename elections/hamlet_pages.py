"""The hamlet pages: the list in the list in force, the hamlet's page, its forms.

They live with the results they show (``elections`` may import ``hamlets``,
never the reverse); their URLs keep the ``hamlets`` namespace
(``hamlet_urls``).

The way back: the list links each hamlet with ``?next=<the list as it is>``;
the hamlet's page passes that ``next`` on to its forms and offers it as the
way back to the list; a form saved goes back to ``next`` (the list with the
filters left), else to the hamlet's page (``generic.redirect_next``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadre_tracker.generic import (
    ObjectListView,
    carry_next,
    next_url,
    redirect_next,
    save_form,
    scoped_object_or_404,
)
from hamlets import text
from hamlets.models import NEW_LIST_FROM, Commune, District, Hamlet, PartyCell, PartyMember
from hamlets.scoping import Scope
from hamlets.views import require_editor

from .hamlet_filters import RESULT_FILTERS, UNITS_2025, UNPLACED, HamletFilterSet
from .hamlet_forms import HamletForm, NewHamletForm, describe_record
from .hamlet_paging import fact_pages
from .hamlet_tables import HamletTable, NewLayoutHamletTable
from .history import hamlet_history
from .models import ChiefElection, Congress, HamletTerm, Term
from .people_models import ChiefEvaluation, ChiefPlan
from .period import Period
from .records import values_of
from .results import RESULT_ANNOTATIONS, add_results, with_record

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


def new_layout(scope: Scope, period: Period, query: Any) -> bool:
    """Whether the list shows the 2025 layout: commune boards always, district boards never,
    anyone else from 1 July 2025, or on ``?units=2025``, or when a 2025 commune is asked for."""
    if scope.is_commune or scope.is_district:
        return scope.is_commune
    return period.as_of >= NEW_LIST_FROM or query.get("units") == UNITS_2025 or bool(query.get("new_commune"))


def check_units(request: HttpRequest) -> None:
    """A unit named in the query that lies outside the user's scope is refused (404), not silently empty."""
    query = request.GET
    named = [query[name] for name in ("commune", "new_commune") if query.get(name) not in (None, "", UNPLACED)]
    communes = {text.whole_number(value) for value in named}
    if named and (None in communes or Commune.objects.restrict(request.user).filter(
            pk__in=communes).count() != len(communes)):
        raise Http404(_("Không có xã này trong phạm vi của bạn."))
    if query.get("district") and ((district := text.whole_number(query["district"])) is None
                                  or not District.objects.restrict(request.user).filter(pk=district).exists()):
        raise Http404(_("Không có huyện này trong phạm vi của bạn."))


class BoundedPaginator(Paginator):
    """``?per_page=`` from 1 to ``MAX_PER_PAGE`` whatever the URL says (``-1`` or ``10**9`` would
    fail or put every hamlet of the country on one page); a page out of range shows the last one."""

    def __init__(self, object_list: Any, per_page: int | str, *args: Any, **kwargs: Any):
        per_page = text.whole_number(per_page) or DEFAULT_PER_PAGE
        super().__init__(object_list, min(per_page, MAX_PER_PAGE), *args, **kwargs)


class HamletListView(ObjectListView):
    """The hamlets a term's figures count on a date, with their record in force and results."""

    table_pagination = {"per_page": DEFAULT_PER_PAGE, "paginator_class": BoundedPaginator}
    queryset = Hamlet.objects.select_related("commune__district", "new_commune")
    filterset_class = HamletFilterSet
    title = gettext_lazy("Thôn, xóm")
    template_name = "hamlets/hamlet_list.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.period = Period.from_query(request.GET)
        self.new_layout = new_layout(Scope.of(request.user), self.period, request.GET)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        check_units(request)
        return super().get(request, *args, **kwargs)

    def plain_queryset(self) -> QuerySet[Hamlet]:
        """The hamlets listed, with their record in force but no results: what a page counts, filters
        and orders when nothing asked for reads a result (``PageRows``)."""
        hamlets = super().base_queryset()
        if self.period.term is None:
            return hamlets.none()
        return with_record(hamlets, self.period.term, self.period.as_of)

    def results_queryset(self) -> QuerySet[Hamlet]:
        """The hamlets listed with their results: what a page filtered or ordered by a result pages."""
        hamlets = self.plain_queryset()
        if self.period.term is None:
            return hamlets
        return add_results(hamlets, self.period.term, self.period.as_of)

    def base_queryset(self) -> QuerySet[Hamlet]:
        """The hamlets listed with their results and namesakes' former communes: what the export writes
        (the country's namesakes found once) and what a page reads for its own rows (``page_of``: a
        probe per row)."""
        hamlets = self.results_queryset()
        if not self.new_layout or self.period.term is None:
            return hamlets
        return hamlets.with_former(every_row="_export" in self.request.GET)

    def get_filterset(self, filterset_class: Any) -> Any:
        """A page is worked out in two steps (``PageRows``): its hamlets' pks from the plain hamlets when
        neither the filters nor the order read a result, else from the hamlets with their results; then
        its rows. An export writes every row with its results in one pass."""
        filterset = super().get_filterset(filterset_class)
        self.page_rows, self.plain = "_export" not in self.request.GET, False
        if self.page_rows:
            self.plain = reads_plain(filterset, self.get_table_class(), self.request)
            filterset.queryset = self.plain_queryset() if self.plain else self.results_queryset()
        return filterset

    def get_table_data(self) -> Any:
        """A page's rows chosen on the facts rows where its filters and order can be said there, else on
        the hamlets (``hamlet_paging``), then read with their results (``PageRows``)."""
        rows = super().get_table_data()  # ``TotalOrderRows``: ties broken by the primary key
        if not getattr(self, "page_rows", False):
            return rows
        return fact_pages(rows.data, self.page_of, self.filterset, ObjectListView.base_queryset(self),
                          self.period.term, self.period.as_of)

    def page_of(self, pks: list[int]) -> QuerySet[Hamlet]:
        """A page's hamlets with their results and namesakes: ≤ one page of rows worked out."""
        return self.base_queryset().filter(pk__in=pks)

    def get_table_class(self) -> type[HamletTable]:
        return NewLayoutHamletTable if self.new_layout else HamletTable

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(filterset_class), "new_layout": self.new_layout,
                "named_only": "_export" in self.request.GET}

    def get_table_kwargs(self) -> dict[str, Any]:
        return {**super().get_table_kwargs(), "next_url": self.request.get_full_path()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for error in self.period.errors:
            messages.warning(self.request, error)
        context.update(nav="hamlets", period=self.period, new_layout=self.new_layout)
        return context


def reads_plain(filterset: Any, table_class: type[HamletTable], request: HttpRequest) -> bool:
    """Whether a page's hamlets can be chosen from the plain hamlets: valid filters of which none reads a
    result, and no order by a result column."""
    if filterset.is_bound and not filterset.is_valid():
        return False
    chosen = filterset.form.cleaned_data if filterset.is_bound else {}
    if any(chosen.get(name) not in (None, "") for name in RESULT_FILTERS):
        return False
    return not sorts_on_results(table_class, request.GET.getlist(table_class._meta.order_by_field))


def sorts_on_results(table_class: type[HamletTable], sort: list[str]) -> bool:
    """Whether ``?sort=`` names a column ordered by a result (``results.RESULT_ANNOTATIONS``)."""
    for alias in (part.strip().lstrip("-") for value in sort for part in value.split(",")):
        column = table_class.base_columns.get(alias)
        if column is None:
            continue
        accessors = column.order_by or (column.accessor or alias,)
        if any(str(a).lstrip("-").replace(".", "__").split("__")[0] in RESULT_ANNOTATIONS for a in accessors):
            return True
    return False


@dataclass(frozen=True)
class TermPart:
    """One term on the hamlet's page: the record in force next to the term's congress and elections."""

    term: Term
    record: HamletTerm | None  # the record the term's figures use (own, else the latest earlier one)
    congresses: list[Congress]
    elections: list[ChiefElection]
    plans: list[ChiefPlan]  # the chiefs' development plans of the term

    @property
    def own(self) -> bool:
        return self.record is not None and self.record.term_id == self.term.pk

    @property
    def has_cell(self) -> bool:
        return bool(self.record and self.record.party_cell)


def term_parts(hamlet: Hamlet) -> list[TermPart]:
    """Every term, latest first, with the hamlet's record in force, results and plans: five queries."""
    records = sorted(HamletTerm.objects.filter(hamlet=hamlet).select_related("term"),
                     key=lambda r: (r.term.start_year, r.term.end_year), reverse=True)
    terms = Term.objects.prefetch_related(
        Prefetch("congresses", queryset=Congress.objects.filter(cell__hamlet=hamlet), to_attr="hamlet_congresses"),
        Prefetch("chief_elections", queryset=ChiefElection.objects.filter(hamlet=hamlet).order_by("held_on"),
                 to_attr="hamlet_elections"),
        Prefetch("chief_plans", queryset=ChiefPlan.objects.filter(hamlet=hamlet).order_by("started_on", "pk"),
                 to_attr="hamlet_plans"),
    )
    return [TermPart(term, next((r for r in records if r.term.start_year <= term.start_year), None),
                     term.hamlet_congresses, term.hamlet_elections, term.hamlet_plans) for term in terms]


def hamlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hamlet = scoped_object_or_404(Hamlet.objects.select_related(
        "commune__district__province", "new_commune", "province", "party_cell"), request, pk=pk)
    try:
        cell: PartyCell | None = hamlet.party_cell
    except PartyCell.DoesNotExist:
        cell = None
    parts = term_parts(hamlet)
    back = next_url(request)
    return render(request, "hamlets/hamlet_detail.html", {
        "hamlet": hamlet, "cell": cell, "terms": parts, "nav": "hamlets", "title": hamlet.name,
        "back": back, "next_query": urlencode({"next": back}) if back else "",
        "members": PartyMember.objects.filter(hamlet=hamlet).order_by("-admitted_on")[:100],
        "history": hamlet_history(hamlet, terms=[p.term for p in parts]),
        "evaluations": ChiefEvaluation.objects.filter(hamlet=hamlet).order_by("-year", "chief_key")[:50],
        "can_edit": Scope.of(request.user).can_edit_results,
    })


def chosen_term(request: HttpRequest) -> Term:
    """The term named by ``?term=`` (404 when unknown), else the latest term."""
    if request.GET.get("term"):
        term = Term.objects.parse(request.GET["term"])
        if term is None:
            raise Http404(_("Không có nhiệm kỳ “%(term)s”.") % {"term": request.GET["term"]})
        return term
    term = Term.objects.first()
    if term is None:
        raise Http404(_("Chưa có nhiệm kỳ nào."))
    return term


def hamlet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The hamlet's name and its record for one term (``?term=``, default the latest)."""
    hamlet = scoped_object_or_404(Hamlet.objects.select_related("commune", "new_commune"), request, pk=pk)
    require_editor(request)
    term = chosen_term(request)
    record = (HamletTerm.objects.filter(hamlet=hamlet, term=term).select_related("term").first()
              or HamletTerm(hamlet=hamlet, term=term, **values_of(hamlet, term)))
    form = HamletForm(request.POST or None, instance=record, hamlet=hamlet)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_record, also=form.rename,
                                                                   write=form.write):
        return redirect_next(request, hamlet)
    switch = [(t.name, carry_next("", request, term=t.name), t.pk == term.pk) for t in Term.objects.all()]
    return render(request, "generic/object_form.html", {
        "form": form, "cancel": carry_next(hamlet.get_absolute_url(), request), "nav": "hamlets", "switch": switch,
        "title": _("Sửa thôn, xóm: %(name)s, nhiệm kỳ %(term)s") % {"name": hamlet.name, "term": term}})


def hamlet_new(request: HttpRequest) -> HttpResponse:
    """A new hamlet in one of the user's communes (``?commune=`` / ``?new_commune=`` preselect one)."""
    require_editor(request)
    communes = Commune.objects.restrict(request.user)
    chosen = {name: text.whole_number(request.GET.get(name)) for name in ("commune", "new_commune")}
    initial = {name: get_object_or_404(communes, pk=pk).pk for name, pk in chosen.items() if pk is not None}
    form = NewHamletForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_hamlet, also=form.record()):
        return redirect(form.instance)
    return render(request, "generic/object_form.html", {"form": form, "title": _("Thêm thôn, xóm"),
                                                        "nav": "hamlets"})


def describe_hamlet(hamlet: Hamlet) -> str:
    return f"{hamlet.name}, {hamlet.commune or hamlet.new_commune}"
