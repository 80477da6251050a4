"""The table of an official's hamlets behind one count of ``/officials/`` (``officials.missing_hamlets``):
the hamlet, its units of both lists, and for stalled plans the chief, mentor and last step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hamlets.models import Hamlet

PLAN_COLUMNS = ("p_chief", "p_plan_mentor", "p_plan_step", "days")


class OfficialHamletTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("Thôn, xóm"),
                         orderable=False)
    new_commune = tables.Column(verbose_name=_("Xã, phường"), default="", orderable=False)
    commune = tables.Column(verbose_name=_("Xã cũ"), default="", orderable=False)
    district = tables.Column(accessor="commune__district", verbose_name=_("Huyện cũ"), default="", orderable=False)
    p_chief = tables.Column(verbose_name=_("Trưởng thôn"), orderable=False)
    p_plan_mentor = tables.Column(verbose_name=_("Người giúp đỡ"), orderable=False)
    p_plan_step = tables.DateColumn(verbose_name=_("Bước gần nhất"), format="d/m/Y", orderable=False)
    days = tables.Column(accessor="p_plan_step", verbose_name=_("Số ngày chưa có bước mới"), orderable=False,
                         attrs={"td": {"class": "num"}})

    class Meta:
        model = Hamlet
        fields = ()
        sequence = ("name", "new_commune", "commune", "district", *PLAN_COLUMNS)
        attrs = {"class": "table"}
        empty_text = _("Không có thôn, xóm nào.")

    def __init__(self, *args: Any, code: str, as_of: dt.date, **kwargs: Any):
        exclude = () if code == "stalled" else PLAN_COLUMNS
        super().__init__(*args, exclude=exclude, **kwargs)
        self.as_of = as_of

    def render_days(self, value: dt.date) -> int:
        return (self.as_of - value).days

    def value_days(self, value: dt.date | None) -> int | None:
        return None if value is None else self.render_days(value)

    def value_new_commune(self, value: Any) -> str:
        return str(value) if value else gettext("Chưa xếp vào xã mới")
