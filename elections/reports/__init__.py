"""Reports: each a class found by its code in one registry (``registry.REPORTS``)."""

from .meeting import MeetingReport
from .national import NationalReport, NationalScopeRequired
from .registry import REPORTS, Report, UnknownReport, get_report, register, report_choices

__all__ = ["REPORTS", "MeetingReport", "NationalReport", "NationalScopeRequired", "Report", "UnknownReport",
           "get_report", "register", "report_choices"]
