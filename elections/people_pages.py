"""The people page of a unit (``/people/chiefs/?term=&as_of=``, the dashboard's defaults):
the non-member chiefs in office and their path to membership, and the candidates for
replacement (``domain.md`` items 9-10).

Four sections, each over the hamlets of the user's scope (``restrict``) narrowed by the hamlet
list's unit filters (district and commune, or the 2025 commune), with its count over its
denominator in the heading:

1. non-member chiefs in office without a development plan (over the non-member chiefs);
2. those with a plan (over the non-member chiefs);
3. plans without a step for more than 180 days, oldest last step first (over the plans);
4. chiefs in office rated "not completed" for the year before the date (over the chiefs in
   office): the candidates for replacement; a by-election takes them off.

Who is in office, a member, has a plan, is stalled or rated "not completed" is decided by
``people.people_facts`` and its conditions only. The counts are one aggregate query, each
section one query (at most ``MAX_ROWS`` rows), whatever the number of hamlets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from hamlets.models import Hamlet
from hamlets.scoping import Scope

from .figures import Ratio
from .hamlet_filters import HamletFilterSet
from .hamlet_pages import check_units, new_layout
from .people import IN_OFFICE, NON_MEMBER, NOT_COMPLETED, WITH_PLAN, people_facts, stalled
from .people_tables import CandidateTable, ChiefTable
from .period import Period

MAX_ROWS = 500  # per section; the unit filters narrow a province's list


class PeopleFilterSet(HamletFilterSet):
    """The hamlet list's period and unit filters only (the other filters read ``with_results``)."""

    q = kind = special_area = project01 = has_cell = congress_held = chief_elected = chief_member = None

    class Meta:
        model = Hamlet
        fields = ["term", "as_of", "units", "new_commune", "district", "commune"]


@dataclass
class Section:
    key: str
    title: str
    help: str
    ratio: Ratio
    table: ChiefTable

    @property
    def cut(self) -> bool:
        """Whether the table shows only the first ``MAX_ROWS`` of its rows."""
        return self.ratio.numerator > MAX_ROWS


SECTIONS: list[tuple[str, Any, Any, str]] = [
    # key (its numerator's condition), title, what it is counted over, denominator
    ("without_plan", gettext_lazy("Trưởng thôn chưa là đảng viên, chưa có kế hoạch bồi dưỡng"),
     gettext_lazy("trên số trưởng thôn chưa là đảng viên"), "non_member"),
    ("with_plan", gettext_lazy("Trưởng thôn chưa là đảng viên, đã có kế hoạch bồi dưỡng"),
     gettext_lazy("trên số trưởng thôn chưa là đảng viên"), "non_member"),
    ("stalled", gettext_lazy("Kế hoạch 180 ngày chưa có bước mới (lâu nhất trước)"),
     gettext_lazy("trên số kế hoạch"), "with_plan"),
    ("candidates", gettext_lazy("Trưởng thôn xếp loại “không hoàn thành” năm trước, còn đương nhiệm"),
     gettext_lazy("trên số trưởng thôn đương nhiệm; bầu bổ sung trưởng thôn mới thì không còn trong danh sách"),
     "in_office"),
]


def conditions(period: Period) -> dict[str, Q]:
    """Each count's condition over ``people_facts`` on the period's date (a section's key names its own)."""
    return {"in_office": IN_OFFICE, "non_member": NON_MEMBER, "with_plan": WITH_PLAN,
            "without_plan": NON_MEMBER & Q(p_plan_step__isnull=True), "stalled": stalled(period.as_of),
            "candidates": NOT_COMPLETED}


def section_rows(facts: QuerySet[Hamlet], key: str, condition: Q, layout_2025: bool) -> list[Hamlet]:
    rows = facts.filter(condition).select_related("commune__district", "new_commune")
    if layout_2025:
        rows = rows.with_former().order_by("new_commune__name_sort", "name_sort", "pk")
    else:
        rows = rows.order_by("commune__district__name_sort", "commune__name_sort", "name_sort", "pk")
    if key == "stalled":
        rows = rows.order_by("p_plan_step", "name_sort", "pk")
    return list(rows[:MAX_ROWS])


@require_safe
def chiefs(request: HttpRequest) -> HttpResponse:
    check_units(request)
    period = Period.from_query(request.GET)
    for error in period.errors:
        messages.warning(request, error)
    scope = Scope.of(request.user)
    layout_2025 = new_layout(scope, period, request.GET)
    filterset = PeopleFilterSet(request.GET or None, queryset=Hamlet.objects.restrict(request.user),
                                request=request, new_layout=layout_2025)
    context: dict[str, Any] = {"title": _("Trưởng thôn chưa là đảng viên và trưởng thôn cần thay thế"),
                               "nav": "people", "filter": filterset, "period": period, "sections": []}
    if period.term is None:
        return render(request, "elections/people.html", context)
    hamlets = filterset.qs if not filterset.is_bound or filterset.is_valid() else Hamlet.objects.none()
    facts = people_facts(hamlets, period.term, period.as_of)
    wanted = conditions(period)
    counts = facts.aggregate(**{name: Count("pk", filter=condition) for name, condition in wanted.items()})
    next_url = request.get_full_path()
    table_kwargs = {"term": period.term, "period": period, "next_url": next_url, "new_layout": layout_2025,
                    "can_edit": scope.can_edit_results}
    for key, title, help_text, denominator in SECTIONS:
        table_class = CandidateTable if key == "candidates" else ChiefTable
        table = table_class(section_rows(facts, key, wanted[key], layout_2025), **table_kwargs,
                            **({"exclude": ("mentor", "step")} if key == "without_plan" else {}))
        context["sections"].append(Section(key, str(title), str(help_text), Ratio(counts[key], counts[denominator]),
                                           table))
    context.update(non_member=Ratio(counts["non_member"], counts["in_office"]), max_rows=MAX_ROWS)
    return render(request, "elections/people.html", context)
