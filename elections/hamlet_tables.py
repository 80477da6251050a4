"""The hamlet list's table, in the earlier layout (district, commune) or the 2025
layout (2025 commune, former commune, no district).

Attributes come from the term's record in force (``results.with_results``
annotations ``term_kind``...), never from the hamlet's copy of its latest term.
Names sort naturally (``Khối 2`` before ``Khối 10``: the stored ``name_sort``),
in the database, so pages and exports keep the same order. A hamlet's link
carries the list's own address (``?next=``), so that saving a form on its page
comes back to the list as it was left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadre_tracker.export_values import FromValues, from_values, labels, or_text
from hamlets.models import Hamlet, HamletKind, ListName

from .models import PartyRole


class HamletTable(tables.Table):
    """The earlier layout: district and commune of the earlier list."""

    name = tables.Column(linkify=lambda record, table: table.link(record), verbose_name=_("Thôn, xóm"),
                         order_by=("name_sort", "commune__code", "pk"))
    kind = tables.Column(accessor="term_kind", verbose_name=_("Loại"))
    commune = tables.Column(verbose_name=_("Xã"), order_by=("commune__code",))
    district = tables.Column(accessor="commune__district", verbose_name=_("Huyện"),
                             order_by=("commune__district__code",))
    special_area = tables.BooleanColumn(accessor="term_special_area", verbose_name=_("Địa bàn đặc thù"))
    project01 = tables.BooleanColumn(accessor="term_project01", verbose_name=_("Thuộc Đề án 01"))
    party_members = tables.Column(accessor="term_party_members", verbose_name=_("Đảng viên"),
                                  attrs={"td": {"class": "num"}})
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
        fields = ()
        sequence = ("name", "kind", "commune", "district", "special_area", "project01", "party_members", "has_cell",
                    "congress_held_on", "secretary", "deputy_secretary", "chief_elected_on", "chief",
                    "chief_is_member", "chief_party_role")
        order_by = ("district", "commune", "name")
        attrs = {"class": "table"}
        empty_text = _("Không có thôn, xóm nào khớp.")
        template_name = "hamlets/hamlet_table.html"  # the body from ``body_html``

    def __init__(self, *args: Any, next_url: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.next_url = next_url

    def link(self, record: Hamlet) -> str:
        """The hamlet's page, with the way back to this list as it is now."""
        url = record.get_absolute_url()
        return f"{url}?{urlencode({'next': self.next_url})}" if self.next_url else url

    def name_text(self, record: Hamlet) -> str:
        return record.name

    def body_html(self) -> SafeString:
        """The page's rows as django-tables2 renders them (the same cells, links, defaults, yes/no marks,
        dates and ``td`` attributes), written from one writer per column: django-tables2's own cells
        inspect a signature and render a template per date, several milliseconds a page of 50."""
        writers = [(_td_attrs(bound), self._writer(bound)) for bound in self.columns]
        rows = []
        for index, record in enumerate(r.record for r in self.paginated_rows):
            cells = "".join(f"<td{attrs}>{write(record)}</td>" for attrs, write in writers)
            rows.append(f'<tr class="{"odd" if index % 2 else "even"}">{cells}</tr>')
        if not rows and self.empty_text:
            rows.append(f'<tr><td colspan="{len(self.columns)}">{escape(str(self.empty_text))}</td></tr>')
        return mark_safe("".join(rows))  # noqa: S308 -- every value above is escaped

    def _writer(self, bound: Any) -> Callable[[Hamlet], str]:
        """How one column's cell is written from a record (worked out once per column)."""
        if bound.name == "name":
            return lambda record: f'<a href="{escape(self.link(record))}">{escape(self.name_text(record))}</a>'
        accessor, column = tables.A(bound.accessor), bound.column
        if isinstance(column, tables.BooleanColumn):
            marks = [f'<span class="true">{escape(column.yesno[0])}</span>',
                     f'<span class="false">{escape(column.yesno[1])}</span>']
            return lambda record: marks[0] if accessor.resolve(record, quiet=True) else marks[1]
        default = escape(str(bound.default))
        render = getattr(self, f"render_{bound.name}", None)
        date = isinstance(column, tables.DateColumn)
        if date and '"d/m/Y"' not in column.template_code:  # pragma: no cover -- the one format the list shows
            raise ValueError(f"no writer for the date column {bound.name}'s format")

        def write(record: Hamlet) -> str:
            value = accessor.resolve(record, quiet=True)
            if date:  # its template: ``value|date:format|default:default``
                return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else default
            if value in column.empty_values:
                return default
            if render is not None:
                return escape(str(render(value)))
            return escape(str(localize(value)))

        return write

    def render_kind(self, value: str) -> str:
        return str(HamletKind(value).label) if value else ""

    def value_kind(self, value: str) -> str:
        return self.render_kind(value)

    def render_chief_party_role(self, value: str) -> str:
        return str(PartyRole(value).label) if value else ""

    def value_chief_party_role(self, value: str) -> str:
        return self.render_chief_party_role(value)

    def export_values(self) -> dict[str, str | FromValues]:
        """How each column reads from ``values_list()`` for the fast export (``cadre_tracker.export_values``):
        the same values as the ``value_<column>`` methods and the models' ``str``, with no model instance."""
        return {"name": "name", "kind": from_values("term_kind", convert=labels(HamletKind)),
                "commune": "commune__name", "district": "commune__district__name",
                "special_area": "term_special_area", "project01": "term_project01",
                "party_members": "term_party_members", "has_cell": "has_cell", "congress_held_on": "congress_held_on",
                "secretary": "secretary", "deputy_secretary": "deputy_secretary",
                "chief_elected_on": "chief_elected_on", "chief": "chief", "chief_is_member": "chief_is_member",
                "chief_party_role": from_values("chief_party_role", convert=labels(PartyRole))}


class NewLayoutHamletTable(HamletTable):
    """The 2025 layout: the 2025 commune first, the earlier commune as "former", no district;
    namesakes in a 2025 commune shown with their former commune (``Xóm 1 (Thanh Lâm cũ)``)."""

    name = tables.Column(linkify=lambda record, table: table.link(record), verbose_name=_("Thôn, xóm"),
                         order_by=("name_sort", "new_commune__code", "commune__code", "pk"))
    new_commune = tables.Column(verbose_name=_("Xã, phường"), order_by=("new_commune__code",),
                                default=_("Chưa xếp vào xã mới"))
    commune = tables.Column(verbose_name=_("Xã cũ"), order_by=("commune__code",))

    class Meta(HamletTable.Meta):
        sequence = ("name", "kind", "new_commune", "commune", "special_area", "project01", "party_members",
                    "has_cell", "congress_held_on", "secretary", "deputy_secretary", "chief_elected_on", "chief",
                    "chief_is_member", "chief_party_role")
        exclude = ("district",)
        order_by = ("new_commune", "name")

    def render_name(self, value: str, record: Hamlet) -> str:
        return self.name_text(record)

    def name_text(self, record: Hamlet) -> str:
        return record.display_name(bool(getattr(record, "former_name", None)))

    def value_name(self, value: str, record: Hamlet) -> str:
        return self.render_name(value, record)

    def value_new_commune(self, value: Any) -> str:
        return str(value) if value else gettext("Chưa xếp vào xã mới")

    def export_values(self) -> dict[str, str | FromValues]:
        """The earlier layout's reads, with the name as ``Hamlet.display_name`` writes it from the ``former_name``
        annotation (``Xóm 1 (Thanh Lâm cũ)``) and the 2025 commune or "not placed yet"."""
        unplaced = gettext("Chưa xếp vào xã mới")
        return {**super().export_values(), "name": from_values("name", "former_name", convert=ListName()),
                "new_commune": from_values("new_commune__name", convert=or_text(unplaced))}


def _td_attrs(bound: Any) -> str:
    """A cell's ``td`` attributes as django-tables2 writes them (`` class="num"``, or nothing)."""
    html = bound.attrs["td"].as_html()
    return f" {html}" if html else ""
