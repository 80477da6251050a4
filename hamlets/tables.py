from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from elections.models import PartyRole

from .models import Hamlet


class HamletTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Thôn, xóm"))
    commune = tables.Column(verbose_name=_("Xã"), order_by=("commune__code",))
    district = tables.Column(accessor="commune__district", verbose_name=_("Huyện"),
                             order_by=("commune__district__code",))
    party_members = tables.Column(verbose_name=_("Đảng viên"), attrs={"td": {"class": "num"}})
    has_cell = tables.BooleanColumn(verbose_name=_("Chi bộ"))
    congress_held_on = tables.DateColumn(verbose_name=_("Ngày đại hội"), format="d/m/Y")
    secretary = tables.Column(verbose_name=_("Bí thư"))
    deputy_secretary = tables.Column(verbose_name=_("Phó bí thư"))
    chief_elected_on = tables.DateColumn(verbose_name=_("Ngày bầu trưởng thôn"), format="d/m/Y")
    chief = tables.Column(verbose_name=_("Trưởng thôn"))
    chief_is_member = tables.BooleanColumn(verbose_name=_("Trưởng thôn là đảng viên"))
    chief_party_role = tables.Column(verbose_name=_("Kiêm nhiệm"))

    class Meta:
        model = Hamlet
        fields = ("name", "kind", "commune", "district", "special_area", "project01", "party_members", "has_cell",
                  "congress_held_on", "secretary", "deputy_secretary", "chief_elected_on", "chief",
                  "chief_is_member", "chief_party_role")
        order_by = ("district", "commune", "name")
        attrs = {"class": "table"}
        empty_text = _("Không có thôn, xóm nào khớp.")

    def render_chief_party_role(self, value: str) -> str:
        return str(PartyRole(value).label) if value else ""

    def value_chief_party_role(self, value: str) -> str:
        return self.render_chief_party_role(value)
