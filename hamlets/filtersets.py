from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from elections.models import Term

from .models import Commune, District, Hamlet, HamletKind

YES_NO = ((True, _("Có")), (False, _("Không")))




class HamletFilterSet(django_filters.FilterSet):
    """Filters of the hamlet list; drop-downs offer only the user's own units.

    ``term`` and ``as_of`` choose the period the results are shown for (the
    view annotates the queryset with them); they filter nothing themselves.
    """

    q = django_filters.CharFilter(method="search", label=_("Tìm"))
    term = django_filters.ChoiceFilter(method="period", label=_("Nhiệm kỳ"), choices=(), empty_label=None)
    as_of = django_filters.CharFilter(method="period", label=_("Tính đến ngày"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    district = django_filters.ModelChoiceFilter(field_name="commune__district", queryset=District.objects.none(),
                                                label=_("Huyện"))
    commune = django_filters.ModelChoiceFilter(queryset=Commune.objects.none(), label=_("Xã"))
    kind = django_filters.ChoiceFilter(choices=HamletKind.choices, label=_("Loại"))
    special_area = django_filters.BooleanFilter(label=_("Địa bàn đặc thù"))
    project01 = django_filters.BooleanFilter(label=_("Đề án 01"))
    has_cell = django_filters.BooleanFilter(label=_("Có chi bộ"))
    congress_held = django_filters.BooleanFilter(field_name="congress_held_on", lookup_expr="isnull",
                                                 exclude=True, label=_("Đã đại hội"))
    chief_elected = django_filters.BooleanFilter(field_name="chief_elected_on", lookup_expr="isnull",
                                                 exclude=True, label=_("Đã bầu trưởng thôn"))
    chief_member = django_filters.BooleanFilter(method="chief_is_member", label=_("Trưởng thôn là đảng viên"))

    class Meta:
        model = Hamlet
        fields = ["q", "term", "as_of", "district", "commune", "kind", "special_area", "project01", "has_cell",
                  "congress_held", "chief_elected", "chief_member"]

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        units = Commune.objects.restrict(user).filter(hamlets__isnull=False).distinct()
        self.filters["commune"].queryset = units.order_by("district__code", "code")
        districts = District.objects.restrict(user).filter(communes__hamlets__isnull=False).distinct()
        self.filters["district"].queryset = districts.order_by("code")
        self.filters["term"].extra["choices"] = [(t.name, t.name) for t in Term.objects.all()]

    def search(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        return queryset.search(value)

    def period(self, queryset: QuerySet[Hamlet], name: str, value: str) -> QuerySet[Hamlet]:
        return queryset

    def chief_is_member(self, queryset: QuerySet[Hamlet], name: str, value: bool | None) -> QuerySet[Hamlet]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(chief_is_member=True)
        return queryset.filter(Q(chief_elected_on__isnull=False) & Q(chief_is_member=False))
