"""The rules a row of the import template must follow, as plain functions.

They take values as a spreadsheet or a web form gives them (text, numbers,
dates, booleans, ``None``) so that the import and the later web forms check
the same things with the same words. A ``parse_*`` function returns the
value or raises ``CellError`` with the message for the clerk;
``check_congress_and_roles`` checks the rules between columns and returns
``FieldProblem``s naming the fields involved (a problem between two
columns belongs to the later one, ``FieldProblem.field``).

The bounds of rule 10 (``hamlets.bounds``) are applied here for the import and the web forms
alike: ``parse_name``, ``parse_party_members``, ``parse_admission_target``, ``parse_year``,
``parse_plan_year``, ``parse_percent`` and ``parse_date``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from openpyxl.utils.datetime import from_excel

from elections.models import Metric, PartyRole, Term
from elections.people_models import Rating
from hamlets import bounds, text
from hamlets.bounds import EARLIEST, VIETNAM, today
from hamlets.models import Gender, HamletKind

from . import messages as msg
from . import people_messages as people
from .messages import Label, both

__all__ = ["EARLIEST", "VIETNAM", "today"]  # re-exported: the bounds' home is ``hamlets.bounds``
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_YES = frozenset({"yes", "y", "x", "co", "true", "1"})
_NO = frozenset({"no", "n", "khong", "false", "0"})


class CellError(ValueError):
    """A value that breaks a rule; ``message`` is what the clerk reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: object) -> str:
    """A name or free text: NFC, spaces folded; a typed number becomes its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return msg.shown(value)
    return text.clean(value)


def parse_name(value: object, label: Label, *, limit: int = bounds.NAME_LENGTH) -> str:
    """A name (of a hamlet or a person) or other free text, at most ``limit`` characters once cleaned
    (rule 10); blank gives ``""``."""
    cleaned = parse_text(value)
    if len(cleaned) > limit:
        raise CellError(msg.too_long(label, limit, len(cleaned)))
    return cleaned


def parse_ethnicity(value: object, label: Label) -> str:
    return parse_name(value, label, limit=bounds.ETHNICITY_LENGTH)


def parse_yes_no(value: object, label: Label) -> bool:
    """yes/no, y/n, x, có/không, true/false, 1/0 in any case; blank is no."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    key = text.search_key(value) if isinstance(value, str) else None
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(msg.not_yes_no(label, value))


def parse_date(value: object, label: Label, *, latest: dt.date | None = None) -> dt.date | None:
    """A typed date, or text ``YYYY-MM-DD`` / ``DD/MM/YYYY``; None when blank.

    A plain number is read as an Excel serial date (a date cell that lost its
    format). A date after ``latest`` (default: today in Vietnam) or before
    1930-01-01 is refused (rule 10), with the same words whether it was typed
    as text, as a date or as a number.
    """
    if is_blank(value):
        return None
    day = _to_date(value)
    if day is None:
        raise CellError(msg.not_date(label, value))
    latest = latest or today()
    if day > latest:
        raise CellError(msg.after_today(label, day, latest))
    if day < EARLIEST:
        raise CellError(msg.before_earliest(label, day, EARLIEST))
    return day


def _to_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            day = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            return None
        day = day.date() if isinstance(day, dt.datetime) else day
        return day if isinstance(day, dt.date) else None
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if match := _ISO.match(raw):
        year, month, day_ = (int(g) for g in match.groups())
    elif match := _DMY.match(raw):
        day_, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day_)
    except ValueError:
        return None


def parse_term(value: object, label: Label) -> tuple[int, int] | None:
    """(start year, end year) of ``2022-2025`` (en dash, spaces accepted); None when blank."""
    if is_blank(value):
        return None
    years = Term.parse_years(value) if isinstance(value, str) else None
    if years is None:
        raise CellError(msg.not_term(label, value))
    return years


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMBER.match(raw := value.strip()):
        return Decimal(raw.replace(",", "."))
    return None


def parse_whole_number(value: object, label: Label, *, minimum: int = 0, maximum: int | None = None) -> int | None:
    """A whole number ≥ ``minimum`` (12.0 is 12; 12.5, -1 and "ba" are refused), at most ``maximum``
    where given (rule 10); None when blank."""
    if is_blank(value):
        return None
    number = _number(value)
    if number is None or number != number.to_integral_value() or number < minimum:
        raise CellError(msg.not_whole(label, minimum, value))
    if maximum is not None and number > maximum:
        raise CellError(msg.not_at_most(label, minimum, maximum, value))
    return int(number)


def parse_party_members(value: object, label: Label) -> int | None:
    """Party members: a whole number from 0 to 9,999 (rule 10); None when blank."""
    return parse_whole_number(value, label, maximum=bounds.MAX_PARTY_MEMBERS)


def parse_admission_target(value: object, label: Label) -> int | None:
    """An admission target: a whole number from 0 to 99,999 (rule 10); None when blank."""
    return parse_whole_number(value, label, maximum=bounds.MAX_ADMISSION_TARGET)


def parse_plan_year(value: object, label: Label) -> int | None:
    """The year of a plan (a target): from 1930 to this year + 10 (rule 10); None when blank."""
    return parse_year(value, label, first=bounds.FIRST_YEAR, last=bounds.last_year())


def parse_year(value: object, label: Label, *, first: int = bounds.FIRST_BIRTH_YEAR,
               last: int | None = None) -> int | None:
    """A calendar year from ``first`` to ``last`` (default: this year), e.g. a birth year; None when blank."""
    if is_blank(value):
        return None
    last = today().year if last is None else last
    number = _number(value)
    if number is None or number != number.to_integral_value() or not first <= number <= last:
        raise CellError(msg.not_year(label, first, last, value))
    return int(number)


def parse_percent(value: object, label: Label) -> Decimal | None:
    """A percentage from 0 to 100 (``90``, ``"90%"``, ``"90,5"``), rounded to two decimals."""
    if is_blank(value):
        return None
    raw = value.strip().removesuffix("%").strip() if isinstance(value, str) else value
    number = _number(raw)
    if number is None or not 0 <= number <= bounds.MAX_PERCENT:
        raise CellError(msg.not_percent(label, value))
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_ROLES = {"secretary": PartyRole.SECRETARY, "bi thu": PartyRole.SECRETARY,
          "deputy secretary": PartyRole.DEPUTY, "deputy": PartyRole.DEPUTY, "pho bi thu": PartyRole.DEPUTY}


def parse_party_role(value: object, label: Label) -> str:
    """``Secretary`` / ``Deputy secretary`` (``Bí thư`` / ``Phó bí thư``) or blank."""
    if is_blank(value):
        return ""
    role = _ROLES.get(text.search_key(value)) if isinstance(value, str) else None
    if role is None:
        raise CellError(msg.not_role(label, value))
    return role.value


def parse_kind(value: object) -> str | None:
    """The hamlet kind's value, ``""`` when blank, None when not recognised."""
    if is_blank(value):
        return ""
    kind = HamletKind.parse(value)
    return kind.value if kind else None


_GENDERS = {"nam": Gender.MALE, "male": Gender.MALE, "m": Gender.MALE,
            "nu": Gender.FEMALE, "female": Gender.FEMALE, "f": Gender.FEMALE}


def parse_gender(value: object) -> str | None:
    """Nam/Nữ/male/female: the Gender value, ``""`` when blank, None when not recognised."""
    if is_blank(value):
        return ""
    gender = _GENDERS.get(text.search_key(value))
    return gender.value if gender else None


def parse_profile_gender(value: object, label: Label) -> str:
    """A chief's or secretary's gender (Hamlets, rule 3): ``Nam``/``Nữ``/``male``/``female`` in any case, with
    or without diacritics; ``""`` when blank."""
    gender = parse_gender(value)
    if gender is None:
        raise CellError(people.not_gender(label, value))
    return gender


def parse_past_year(value: object, label: Label) -> int | None:
    """A year already begun (an evaluation's): from 1930 to this year; None when blank."""
    return parse_year(value, label, first=bounds.FIRST_YEAR)


def parse_phone(value: object, label: Label) -> str:
    """At most 20 characters of digits, spaces and ``+().-`` (a number typed as such gives its digits)."""
    cleaned = parse_text(value)
    if len(cleaned) > bounds.PHONE_LENGTH or not bounds.PHONE_PATTERN.match(cleaned):
        raise CellError(people.not_phone(label, bounds.PHONE_LENGTH, value))
    return cleaned


def rating_spellings() -> dict[str, str]:
    """Folded spelling (as names are: ``text.match_key``) -> Rating value: the English values and the
    Vietnamese labels (``hoàn thành tốt``)."""
    spellings = {}
    with translation.override(None):
        for rating in Rating:
            spellings[text.match_key(rating.value)] = rating.value
            spellings[text.match_key(str(rating.label))] = rating.value
    return spellings


def parse_rating(value: object, label: Label) -> str | None:
    """``excellent``, ``good``, ``completed``, ``not completed`` or their Vietnamese spellings; None when blank."""
    if is_blank(value):
        return None
    rating = rating_spellings().get(text.match_key(value))
    if rating is None:
        with translation.override(None):
            vi = ", ".join(str(r.label) for r in Rating)
        raise CellError(people.not_rating(label, Label(vi, ", ".join(Rating.values)), value))
    return rating


def metric_spellings() -> dict[str, str]:
    """search key -> Metric value, for the English values and the Vietnamese labels."""
    spellings = {}
    with translation.override(None):
        for metric in Metric:
            spellings[text.search_key(metric.value)] = metric.value
            spellings[text.search_key(str(metric.label))] = metric.value
    return spellings


def parse_metric(value: object, label: Label) -> str | None:
    if is_blank(value):
        return None
    metric = metric_spellings().get(text.search_key(value))
    if metric is None:
        raise CellError(msg.not_metric(label, [m.value for m in Metric], value))
    return metric


@dataclass(frozen=True)
class FieldProblem:
    """A problem between fields: ``fields`` in template order, the last one is where it shows."""

    fields: tuple[str, ...]
    message: str

    @property
    def field(self) -> str:
        return self.fields[-1]


LABELS = {
    "party_cell": Label("Chi bộ", "Party cell"),
    "congress_held_on": Label("Ngày đại hội", "Congress held on"),
    "secretary": Label("Bí thư", "Secretary"),
    "deputy_secretary": Label("Phó bí thư", "Deputy secretary"),
    "chief_elected_on": Label("Ngày bầu trưởng thôn", "Chief elected on"),
    "chief": Label("Trưởng thôn", "Chief"),
    "chief_member_since": Label("Ngày vào Đảng của trưởng thôn", "Chief member since"),
}
_ROLE_FIELD = {PartyRole.SECRETARY.value: "secretary", PartyRole.DEPUTY.value: "deputy_secretary"}
_ROLE_LABEL = {PartyRole.SECRETARY.value: Label("Bí thư", "Secretary"),
               PartyRole.DEPUTY.value: Label("Phó bí thư", "Deputy secretary")}


def check_congress_and_roles(*, party_cell: bool, congress_held_on: dt.date | None, secretary: str,
                             deputy_secretary: str, chief_elected_on: dt.date | None, chief: str,
                             chief_member_since: dt.date | None, chief_party_role: str,
                             skip: Collection[str] = ()) -> list[FieldProblem]:
    """Rules 1 (Chief), 6, 7 and 8 of a Hamlets row.

    ``skip``: fields given but unreadable (their own problem is reported
    elsewhere): they count as given, and a rule needing their value is not
    checked."""
    problems: list[FieldProblem] = []

    def usable(*names: str) -> bool:
        return not any(name in skip for name in names)

    if (chief_elected_on or "chief_elected_on" in skip) and not text.clean(chief) and usable("chief"):
        problems.append(FieldProblem(("chief_elected_on", "chief"), both(
            "Đã có ngày bầu nhưng chưa ghi tên trưởng thôn", "Chief is required when Chief elected on is given")))
    if (congress_held_on or "congress_held_on" in skip) and not party_cell and usable("party_cell"):
        problems.append(FieldProblem(("party_cell", "congress_held_on"), both(
            "Có ngày đại hội nhưng thôn không có chi bộ (Chi bộ = không)",
            "Congress held on is given but Party cell is no")))
    if (secretary and deputy_secretary and text.match_key(secretary) == text.match_key(deputy_secretary)
            and usable("secretary", "deputy_secretary")):
        problems.append(FieldProblem(("secretary", "deputy_secretary"), both(
            f'Bí thư và phó bí thư là cùng một người ("{text.clean(deputy_secretary)}")',
            "Secretary and Deputy secretary name the same person")))
    if chief_party_role and usable("chief_party_role"):
        problems.extend(_role_problems(chief_party_role, congress_held_on, chief, chief_member_since,
                                       secretary if chief_party_role == PartyRole.SECRETARY else deputy_secretary,
                                       skip))
    return problems


def _role_problems(role: str, congress_held_on: dt.date | None, chief: str, chief_member_since: dt.date | None,
                   holder: str, skip: Collection[str]) -> list[FieldProblem]:
    """Rule 8: the chief holds ``role`` in the cell (the holder's column names them)."""
    title = _ROLE_LABEL[role]
    holder_field = _ROLE_FIELD[role]
    lead_vi, lead_en = f"Trưởng thôn kiêm {title.vi.lower()}", f"Chief Party role is {title.en}"
    problems = []
    if congress_held_on is None and "congress_held_on" not in skip:
        problems.append(FieldProblem(("congress_held_on", "chief_party_role"), both(
            f"{lead_vi} nhưng chưa có ngày đại hội", f"{lead_en} but Congress held on is blank")))
    if text.match_key(chief) != text.match_key(holder) and not {"chief", holder_field} & set(skip):
        problems.append(FieldProblem((holder_field, "chief", "chief_party_role"), both(
            f'{lead_vi} nhưng tên trưởng thôn "{text.clean(chief)}" khác tên ở cột {title.vi} "{text.clean(holder)}"',
            f'{lead_en} but the chief "{text.clean(chief)}" is not the {title.en} "{text.clean(holder)}"')))
    if "chief_member_since" in skip:
        return problems
    if chief_member_since is None:
        problems.append(FieldProblem(("chief_member_since", "chief_party_role"), both(
            f"{lead_vi} nhưng chưa ghi ngày vào Đảng của trưởng thôn", f"{lead_en} but Chief member since is blank")))
    elif congress_held_on and chief_member_since > congress_held_on:
        problems.append(FieldProblem(("congress_held_on", "chief_member_since", "chief_party_role"), both(
            f"{lead_vi} nhưng ngày vào Đảng ({msg.day(chief_member_since)}) sau ngày đại hội "
            f"({msg.day(congress_held_on)})",
            f"{lead_en} but Chief member since ({msg.day(chief_member_since)}) is later than Congress held on "
            f"({msg.day(congress_held_on)})")))
    return problems


# --- the people of a row (``domain.md`` item 8) -------------------------------------------------

CHIEF_PROFILE = ("chief_birth_year", "chief_gender", "chief_ethnicity")
SECRETARY_PROFILE = ("secretary_birth_year", "secretary_gender", "secretary_ethnicity")
PROFILE_LABELS = {
    "chief_birth_year": Label("Năm sinh trưởng thôn", "Chief birth year"),
    "chief_gender": Label("Giới tính trưởng thôn", "Chief gender"),
    "chief_ethnicity": Label("Dân tộc trưởng thôn", "Chief ethnicity"),
    "secretary_birth_year": Label("Năm sinh bí thư", "Secretary birth year"),
    "secretary_gender": Label("Giới tính bí thư", "Secretary gender"),
    "secretary_ethnicity": Label("Dân tộc bí thư", "Secretary ethnicity"),
}
_GENDER_WORDS = {"male": Label("Nam", "male"), "female": Label("Nữ", "female")}


def _blank(value: Any) -> bool:
    return value is None or value == ""


def same_profile(first: Any, second: Any) -> bool:
    """Two profile values of one person: ethnicities folded as names are."""
    if isinstance(first, str) and isinstance(second, str):
        return text.match_key(first) == text.match_key(second)
    return first == second


def profile_words(name: str, value: Any) -> Label:
    """A profile value as a message shows it (a gender by its word)."""
    if name.endswith("gender") and value in _GENDER_WORDS:
        return _GENDER_WORDS[value]
    return msg.words(value)


def profile_differs(secretary: str, chief: str, secretary_value: Any, chief_value: Any,
                    labels: Mapping[str, Label] = PROFILE_LABELS) -> str:
    return people.profile_differs(labels[secretary], labels[chief], profile_words(secretary, secretary_value),
                                  profile_words(chief, chief_value))


def check_profiles(*, chief: str, secretary: str, chief_party_role: str, profile: Mapping[str, Any],
                   skip: Collection[str] = (), labels: Mapping[str, Label] | None = None) -> list[FieldProblem]:
    """Rule 8 on the people's profiles: ``profile`` holds the parsed profile fields a row or form has (blank:
    None or ``""``). A chief's (secretary's) profile given while the chief (secretary) is blank; where the
    chief is the secretary, a given secretary value that differs from the chief's (when both are given or the
    chief's is blank: compared where both fields are present). ``skip``: fields given but unreadable."""
    labels = {**PROFILE_LABELS, **LABELS, **(labels or {})}
    problems = []
    for person, fields in (("chief", CHIEF_PROFILE), ("secretary", SECRETARY_PROFILE)):
        if text.clean({"chief": chief, "secretary": secretary}[person]) or person in skip:
            continue
        for name in fields:
            if name in profile and not _blank(profile[name]):
                problems.append(FieldProblem((person, name), people.profile_without_person(labels[name],
                                                                                           labels[person])))
    if chief_party_role == PartyRole.SECRETARY.value:
        for chief_field, secretary_field in zip(CHIEF_PROFILE, SECRETARY_PROFILE, strict=True):
            if chief_field not in profile or secretary_field not in profile or {chief_field, secretary_field} & set(
                    skip):
                continue
            if not _blank(profile[secretary_field]) and not same_profile(profile[chief_field],
                                                                         profile[secretary_field]):
                problems.append(FieldProblem((chief_field, secretary_field, "chief_party_role"), profile_differs(
                    secretary_field, chief_field, profile[secretary_field], profile[chief_field], labels)))
    return problems
