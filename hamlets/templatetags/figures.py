"""Template filters for figures: a percentage is never shown without its counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """``94,39 %`` in Vietnamese, ``94.39%`` in English; ``—`` for none."""
    if value is None:
        return "—"
    vietnamese = (get_language() or "vi").startswith("vi")
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2 and abs(value) < 1000:
        shown = str(value).replace(".", get_format("DECIMAL_SEPARATOR"))  # what number_format writes, faster
    else:
        shown = number_format(value, decimal_pos=2)
    return f"{shown}\u00a0%" if vietnamese else f"{shown}%"


@register.filter
def ratio(value: Any) -> str:
    """``202/214 · 94,39 %``: counts first, then the rounded percentage."""
    if value is None:
        return "—"
    return format_html('<span class="ratio">{}/{}<small>{}</small></span>', value.numerator, value.denominator,
                       percent(value.percent))


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number_format(abs(value), decimal_pos=2)}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or the attribute ``key``; None when neither exists."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return getattr(mapping, str(key), None)
