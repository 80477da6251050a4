"""Each hamlet's results for one term as of one date, as annotations.

The hamlet list, its filters and its exports show, per hamlet, the congress
and the chief in office on the date; ``with_results`` adds them with
correlated subqueries, so the list stays one query whatever its length.

The hamlets listed and their attributes are those the figures count
(``figures.counted_hamlets``): only hamlets with a record for the term or an
earlier one, each with the record in force, so a drill-down from a figure
lists exactly the hamlets that figure counted.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, CharField, DateField, F, OuterRef, QuerySet, Subquery, Value, When

from hamlets.models import Hamlet

from .models import ChiefElection, Congress, Term

# The record's attributes, as annotations: ``term_kind`` etc. (the hamlet's own
# columns hold its latest term's copy, which an earlier term must not show).
RECORD_ANNOTATIONS = {
    "term_kind": "kind",
    "term_special_area": "special_area",
    "term_project01": "project01",
    "term_party_members": "party_members",
    "has_cell": "party_cell",
}


def elections_until(term: Term, as_of: dt.date, hamlet: object = None) -> QuerySet[ChiefElection]:
    """The hamlet's elections of ``term`` held on or before ``as_of``, latest first."""
    hamlet = OuterRef("pk") if hamlet is None else hamlet
    return ChiefElection.objects.filter(hamlet=hamlet, term=term, held_on__lte=as_of).order_by("-held_on")


def with_results(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    """The hamlets the term's figures count on ``as_of``, with their record in force
    (``term_kind``, ``term_special_area``, ``term_project01``, ``term_party_members``,
    ``has_cell``) and their results: a congress only where the record says the hamlet
    has a cell, as the figures count it."""
    from .figures import counted_hamlets  # figures reads elections_until from here

    congress = Congress.objects.filter(cell__hamlet=OuterRef("pk"), term=term, held_on__lte=as_of)
    latest = elections_until(term, as_of)

    def with_cell(value: Subquery, field: object) -> Case:
        return Case(When(has_cell=True, then=value), default=None, output_field=field)

    record = {name: F(f"term_records__{field}") for name, field in RECORD_ANNOTATIONS.items()}
    return counted_hamlets(hamlets, term, as_of).annotate(**record).annotate(
        congress_held_on=with_cell(Subquery(congress.values("held_on")[:1]), DateField()),
        secretary=with_cell(Subquery(congress.values("secretary")[:1]), CharField()),
        deputy_secretary=with_cell(Subquery(congress.values("deputy_secretary")[:1]), CharField()),
        chief_elected_on=Subquery(latest.values("held_on")[:1]),
        chief=Subquery(latest.values("chief")[:1]),
        chief_member_since=Subquery(latest.values("chief_member_since")[:1]),
        chief_party_role=Subquery(latest.values("chief_party_role")[:1]),
    ).annotate(
        # NULL (never admitted) must read as "not a member", not as unknown
        chief_is_member=Case(When(chief_member_since__lte=as_of, then=Value(True)), default=Value(False),
                             output_field=BooleanField()),
    )
