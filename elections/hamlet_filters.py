"""Filters of the hamlet list, in the layout of the list in force.

In the earlier layout the units are the districts and communes of the earlier
list; in the 2025 layout the 2025 communes (``new_commune``, with a choice for
the unplaced hamlets). The other layout's unit filters stay active but hidden,
so a link that names them still filters. Drop-downs offer only the user's own
units (``restrict``), in natural order (``Phường 2`` before ``Phường 10``); the
commune choices narrow to the district chosen, and a commune name that two
choices share is followed by its district (``Xã Hưng Lộc (Thành phố Vinh)``;
by its province among 2025 communes). Attribute filters read the term's
record in force (``results.with_results``), as the figures do.

The search box finds words in any order, case and diacritics ignored, across
the hamlet's name and the names of its communes (of either list) and
district (``Khối 5 Kim Sơn``), or the whole text in the name of the period's
chief in office, secretary or deputy secretary (folded by the database:
``Folded``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db.models import CharField, Exists, Func, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from cadre_tracker.filters import FilterSet, PlainSelect
from hamlets import text
from hamlets.models import PLACE_SEARCH, Commune, Hamlet, HamletKind, words_q
from hamlets.scoping import Scope

from .models import Term

UNPLACED = "unplaced"
# The people of the period a search finds by name (``results.with_results`` annotations).
PEOPLE = ("chief", "secretary", "deputy_secretary")
# The filters that read a result (``results.RESULT_ANNOTATIONS``), not the hamlet or its record: a page
# filtered by one of them is worked out on the hamlets with their results (``hamlet_pages.reads_plain``).
RESULT_FILTERS = ("q", "congress_held", "chief_elected", "chief_member")
UNITS_2025 = "2025"
EARLIER_UNITS = ("district", "commune")
NEW_UNITS = ("new_commune",)


class HamletFilterSet(FilterSet):
    """``term``, ``as_of`` and ``units`` choose the period and layout (the view reads
    them); they filter nothing themselves."""

    q = django_filters.CharFilter(method="search", label=_("Tìm"))
    term = django_filters.ChoiceFilter(method="period", label=_("Nhiệm kỳ"), choices=(), empty_label=None)
    as_of = django_filters.CharFilter(method="period", label=_("Tính đến ngày"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    units = django_filters.ChoiceFilter(method="period", label=_("Đơn vị"), empty_label=_("theo danh mục tại ngày đó"),
                                        choices=((UNITS_2025, _("xã, phường từ 01/07/2025")),))
    district = django_filters.ChoiceFilter(method="in_unit", choices=(), label=_("Huyện"), widget=PlainSelect)
    commune = django_filters.ChoiceFilter(method="in_unit", choices=(), label=_("Xã"), widget=PlainSelect)
    new_commune = django_filters.ChoiceFilter(method="in_new_commune", choices=(), label=_("Xã, phường"),
                                              widget=PlainSelect)
    kind = django_filters.ChoiceFilter(field_name="term_kind", choices=HamletKind.choices, label=_("Loại"))
    special_area = django_filters.BooleanFilter(field_name="term_special_area", label=_("Địa bàn đặc thù"))
    project01 = django_filters.BooleanFilter(field_name="term_project01", label=_("Đề án 01"))
    has_cell = django_filters.BooleanFilter(label=_("Có chi bộ"))
    congress_held = django_filters.BooleanFilter(field_name="congress_held_on", lookup_expr="isnull",
                                                 exclude=True, label=_("Đã đại hội"))
    chief_elected = django_filters.BooleanFilter(field_name="chief_elected_on", lookup_expr="isnull",
                                                 exclude=True, label=_("Đã bầu trưởng thôn"))
    chief_member = django_filters.BooleanFilter(method="chief_is_member", label=_("Trưởng thôn là đảng viên"))

    class Meta:
        model = Hamlet
        fields = ["q", "term", "as_of", "units", "new_commune", "district", "commune", "kind", "special_area",
                  "project01", "has_cell", "congress_held", "chief_elected", "chief_member"]

    def __init__(self, *args: Any, request: Any = None, new_layout: bool = False, named_only: bool = False,
                 **kwargs: Any):
        """``named_only``: the units are read only to check those the query names (an export, which shows no
        drop-down): the same choices for them, without reading the country's thousands of communes."""
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        scope = Scope.of(user)
        communes = Commune.objects.restrict(user)
        district = text.whole_number(self.data.get("district")) if self.data else None
        chosen = {self.data.get("commune"), self.data.get("new_commune")} if self.data else set()
        earlier_units = communes.earlier().filter(Exists(Hamlet.objects.filter(commune=OuterRef("pk")))).order_by()
        if new_layout or named_only:  # hidden: only the units a link names are choices (so that they validate)
            named = whole_numbers(chosen)
            earlier_units = earlier_units.filter(Q(pk__in=named) | Q(district_id=district)) if (
                named or district is not None) else earlier_units.none()
        # unordered: a national list (7,500 communes) is cut to the chosen one (``limited``) before it is sorted
        earlier = list(earlier_units.values_list("pk", "name", "name_key", "name_sort", "district_id", "district__name",
                                    "district__name_sort"))
        districts = sorted({(sort, pk, name) for *_c, pk, name, sort in earlier if pk is not None})
        self.filters["district"].extra["choices"] = unit_choices((pk, name, name, "") for _sort, pk, name in districts)
        self.filters["commune"].extra["choices"] = unit_choices(limited(
            [((sort, where_sort is None, where_sort or "", pk), pk, name, key, where)
             for pk, name, key, sort, district_id, where, where_sort in earlier
             if district is None or district_id == district], chosen))
        new_units = communes.new().filter(Exists(Hamlet.objects.filter(new_commune=OuterRef("pk")))).order_by()
        if named_only:
            new_units = new_units.filter(pk__in=whole_numbers(chosen))
        new_communes = unit_choices(limited([((sort, pk), pk, name, key, where) for pk, name, key, sort, where in (
            capped(new_units.values_list("pk", "name", "name_key", "name_sort", "province__name"), chosen))],
            chosen)) if new_layout else []
        unplaced = [] if scope.is_commune else [(UNPLACED, _("Chưa xếp vào xã mới"))]
        self.filters["new_commune"].extra["choices"] = [*new_communes, *unplaced]
        self.filters["term"].extra["choices"] = [(t.name, t.name) for t in Term.objects.all()]
        hidden = EARLIER_UNITS if new_layout else NEW_UNITS
        if scope.is_board:  # boards have one layout: no switch
            hidden = (*hidden, "units")
        for name in hidden:
            self.filters[name].extra["widget"] = forms.HiddenInput

    def search(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        """Words across the hamlet's places, or the whole text in a person's name of the period."""
        key = text.search_key(value)
        if not key:
            return queryset
        words = text.search_words(value)
        places = words_q(words, PLACE_SEARCH) if words else Q(pk__in=[])
        people = Q()
        for name in PEOPLE:
            people |= Q(**{f"folded_{name}__contains": key})
        return queryset.alias(**{f"folded_{name}": Folded(name) for name in PEOPLE}).filter(places | people)

    def in_unit(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        field = "commune__district_id" if name == "district" else "commune_id"
        return queryset.filter(**{field: int(value)}) if value else queryset

    def period(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        return queryset

    def in_new_commune(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        if value == UNPLACED:
            return queryset.unplaced()
        return queryset.filter(new_commune_id=int(value)) if value else queryset

    def chief_is_member(self, queryset: QuerySet[Hamlet], name: str, value: bool | None) -> QuerySet[Hamlet]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(chief_is_member=True)
        return queryset.filter(Q(chief_elected_on__isnull=False) & Q(chief_is_member=False))


MAX_CHOICES = 1_000  # a drop-down longer than this (the whole country's communes) is no use to anyone


def limited(rows: list[tuple[Any, int, str, str, str | None]], chosen: set[str | None]) -> list[tuple[int, str, str,
                                                                                                 str | None]]:
    """(sort key, pk, name, name key, where) → the units of a drop-down in natural order (the stored
    ``name_sort``, compared as plain text), or, past ``MAX_CHOICES`` (the national view before a district or
    province is chosen), only the one chosen (a drill-down's link), which keeps the page light: choose a
    district first."""
    if len(rows) > MAX_CHOICES:
        rows = [row for row in rows if str(row[1]) in chosen]
    return [(pk, name, key, where) for _sort, pk, name, key, where in sorted(rows)]


def capped(units: QuerySet, chosen: set[str | None]) -> list[Any]:
    """The units' rows, or, when there are more than ``MAX_CHOICES`` (``limited`` keeps only the chosen then),
    only the chosen ones': the country's 3,321 communes are neither read nor sent to be dropped."""
    if units[MAX_CHOICES:MAX_CHOICES + 1].exists():
        return list(units.filter(pk__in=whole_numbers(chosen)))
    return list(units)


def whole_numbers(values: Iterable[str | None]) -> list[int]:
    """The values that are whole numbers (pks a link names), as numbers."""
    return [number for number in (text.whole_number(value) for value in values) if number is not None]


def unit_choices(units: Iterable[tuple[int, str, str, str | None]]) -> list[tuple[str, str]]:
    """(pk, name, name key, where it lies) → choices; ``where`` is shown only beside a name two choices
    share (``Xã Hưng Lộc (Thành phố Vinh)``), never beside a unique one."""
    rows = list(units)
    counts: dict[str, int] = {}
    for _pk, _name, key, _where in rows:
        counts[key] = counts.get(key, 0) + 1
    return [(str(pk), f"{name} ({where})" if where and counts[key] > 1 else name) for pk, name, key, where in rows]


class Folded(Func):
    """A text without case or diacritics, as ``text.search_key`` folds a stored (NFC) name: ``TRANSLATE``
    with ``text.fold_table`` (PostgreSQL's own; on SQLite the same table in Python, a function of the
    connection)."""

    output_field = CharField()
    SQLITE_NAME = "ct_search_key"

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # PostgreSQL and the rest
        source, target = text.fold_table()
        return Func(self.source_expressions[0], Value(source), Value(target), function="TRANSLATE",
                    output_field=CharField()).as_sql(compiler, connection, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        connection.ensure_connection()
        connection.connection.create_function(self.SQLITE_NAME, 1, _fold, deterministic=True)
        return super().as_sql(compiler, connection, function=self.SQLITE_NAME, **extra)


def _fold(value: str | None) -> str | None:
    return None if value is None else value.translate(_fold_map())


@functools.cache
def _fold_map() -> dict[int, int]:
    return str.maketrans(*text.fold_table())
