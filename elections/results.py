"""Each hamlet's results for one term as of one date, as annotations.

The hamlet list, its filters and its exports show, per hamlet, the congress
and the chief in office on the date; ``with_results`` adds them with joins,
so an export stays one query whatever its length. ``with_record`` is the
same list without the results: a list page counts and orders it, then reads
its own rows' results only (``hamlet_pages``, ``cadre_tracker.page_rows``).

The hamlets listed and their attributes are those the figures count
(``figures.counted_hamlets``): only hamlets with a record for the term or an
earlier one, each with the record in force, so a drill-down from a figure
lists exactly the hamlets that figure counted.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, F, FilteredRelation, OuterRef, Q, QuerySet, Value, When

from hamlets.models import Hamlet

from .models import ChiefElection, Term

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


def in_office(term: Term, as_of: dt.date) -> FilteredRelation:
    """Join a hamlet to its chief in office on ``as_of`` for ``term``: the election with
    ``held_on <= as_of < until`` (``elections.intervals``), at most one row per hamlet."""
    return FilteredRelation("chief_elections", condition=Q(
        chief_elections__term=term, chief_elections__held_on__lte=as_of)
        & (Q(chief_elections__until__isnull=True) | Q(chief_elections__until__gt=as_of)))


def congress_held(term: Term, as_of: dt.date) -> FilteredRelation:
    """Join a hamlet (through its one cell) to its congress of ``term`` held on or before ``as_of``
    (one per cell and term: at most one row per hamlet)."""
    return FilteredRelation("party_cell__congresses", condition=Q(
        party_cell__congresses__term=term, party_cell__congresses__held_on__lte=as_of))


# The results ``add_results`` joins in (a congress, the chief in office): what a page works out for its
# own rows only (``hamlet_pages``); the record's attributes above come with the hamlets themselves.
RESULT_ANNOTATIONS = ("congress_held_on", "secretary", "deputy_secretary", "chief_elected_on", "chief",
                      "chief_member_since", "chief_party_role", "chief_is_member")


def with_record(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    """The hamlets the term's figures count on ``as_of``, with their record in force (``term_kind``,
    ``term_special_area``, ``term_project01``, ``term_party_members``, ``has_cell``): one inner join,
    no results, so counting, filtering on the record and ordering by name or unit stay cheap."""
    from .figures import counted_hamlets  # figures reads elections_until from here

    record = {name: F(f"term_records__{field}") for name, field in RECORD_ANNOTATIONS.items()}
    return counted_hamlets(hamlets, term, as_of).annotate(**record)


def with_results(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    """``with_record`` and the results (``RESULT_ANNOTATIONS``): a congress only where the record says the
    hamlet has a cell, as the figures count it. Plain joins, so a page of rows costs no more
    than its rows."""
    return add_results(with_record(hamlets, term, as_of), term, as_of)


def add_results(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    """The results of hamlets already ``with_record``: the congress and the chief in office (joins)."""

    def with_cell(field: str) -> Case:
        return Case(When(has_cell=True, then=F(f"held__{field}")), default=None)

    return hamlets.annotate(office=in_office(term, as_of), held=congress_held(term, as_of)).annotate(
        congress_held_on=with_cell("held_on"),
        secretary=with_cell("secretary"),
        deputy_secretary=with_cell("deputy_secretary"),
        chief_elected_on=F("office__held_on"),
        chief=F("office__chief"),
        chief_member_since=F("office__chief_member_since"),
        chief_party_role=F("office__chief_party_role"),
    ).annotate(
        # NULL (never admitted) must read as "not a member", not as unknown
        chief_is_member=Case(When(chief_member_since__lte=as_of, then=Value(True)), default=Value(False),
                             output_field=BooleanField()),
    )
