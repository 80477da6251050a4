"""Recording results: a congress, a chief election or by-election, an admission.

Each form goes back, once saved, to the list the user came from (``?next=``, carried from the list
through the hamlet's page), else to the hamlet's page; cancelling goes back to the hamlet's page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cadre_tracker.generic import carry_next, redirect_next, save_form, scoped_object_or_404
from hamlets.models import Hamlet, PartyCell, PartyMember
from hamlets.views import require_editor

from .forms import AdmissionForm, ChiefElectionForm, CongressForm
from .models import ChiefElection, Congress, Term
from .records import record_for


def _form_page(request: HttpRequest, form: ModelForm, title: str, hamlet: Hamlet) -> HttpResponse:
    return render(request, "generic/object_form.html", {
        "form": form, "title": title, "cancel": carry_next(hamlet.get_absolute_url(), request), "nav": "hamlets"})


def _hamlet(request: HttpRequest, pk: int) -> Hamlet:
    hamlet = scoped_object_or_404(Hamlet.objects.all(), request, pk=pk)
    require_editor(request)
    return hamlet


def describe_congress(c: Congress) -> str:
    return _("ngày %(day)s, bí thư %(secretary)s, phó bí thư %(deputy)s") % {
        "day": c.held_on.strftime("%d/%m/%Y") if c.held_on else "—", "secretary": c.secretary or "—",
        "deputy": c.deputy_secretary or "—"}


def describe_election(e: ChiefElection) -> str:
    return _("ngày bầu %(day)s, trưởng thôn %(chief)s, vào Đảng %(since)s, kiêm %(role)s") % {
        "day": e.held_on.strftime("%d/%m/%Y"), "chief": e.chief,
        "since": e.chief_member_since.strftime("%d/%m/%Y") if e.chief_member_since else "—",
        "role": e.get_chief_party_role_display() or "—"}


def has_cell_in(hamlet: Hamlet, term: Term) -> bool:
    """Whether the hamlet's record in force for the term says it has a Party cell (as the figures count)."""
    record = record_for(hamlet, term)
    return bool(record and record.party_cell)


def congress_edit(request: HttpRequest, hamlet: int, term: int) -> HttpResponse:
    hamlet_obj = _hamlet(request, hamlet)
    term_obj = get_object_or_404(Term, pk=term)
    cell = PartyCell.objects.filter(hamlet=hamlet_obj).first()
    if cell is None or not has_cell_in(hamlet_obj, term_obj):
        raise Http404(_("Thôn chưa có chi bộ trong nhiệm kỳ này."))
    congress = Congress.objects.filter(cell=cell, term=term_obj).first() or Congress(cell=cell, term=term_obj)
    chief = ChiefElection.objects.filter(hamlet=hamlet_obj, term=term_obj).order_by("-held_on").first()
    form = CongressForm(request.POST or None, instance=congress, party_cell=True, chief=chief)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_congress):
        return redirect_next(request, hamlet_obj)
    return _form_page(request, form, _("Đại hội chi bộ %(hamlet)s, nhiệm kỳ %(term)s")
                      % {"hamlet": hamlet_obj.name, "term": term_obj}, hamlet_obj)


def _election_form(request: HttpRequest, election: ChiefElection) -> HttpResponse:
    hamlet = election.hamlet
    cell = PartyCell.objects.filter(hamlet=hamlet).first()
    party_cell = cell is not None and has_cell_in(hamlet, election.term)
    congress = Congress.objects.filter(cell=cell, term=election.term).first() if party_cell else None
    form = ChiefElectionForm(request.POST or None, instance=election, party_cell=party_cell, congress=congress)
    if request.method == "POST" and form.is_valid() and save_form(request, form, describe_election,
                                                                  also=form.carry_to_congress):
        return redirect_next(request, hamlet)
    return _form_page(request, form, _("Bầu trưởng thôn %(hamlet)s, nhiệm kỳ %(term)s")
                      % {"hamlet": hamlet.name, "term": election.term}, hamlet)


def election_new(request: HttpRequest, hamlet: int, term: int) -> HttpResponse:
    return _election_form(request, ChiefElection(hamlet=_hamlet(request, hamlet), term=get_object_or_404(Term,
                                                                                                        pk=term)))


def election_edit(request: HttpRequest, pk: int) -> HttpResponse:
    election = scoped_object_or_404(ChiefElection.objects.select_related("hamlet", "term"), request, pk=pk)
    require_editor(request)
    return _election_form(request, election)


def admission_new(request: HttpRequest, hamlet: int) -> HttpResponse:
    hamlet_obj = _hamlet(request, hamlet)
    form = AdmissionForm(request.POST or None, instance=PartyMember(hamlet=hamlet_obj))
    if request.method == "POST" and form.is_valid() and save_form(request, form, str):
        return redirect_next(request, hamlet_obj)
    return _form_page(request, form, _("Kết nạp đảng viên, %(hamlet)s") % {"hamlet": hamlet_obj.name}, hamlet_obj)


@require_safe  # a download: a POST is 405
def report_download(request: HttpRequest) -> HttpResponse:
    """The report of what the dashboard shows: the meeting report for its term, date, province and layout
    (``?units=2025``), in the user's scope; the national report with ``?national=1`` (central staff and
    administrators only, anyone else gets 403), or for them when no ``?province=`` is asked for."""
    from hamlets.scoping import Scope

    from .dashboard import scoped_province
    from .layout import parse_units
    from .period import Period
    from .reports import NationalReport, Report
    from .reports.registry import XLSX_CONTENT_TYPE, get_report

    try:
        units = parse_units(request.GET.get("units"))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    period = Period.from_query(request.GET)
    scope = Scope.of(request.user)
    report: Report
    if request.GET.get("national") or (scope.sees_all and not request.GET.get("province", "").strip()):
        if not scope.sees_all:
            raise PermissionDenied(_("Báo cáo toàn quốc chỉ dành cho cán bộ trung ương và quản trị viên."))
        if period.term is None:
            raise Http404(_("Chọn nhiệm kỳ để tải báo cáo."))
        report = NationalReport(period.term, period.as_of, scope=scope, units=units)
    else:
        province = scoped_province(request, scope)
        if province is None or period.term is None:
            raise Http404(_("Chọn tỉnh và nhiệm kỳ để tải báo cáo."))
        report = get_report("meeting")(province, period.term, period.as_of, scope=scope, units=units)
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    report.write_xlsx(response)
    response["Content-Disposition"] = f'attachment; filename="{report.filename()}"'
    return response
