"""The list filters' defaults: a filter left alone reads "Tất cả" (All).

django-filter offers "Chưa xác định" ("Unknown", Django's ``NullBooleanSelect``) as the
first choice of a yes/no filter and "---------" for a drop-down; here both read
"Tất cả", which is what choosing them means. A filter that sets its own widget or
``empty_label`` (other than django-filter's default) keeps it.
"""

from __future__ import annotations

from html import escape
from typing import Any

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

ALL = _("Tất cả")
DEFAULT = filter_settings.EMPTY_CHOICE_LABEL  # "---------"


class YesNoAll(forms.NullBooleanSelect):
    """Tất cả / Có / Không, for a yes/no filter (the values of ``NullBooleanSelect``)."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.choices = [("unknown", ALL), ("true", _("Có")), ("false", _("Không"))]


class PlainSelect(forms.Select):
    """A drop-down of plain choices (no groups) written in Python: Django renders a template per option,
    and a country's 700 districts took 100 ms of a list page."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        options = "".join(f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
                          f"{escape(str(label))}</option>" for key, label in self.choices)
        select = flatatt({"name": name, **self.build_attrs(self.attrs, attrs)})
        return mark_safe(f"<select{select}>{options}</select>")  # noqa: S308 -- keys and labels escaped


class FilterSet(django_filters.FilterSet):
    """A filter set whose yes/no filters and drop-downs start on "Tất cả"."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for declared in self.filters.values():
            if isinstance(declared, django_filters.BooleanFilter):
                declared.extra.setdefault("widget", YesNoAll)
            elif isinstance(declared, django_filters.ChoiceFilter):  # ModelChoiceFilter too
                if declared.extra.get("empty_label", DEFAULT) == DEFAULT:  # not given (ModelChoiceFilter sets it)
                    declared.extra["empty_label"] = ALL
