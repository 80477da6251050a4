"""Reports: each a class found by its code in one registry (``registry.REPORTS``)."""

from .meeting import MeetingReport
from .registry import REPORTS, Report, UnknownReport, get_report, register, report_choices

__all__ = ["REPORTS", "MeetingReport", "Report", "UnknownReport", "get_report", "register", "report_choices"]
