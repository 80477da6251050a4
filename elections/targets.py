"""The targets page: provincial staff (and administrators) set their 2025 province's targets
without the Django admin.

* ``/targets/?term=&list=&metric=&year=``: one metric at a time, a table of the province and its
  units of one list (per district of the earlier list, per commune of the 2025 list), two cells
  per unit: the target for all hamlets and for special-area hamlets. A blank unit cell follows the
  province's target (shown greyed); clearing a cell deletes the target. ``year`` blank: the term's
  targets; a calendar year of the term: that year's (an annual plan, ``domain.md`` item 12), a
  blank cell then following, in this order, the unit's term target, the province's target for the
  year and the province's term target.
* ``/targets/admissions/?list=&year=``: the admission targets of one year, per district (earlier
  list) or per commune (2025 list).

Boards get 403: their targets are set by the province and shown on their dashboard. Staff of
another province get 404 (``?province=``). Every read goes through ``restrict(user)``; a save
writes only the cells the user changed (with their history: who and when), refuses cells somebody
else changed meanwhile, and writes nothing while any cell has a problem. A fixed number of queries
whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lag
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from hamlets.models import Commune, Province, UnitList
from hamlets.scoping import Scope

from .dashboard import RATIO_CODES, scoped_province
from .figures import FIGURES_BY_CODE
from .hamlet_pages import chosen_term
from .layout import districts_of, province_key
from .models import AdmissionTarget, Target, Term
from .target_forms import (
    FIRST_YEAR,
    AdmissionRowForm,
    RowForm,
    TargetRowForm,
    TargetYearForm,
    Unit,
    YearForm,
    last_year,
    shown_decimal,
)

EARLIER, NEW = UnitList.EARLIER.value, UnitList.NEW.value
COLUMNS = {"all": gettext_lazy("Tất cả thôn (%)"), "special": gettext_lazy("Thôn địa bàn đặc thù (%)")}
RECENT = 20  # changes shown under the table


def require_target_setter(request: HttpRequest) -> Scope:
    scope = Scope.of(request.user)
    if not scope.can_set_targets:
        raise PermissionDenied(_("Chỉ cán bộ cấp tỉnh đặt mục tiêu; mục tiêu của đơn vị bạn hiện trên trang "
                                 "Tổng hợp."))
    return scope


@dataclass
class Place:
    """Whose targets a page shows: the (2025) province, the list and its units, in the user's scope."""

    request: HttpRequest
    scope: Scope
    province: Province
    unit_list: str
    units: list[Unit]

    @classmethod
    def of(cls, request: HttpRequest, default_list: str = NEW) -> Place:
        scope = require_target_setter(request)
        province = scoped_province(request, scope)
        if province is None:
            raise Http404(_("Chưa có tỉnh nào trong phạm vi của bạn."))
        province = province.current
        asked = request.GET.get("list", "")
        if asked not in ("", EARLIER, NEW):
            raise Http404(_("Không có danh mục “%(list)s”.") % {"list": asked})
        unit_list = asked or default_list
        units = cls.load_units(scope, province, unit_list)
        if not asked and not units:  # e.g. the 2025 list is not loaded: the other list
            unit_list = EARLIER if unit_list == NEW else NEW
            units = cls.load_units(scope, province, unit_list)
        return cls(request, scope, province, unit_list, units)

    @staticmethod
    def load_units(scope: Scope, province: Province, unit_list: str) -> list[Unit]:
        if unit_list == EARLIER:
            rows = districts_of(province, scope).order_by("code").values_list("pk", "name")
            return [Unit(f"d{pk}", name, district_id=pk) for pk, name in rows]
        rows = Commune.objects.restrict(scope).new().filter(province=province).order_by("code").values_list(
            "pk", "name")
        return [Unit(f"c{pk}", name, commune_id=pk) for pk, name in rows]

    @property
    def is_new(self) -> bool:
        return self.unit_list == NEW

    def unit_q(self, prefix: str = "") -> Q:
        """The rows of this list's units (a district's, or a 2025 commune's)."""
        if self.is_new:
            return Q(**{f"{prefix}commune_id__in": [u.commune_id for u in self.units]})
        return Q(**{f"{prefix}district_id__in": [u.district_id for u in self.units]})

    def query(self, **extra: Any) -> str:
        params = {"province": province_key(self.province) if self.scope.everything else None,
                  "list": self.unit_list, **extra}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def context(self) -> dict[str, Any]:
        provinces = (Province.objects.filter(Q(unit_list=NEW) | Q(unit_list=EARLIER, successor__isnull=True))
                     .order_by("unit_list", "code") if self.scope.everything else [])
        return {"province": self.province, "unit_list": self.unit_list, "is_new": self.is_new,
                "provinces": provinces, "province_key": province_key(self.province), "nav": "targets",
                "unit_word": _("Xã, phường") if self.is_new else _("Huyện"), "lists": [
                    (NEW, _("Theo xã, phường (danh mục từ 01/07/2025)")),
                    (EARLIER, _("Theo huyện (danh mục trước 01/07/2025)"))]}


@dataclass
class Writes:
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)

    def apply(self, model: Any, fields: list[str], user: Any) -> None:
        """Creations and changes in bulk with their history rows; deletions one by one (their history too)."""
        if self.updated:
            bulk_update_with_history(self.updated, model, fields, default_user=user)
        if self.created:
            bulk_create_with_history(self.created, model, default_user=user)
        for obj in self.deleted:
            obj._history_user = user
            obj.delete()

    def message(self) -> str:
        if not (self.created or self.updated or self.deleted):
            return _("Không có ô nào thay đổi; không có gì để lưu.")
        return _("Đã lưu: %(created)s đặt mới, %(updated)s sửa, %(deleted)s xóa.") % {
            "created": len(self.created), "updated": len(self.updated), "deleted": len(self.deleted)}


class Grid:
    """A table of row forms over stored objects: ``load`` reads them, ``forms`` builds the rows,
    ``writes`` turns the changed cells into creations, changes and deletions."""

    model: Any
    fields: list[str]

    def load(self, lock: bool = False) -> None:
        raise NotImplementedError

    def forms(self, data: Any = None) -> list[RowForm]:
        raise NotImplementedError

    def writes(self, forms: list[RowForm]) -> Writes:
        raise NotImplementedError

    def save(self, request: HttpRequest) -> list[RowForm] | None:
        """Check and write the posted grid in one transaction; None once saved, else the rows to show again."""
        try:
            with transaction.atomic():
                self.load(lock=True)
                forms = self.forms(request.POST)
                if not check(forms):
                    messages.error(request, _("Chưa lưu gì: hãy sửa các ô được đánh dấu rồi lưu lại."))
                    return forms
                done = self.writes(forms)
                done.apply(self.model, self.fields, request.user)
        except IntegrityError:  # somebody created the same target in the same instant
            messages.error(request, _("Người khác vừa lưu mục tiêu của cùng đơn vị; chưa lưu thay đổi của bạn. "
                                      "Hãy xem lại rồi lưu lần nữa."))
            self.load()
            return self.forms(request.POST)
        messages.success(request, done.message())
        return None


def check(forms: list[RowForm]) -> bool:
    """Every row valid and no changed cell changed by someone else meanwhile (those get their message)."""
    if not all([form.is_valid() for form in forms]):  # every row, so each shows its own problems
        return False
    clear = True
    for form in forms:
        for name in form.conflicts():
            form.mark_conflict(name)
            clear = False
    return clear


def problems(forms: list[RowForm]) -> list[tuple[str, str, str]]:
    """(input id, "<unit> – <column>", message) for the summary above the table."""
    return [(form[name].auto_id, f"{form.unit.name} – {form.labels[name]}", str(error))
            for form in forms if form.is_bound for name, errors in form.errors.items() for error in errors]


# --- targets per metric ----------------------------------------------------------

def _cell(special: bool) -> str:
    return "special" if special else "all"


def _unit_key(district_id: int | None, commune_id: int | None) -> str:
    return f"d{district_id}" if district_id else f"c{commune_id}" if commune_id else "p"


class TargetGrid(Grid):
    model = Target
    fields = ["percent"]

    def __init__(self, place: Place, term: Term, code: str, year: int | None = None):
        self.place, self.term, self.code, self.year = place, term, code, year
        self.metric = FIGURES_BY_CODE[code].metric
        self.stored: dict[tuple[str, str, str], Target] = {}  # the targets of ``year`` (None: the term's)
        self.of_term: dict[tuple[str, str, str], Target] = {}  # the term's, where a year's cell falls back
        self.province = Unit("p", _("Toàn tỉnh: %(province)s") % {"province": place.province.name})

    def load(self, lock: bool = False) -> None:
        """(unit key, metric, cell) → the stored target of the year (and of the term, a year's fallback), for
        the province and the list's units: one query."""
        years = Q(year__isnull=True) | (Q(year=self.year) if self.year is not None else Q(pk__in=[]))
        targets = Target.objects.restrict(self.place.request.user).filter(
            province=self.place.province, term=self.term).filter(years).filter(
            Q(district__isnull=True, commune__isnull=True) | self.place.unit_q())
        if lock:
            targets = targets.select_for_update(of=("self",))
        self.stored, self.of_term = {}, {}
        for t in targets:
            key = (_unit_key(t.district_id, t.commune_id), t.metric, _cell(t.special_area_only))
            (self.stored if t.year == self.year else self.of_term)[key] = t

    def value(self, unit: Unit, name: str) -> Any:
        target = self.stored.get((unit.key, self.metric, name))
        return target.percent if target else None

    def fallback(self, unit: Unit, name: str) -> str:
        """What a blank cell follows: the province's target (the term's); for a year, the unit's term target,
        then the province's for the year, then the province's term target."""
        if self.year is None:
            order = [] if unit.is_province else [self.stored.get(("p", self.metric, name))]
        else:
            order = [self.of_term.get((unit.key, self.metric, name))]
            if not unit.is_province:
                order += [self.stored.get(("p", self.metric, name)), self.of_term.get(("p", self.metric, name))]
        found = next((t for t in order if t is not None), None)
        return shown_decimal(found.percent) if found else ""

    def labels(self) -> dict[str, str]:
        label = FIGURES_BY_CODE[self.code].label
        if self.year is not None:
            label = _("%(label)s năm %(year)s") % {"label": label, "year": self.year}
        return {name: f"{label}, {str(column).removesuffix(' (%)').lower()}" for name, column in COLUMNS.items()}

    def forms(self, data: Any = None) -> list[RowForm]:
        labels = self.labels()
        return [TargetRowForm(data, unit=unit, labels=labels,
                              placeholders={name: self.fallback(unit, name) for name in COLUMNS},
                              initial={name: self.value(unit, name) for name in COLUMNS})
                for unit in [self.province, *self.place.units]]

    def writes(self, forms: list[RowForm]) -> Writes:
        done = Writes()
        for form in forms:
            for name in form.changed_data:
                new = form.cleaned_data[name]
                target = self.stored.get((form.unit.key, self.metric, name))
                if target is None and new is not None:
                    done.created.append(Target(
                        province=self.place.province, district_id=form.unit.district_id,
                        commune_id=form.unit.commune_id, term=self.term, metric=self.metric,
                        special_area_only=name == "special", percent=new, year=self.year))
                elif target is not None and new is None:
                    done.deleted.append(target)
                elif target is not None and target.percent != new:
                    target.percent = new
                    done.updated.append(target)
        return done

    def tabs(self) -> list[dict[str, Any]]:
        """Each metric with the province's targets and how many units have their own."""
        made = []
        for code in RATIO_CODES:
            figure = FIGURES_BY_CODE[code]
            own = {key for key, metric, _name in self.stored if metric == figure.metric and key != "p"}
            province = [self.stored.get(("p", figure.metric, name)) for name in COLUMNS]
            made.append({"code": code, "label": figure.label, "current": code == self.code, "units": len(own),
                         "all": shown_decimal(province[0].percent) if province[0] else "—",
                         "special": shown_decimal(province[1].percent) if province[1] else "—",
                         "query": self.place.query(term=self.term.name, metric=code, year=self.year)})
        return made

    def years(self) -> list[dict[str, Any]]:
        """The years of the term with targets of the metric of their own (annual plans), with how many cells
        and a link: one query."""
        counts = dict(Target.objects.restrict(self.place.request.user).filter(
            province=self.place.province, term=self.term, metric=self.metric, year__isnull=False).filter(
            Q(district__isnull=True, commune__isnull=True) | self.place.unit_q()).values("year").annotate(
            n=Count("pk")).values_list("year", "n"))
        return [{"year": year, "cells": counts.get(year, 0), "current": year == self.year,
                 "query": self.place.query(term=self.term.name, metric=self.code, year=year)}
                for year in range(self.term.start_year, self.term.end_year + 1)]

    def recent(self) -> list[dict[str, Any]]:
        """The metric's latest changes (the province's and this list's units'), of the term and of its years."""
        history = Target.history.filter(province_id=self.place.province.pk, term_id=self.term.pk, metric=self.metric)

        def column(row: Any) -> str:
            name = str(COLUMNS[_cell(row.special_area_only)])
            return _("%(column)s, năm %(year)s") % {"column": name, "year": row.year} if row.year else name

        return recent_changes(self.place, history, "percent", column)


def recent_changes(place: Place, history: Any, value: str, column: Any) -> list[dict[str, Any]]:
    """The latest ``RECENT`` historical rows of the province's and this list's units, each with the value
    before it (the row before of the same object), old → new: one query."""
    names = {u.key: u.name for u in place.units}
    rows = (history.filter(Q(district_id__isnull=True, commune_id__isnull=True) | place.unit_q())
            .annotate(before=Window(Lag(value), partition_by=[F("id")],
                                    order_by=[F("history_date").asc(), F("history_id").asc()]))
            .select_related("history_user").order_by("-history_date", "-history_id")[:RECENT])
    made = []
    for row in rows:
        key = _unit_key(row.district_id, row.commune_id)
        old = None if row.history_type == "+" else row.before
        new = None if row.history_type == "-" else getattr(row, value)
        made.append({"when": row.history_date, "who": row.history_user.get_username() if row.history_user else "",
                     "unit": _("Toàn tỉnh") if key == "p" else names.get(key, "—"), "column": column(row),
                     "old": _shown(old), "new": _shown(new)})
    return made


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return shown_decimal(value)
    return f"{value:,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))  # 1.000 in Vietnamese


def targets(request: HttpRequest) -> HttpResponse:
    place = Place.of(request)
    term = chosen_term(request)
    code = request.GET.get("metric") or RATIO_CODES[0]
    if code not in RATIO_CODES:
        raise Http404(_("Không có chỉ tiêu “%(metric)s”.") % {"metric": code})
    year_form = TargetYearForm(request.GET, term=term)
    context = {**place.context(), "title": _("Mục tiêu"), "term": term, "terms": Term.objects.all(),
               "columns": COLUMNS, "metric_label": FIGURES_BY_CODE[code].label, "metric_code": code,
               "year_form": year_form, "admissions_query": place.query(year=timezone.localdate().year)}
    if not year_form.is_valid():  # nothing shown, nothing saved: the message is on the Year field
        return render(request, "elections/targets.html", {**context, "forms": [], "problems": [], "tabs": [],
                                                          "recent": [], "here": place.query(term=term.name,
                                                                                            metric=code)})
    year = year_form.cleaned_data["year"]
    grid = TargetGrid(place, term, code, year)
    here = place.query(term=term.name, metric=code, year=year)
    forms = None
    if request.method == "POST":
        forms = grid.save(request)
        if forms is None:
            return redirect(f"{request.path}?{here}")
    else:
        grid.load()
        forms = grid.forms()
    return render(request, "elections/targets.html", {
        **context, "forms": forms, "year": year, "years": grid.years(), "tabs": grid.tabs(),
        "here_term": place.query(term=term.name, metric=code),
        "problems": problems(forms), "recent": grid.recent(), "here": here,
    })


# --- admission targets per year ----------------------------------------------------

class AdmissionGrid(Grid):
    model = AdmissionTarget
    fields = ["target"]

    def __init__(self, place: Place, year: int):
        self.place, self.year = place, year
        self.stored: dict[str, AdmissionTarget] = {}

    def load(self, lock: bool = False) -> None:
        rows = AdmissionTarget.objects.restrict(self.place.request.user).filter(self.place.unit_q(), year=self.year)
        if lock:
            rows = rows.select_for_update(of=("self",))  # never the outer-joined units of the ordering
        self.stored = {_unit_key(t.district_id, t.commune_id): t for t in rows}

    def recent(self) -> list[dict[str, Any]]:
        history = AdmissionTarget.history.filter(year=self.year)
        return recent_changes(self.place, history, "target", lambda row: _("Năm %(year)s") % {"year": row.year})

    def forms(self, data: Any = None) -> list[RowForm]:
        labels = {"target": _("Chỉ tiêu kết nạp đảng viên năm %(year)s") % {"year": self.year}}
        return [AdmissionRowForm(data, unit=unit, labels=labels, initial={
            "target": self.stored[unit.key].target if unit.key in self.stored else None})
            for unit in self.place.units]

    def writes(self, forms: list[RowForm]) -> Writes:
        done = Writes()
        for form in forms:
            if "target" not in form.changed_data:
                continue
            new, row = form.cleaned_data["target"], self.stored.get(form.unit.key)
            if row is None and new is not None:
                done.created.append(AdmissionTarget(district_id=form.unit.district_id,
                                                    commune_id=form.unit.commune_id, year=self.year, target=new))
            elif row is not None and new is None:
                done.deleted.append(row)
            elif row is not None and row.target != new:
                row.target = new
                done.updated.append(row)
        return done


def admission_targets(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year_form = YearForm(request.GET if request.GET.get("year") else None, initial={"year": today.year})
    year = year_form.cleaned_data["year"] if year_form.is_valid() else None if year_form.is_bound else today.year
    place = Place.of(request, default_list=NEW if (year or today.year) >= 2025 else EARLIER)
    context: dict[str, Any] = {**place.context(), "title": _("Chỉ tiêu kết nạp đảng viên"), "year_form": year_form,
                               "year": year, "forms": [], "problems": []}
    if year is None:
        return render(request, "elections/targets_admissions.html", context)
    grid = AdmissionGrid(place, year)
    if request.method == "POST":
        forms = grid.save(request)
        if forms is None:
            return redirect(f"{request.path}?{place.query(year=year)}")
    else:
        grid.load()
        forms = grid.forms()
    years = [y for y in (year - 1, year, year + 1) if FIRST_YEAR <= y <= last_year()]
    context.update(forms=forms, problems=problems(forms), years=years, targets_query=place.query(),
                   here=place.query(year=year), recent=grid.recent())
    return render(request, "elections/targets_admissions.html", context)
