"""Each hamlet's results for one term as of one date, as annotations.

The hamlet list, its filters and its exports show, per hamlet, the congress
and the chief in office on the date; ``with_results`` adds them with
correlated subqueries, so the list stays one query whatever its length.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Subquery, Value, When

from hamlets.models import Hamlet, PartyCell

from .models import ChiefElection, Congress, Term


def elections_until(term: Term, as_of: dt.date, hamlet: object = None) -> QuerySet[ChiefElection]:
    """The hamlet's elections of ``term`` held on or before ``as_of``, latest first."""
    hamlet = OuterRef("pk") if hamlet is None else hamlet
    return ChiefElection.objects.filter(hamlet=hamlet, term=term, held_on__lte=as_of).order_by("-held_on")


def with_results(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    congress = Congress.objects.filter(cell__hamlet=OuterRef("pk"), term=term, held_on__lte=as_of)
    latest = elections_until(term, as_of)
    return hamlets.annotate(
        has_cell=Exists(PartyCell.objects.filter(hamlet=OuterRef("pk"), active=True)),
        congress_held_on=Subquery(congress.values("held_on")[:1]),
        secretary=Subquery(congress.values("secretary")[:1]),
        deputy_secretary=Subquery(congress.values("deputy_secretary")[:1]),
        chief_elected_on=Subquery(latest.values("held_on")[:1]),
        chief=Subquery(latest.values("chief")[:1]),
        chief_member_since=Subquery(latest.values("chief_member_since")[:1]),
        chief_party_role=Subquery(latest.values("chief_party_role")[:1]),
    ).annotate(
        # NULL (never admitted) must read as "not a member", not as unknown
        chief_is_member=Case(When(chief_member_since__lte=as_of, then=Value(True)), default=Value(False),
                             output_field=BooleanField()),
    )
