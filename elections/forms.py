"""Web forms for results, checked by the same rules as the import
(``elections.importing.rules``), with the messages on the fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hamlets import text
from hamlets.forms import VersionedForm
from hamlets.models import PartyMember

from .importing import rules
from .importing.messages import Label
from .models import ChiefElection, Congress

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class RulesForm(VersionedForm):
    """Maps the import rules' field names to this form's fields."""

    rule_fields: dict[str, str] = {}
    dates: dict[str, Label] = {}

    def check_dates(self) -> None:
        for name, label in self.dates.items():
            value = self.cleaned_data.get(name)
            try:
                rules.parse_date(value, label)
            except rules.CellError as error:
                self.add_error(name, error.message)

    def add_problems(self, problems: Iterable[rules.FieldProblem]) -> None:
        for problem in problems:
            # between two fields the message goes on the later one this form has
            field = next((self.rule_fields[f] for f in reversed(problem.fields) if f in self.rule_fields), None)
            self.add_error(field, problem.message)


class CongressForm(RulesForm):
    held_on = date_field(_("Ngày đại hội"))
    rule_fields = {"congress_held_on": "held_on", "secretary": "secretary", "deputy_secretary": "deputy_secretary"}
    dates = {"held_on": rules.LABELS["congress_held_on"]}

    class Meta:
        model = Congress
        fields = ["held_on", "secretary", "deputy_secretary"]

    def __init__(self, *args: Any, party_cell: bool, chief: ChiefElection | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.party_cell, self.chief = party_cell, chief

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_dates()
        chief = self.chief
        self.add_problems(rules.check_congress_and_roles(
            party_cell=self.party_cell, congress_held_on=data.get("held_on"),
            secretary=data.get("secretary", ""), deputy_secretary=data.get("deputy_secretary", ""),
            chief_elected_on=chief.held_on if chief else None, chief=chief.chief if chief else "",
            chief_member_since=chief.chief_member_since if chief else None,
            chief_party_role=chief.chief_party_role if chief else ""))
        return data


class ChiefElectionForm(RulesForm):
    held_on = date_field(_("Ngày bầu"), required=True)
    chief_member_since = date_field(_("Ngày vào Đảng của trưởng thôn"))
    rule_fields = {"chief_elected_on": "held_on", "chief": "chief", "chief_member_since": "chief_member_since",
                   "chief_party_role": "chief_party_role"}
    dates = {"held_on": rules.LABELS["chief_elected_on"], "chief_member_since": rules.LABELS["chief_member_since"]}

    class Meta:
        model = ChiefElection
        fields = ["held_on", "chief", "chief_member_since", "chief_party_role"]
        help_texts = {"chief_member_since": _("Để trống nếu trưởng thôn chưa là đảng viên; trưởng thôn được kết nạp "
                                              "sau khi bầu thì ghi ngày kết nạp.")}

    def __init__(self, *args: Any, party_cell: bool, congress: Congress | None, **kwargs: Any):
        """``party_cell``: whether the hamlet's record for the election's term says it has a cell."""
        super().__init__(*args, **kwargs)
        self.party_cell, self.congress = party_cell, congress

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_dates()
        congress = self.congress
        self.add_problems(rules.check_congress_and_roles(
            party_cell=self.party_cell, congress_held_on=congress.held_on if congress else None,
            secretary=congress.secretary if congress else "",
            deputy_secretary=congress.deputy_secretary if congress else "",
            chief_elected_on=data.get("held_on"), chief=data.get("chief", ""),
            chief_member_since=data.get("chief_member_since"), chief_party_role=data.get("chief_party_role", ""),
            skip=("party_cell", "congress_held_on", "secretary", "deputy_secretary")
            if congress is None else ()))
        day = data.get("held_on")
        clash = ChiefElection.objects.filter(hamlet=self.instance.hamlet, term=self.instance.term, held_on=day)
        if day and clash.exclude(pk=self.instance.pk).exists():
            self.add_error("held_on", _("Đã có một lần bầu trưởng thôn vào ngày này; hãy sửa lần bầu đó."))
        return data


class AdmissionForm(forms.ModelForm):
    admitted_on = date_field(_("Ngày kết nạp"), required=True)
    official_on = date_field(_("Ngày chính thức"))
    labels = {"admitted_on": Label("Ngày kết nạp", "Admitted on"), "official_on": Label("Ngày chính thức",
                                                                                        "Official on")}

    class Meta:
        model = PartyMember
        fields = ["full_name", "birth_year", "gender", "ethnicity", "admitted_on", "official_on", "sitting_chief"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, label in self.labels.items():
            try:
                rules.parse_date(data.get(name), label)
            except rules.CellError as error:
                self.add_error(name, error.message)
        try:
            rules.parse_year(data.get("birth_year"), Label("Năm sinh", "Birth year"))
        except rules.CellError as error:
            self.add_error("birth_year", error.message)
        if data.get("official_on") and data.get("admitted_on") and data["official_on"] < data["admitted_on"]:
            self.add_error("official_on", _("Ngày chính thức phải sau ngày kết nạp."))
        same = PartyMember.objects.filter(hamlet=self.instance.hamlet, birth_year=data.get("birth_year"),
                                          name_key=text.match_key(data.get("full_name", "")))
        if same.exclude(pk=self.instance.pk).exists():
            self.add_error("full_name", _("Thôn này đã có đảng viên cùng họ tên và năm sinh."))
        return data
