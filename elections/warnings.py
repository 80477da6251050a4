"""Warnings that ask before saving: what the rules allow but is unlikely (issue 10, item 2).

The rules (``importing.rules``) refuse what cannot be right; these point at what
is allowed but probably a slip, so that the user confirms or corrects it:

* a congress or chief-election date more than a year before its term starts, or
  after the term ends (a one-digit year typo: ``2012`` for ``2022``);
* a name starting with ``=``, ``+``, ``-`` or ``@`` (a formula pasted from a
  spreadsheet; exports write such names as text anyway);
* the same person, names folded as the import folds them (``text.match_key``),
  as chief of two hamlets of one commune in one term.

Pure functions over values already read: the entry grid asks about them, and
the import preview can show the same warnings. Each ``Caution`` names the
template column it belongs to (``chief_elected_on``...), as ``FieldProblem`` does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamlets import text

from .importing.messages import Label

DATE_FIELDS = ("congress_held_on", "chief_elected_on")
NAME_FIELDS = ("secretary", "deputy_secretary", "chief")
FORMULA_START = ("=", "+", "-", "@")

# The columns these warnings name; the import's own labels where it has them.
COLUMNS = {
    "congress_held_on": Label("Ngày đại hội", "Congress held on"),
    "chief_elected_on": Label("Ngày bầu trưởng thôn", "Chief elected on"),
    "secretary": Label("Bí thư", "Secretary"),
    "deputy_secretary": Label("Phó bí thư", "Deputy secretary"),
    "chief": Label("Trưởng thôn", "Chief"),
    "hamlet": Label("Thôn/xóm", "Hamlet"),
}

class TermLike(Protocol):
    start_year: int
    end_year: int


@dataclass(frozen=True)
class Caution:
    """A warning at one column (``field``): the value may be kept once the user confirms."""

    field: str
    message: str


def column(field: str) -> str:
    """The column's name in the interface's language."""
    return str(COLUMNS.get(field, Label(field, field)))


def shown_day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def term_name(term: TermLike) -> str:
    return f"{term.start_year}-{term.end_year}"


def term_window(term: TermLike) -> tuple[dt.date, dt.date]:
    """The first and last day a date of the term is expected on: from one year before the term
    starts (1 January of its first year) to the last day of its last year."""
    return dt.date(term.start_year - 1, 1, 1), dt.date(term.end_year, 12, 31)


def date_caution(field: str, day: dt.date | None, term: TermLike) -> Caution | None:
    """A date of the term (congress, chief election) far from it: a one-digit year typo?"""
    if day is None:
        return None
    first, last = term_window(term)
    if first <= day <= last:  # most dates: nothing to word (a large import checks tens of thousands)
        return None
    values = {"column": column(field), "day": shown_day(day), "term": term_name(term)}
    if day < first:
        return Caution(field, _("%(column)s %(day)s sớm hơn một năm trước khi nhiệm kỳ %(term)s bắt đầu: "
                                "có gõ nhầm năm không?") % values)
    return Caution(field, _("%(column)s %(day)s sau khi nhiệm kỳ %(term)s kết thúc: có gõ nhầm năm không?")
                   % values)


def name_caution(field: str, name: str | None) -> Caution | None:
    """A name that starts like a spreadsheet formula (``=``, ``+``, ``-``, ``@``)."""
    name = text.clean(name)
    if not name.startswith(FORMULA_START):
        return None
    return Caution(field, _("%(column)s “%(name)s” bắt đầu bằng “%(char)s”: có phải dán nhầm công thức từ Excel "
                            "không?") % {"column": column(field), "name": name, "char": name[0]})


def row_cautions(term: TermLike, values: Mapping[str, Any]) -> list[Caution]:
    """The dates and names of one row (a grid row, a ``Hamlets`` row): ``values`` by column name;
    columns that are absent, blank or unread are skipped."""
    cautions = [date_caution(f, values.get(f), term) for f in DATE_FIELDS if isinstance(values.get(f), dt.date)]
    cautions += [name_caution(f, values.get(f)) for f in NAME_FIELDS if isinstance(values.get(f), str)]
    return [c for c in cautions if c is not None]


def repeated_chiefs[K: Hashable](chiefs: Mapping[K, str]) -> dict[K, list[K]]:
    """For each hamlet whose chief (names folded) is also another hamlet's, the other hamlets.

    ``chiefs`` holds the chiefs of one commune in one term, by hamlet; blank names are skipped."""
    by_person: dict[str, list[K]] = defaultdict(list)
    for hamlet, name in chiefs.items():
        key = text.match_key(name)
        if key:
            by_person[key].append(hamlet)
    return {hamlet: [other for other in group if other != hamlet]
            for group in by_person.values() if len(group) > 1 for hamlet in group}


NAMED_AT_MOST = 5  # a chief repeated in 400 hamlets names 5 of them and counts the rest


def chief_caution[K](chief: str, others: Sequence[K], term: TermLike, hamlet_name: Callable[[K], str]) -> Caution:
    """The caution at the Chief column of a hamlet whose chief also heads the ``others`` in the term;
    ``hamlet_name`` shows one as the page does (``Xóm 1 (Thanh Lâm cũ)``). Past ``NAMED_AT_MOST``
    the rest are counted, not named."""
    shown = ", ".join(hamlet_name(other) for other in others[:NAMED_AT_MOST])
    if (rest := len(others) - NAMED_AT_MOST) > 0:
        shown = ngettext("%(named)s và %(rest)d thôn khác", "%(named)s và %(rest)d thôn khác", rest) % {
            "named": shown, "rest": rest}
    return Caution("chief", _("%(chief)s cũng là trưởng thôn của %(others)s trong nhiệm kỳ %(term)s: "
                              "một người làm trưởng hai thôn?") % {
        "chief": text.clean(chief), "others": shown, "term": term_name(term)})


def chief_cautions[K: Hashable](chiefs: Mapping[K, str], term: TermLike,
                                hamlet_name: Callable[[K], str]) -> dict[K, Caution]:
    """A caution at the Chief column of every hamlet whose chief also heads another hamlet of the
    commune in the term."""
    return {hamlet: chief_caution(chiefs[hamlet], others, term, hamlet_name)
            for hamlet, others in repeated_chiefs(chiefs).items()}
