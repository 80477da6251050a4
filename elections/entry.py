"""The entry grid, ``/entry/?commune=<id>&term=<term>``: one commune's hamlets, one row each,
typed by keyboard or pasted from Excel, saved row by row (``entry_save``).

Who enters where (``Scope``, through ``Commune.objects.restrict`` and
``Hamlet.objects.restrict``): a commune board its own 2025 commune; a district
board any commune of its district (earlier list); provincial staff with the
editor right any 2025 commune of their province. Another unit is a 404;
read-only staff get a 403. A 2025 commune's rows are the hamlets placed in it,
an earlier commune's its own hamlets. The page takes a fixed number of
queries whatever the number of hamlets; saving adds a fixed number per
changed row.

The people columns (profiles and last year's rating, ``entry_grid.PEOPLE``) are
hidden until the user shows them ("Hồ sơ cán bộ", ``?people=1``, which the page's
script toggles in place); they are shown whenever one of their cells has a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamlets import text
from hamlets.models import NEW_LIST_FROM, Commune, Gender, Hamlet
from hamlets.scoping import Scope
from hamlets.views import require_editor

from .entry_grid import (
    COLUMNS,
    FIELDS,
    PEOPLE,
    GridColumn,
    Stored,
    describe,
    evaluation_year,
    fingerprint,
    headers,
    stored_rows,
)
from .entry_save import CAUTION, CONFLICT, PROBLEM, SAVED, Outcome, save_grid
from .models import Term
from .people_models import Rating


@dataclass
class Cell:
    column: GridColumn
    name: str  # the input's name and id
    value: str
    label: str  # ``Ngày bầu trưởng thôn – Xóm 1 (Thanh Lâm cũ)``
    errors: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)

    @property
    def messages_id(self) -> str:
        return f"{self.name}-msg"


@dataclass
class GridRow:
    stored: Stored
    cells: list[Cell]
    state: str  # ``<lock>|<fingerprint of what the row shows>``
    status: str = ""  # "", SAVED, PROBLEM, CAUTION, CONFLICT
    note: str = ""
    confirm_key: str = ""

    @property
    def pending(self) -> bool:
        """The row holds what the user typed, not what is stored: it is posted again as it is."""
        return self.status in (PROBLEM, CAUTION)

    @property
    def prefix(self) -> str:
        return f"h{self.stored.hamlet.pk}"


def grid_communes(request: HttpRequest, scope: Scope) -> QuerySet[Commune]:
    """The communes the user enters results for, in code order."""
    communes = Commune.objects.restrict(request.user)
    return (communes if scope.is_district else communes.new()).order_by("code")


def chosen_commune(request: HttpRequest, communes: QuerySet[Commune], scope: Scope) -> Commune:
    raw = request.GET.get("commune", "")
    if raw:
        pk = text.whole_number(raw)
        if pk is None:
            raise Http404(_("Không có xã này trong phạm vi của bạn."))
        return get_object_or_404(communes, pk=pk)
    if scope.is_commune:
        return get_object_or_404(communes, pk=scope.commune_id)
    commune = communes.first()
    if commune is None:
        raise Http404(_("Không có xã nào trong phạm vi của bạn."))
    return commune


def chosen_term(request: HttpRequest, commune: Commune) -> Term:
    """``?term=`` (404 when unknown); else the latest term, for an earlier-list commune the latest
    term begun before the 2025 list (the boards of the earlier list entered those)."""
    if request.GET.get("term"):
        term = Term.objects.parse(request.GET["term"])
        if term is None:
            raise Http404(_("Không có nhiệm kỳ “%(term)s”.") % {"term": request.GET["term"]})
        return term
    terms = Term.objects.all()
    term = (terms.filter(start_year__lt=NEW_LIST_FROM.year).first() if not commune.is_new else None) or terms.first()
    if term is None:
        raise Http404(_("Chưa có nhiệm kỳ nào."))
    return term


def commune_hamlets(request: HttpRequest, commune: Commune) -> QuerySet[Hamlet]:
    hamlets = Hamlet.objects.restrict(request.user)
    return hamlets.filter(new_commune=commune) if commune.is_new else hamlets.filter(commune=commune)


def grid_url(commune: Commune, term: Term, people: bool = False) -> str:
    query = {"commune": commune.pk, "term": term.name, **({"people": 1} if people else {})}
    return f"{reverse('elections:entry')}?{urlencode(query)}"


def grid_rows(rows: list[Stored], outcomes: dict[int, Outcome], names: dict[str, str]) -> list[GridRow]:
    """What each row shows: the stored values, or what the user typed where the row is pending.
    ``names``: the columns' headers (``entry_grid.headers``)."""
    shown = []
    for stored in rows:
        outcome = outcomes.get(stored.hamlet.pk)
        fresh = stored.shown()
        status = outcome.status if outcome else ""
        pending = status in (PROBLEM, CAUTION)
        assert outcome is not None or not pending
        values = outcome.posted.cells if pending and outcome else fresh
        state = (f"{outcome.posted.lock}|{outcome.posted.shown}" if pending and outcome
                 else f"{stored.lock}|{fingerprint(fresh)}")
        row = GridRow(stored, [], state, status)
        for column in COLUMNS:
            name = f"{row.prefix}-{column.field}"
            cell = Cell(column, name, values.get(column.field, ""), f"{names[column.field]} – {stored.name}")
            if outcome and pending:
                cell.errors = outcome.errors.get(column.field, [])
                cell.cautions = [c.message for c in outcome.cautions if c.field == column.field]
            row.cells.append(cell)
        if outcome and status == CAUTION:
            row.confirm_key = outcome.confirm_key
        if outcome and status == CONFLICT:
            typed = [f for f in FIELDS if outcome.posted.cells.get(f, "").strip() != fresh[f]]
            row.note = _("Người khác vừa lưu thôn này nên dòng của bạn chưa được lưu; dòng đang hiện giá trị mới. "
                         "Bạn đã nhập: %(typed)s.") % {"typed": describe(outcome.posted.cells, typed, names) or "—"}
        shown.append(row)
    return shown


def summary(request: HttpRequest, outcomes: dict[int, Outcome]) -> None:
    counts = {status: sum(o.status == status for o in outcomes.values())
              for status in (SAVED, PROBLEM, CAUTION, CONFLICT)}
    if counts[SAVED]:
        messages.success(request, ngettext("Đã lưu %(n)d thôn.", "Đã lưu %(n)d thôn.", counts[SAVED])
                         % {"n": counts[SAVED]})
    if counts[PROBLEM]:
        messages.error(request, ngettext(
            "%(n)d thôn có lỗi nên chưa lưu: sửa các ô tô đỏ rồi lưu lại.",
            "%(n)d thôn có lỗi nên chưa lưu: sửa các ô tô đỏ rồi lưu lại.", counts[PROBLEM]) % {"n": counts[PROBLEM]})
    if counts[CAUTION]:
        messages.warning(request, ngettext(
            "%(n)d thôn có điều cần kiểm tra nên chưa lưu: sửa lại, hoặc đánh dấu “Tôi đã kiểm tra, vẫn lưu” "
            "rồi lưu lại.",
            "%(n)d thôn có điều cần kiểm tra nên chưa lưu: sửa lại, hoặc đánh dấu “Tôi đã kiểm tra, vẫn lưu” "
            "rồi lưu lại.", counts[CAUTION]) % {"n": counts[CAUTION]})
    if counts[CONFLICT]:
        messages.error(request, ngettext(
            "%(n)d thôn vừa được người khác lưu nên chưa lưu thay đổi của bạn: xem giá trị mới rồi nhập lại.",
            "%(n)d thôn vừa được người khác lưu nên chưa lưu thay đổi của bạn: xem giá trị mới rồi nhập lại.",
            counts[CONFLICT]) % {"n": counts[CONFLICT]})


def entry_grid(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    scope = Scope.of(request.user)
    communes = grid_communes(request, scope)
    commune = chosen_commune(request, communes, scope)
    term = chosen_term(request, commune)
    hamlets = commune_hamlets(request, commune)
    year = evaluation_year()
    rows = stored_rows(hamlets, term, namesakes=commune.is_new, year=year)
    following = communes.filter(code__gt=commune.code).first()
    people = request.GET.get("people") == "1"
    outcomes: dict[int, Outcome] = {}
    if request.method == "POST":
        outcomes = save_grid(rows, request.POST, term, year)
        if all(o.status == SAVED for o in outcomes.values()):
            summary(request, outcomes)
            if not outcomes:
                messages.info(request, _("Không có thay đổi nào."))
            go_next = request.POST.get("action") == "next" and following is not None
            return redirect(grid_url(following if go_next and following else commune, term, people))
        summary(request, outcomes)
        if any(o.status in (SAVED, CONFLICT) for o in outcomes.values()):
            rows = stored_rows(hamlets, term, namesakes=commune.is_new, year=year)  # the newer values
    names = headers(year)
    shown = grid_rows(rows, outcomes, names)
    people = people or any(c.errors or c.cautions for r in shown for c in r.cells if c.column.group == PEOPLE)
    context: dict[str, Any] = {
        "title": _("Nhập kết quả: %(commune)s, nhiệm kỳ %(term)s") % {"commune": commune.name, "term": term},
        "nav": "entry", "commune": commune, "term": term, "terms": Term.objects.all(), "columns": COLUMNS,
        "headers": [(c, names[c.field]) for c in COLUMNS], "year": year, "people": people,
        "people_url": grid_url(commune, term, not people), "gender_labels": Gender.labels,
        "rating_labels": Rating.labels, "rows": shown, "following": following,
        "action": grid_url(commune, term, people),
        "communes": None if scope.is_commune else communes.select_related("district"),
    }
    return render(request, "elections/entry.html", context, status=200)
