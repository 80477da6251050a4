"""The hamlet forms: a hamlet's name and its record for one term; a new hamlet.

Kind, special area, Project 01, Party members and Party cell are recorded per
term (``HamletTerm``) and written only through ``records.save_record``; the
edit form locks on the record's ``version`` like every other form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadre_tracker.generic import VersionConflict
from hamlets import bounds, text
from hamlets.forms import VersionedForm
from hamlets.models import Commune, Hamlet

from .forms import HAMLET_RULES, BoundedForm
from .models import HamletTerm, Term
from .records import save_record

RECORD_LABELS = {"party_cell": gettext_lazy("Thôn có chi bộ riêng")}
RECORD_HELP = {"party_members": gettext_lazy("Số đảng viên sinh hoạt tại thôn trong nhiệm kỳ này.")}


def record_fields() -> dict[str, forms.Field]:
    return forms.fields_for_model(HamletTerm, fields=HamletTerm.FIELDS, labels=RECORD_LABELS, help_texts=RECORD_HELP)


def namesake(name: str, commune_id: int | None, new_commune_id: int | None,
             exclude: int | None = None) -> Hamlet | None:
    """The hamlet that already has this name where names must be unique: in the earlier
    commune, or (for a hamlet without one) among the 2025 commune's hamlets without one."""
    key = text.match_key(name)
    if commune_id:
        same = Hamlet.objects.filter(commune_id=commune_id, name_key=key)
    elif new_commune_id:
        same = Hamlet.objects.filter(commune__isnull=True, new_commune_id=new_commune_id, name_key=key)
    else:
        return None
    return same.exclude(pk=exclude).first()


def name_taken(form: forms.Form, field: str, clash: Hamlet | None) -> None:
    if clash is not None:
        form.add_error(field, _("Xã này đã có thôn tên “%(name)s”.") % {"name": clash.name})


def describe_record(record: HamletTerm) -> str:
    return _("nhiệm kỳ %(term)s: %(kind)s, %(members)s đảng viên, chi bộ: %(cell)s, đặc thù: %(special)s, "
             "Đề án 01: %(p01)s") % {
        "term": record.term, "kind": record.get_kind_display() or "—", "members": record.party_members,
        "cell": _("có") if record.party_cell else _("không"), "special": _("có") if record.special_area else _("không"),
        "p01": _("có") if record.project01 else _("không")}


class HamletForm(BoundedForm, VersionedForm):
    """A hamlet's name (on the hamlet) and its record for one term (locked on the record's version)."""

    name = forms.CharField(label=gettext_lazy("Tên thôn, xóm"), max_length=bounds.NAME_LENGTH)
    field_rules = HAMLET_RULES

    class Meta:
        model = HamletTerm
        fields = list(HamletTerm.FIELDS)
        labels = RECORD_LABELS
        help_texts = RECORD_HELP

    def __init__(self, *args: Any, hamlet: Hamlet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.hamlet = hamlet
        self.fields["name"].initial = hamlet.name
        self.order_fields(["name"])

    def clean_name(self) -> str:
        name = text.clean(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Nhập tên thôn, xóm."))
        name_taken(self, "name", namesake(name, self.hamlet.commune_id, self.hamlet.new_commune_id, self.hamlet.pk))
        return name

    def write(self, record: HamletTerm, version: int) -> None:
        """Write the record through ``save_record`` if it is still the version the form showed."""
        hamlet, term = self.hamlet, record.term
        stored = HamletTerm.objects.filter(hamlet=hamlet, term=term)
        current = stored.values_list("pk", flat=True).first()
        # an UPDATE that changes nothing locks the row and tells whether the version still matches
        if (version == 0 and current is not None) or (version and not stored.filter(version=version).update(
                version=F("version"))):
            record.pk = current
            raise VersionConflict
        saved = save_record(hamlet, term, **{f: getattr(record, f) for f in HamletTerm.FIELDS})
        if version == 0 and saved.version != 1:  # created meanwhile by someone else, with other values
            record.pk = saved.pk
            raise VersionConflict
        record.pk, record.version = saved.pk, saved.version

    def rename(self, record: HamletTerm) -> None:
        if self.hamlet.name != self.cleaned_data["name"]:
            self.hamlet.name = self.cleaned_data["name"]
            self.hamlet.save(update_fields=["name", "updated_at"])


class NewHamletForm(BoundedForm, VersionedForm):
    """A hamlet entered by hand: in an earlier commune of the user's district (placed
    automatically where the conversion table allows), in the 2025 commune of a commune
    board, or either for provincial staff; with its record for one term."""

    field_rules = HAMLET_RULES

    term = forms.ModelChoiceField(queryset=Term.objects.all(), label=gettext_lazy("Nhiệm kỳ"), empty_label=None)

    class Meta:
        model = Hamlet
        fields = ["commune", "new_commune", "name"]

    def __init__(self, *args: Any, communes: QuerySet[Commune], **kwargs: Any):
        super().__init__(*args, **kwargs)
        earlier = communes.earlier().select_related("district").order_by("district__name_sort", "name_sort")
        new = communes.new().order_by("name_sort")
        self.fields.update(record_fields())
        self.fields["commune"].queryset = earlier
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.district.name})" if c.district_id \
            else c.name
        self.fields["new_commune"].queryset = new
        self.fields["term"].initial = Term.objects.values_list("pk", flat=True).first()
        kinds = [name for name, queryset in (("commune", earlier), ("new_commune", new)) if queryset.exists()]
        for name in {"commune", "new_commune"} - set(kinds):
            del self.fields[name]
        if kinds == ["new_commune"]:  # a commune board: its own commune
            self.fields["new_commune"].required = True
            self.fields["new_commune"].empty_label = None
        elif kinds == ["commune"]:
            self.fields["commune"].required = True
        self.order_fields(["commune", "new_commune", "name", "term"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        commune, new_commune, name = data.get("commune"), data.get("new_commune"), data.get("name")
        if "commune" in self.fields and "new_commune" in self.fields and not (commune or new_commune) \
                and not self.has_error("commune") and not self.has_error("new_commune"):
            self.add_error("commune", _("Chọn xã (trước 01/07/2025) hoặc xã, phường (từ 01/07/2025)."))
        if commune and new_commune and not self._may_lie_in(commune, new_commune):
            self.add_error("new_commune", _("%(new)s không phải là xã, phường mà %(old)s được sáp nhập vào.")
                           % {"new": new_commune.name, "old": commune.name})
        if name:
            name_taken(self, "name", namesake(text.clean(name), commune and commune.pk,
                                              new_commune and new_commune.pk))
        return data

    @staticmethod
    def _may_lie_in(commune: Commune, new_commune: Commune) -> bool:
        successors = Commune.objects.filter(predecessors=commune)
        if successors.exists():
            return successors.filter(pk=new_commune.pk).exists()
        return new_commune.province_id == Commune.current_province_id(commune.pk)

    def record(self) -> Callable[[Hamlet], None]:
        def apply(hamlet: Hamlet) -> None:
            save_record(hamlet, self.cleaned_data["term"], **{f: self.cleaned_data[f] for f in HamletTerm.FIELDS})

        return apply
