"""``/officials/``: the officials responsible for an area (``domain.md`` item 11), for a term on a
date (``?term=&as_of=``; defaults as the dashboard's: the latest term with data, today).

One line per official with an area in the user's scope: name, position, phone, the areas, the
number of his or her hamlets the figures count, and three counts over those hamlets (``officials.py``),
each linking to the list of the hamlets counted (``/officials/<id>/hamlets/<code>/``, downloadable as
xlsx or CSV). Everything is restricted to the user's scope; a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from cadre_tracker.generic import EXPORT_FORMATS, export_table
from hamlets.scoping import Scope

from .hamlet_pages import BoundedPaginator
from .models import Term
from .official_tables import OfficialHamletTable
from .officials import MISSING, missing_hamlets, official_lines, visible_officials
from .period import Period

PER_PAGE = 100
SHEET_NAME_UNSAFE = str.maketrans(dict.fromkeys("[]:*?/\\", " "))  # characters an xlsx sheet's name may not hold


def _warn(request: HttpRequest, period: Period) -> None:
    for error in period.errors:
        messages.warning(request, error)


@require_safe
def official_list(request: HttpRequest) -> HttpResponse:
    scope = Scope.of(request.user)
    period = Period.from_query(request.GET)
    _warn(request, period)
    lines = official_lines(request.user, period.term, period.as_of) if period.term is not None else []
    return render(request, "elections/officials.html", {
        "nav": "officials", "title": _("Cán bộ phụ trách địa bàn"), "period": period, "terms": Term.objects.all(),
        "lines": lines, "missing": [(code, label) for code, (label, _title) in MISSING.items()],
        "can_manage": scope.can_set_targets, "query": period.query(),
    })


@require_safe
def official_hamlets(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The hamlets behind one count of an official's line (404 for an official without an area in the
    user's scope); ``?_export=xlsx`` or ``csv`` downloads them all."""
    if code not in MISSING:
        raise Http404(_("Không có danh sách này."))
    official = get_object_or_404(visible_officials(request.user), pk=pk)
    period = Period.from_query(request.GET)
    if period.term is None:
        raise Http404(_("Chưa có nhiệm kỳ nào."))
    _warn(request, period)
    rows = missing_hamlets(request.user, official, code, period.term, period.as_of)
    table = OfficialHamletTable(rows, code=code, as_of=period.as_of)
    title = _("%(list)s: %(official)s, nhiệm kỳ %(term)s, tính đến %(day)s") % {
        "list": MISSING[code][1], "official": official.name, "term": period.term,
        "day": period.as_of.strftime("%d/%m/%Y")}
    fmt = request.GET.get("_export")
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise Http404(_("Không có định dạng này."))
        RequestConfig(request, paginate=False).configure(table)
        name = f"{MISSING[code][0]} {official.name}".translate(SHEET_NAME_UNSAFE)
        return export_table(table, fmt, name)
    RequestConfig(request, paginate={"per_page": PER_PAGE, "paginator_class": BoundedPaginator}).configure(table)
    context: dict[str, Any] = {"nav": "officials", "title": title, "official": official, "table": table,
                               "period": period, "query": period.query(), "code": code}
    return render(request, "elections/official_hamlets.html", context)
