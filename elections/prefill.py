"""The import template filled with the user's hamlets for a term, to fill in and upload back.

``/import/prefill.xlsx?term=2025-2027[&as_of=…][&units=2025]`` (the latest
term when none is named; the date, default today, only chooses the list): one row of
``Hamlets`` per hamlet of the user's scope (``Hamlet.objects.restrict``)
that the term counts (it has a record for the term or an earlier one), with
what is recorded for that term: the record in force (``HamletTerm``), the
term's congress (its cells left blank where the record says the hamlet has
no cell, as the import ignores them there) and the term's latest chief
election, with the chief's and the secretary's birth year, gender and
ethnicity. Importing the file unchanged changes nothing.

Each row names its hamlet in the list the dashboard would use
(``layout.choose_layout``: district boards the earlier list, commune boards
the 2025 list, anyone else by the date or ``units``), with the official
codes, so that namesakes are never confused: a 2025-list row leaves District
blank and fills Former district, Former commune and Former commune code where
the hamlet has a namesake it could be taken for (in its 2025 commune, or
unplaced in its province). A hamlet that cannot be named in that list is
named in the other (an unplaced hamlet in the earlier list, a hamlet first
entered in the 2025 list in the 2025 list).

The rows come from one query, streamed into a write-only workbook (a
province has thousands of hamlets); the blank template is the same workbook
without rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_safe

from cadre_tracker.spreadsheets import cell, xlsx_row
from hamlets.models import Gender, Hamlet, HamletKind
from hamlets.scoping import Scope

from .hamlet_pages import chosen_term
from .importing.template import DATE_FORMAT, HAMLETS, genders, kinds, template_workbook, yes_no
from .layout import NEW, choose_layout, parse_units
from .models import ChiefElection, Congress, HamletTerm, PartyRole, Term
from .period import Period
from .reports.registry import XLSX_CONTENT_TYPE

DATES = frozenset({"congress_held_on", "chief_elected_on", "chief_member_since"})
ROLES = {PartyRole.SECRETARY.value: "Bí thư", PartyRole.DEPUTY.value: "Phó bí thư"}
GENDERS = dict(zip(Gender.values, genders(), strict=True))  # as the template's drop-down offers them
CONGRESS = ("congress_held_on", "secretary", "deputy_secretary", *Congress.PROFILE_FIELDS)
ELECTION = ("chief_elected_on", "chief", "chief_member_since", "chief_party_role", *ChiefElection.PROFILE_FIELDS)


@require_safe
def blank_template(request: HttpRequest) -> HttpResponse:
    """The import template: instructions, the contract's sheets, headers and drop-downs, no rows."""
    workbook, _sheets = template_workbook()
    return _download(workbook, "cadre-tracker-import-template.xlsx")


@require_safe
def prefill_download(request: HttpRequest) -> HttpResponse:
    """The template with the user's hamlets and what is recorded for the term (see the module)."""
    try:
        units = parse_units(request.GET.get("units"))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    term = chosen_term(request)  # the latest term unless named: the one boards are filling in
    layout = choose_layout(Scope.of(request.user), Period.from_query(request.GET).as_of, units)
    workbook = prefill_workbook(Hamlet.objects.restrict(request.user), term, layout)
    return _download(workbook, f"cadre-tracker-{term.name}-{timezone.localdate().isoformat()}.xlsx")


def prefill_workbook(hamlets: QuerySet[Hamlet], term: Term, layout: str) -> Any:
    """The import template with a ``Hamlets`` row for each of ``hamlets`` (``prefill_rows``)."""
    workbook, sheets = template_workbook()
    sheet = sheets[HAMLETS.name]
    for values in prefill_rows(hamlets, term, layout):
        sheet.append(_cells(sheet, values))
    return workbook


def prefilled(hamlets: QuerySet[Hamlet], term: Term, layout: str) -> QuerySet[Hamlet]:
    """The hamlets the term counts, with their record in force and whether a namesake could be taken for
    them, in the layout's order: one query."""
    in_force = HamletTerm.objects.in_force(term).values("pk")[:1]
    same_name = Hamlet.objects.filter(name_key=OuterRef("name_key")).exclude(pk=OuterRef("pk"))
    beside = Exists(same_name.filter(new_commune=OuterRef("new_commune")))  # two Exists: each uses an index
    waiting = Exists(same_name.filter(new_commune__isnull=True, province=OuterRef("province")))
    order = (["new_commune__code", "commune__district__code", "commune__code"] if layout == NEW
             else ["commune__district__code", "commune__code", "new_commune__code"])
    return (hamlets.order_by().filter(term_records__pk=Subquery(in_force))
            .select_related("province", "new_commune", "commune__province", "commune__district")
            .annotate(record_kind=F("term_records__kind"), record_special_area=F("term_records__special_area"),
                      record_project01=F("term_records__project01"),
                      record_party_members=F("term_records__party_members"),
                      record_party_cell=F("term_records__party_cell"), has_namesake=beside | waiting)
            .order_by(*(F(name).asc(nulls_last=True) for name in order), "name_sort", "pk"))


def results_of(hamlets: QuerySet[Hamlet], term: Term) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """The term's congress and latest chief election of each hamlet, by hamlet id: two queries (a
    correlated subquery per value took seconds for a province)."""
    ids = hamlets.order_by().values("pk")
    congresses = {hamlet: values for hamlet, *values in Congress.objects.filter(
        term=term, cell__hamlet__in=ids).values_list("cell__hamlet_id", "held_on", "secretary", "deputy_secretary",
                                                     *Congress.PROFILE_FIELDS)}
    elections = {hamlet: values for hamlet, *values in ChiefElection.objects.filter(
        term=term, hamlet__in=ids).order_by("hamlet_id", "held_on").values_list(
        "hamlet_id", "held_on", "chief", "chief_member_since", "chief_party_role",
        *ChiefElection.PROFILE_FIELDS)}  # the latest wins
    return congresses, elections


def prefill_rows(hamlets: QuerySet[Hamlet], term: Term, layout: str) -> Iterator[dict[str, Any]]:
    """Each hamlet's ``Hamlets`` row, by field name."""
    kind_labels = dict(zip(HamletKind.values, kinds(), strict=True))
    yes, no = yes_no()
    congresses, elections = results_of(hamlets, term)
    for hamlet in prefilled(hamlets, term, layout).iterator(chunk_size=2000):
        row: dict[str, Any] = {**_place(hamlet, layout), "hamlet": hamlet.name, "term": term.name,
                               "kind": kind_labels.get(hamlet.record_kind, ""),
                               "special_area": yes if hamlet.record_special_area else no,
                               "project01": yes if hamlet.record_project01 else no,
                               "party_members": hamlet.record_party_members,
                               "party_cell": yes if hamlet.record_party_cell else no}
        congress = congresses.get(hamlet.pk)
        if hamlet.record_party_cell and congress:  # without a cell the import leaves the congress as it is
            row.update(zip(CONGRESS, congress, strict=True))
        if election := elections.get(hamlet.pk):
            row.update(zip(ELECTION, election, strict=True))
            row["chief_party_role"] = ROLES.get(row["chief_party_role"], "")
        for person, fields in (("chief", ChiefElection.PROFILE_FIELDS), ("secretary", Congress.PROFILE_FIELDS)):
            if not row.get(person):  # a profile without its person is refused by the import: left out
                row.update(dict.fromkeys(fields))
        for name in ("chief_gender", "secretary_gender"):
            row[name] = GENDERS.get(row.get(name) or "", "")
        yield row


def _place(hamlet: Hamlet, layout: str) -> dict[str, Any]:
    """Province, District, Commune and codes in the layout's list where the hamlet can be named there."""
    if hamlet.commune_id is None or (layout == NEW and hamlet.new_commune_id is not None):
        place = {"province": hamlet.province.name, "commune": hamlet.new_commune.name,
                 "commune_code": hamlet.new_commune.code}
        if hamlet.has_namesake and hamlet.commune_id is not None:
            old = hamlet.commune
            place.update(former_district=old.district.name if old.district_id else "", former_commune=old.name,
                         former_commune_code=old.code)
        return place
    old = hamlet.commune
    return {"province": old.province.name, "district": old.district.name, "commune": old.name,
            "district_code": old.district.code, "commune_code": old.code}


def _cells(sheet: Any, values: dict[str, Any]) -> list[Any]:
    """The row in the template's column order: text formula-safe, dates typed as DD/MM/YYYY."""
    row = [values.get(column.field) for column in HAMLETS.columns]
    cells = xlsx_row(sheet, row)
    for index, column in enumerate(HAMLETS.columns):
        if column.field in DATES and isinstance(row[index], dt.date):
            cells[index] = cell(sheet, row[index], number_format=DATE_FORMAT)
    return cells


def _download(workbook: Any, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    workbook.save(response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
