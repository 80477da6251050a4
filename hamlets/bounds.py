"""The bounds of every value a person may type (``workbooks.md`` rule 10), in one place.

The import's rules (``elections.importing.rules``), the web forms (which use
those rules) and the models' validators (the Django admin) all read them from
here, so a name, a number or a date is refused the same way on every path and
on every database (SQLite stores a 10,000-character name or 2**63 where
PostgreSQL fails with an error; neither may get that far).

Validators here are plain functions and ``Min/MaxValueValidator``s, so that
migrations can name them.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NAME_LENGTH = 120  # names of hamlets and people
ETHNICITY_LENGTH = 60
POSITION_LENGTH = 120  # an official's position, a mentor's name: as names
PHONE_LENGTH = 20
PHONE_PATTERN = re.compile(r"^[0-9 +().\-]*$")
MAX_PARTY_MEMBERS = 9_999
MAX_ADMISSION_TARGET = 99_999
MAX_PERCENT = 100
EARLIEST = dt.date(1930, 1, 1)  # the Party's founding year: no date of this domain lies before it
FIRST_BIRTH_YEAR = 1900
FIRST_YEAR = EARLIEST.year  # a target's or a term's year
YEARS_AHEAD = 10  # a plan may name a year up to ten years ahead


def today() -> dt.date:
    """Today in Vietnam, whatever the server's or the request's time zone.

    Worked out again only once the clock passes the next midnight in Vietnam: an import asks for it for
    every date cell (13,000 times for 5,000 rows, ~10 µs each)."""
    global _today
    until, day = _today
    if time.time() < until:
        return day
    day = timezone.localdate(timezone=VIETNAM)
    _today = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=VIETNAM).timestamp(), day
    return day


_today: tuple[float, dt.date] = (0.0, EARLIEST)  # (the next midnight in Vietnam as a timestamp, today)


def last_year() -> int:
    """The last year a plan (a target, a term) may name: this year + 10."""
    return today().year + YEARS_AHEAD


def validate_day(value: dt.date | None) -> None:
    """A date from 1930-01-01 to today (Asia/Ho_Chi_Minh)."""
    if value is None:
        return
    latest = today()
    if not EARLIEST <= value <= latest:
        raise ValidationError(_("Ngày phải từ %(first)s đến hôm nay (%(today)s).") % {
            "first": EARLIEST.strftime("%d/%m/%Y"), "today": latest.strftime("%d/%m/%Y")}, code="day_out_of_range")


def validate_birth_year(value: int | None) -> None:
    """A birth year from 1900 to this year."""
    if value is not None and not FIRST_BIRTH_YEAR <= value <= today().year:
        raise ValidationError(_("Năm sinh phải từ %(first)s đến %(last)s.") % {
            "first": FIRST_BIRTH_YEAR, "last": today().year}, code="year_out_of_range")


def validate_year(value: int | None) -> None:
    """A plan's year (an admission target's, a term's): from 1930 to this year + 10."""
    if value is not None and not FIRST_YEAR <= value <= last_year():
        raise ValidationError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": last_year()},
                              code="year_out_of_range")


def validate_past_year(value: int | None) -> None:
    """A year already begun (an evaluation's): from 1930 to this year."""
    if value is not None and not FIRST_YEAR <= value <= today().year:
        raise ValidationError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": today().year},
                              code="year_out_of_range")


def validate_phone(value: str) -> None:
    """At most 20 characters of digits, spaces and ``+().-``."""
    if value and (len(value) > PHONE_LENGTH or not PHONE_PATTERN.match(value)):
        raise ValidationError(_("Số điện thoại chỉ gồm chữ số, dấu cách và + ( ) . -, tối đa %(n)s ký tự.")
                              % {"n": PHONE_LENGTH}, code="phone")


PARTY_MEMBERS = [MinValueValidator(0), MaxValueValidator(MAX_PARTY_MEMBERS)]
ADMISSION_TARGET = [MinValueValidator(0), MaxValueValidator(MAX_ADMISSION_TARGET)]
PERCENT = [MinValueValidator(0), MaxValueValidator(MAX_PERCENT)]
