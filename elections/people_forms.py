"""The forms of a chief's development plan and yearly evaluation (``domain.md`` items 9-10).

They follow the other result forms (``forms.py``): bounded by the import's rules with the
workbook's labels (``Chief plans``, ``Chief evaluations``), dates typed DD/MM/YYYY, locked on
the object's version. A step (course, application) dated before the plan's start is refused on
its own field; the same chief twice for one hamlet and term (plan) or year (evaluation) is
refused on the Chief field, names compared folded (``text.match_key``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadre_tracker.language import Label, both, day
from hamlets import bounds, text
from hamlets.forms import VersionedForm

from .forms import BoundedForm, Rule, date_field, date_rule, name_rule
from .importing import rules
from .people_models import ChiefEvaluation, ChiefPlan

CHIEF = Label("Trưởng thôn", "Chief")
MENTOR = Label("Người giúp đỡ", "Mentor")
STARTED_ON = Label("Ngày bắt đầu kế hoạch", "Plan started on")
COURSE_ON = Label("Ngày học xong lớp nhận thức về Đảng", "Course completed on")
APPLICATION_ON = Label("Ngày nộp đơn xin vào Đảng", "Application on")
YEAR = Label("Năm", "Year")
STEPS = {"course_on": COURSE_ON, "application_on": APPLICATION_ON}


def evaluation_year(value: Any, label: Label) -> int | None:
    """A year already begun, from 1930 (the evaluations' bound, ``bounds.validate_past_year``)."""
    return rules.parse_year(value, label, first=bounds.FIRST_YEAR)


class ChiefPlanForm(BoundedForm, VersionedForm):
    """A non-member chief's plan: mentor, start, Party course completed, application submitted."""

    started_on = date_field(gettext_lazy("Ngày bắt đầu kế hoạch"), required=True)
    course_on = date_field(gettext_lazy("Ngày học xong lớp nhận thức về Đảng"))
    application_on = date_field(gettext_lazy("Ngày nộp đơn xin vào Đảng"))
    field_rules: dict[str, tuple[Rule, Label]] = {
        "chief": name_rule(CHIEF), "mentor": name_rule(MENTOR), "started_on": date_rule(STARTED_ON),
        "course_on": date_rule(COURSE_ON), "application_on": date_rule(APPLICATION_ON)}

    class Meta:
        model = ChiefPlan
        fields = ["chief", "mentor", "started_on", "course_on", "application_on"]
        help_texts = {"chief": gettext_lazy("Trưởng thôn chưa là đảng viên được giúp đỡ, bồi dưỡng để kết nạp."),
                      "mentor": gettext_lazy("Đảng viên được phân công giúp đỡ trưởng thôn.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("started_on")
        for name, label in STEPS.items():
            step = data.get(name)
            if start and step and step < start and not self.has_error(name):
                self.add_error(name, both(
                    f"{label.vi} ({day(step)}) trước ngày bắt đầu kế hoạch ({day(start)}).",
                    f"{label.en} ({day(step)}) is before the plan's start ({day(start)})."))
        chief = text.clean(data.get("chief") or "")
        plan = self.instance
        if chief and not self.has_error("chief") and ChiefPlan.objects.filter(
                hamlet_id=plan.hamlet_id, term_id=plan.term_id, chief_key=text.match_key(chief)
        ).exclude(pk=plan.pk).exists():
            self.add_error("chief", _("Trưởng thôn %(chief)s đã có kế hoạch bồi dưỡng trong nhiệm kỳ này; hãy sửa "
                                      "kế hoạch đó.") % {"chief": chief})
        return data


class ChiefEvaluationForm(BoundedForm, VersionedForm):
    """A chief's rating for one calendar year."""

    field_rules: dict[str, tuple[Rule, Label]] = {"year": (evaluation_year, YEAR), "chief": name_rule(CHIEF)}

    class Meta:
        model = ChiefEvaluation
        fields = ["year", "chief", "rating"]
        labels = {"rating": gettext_lazy("Xếp loại")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "autocomplete": "off"})
        year.error_messages["invalid"] = _("Năm phải là số nguyên có 4 chữ số, ví dụ %(year)s.") % {
            "year": bounds.today().year - 1}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chief, year = text.clean(data.get("chief") or ""), data.get("year")
        evaluation = self.instance
        if chief and year and not self.has_error("chief") and not self.has_error("year") and \
                ChiefEvaluation.objects.filter(hamlet_id=evaluation.hamlet_id, year=year,
                                               chief_key=text.match_key(chief)).exclude(pk=evaluation.pk).exists():
            self.add_error("chief", _("Trưởng thôn %(chief)s đã được đánh giá năm %(year)s; hãy sửa đánh giá "
                                      "đó.") % {"chief": chief, "year": year})
        return data


def describe_plan(plan: ChiefPlan) -> str:
    return _("trưởng thôn %(chief)s, người giúp đỡ %(mentor)s, bắt đầu %(start)s, học xong lớp %(course)s, "
             "nộp đơn %(application)s") % {
        "chief": plan.chief, "mentor": plan.mentor, "start": _day(plan.started_on), "course": _day(plan.course_on),
        "application": _day(plan.application_on)}


def describe_evaluation(evaluation: ChiefEvaluation) -> str:
    return _("năm %(year)s, trưởng thôn %(chief)s: %(rating)s") % {
        "year": evaluation.year, "chief": evaluation.chief, "rating": evaluation.get_rating_display()}


def _day(value: Any) -> str:
    return day(value) if value else "—"
