"""The term and as-of date a page shows, read from its query string.

``?term=2022-2025&as_of=2022-07-15``: a link pasted into a meeting
invitation shows the same figures later. Defaults: the latest term that has
congresses or elections (else the latest term), and today in
Asia/Ho_Chi_Minh. ``&units=2025`` groups an earlier date's figures by the
2025 communes (``layout.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from hamlets import bounds

from .layout import parse_units
from .models import ChiefElection, Congress, Term

# Dates are bounded everywhere (workbooks.md rule 10): from 1 January 1930 to today in Vietnam.
FIRST_DAY = bounds.EARLIEST


def parse_day(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; None when it is neither."""
    value = (value or "").strip()[:20]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def default_term() -> Term | None:
    with_data = Term.objects.filter(Q(Exists(Congress.objects.filter(term=OuterRef("pk"))))
                                    | Q(Exists(ChiefElection.objects.filter(term=OuterRef("pk")))))
    return with_data.first() or Term.objects.first()


@dataclass(frozen=True)
class Period:
    term: Term | None
    as_of: dt.date
    errors: tuple[str, ...] = ()
    units: str | None = None  # "2025": the 2025 layout whatever the date

    @classmethod
    def from_query(cls, query: QueryDict) -> Period:
        errors = []
        term = None
        if query.get("term"):
            term = Term.objects.parse(query["term"])
            if term is None:
                errors.append(_("Không có nhiệm kỳ “%(term)s”; đang hiển thị nhiệm kỳ mới nhất.")
                              % {"term": query["term"]})
        term = term or default_term()
        as_of = bounds.today()
        if query.get("as_of"):
            day = parse_day(query["as_of"])
            if day is None:
                errors.append(_("Ngày “%(day)s” không đọc được (YYYY-MM-DD hoặc DD/MM/YYYY); đang hiển thị hôm nay.")
                              % {"day": query["as_of"]})
            elif day < FIRST_DAY:
                errors.append(_("Ngày “%(day)s” trước 01/01/1930; đang hiển thị ngày 01/01/1930.")
                              % {"day": query["as_of"]})
                as_of = FIRST_DAY
            elif day > as_of:
                errors.append(_("Ngày “%(day)s” chưa tới; đang hiển thị hôm nay.") % {"day": query["as_of"]})
            else:
                as_of = day
        units = None
        try:
            units = parse_units(query.get("units"))
        except ValueError as error:
            errors.append(str(error))
        return cls(term, as_of, tuple(errors), units)

    def query(self, **extra: object) -> str:
        """The query string that reproduces this period (plus ``extra``)."""
        params = {"term": self.term.name if self.term else "", "as_of": self.as_of.isoformat(), "units": self.units,
                  **extra}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})
