from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import text
from .models import Commune, Hamlet


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was opened with (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0


class HamletForm(VersionedForm):
    has_cell = forms.BooleanField(label=_("Thôn có chi bộ riêng"), required=False)

    class Meta:
        model = Hamlet
        fields = ["name", "kind", "special_area", "project01", "party_members"]
        help_texts = {"party_members": _("Số đảng viên đang sinh hoạt tại thôn hiện nay.")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cell = getattr(self.instance, "party_cell", None) if self.instance.pk else None
        self.fields["has_cell"].initial = bool(cell and cell.active)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        commune = data.get("commune") or getattr(self.instance, "commune", None)
        name = data.get("name")
        if commune is not None and name:
            same = Hamlet.objects.filter(commune=commune, name_key=text.match_key(name)).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", _("Xã này đã có thôn tên “%(name)s”.") % {"name": same.first().name})
        return data


class NewHamletForm(HamletForm):
    """A hamlet entered by hand, in one of the user's communes."""

    class Meta(HamletForm.Meta):
        fields = ["commune", *HamletForm.Meta.fields]

    def __init__(self, *args: Any, communes: QuerySet[Commune], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes.select_related("district").order_by("district__code", "code")
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.district.name})"
