from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Hamlet


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
