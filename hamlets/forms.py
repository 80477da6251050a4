from __future__ import annotations

from typing import Any

from django import forms


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was opened with (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0
