"""The people of a row (``domain.md`` items 8 and 10): the chief's and the secretary's profile
(birth year, gender, ethnicity) and the chief's yearly rating, read and checked the same way by
the entry grid and the result forms, with the import's words (``workbooks.md`` rules 3, 8, 10).

* readers: ``parse_gender`` (``Nam``/``Nữ``/``male``/``female`` in any case, with or without
  diacritics; it wraps the import's ``rules.parse_gender`` and refuses what that cannot read) and
  ``parse_rating`` (the workbook's spellings, the Vietnamese labels and those of the interface's
  language, folded); birth years and ethnicities use the import's ``rules.parse_year`` and
  ``rules.parse_ethnicity``;
* ``check_profiles``: rule 8's profile part: a profile given while the person's name is blank;
  where the chief's Party role is Secretary, a secretary's profile value that differs from the
  chief's (the same person);
* ``take_chief_profile``: where the chief is the secretary, the secretary's blank profile values
  take the chief's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from django.utils import translation

from hamlets import text
from hamlets.models import Gender

from .importing import messages as msg
from .importing import rules
from .importing.messages import Label, both
from .models import ChiefElection, Congress, PartyRole
from .people_models import Rating

CHIEF_PROFILE = ChiefElection.PROFILE_FIELDS  # birth year, gender, ethnicity
SECRETARY_PROFILE = Congress.PROFILE_FIELDS
PAIRS = tuple(zip(CHIEF_PROFILE, SECRETARY_PROFILE, strict=True))  # (the chief's, the secretary's)
PERSON_OF = {**dict.fromkeys(CHIEF_PROFILE, "chief"), **dict.fromkeys(SECRETARY_PROFILE, "secretary")}

LABELS = {
    "chief": Label("Trưởng thôn", "Chief"),
    "secretary": Label("Bí thư", "Secretary"),
    "chief_birth_year": Label("Năm sinh của trưởng thôn", "Chief birth year"),
    "chief_gender": Label("Giới tính của trưởng thôn", "Chief gender"),
    "chief_ethnicity": Label("Dân tộc của trưởng thôn", "Chief ethnicity"),
    "secretary_birth_year": Label("Năm sinh của bí thư", "Secretary birth year"),
    "secretary_gender": Label("Giới tính của bí thư", "Secretary gender"),
    "secretary_ethnicity": Label("Dân tộc của bí thư", "Secretary ethnicity"),
    "evaluation": Label("Xếp loại trưởng thôn", "Chief rating"),
}


def parse_gender(value: object, label: Label) -> str:
    """The ``Gender`` value; ``""`` when blank; anything else is refused (rule 3)."""
    gender = rules.parse_gender(value)
    if gender is None:
        raise rules.CellError(both(f"{label.vi} phải là Nam hoặc Nữ", f"{label.en} must be Nam or Nữ (male or female)",
                                   value))
    return gender


def rating_spellings() -> dict[str, str]:
    """search key -> ``Rating`` value: the workbook's values, the Vietnamese labels and the active language's."""
    spellings = {}
    for rating in Rating:
        spellings[text.search_key(rating.value)] = rating.value
        spellings[text.search_key(str(rating.label))] = rating.value
        with translation.override(None):
            spellings[text.search_key(str(rating.label))] = rating.value
    return spellings


def parse_rating(value: object, label: Label) -> str:
    """A chief's yearly rating (``Hoàn thành tốt``, ``good``...), folded; ``""`` when blank."""
    if rules.is_blank(value):
        return ""
    rating = rating_spellings().get(text.search_key(value)) if isinstance(value, str) else None
    if rating is None:
        with translation.override(None):
            names_vi = ", ".join(str(r.label) for r in Rating)
        names_en = ", ".join(r.value for r in Rating)
        raise rules.CellError(both(f"{label.vi} phải là {names_vi} hoặc để trống",
                                   f"{label.en} must be {names_en} or blank", value))
    return rating


def given(value: Any) -> bool:
    return value is not None and value != ""


def same(field: str, first: Any, second: Any) -> bool:
    """Whether two values of a profile field are the same (ethnicities folded as names are)."""
    if field.endswith("_ethnicity"):
        return text.match_key(first) == text.match_key(second)
    return (first if given(first) else None) == (second if given(second) else None)


def shown(field: str, value: Any) -> str:
    """A profile value in a message: a gender in words, blank as the word for blank."""
    if not given(value):
        return str(msg.BLANK)
    if field.endswith("_gender"):
        return str(Gender(value).label)
    return msg.shown(value)


def _lower_first(words: str) -> str:
    return words[:1].lower() + words[1:]


def check_profiles(values: Mapping[str, Any], *, skip: Collection[str] = ()) -> list[rules.FieldProblem]:
    """Rule 8's profile part over the fields ``values`` holds (a person's name and profile, the chief's
    Party role). ``skip``: fields given but unreadable: they count as given, and a comparison needing
    their value is not made. A problem between two fields names the chief's first."""
    problems = []
    for person, fields in (("chief", CHIEF_PROFILE), ("secretary", SECRETARY_PROFILE)):
        if person not in values or person in skip or text.clean(values[person]):
            continue
        name = LABELS[person]
        for field in fields:
            if field in values and (given(values[field]) or field in skip):
                label = LABELS[field]
                problems.append(rules.FieldProblem((person, field), both(
                    f"Đã ghi {_lower_first(label.vi)} nhưng chưa ghi tên {name.vi.lower()}",
                    f"{label.en} is given while {name.en} is blank")))
    if values.get("chief_party_role") != PartyRole.SECRETARY:
        return problems
    for chief_field, secretary_field in PAIRS:
        if not {chief_field, secretary_field} <= values.keys() or {chief_field, secretary_field} & set(skip):
            continue
        chief, secretary = values[chief_field], values[secretary_field]
        if given(secretary) and not same(secretary_field, chief, secretary):
            label_c, label_s = LABELS[chief_field], LABELS[secretary_field]
            got_s, got_c = shown(secretary_field, secretary), shown(chief_field, chief)
            problems.append(rules.FieldProblem((chief_field, secretary_field), both(
                f"Trưởng thôn kiêm bí thư nhưng {_lower_first(label_s.vi)} ({got_s}) khác "
                f"{_lower_first(label_c.vi)} ({got_c})",
                f"Chief Party role is Secretary but {label_s.en} ({got_s}) differs from {label_c.en} ({got_c})")))
    return problems


def take_chief_profile(values: MutableMapping[str, Any]) -> None:
    """Where the chief is the secretary: the secretary's blank profile values take the chief's."""
    if values.get("chief_party_role") != PartyRole.SECRETARY:
        return
    for chief_field, secretary_field in PAIRS:
        if not given(values.get(secretary_field)) and chief_field in values:
            values[secretary_field] = values[chief_field]
