"""The tables of the people page (``people_pages``): one row per hamlet of a section, read from
the ``people_facts`` annotations (``p_chief``, ``p_elected_on``, ``p_plan_mentor``, ``p_plan_step``).

The hamlet is named as on the hamlet list (``Xóm 1 (Thanh Lâm cũ)`` for a namesake in its 2025
commune) and links to its page; the last column opens the plan (or the evaluation, or a
by-election), carrying the page's address so that saving comes back to it.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hamlets.models import Hamlet

from .models import Term
from .period import Period


class ChiefTable(tables.Table):
    """Non-member chiefs in office (with or without a plan): the earlier layout (commune, district)."""

    hamlet = tables.Column(accessor="name", verbose_name=_("Thôn, xóm"), orderable=False)
    commune = tables.Column(accessor="pk", verbose_name=_("Xã"), orderable=False)
    district = tables.Column(accessor="commune__district", verbose_name=_("Huyện"), orderable=False)
    chief = tables.Column(accessor="p_chief", verbose_name=_("Trưởng thôn"), orderable=False)
    elected_on = tables.DateColumn(accessor="p_elected_on", verbose_name=_("Ngày bầu"), format="d/m/Y",
                                   orderable=False)
    mentor = tables.Column(accessor="p_plan_mentor", verbose_name=_("Người giúp đỡ"), orderable=False)
    step = tables.DateColumn(accessor="p_plan_step", verbose_name=_("Bước gần nhất"), format="d/m/Y",
                             orderable=False)
    action = tables.Column(accessor="pk", verbose_name="", orderable=False)

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("Không có.")

    def __init__(self, data: Any, *, term: Term, period: Period, next_url: str, new_layout: bool,
                 can_edit: bool, **kwargs: Any):
        exclude = [*kwargs.pop("exclude", ()), *(["district"] if new_layout else [])]
        if not can_edit:
            exclude.append("action")
        super().__init__(data, exclude=exclude, **kwargs)
        self.term, self.period, self.next_url, self.new_layout = term, period, next_url, new_layout
        if new_layout:
            self.columns["commune"].column.verbose_name = _("Xã, phường")

    def render_hamlet(self, value: str, record: Hamlet) -> str:
        name = record.display_name(bool(getattr(record, "former_name", None))) if self.new_layout else value
        url = f"{record.get_absolute_url()}?{urlencode({'next': self.next_url})}"
        return format_html('<a href="{}">{}</a>', url, name)

    def render_commune(self, value: Any, record: Hamlet) -> str:
        """The 2025 commune in the 2025 layout, else the earlier one."""
        if self.new_layout:
            return record.new_commune.name if record.new_commune_id else gettext("Chưa xếp vào xã mới")
        return record.commune.name if record.commune_id else "—"

    def query(self, **params: Any) -> str:
        return urlencode({**{k: v for k, v in params.items() if v}, "as_of": self.period.as_of.isoformat(),
                          "term": self.term.name, "next": self.next_url})

    def render_action(self, value: int, record: Hamlet) -> str:
        url = reverse("elections:plan_for", args=[value, self.term.pk])
        label = gettext("Sửa kế hoạch") if record.p_plan_step else gettext("Lập kế hoạch")
        return format_html('<a href="{}?{}">{}</a>', url, self.query(chief=record.p_chief), label)


class CandidateTable(ChiefTable):
    """Chiefs rated "not completed" last year and still in office: their evaluation, or a by-election."""

    class Meta(ChiefTable.Meta):
        exclude = ("mentor", "step")

    def render_action(self, value: int, record: Hamlet) -> str:
        evaluation = reverse("elections:evaluation_for", args=[value])
        election = reverse("elections:election_new", args=[value, self.term.pk])
        return format_html('<a href="{}?{}">{}</a> · <a href="{}?{}">{}</a>',
                           evaluation, self.query(chief=record.p_chief, year=self.period.as_of.year - 1),
                           gettext("Đánh giá"), election, urlencode({"next": self.next_url}),
                           gettext("Bầu bổ sung"))
