"""Filters of the hamlet list, in the layout of the list in force.

In the earlier layout the units are the districts and communes of the earlier
list; in the 2025 layout the 2025 communes (``new_commune``, with a choice for
the unplaced hamlets). The other layout's unit filters stay active but hidden,
so a link that names them still filters. Drop-downs offer only the user's own
units (``restrict``). Attribute filters read the term's record in force
(``results.with_results``), as the figures do.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hamlets.models import Commune, District, Hamlet, HamletKind
from hamlets.scoping import Scope

from .models import Term

UNPLACED = "unplaced"
UNITS_2025 = "2025"
EARLIER_UNITS = ("district", "commune")
NEW_UNITS = ("new_commune",)


class HamletFilterSet(django_filters.FilterSet):
    """``term``, ``as_of`` and ``units`` choose the period and layout (the view reads
    them); they filter nothing themselves."""

    q = django_filters.CharFilter(method="search", label=_("Tìm"))
    term = django_filters.ChoiceFilter(method="period", label=_("Nhiệm kỳ"), choices=(), empty_label=None)
    as_of = django_filters.CharFilter(method="period", label=_("Tính đến ngày"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    units = django_filters.ChoiceFilter(method="period", label=_("Đơn vị"), empty_label=_("theo danh mục tại ngày đó"),
                                        choices=((UNITS_2025, _("xã, phường từ 01/07/2025")),))
    district = django_filters.ModelChoiceFilter(field_name="commune__district", queryset=District.objects.none(),
                                                label=_("Huyện"))
    commune = django_filters.ModelChoiceFilter(queryset=Commune.objects.none(), label=_("Xã"))
    new_commune = django_filters.ChoiceFilter(method="in_new_commune", choices=(), label=_("Xã, phường"))
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

    def __init__(self, *args: Any, request: Any = None, new_layout: bool = False, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        scope = Scope.of(user)
        communes = Commune.objects.restrict(user)
        self.filters["commune"].queryset = (communes.earlier().filter(hamlets__isnull=False).distinct()
                                            .order_by("district__code", "code"))
        districts = District.objects.restrict(user).filter(communes__hamlets__isnull=False).distinct()
        self.filters["district"].queryset = districts.order_by("code")
        new_communes = [(str(pk), name) for pk, name in communes.new().filter(placed_hamlets__isnull=False)
                        .distinct().order_by("name").values_list("pk", "name")] if new_layout else []
        unplaced = [] if scope.is_commune else [(UNPLACED, _("Chưa xếp vào xã mới"))]
        self.filters["new_commune"].extra["choices"] = [*new_communes, *unplaced]
        self.filters["term"].extra["choices"] = [(t.name, t.name) for t in Term.objects.all()]
        hidden = EARLIER_UNITS if new_layout else NEW_UNITS
        if scope.is_board:  # boards have one layout: no switch
            hidden = (*hidden, "units")
        for name in hidden:
            self.filters[name].extra["widget"] = forms.HiddenInput

    def search(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        return queryset.search(value)

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
