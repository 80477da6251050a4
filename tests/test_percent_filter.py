"""The percent filter's fast path writes exactly what Django's number_format writes."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format

from hamlets.templatetags.figures import percent

VALUES = [Decimal(n).scaleb(-2) for n in range(-10_000, 10_001, 37)] + [
    Decimal("0.00"), Decimal("-0.50"), Decimal("100.00"), Decimal("999.99"), Decimal("1234.56"), Decimal("5"),
    Decimal("0.001"), Decimal("33.3333")]


@pytest.mark.parametrize("language, suffix", [("vi", "\u00a0%"), ("en", "%")])
def test_percent_matches_number_format_in_both_languages(language, suffix):
    with translation.override(language):
        for value in VALUES:
            assert percent(value) == number_format(value, decimal_pos=2) + suffix, value
        assert percent(None) == "—"
    with translation.override("vi"):
        assert percent(Decimal("94.39")) == "94,39\u00a0%"
