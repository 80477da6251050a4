"""The forms of the targets page (``targets.py``): one small form per unit (a row of the grid),
prefixed by the unit, so a province's 130 communes are one table and one save.

Every cell carries the value it showed (``show_hidden_initial``): only the cells the user changed
are written, and a cell somebody else changed meanwhile is refused and shown (optimistic locking
without a version column). A blank cell means "no target of its own": a commune or district then
follows the province's target (``TargetTable``), and clearing a cell deletes the target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from hamlets import text

FIRST_YEAR = 1930
MAX_ADMISSIONS = 99_999
CENT = Decimal("0.01")
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


@dataclass(frozen=True)
class Unit:
    """A row of the grid: the province (``p``), a district (``d<id>``) or a 2025 commune (``c<id>``)."""

    key: str
    name: str
    district_id: int | None = None
    commune_id: int | None = None

    @property
    def is_province(self) -> bool:
        return self.district_id is None and self.commune_id is None

    @property
    def ids(self) -> tuple[int | None, int | None]:
        return self.district_id, self.commune_id


def shown_decimal(value: Decimal) -> str:
    """``97,5`` in Vietnamese (``97.5`` in English), ``95`` for 95.00: what a cell shows."""
    plain = format(value.quantize(CENT), "f").rstrip("0").rstrip(".")
    return plain.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


class PercentField(forms.Field):
    """A target in percent: 0 to 100, at most two decimals; ``97,5``, ``97.5`` and ``97,5 %`` all read."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6})
    default_error_messages = {
        "invalid": _("“%(value)s” không phải là một số: nhập tỷ lệ phần trăm, ví dụ 95 hoặc 97,5."),
        "range": _("Mục tiêu phải từ 0 đến 100 (%%), đã nhập %(value)s."),
        "decimals": _("Mục tiêu có tối đa 2 chữ số thập phân (ví dụ 97,25), đã nhập %(value)s."),
    }

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, show_hidden_initial=True, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        raw = _NUMBER_SPACES.sub("", text.clean(value)).removesuffix("%").replace(",", ".")
        if raw == "":
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text.clean(value)})
        if not 0 <= number <= 100:
            raise ValidationError(self.error_messages["range"], code="range", params={"value": text.clean(value)})
        if number != number.quantize(CENT):
            raise ValidationError(self.error_messages["decimals"], code="decimals",
                                  params={"value": text.clean(value)})
        return number.quantize(CENT)

    def prepare_value(self, value: Any) -> Any:
        return shown_decimal(value) if isinstance(value, Decimal) else value


class CountField(forms.Field):
    """An admission target: a whole number from 0 to 99,999 (``1.000`` and ``1 000`` read as a thousand)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6})
    default_error_messages = {
        "invalid": _("Chỉ tiêu kết nạp phải là số nguyên từ 0 đến 99.999, đã nhập “%(value)s”."),
    }

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, show_hidden_initial=True, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        raw = _NUMBER_SPACES.sub("", text.clean(value))
        if raw == "":
            return None
        if _THOUSANDS.match(raw):
            raw = raw.replace(".", "").replace(",", "")
        if not raw.isdecimal() or int(raw) > MAX_ADMISSIONS:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text.clean(value)})
        return int(raw)


@dataclass(frozen=True)
class Cell:
    """What the template writes for one cell: its input, the value it showed, its label and problems."""

    input_name: str
    initial_name: str
    id: str
    value: str
    initial: str
    label: str
    placeholder: str
    inputmode: str
    errors: list[str]


class RowForm(forms.Form):
    """One unit's cells; ``labels`` name each cell for screen readers and error messages, ``placeholders``
    show what a blank cell falls back to."""

    def __init__(self, *args: Any, unit: Unit, labels: dict[str, str], placeholders: dict[str, str] | None = None,
                 **kwargs: Any):
        super().__init__(*args, prefix=unit.key, **kwargs)
        self.unit, self.labels, self.placeholders = unit, labels, placeholders or {}

    def cells(self) -> list[Cell]:
        """The cells, written by the template directly: a widget template per cell made 130 communes slow."""
        made = []
        errors = self.errors if self.is_bound else {}
        for name, field in self.fields.items():
            bound = self[name]
            value = bound.value()
            if self.is_bound and bound.html_initial_name in self.data:
                initial = self.data[bound.html_initial_name]
            else:
                initial = field.prepare_value(self.initial.get(name))
            made.append(Cell(bound.html_name, bound.html_initial_name, bound.auto_id,
                             "" if value is None else str(value), "" if initial is None else str(initial),
                             f"{self.labels[name]} – {self.unit.name}", self.placeholders.get(name, ""),
                             field.widget.attrs.get("inputmode", "text"), list(errors.get(name, []))))
        return made

    def conflicts(self) -> list[str]:
        """The changed cells whose stored value (``initial``, read as the form is posted) is no longer the
        one the form showed."""
        moved = []
        for name in self.changed_data:
            field = self.fields[name]
            try:
                seen = field.to_python(self.data.get(self.add_initial_prefix(name)))
            except ValidationError:
                seen = object()  # a tampered hidden value: treat as moved on
            if seen != self.initial.get(name):
                moved.append(name)
        return moved

    def mark_conflict(self, name: str) -> None:
        """Show the stored value and carry it as the cell's shown value: saving again overwrites on purpose."""
        field, stored = self.fields[name], self.initial.get(name)
        value = field.prepare_value(stored) if stored is not None else ""
        self.add_error(name, _("Người khác vừa lưu ô này: %(value)s. Chưa lưu thay đổi của bạn; hãy xem lại rồi "
                               "lưu lần nữa.") % {"value": value if value != "" else _("(trống)")})
        self.data = self.data.copy()
        self.data[self.add_initial_prefix(name)] = "" if stored is None else str(stored)


class TargetRowForm(RowForm):
    """A unit's target for one metric: for all its hamlets and for its special-area hamlets."""

    all = PercentField()
    special = PercentField()


class AdmissionRowForm(RowForm):
    target = CountField()


class YearForm(forms.Form):
    """The year of the admission targets shown (``?year=``): 1930 to this year + 10."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=last_year(),
                                                 error_messages={
            "invalid": _("Năm phải là số có 4 chữ số, ví dụ 2026."),
            "min_value": _("Năm phải từ %(limit_value)s trở đi."),
            "max_value": _("Năm không được quá %(limit_value)s (năm nay + 10)."),
            "required": _("Chọn năm."),
        })


class TargetYearForm(forms.Form):
    """The year of the targets shown on ``/targets/`` (``?year=``): blank for the term's targets, else a
    calendar year of the term (an annual plan, ``domain.md`` item 12)."""

    year = forms.CharField(label=_("Năm (để trống: cả nhiệm kỳ)"), required=False)

    def __init__(self, *args: Any, term: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.term = term

    def clean_year(self) -> int | None:
        raw = text.clean(self.cleaned_data.get("year") or "")
        if raw == "":
            return None
        term = self.term
        year = text.whole_number(raw)  # ASCII digits only ("²" is a digit to str.isdigit, not to int())
        if year is None or not term.start_year <= year <= term.end_year:
            raise ValidationError(
                _("Năm phải là một năm của nhiệm kỳ %(term)s (từ %(first)s đến %(last)s), đã nhập “%(value)s”; "
                  "để trống để đặt mục tiêu cả nhiệm kỳ."),
                code="year", params={"term": term.name, "first": term.start_year, "last": term.end_year,
                                     "value": raw[:20]})
        return year


def last_year() -> int:
    return timezone.localdate().year + 10
