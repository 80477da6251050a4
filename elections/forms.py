"""Web forms for results, checked by the same rules as the import
(``elections.importing.rules``), with the messages on the fields.

Every free value is bounded as in the import (``workbooks.md`` rule 10, the
bounds in ``hamlets.bounds``): a form lists its fields' rules in
``field_rules`` and ``BoundedForm.clean`` applies them, so a 10,000-character
name, 2,147,483,648 Party members or a congress on 0022-05-01 gets the
import's message on its field and is never saved."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

from cadre_tracker.generic import VersionConflict
from cadre_tracker.language import both
from hamlets import text
from hamlets.forms import VersionedForm
from hamlets.models import PartyMember

from . import profiles
from .importing import rules
from .importing.messages import Label
from .importing.template import ADMISSIONS, HAMLETS
from .models import ChiefElection, Congress, PartyRole

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DayInput(forms.DateInput):
    """A date typed as the interface writes it (``DD/MM/YYYY`` in Vietnamese, ISO in English: the
    first of the language's ``DATE_INPUT_FORMATS``), whatever the browser's locale: no native date
    picker, which follows the browser's language rather than the page's. Either spelling is read."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", both("DD/MM/YYYY", "YYYY-MM-DD"))
        context["widget"]["attrs"].setdefault("autocomplete", "off")
        return context


def date_field(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, widget=DayInput)


Rule = Callable[[Any, Label], Any]
BOUND_VALIDATORS = (validators.MaxLengthValidator, validators.MaxValueValidator, validators.MinValueValidator)


def name_rule(label: Label) -> tuple[Rule, Label]:
    return rules.parse_name, label


def date_rule(label: Label) -> tuple[Rule, Label]:
    return rules.parse_date, label


class BoundedForm(forms.ModelForm):
    """A model form whose fields are checked by the import's rules: ``field_rules`` maps a field
    to ``(rule, label)``; a value the rule refuses gets the rule's message on its field."""

    field_rules: ClassVar[dict[str, tuple[Rule, Label]]] = {}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in self.field_rules.keys() & self.fields.keys():
            # the rule says it, in the import's words; the widget keeps its maxlength / min / max
            field = self.fields[name]
            field.validators = [v for v in field.validators if not isinstance(v, BOUND_VALIDATORS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, (rule, label) in self.field_rules.items():
            if name not in data or self.has_error(name):
                continue
            try:
                rule(data[name], label)
            except rules.CellError as error:
                self.add_error(name, error.message)
        return data


class RulesForm(BoundedForm, VersionedForm):
    """Maps the import rules' field names to this form's fields."""

    rule_fields: dict[str, str] = {}
    keep_when_omitted: ClassVar[tuple[str, ...]] = ()  # left out of the post: the stored value stays

    def add_problems(self, problems: Iterable[rules.FieldProblem]) -> None:
        for problem in problems:
            # between two fields the message goes on the later one this form has
            field = next((self.rule_fields[f] for f in reversed(problem.fields) if f in self.rule_fields), None)
            self.add_error(field, problem.message)

    def keep_omitted(self, data: dict[str, Any], *, clear: bool = False) -> None:
        """A field of ``keep_when_omitted`` the post leaves out (a page opened before the field existed, a
        script) keeps the stored value, or is blank with ``clear`` (its person's name was cleared)."""
        for name in self.keep_when_omitted:
            if self.fields[name].widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                data[name] = self.instance._meta.get_field(name).get_default() if clear else getattr(
                    self.instance, name)


def profile_rules(fields: Iterable[str]) -> dict[str, tuple[Rule, Label]]:
    """The bounds of profile fields: a birth year from 1900 to this year, an ethnicity of 60 characters."""
    return {name: (rules.parse_year if name.endswith("birth_year") else rules.parse_ethnicity, profiles.LABELS[name])
            for name in fields if not name.endswith("_gender")}


HAMLET_RULES: dict[str, tuple[Rule, Label]] = {
    "name": name_rule(HAMLETS.label("hamlet")),
    "party_members": (rules.parse_party_members, HAMLETS.label("party_members")),
}


class CongressForm(RulesForm):
    """A congress with its secretary's profile. Where the term's chief is the secretary (Party role
    Secretary), blank profile fields take the chief's and a different value is refused (rule 8)."""

    held_on = date_field(_("Ngày đại hội"))
    rule_fields = {"congress_held_on": "held_on", "secretary": "secretary", "deputy_secretary": "deputy_secretary",
                   **{f: f for f in profiles.SECRETARY_PROFILE}}
    field_rules = {"held_on": date_rule(rules.LABELS["congress_held_on"]),
                   "secretary": name_rule(rules.LABELS["secretary"]),
                   "deputy_secretary": name_rule(rules.LABELS["deputy_secretary"]),
                   **profile_rules(profiles.SECRETARY_PROFILE)}
    keep_when_omitted = profiles.SECRETARY_PROFILE

    class Meta:
        model = Congress
        fields = ["held_on", "secretary", "deputy_secretary", *profiles.SECRETARY_PROFILE]
        help_texts = {"secretary_birth_year": _("Trưởng thôn kiêm bí thư: để trống năm sinh, giới tính, dân tộc "
                                                "của bí thư thì lấy theo trưởng thôn.")}

    def __init__(self, *args: Any, party_cell: bool, chief: ChiefElection | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.party_cell, self.chief = party_cell, chief

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chief = self.chief
        self.add_problems(rules.check_congress_and_roles(
            party_cell=self.party_cell, congress_held_on=data.get("held_on"),
            secretary=data.get("secretary", ""), deputy_secretary=data.get("deputy_secretary", ""),
            chief_elected_on=chief.held_on if chief else None, chief=chief.chief if chief else "",
            chief_member_since=chief.chief_member_since if chief else None,
            chief_party_role=chief.chief_party_role if chief else ""))
        self.keep_omitted(data, clear=not text.clean(data.get("secretary", "")))
        values = {"secretary": data.get("secretary", ""), **{f: data.get(f) for f in profiles.SECRETARY_PROFILE}}
        if chief is not None:
            values.update({"chief_party_role": chief.chief_party_role,
                           **{f: getattr(chief, f) for f in profiles.CHIEF_PROFILE}})
        failed = [f for f in ("secretary", *profiles.SECRETARY_PROFILE) if self.has_error(f)]
        problems = profiles.check_profiles(values, skip=failed)
        self.add_problems(problems)
        if not problems and not failed:
            profiles.take_chief_profile(values)
            data.update({f: values[f] for f in profiles.SECRETARY_PROFILE})
        return data


class ChiefElectionForm(RulesForm):
    """An election with its chief's profile. Where the chief is the secretary (Party role Secretary),
    the congress's secretary profile follows the chief's: its values that were blank or the chief's
    are carried over on saving (``carry_to_congress``), another value refuses the form (rule 8)."""

    held_on = date_field(_("Ngày bầu"), required=True)
    chief_member_since = date_field(_("Ngày vào Đảng của trưởng thôn"))
    rule_fields = {"chief_elected_on": "held_on", "chief": "chief", "chief_member_since": "chief_member_since",
                   "chief_party_role": "chief_party_role", **{f: f for f in profiles.CHIEF_PROFILE}}
    field_rules = {"held_on": date_rule(rules.LABELS["chief_elected_on"]), "chief": name_rule(rules.LABELS["chief"]),
                   "chief_member_since": date_rule(rules.LABELS["chief_member_since"]),
                   **profile_rules(profiles.CHIEF_PROFILE)}
    keep_when_omitted = profiles.CHIEF_PROFILE

    class Meta:
        model = ChiefElection
        fields = ["held_on", "chief", "chief_member_since", "chief_party_role", *profiles.CHIEF_PROFILE]
        help_texts = {"chief_member_since": _("Để trống nếu trưởng thôn chưa là đảng viên; trưởng thôn được kết nạp "
                                              "sau khi bầu thì ghi ngày kết nạp.")}

    def __init__(self, *args: Any, party_cell: bool, congress: Congress | None, **kwargs: Any):
        """``party_cell``: whether the hamlet's record for the election's term says it has a cell."""
        super().__init__(*args, **kwargs)
        self.party_cell, self.congress = party_cell, congress
        # the chief's profile as stored: the congress's secretary values equal to it follow the chief
        self.before = {f: getattr(self.instance, f) for f in profiles.CHIEF_PROFILE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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
        self.keep_omitted(data)
        values = {"chief": data.get("chief", ""), **{f: data.get(f) for f in profiles.CHIEF_PROFILE}}
        failed = [f for f in ("chief", *profiles.CHIEF_PROFILE) if self.has_error(f)]
        self.add_problems(profiles.check_profiles(values, skip=failed))
        if congress is not None and data.get("chief_party_role") == PartyRole.SECRETARY:
            # the congress's values that are not the chief's as stored must be the chief's as typed
            pairs = {"chief_party_role": PartyRole.SECRETARY, **{f: data.get(f) for f in profiles.CHIEF_PROFILE}}
            pairs.update({s: getattr(congress, s) for c, s in profiles.PAIRS
                          if not profiles.same(s, getattr(congress, s), self.before[c])})
            self.add_problems(profiles.check_profiles(pairs, skip=failed))
        return data

    def carry_to_congress(self, election: ChiefElection) -> None:
        """Saved as secretary: the congress's secretary values that were blank or the chief's as stored
        become the chief's (in the save's transaction; ``VersionConflict`` if it changed meanwhile)."""
        if self.congress is None or election.chief_party_role != PartyRole.SECRETARY:
            return
        congress = Congress.objects.select_for_update().filter(pk=self.congress.pk).first()
        if congress is None:
            return
        changed = False
        for chief_field, field in profiles.PAIRS:
            stored, new = getattr(congress, field), getattr(election, chief_field)
            if profiles.given(stored) and not profiles.same(field, stored, self.before[chief_field]):
                if not profiles.same(field, stored, new):
                    raise VersionConflict  # given meanwhile, and not the chief's
            elif stored != new:
                setattr(congress, field, new)
                changed = True
        if changed:
            congress.version += 1
            congress.save()


class AdmissionForm(BoundedForm):
    admitted_on = date_field(_("Ngày kết nạp"), required=True)
    official_on = date_field(_("Ngày chính thức"))
    field_rules = {"full_name": name_rule(ADMISSIONS.label("full_name")),
                   "birth_year": (rules.parse_year, ADMISSIONS.label("birth_year")),
                   "ethnicity": (rules.parse_ethnicity, ADMISSIONS.label("ethnicity")),
                   "admitted_on": date_rule(ADMISSIONS.label("admitted_on")),
                   "official_on": date_rule(Label("Ngày chính thức", "Official on"))}

    class Meta:
        model = PartyMember
        fields = ["full_name", "birth_year", "gender", "ethnicity", "admitted_on", "official_on", "sitting_chief"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("official_on") and data.get("admitted_on") and data["official_on"] < data["admitted_on"]:
            self.add_error("official_on", _("Ngày chính thức phải sau ngày kết nạp."))
        same = PartyMember.objects.filter(hamlet=self.instance.hamlet, birth_year=data.get("birth_year"),
                                          name_key=text.match_key(data.get("full_name", "")))
        if same.exclude(pk=self.instance.pk).exists():
            self.add_error("full_name", _("Thôn này đã có đảng viên cùng họ tên và năm sinh."))
        return data
