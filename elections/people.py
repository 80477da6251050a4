"""Each hamlet's people facts for a term on a date (``domain.md`` items 8-11), as annotations.

``people_facts`` adds to the hamlets a term's figures count (``figures.counted_hamlets``)
the chief in office on the date (the term's latest election held on or before it) with
his or her profile and membership, the congress (active cell, held on or before the
date) with the secretary's profile, the chief's development plan (same folded name,
started on or before the date) with its last step, and whether last year's evaluation
rated that chief "not completed". Every fact is one correlated subquery per hamlet, so
nothing multiplies rows; ``IN_OFFICE`` and friends are the conditions the figures, the
lists and the officials' counts all use.

    facts = people_facts(Hamlet.objects.restrict(user), term, as_of)
    facts.filter(NON_MEMBER).exclude(WITH_PLAN)   # non-member chiefs without a plan
    facts.filter(stalled(as_of))                  # plans without a step for 180 days
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest

from hamlets.models import Hamlet

from .models import Congress, Term
from .people_models import STALLED_AFTER_DAYS, ChiefEvaluation, ChiefPlan, Rating
from .results import elections_until

# A chief in office: the hamlet has an election of the term on or before the date.
IN_OFFICE = Q(p_elected_on__isnull=False)
# ... who is a Party member on the date (``p_member`` is worked out against the date).
MEMBER = IN_OFFICE & Q(p_member=True)
NON_MEMBER = IN_OFFICE & Q(p_member=False)
# ... with a development plan of the term, for that chief, started on or before the date.
WITH_PLAN = NON_MEMBER & Q(p_plan_step__isnull=False)
# ... rated "not completed" for the year before the date's.
NOT_COMPLETED = IN_OFFICE & Q(p_not_completed=True)
# A congress completed (item 3's numerator): an active cell whose congress was held on or before the date.
CONGRESS = Q(p_cell=True, p_congress_on__isnull=False)


def stalled(as_of: dt.date) -> Q:
    """Plans without a step for more than 180 days on ``as_of`` (180 days is not stalled, 181 is)."""
    return WITH_PLAN & Q(p_plan_step__lt=as_of - dt.timedelta(days=STALLED_AFTER_DAYS))


def aged(as_of: dt.date, at_least: int | None = None, under: int | None = None) -> Q:
    """Chiefs in office whose age on ``as_of`` (its year minus the birth year) is at least / under a bound."""
    condition = IN_OFFICE & Q(p_birth_year__isnull=False)
    if at_least is not None:
        condition &= Q(p_birth_year__lte=as_of.year - at_least)
    if under is not None:
        condition &= Q(p_birth_year__gt=as_of.year - under)
    return condition


def plan_step(as_of: dt.date) -> Greatest:
    """A plan's last step on ``as_of``: the latest of its start, course and application dates on or before it."""
    def step(field: str) -> Case:
        return Case(When(**{f"{field}__lte": as_of}, then=F(field)), default=F("started_on"),
                    output_field=DateField())
    return Greatest("started_on", step("course_on"), step("application_on"), output_field=DateField())


def people_facts(hamlets: QuerySet[Hamlet], term: Term, as_of: dt.date) -> QuerySet[Hamlet]:
    """The hamlets the term's figures count on ``as_of``, with their people facts (``p_...``)."""
    from .figures import counted_hamlets  # figures imports from results, as this module does

    latest = elections_until(term, as_of)
    congress = Congress.objects.filter(cell__hamlet=OuterRef("pk"), term=term, held_on__lte=as_of)
    plans = ChiefPlan.objects.filter(hamlet=OuterRef("pk"), term=term, chief_key=OuterRef("p_chief_key"),
                                     started_on__lte=as_of).order_by()  # one per chief: no ordering joins
    evaluations = ChiefEvaluation.objects.filter(hamlet=OuterRef("pk"), year=as_of.year - 1,
                                                 chief_key=OuterRef("p_chief_key"), rating=Rating.NOT_COMPLETED)

    def of_chief(field: str) -> Subquery:
        return Subquery(latest.values(field)[:1])

    def of_congress(field: str) -> Subquery:
        return Subquery(congress.values(field)[:1])

    return counted_hamlets(hamlets, term, as_of).annotate(
        p_elected_on=of_chief("held_on"),
        p_chief=of_chief("chief"),
        p_chief_key=of_chief("chief_key"),
        p_member_since=of_chief("chief_member_since"),
        p_birth_year=of_chief("chief_birth_year"),
        p_gender=of_chief("chief_gender"),
        p_minority=of_chief("chief_minority"),
        p_cell=F("term_records__party_cell"),
        p_congress_on=of_congress("held_on"),
        p_secretary=of_congress("secretary"),
        p_secretary_gender=of_congress("secretary_gender"),
        p_secretary_minority=of_congress("secretary_minority"),
    ).annotate(
        # NULL (never admitted) reads as "not a member"
        p_member=Case(When(p_member_since__lte=as_of, then=Value(True)), default=Value(False),
                      output_field=BooleanField()),
        p_plan_mentor=Subquery(plans.values("mentor")[:1], output_field=CharField()),
        p_plan_step=Subquery(plans.annotate(step=plan_step(as_of)).values("step")[:1], output_field=DateField()),
        p_not_completed=Exists(evaluations),
    )
