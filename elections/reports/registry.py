"""Every report the project offers, found by its code (django-oscar style).

A report is a class with a ``code``, a ``name`` and its formatters: the
rows a page renders and ``write_xlsx`` for the download. The command line
(``export_report``) and the dashboard both look reports up here, so a new
report is one class, one ``@register`` line and one import in the package's
``__init__`` (importing ``elections.reports`` registers them all).

    report_class = get_report("meeting")
    report = report_class(province, term, as_of, scope=Scope.of(request.user))
    report.write_xlsx(response)
"""

from __future__ import annotations

import datetime as dt
import os
from abc import ABC, abstractmethod
from typing import IO, Any, ClassVar

from hamlets.models import Province
from hamlets.scoping import FULL_SCOPE, Scope

from ..models import Term

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Report(ABC):
    """One report of one province, term and as-of date, seen through a scope."""

    code: ClassVar[str]
    name: ClassVar[str]
    content_type: ClassVar[str] = XLSX_CONTENT_TYPE
    extension: ClassVar[str] = ".xlsx"

    def __init__(self, province: Province | None, term: Term, as_of: dt.date, scope: Scope | Any = FULL_SCOPE,
                 units: str | None = None):
        """``province``: None for a report of the whole country; ``scope``: a ``Scope``, or a user
        (``Scope.of(user)``, as ``restrict(user)`` takes either); ``units``: ``"2025"`` for the 2025 layout
        whatever the date (``elections.layout``)."""
        self.province = province
        self.term = term
        self.as_of = as_of
        self.scope = scope if isinstance(scope, Scope) else Scope.of(scope)
        self.units = units

    @abstractmethod
    def write_xlsx(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """Write the workbook to a path or a binary stream (an HttpResponse will do)."""

    def filename(self) -> str:
        """An ASCII file name for downloads, e.g. ``meeting-40-2022-2025-2022-07-15.xlsx``
        (``...-units-2025.xlsx`` when the 2025 layout was asked for)."""
        units = f"-units-{self.units}" if self.units else ""
        province = f"-{self.province.code}" if self.province is not None else ""
        return f"{self.code}{province}-{self.term.name}-{self.as_of.isoformat()}{units}{self.extension}"


class UnknownReport(KeyError):
    def __str__(self) -> str:
        return f"no report {self.args[0]!r}; known reports: {', '.join(sorted(REPORTS))}"


REPORTS: dict[str, type[Report]] = {}


def register(report: type[Report]) -> type[Report]:
    """Class decorator: make ``report`` available under its ``code``."""
    if report.code in REPORTS and REPORTS[report.code] is not report:
        raise ValueError(f"two reports with the code {report.code!r}")
    REPORTS[report.code] = report
    return report


def get_report(code: str) -> type[Report]:
    """The report class registered under ``code``; ``UnknownReport`` otherwise."""
    try:
        return REPORTS[code]
    except KeyError:
        raise UnknownReport(code) from None


def report_choices() -> list[tuple[str, str]]:
    """(code, name) of every report, for a form's select box."""
    return [(code, str(report.name)) for code, report in sorted(REPORTS.items())]
