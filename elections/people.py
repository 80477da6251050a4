"""Each hamlet's people facts for a term on a date (``domain.md`` items 8-11), as annotations.

``people_facts`` adds to the hamlets a term's figures count (``figures.counted_hamlets``)
the chief in office on the date (the term's latest election held on or before it) with
his or her profile and membership, the congress (active cell, held on or before the
date) with the secretary's profile (both plain joins of at most one row, ``results``),
the chief's development plan (same folded name, started on or before the date) with
its last step, and whether last year's evaluation rated that chief "not completed"
(correlated subqueries on the chief's key); nothing multiplies rows. ``IN_OFFICE`` and
friends are the conditions the figures, the lists and the officials' counts all use.

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

from .models import Term
from .people_models import STALLED_AFTER_DAYS, ChiefEvaluation, ChiefPlan, Rating
from .results import congress_held, in_office

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

    # (no default ordering in the subqueries: it would join the hamlet and its units for nothing)
    plans = ChiefPlan.objects.order_by().filter(hamlet=OuterRef("pk"), term=term,
                                                chief_key=OuterRef("p_chief_key"), started_on__lte=as_of)
    evaluations = ChiefEvaluation.objects.order_by().filter(
        hamlet=OuterRef("pk"), year=as_of.year - 1, chief_key=OuterRef("p_chief_key"), rating=Rating.NOT_COMPLETED)
    chief = {f"p_{name}": F(f"office__{field}") for name, field in (
        ("elected_on", "held_on"), ("chief", "chief"), ("chief_key", "chief_key"),
        ("member_since", "chief_member_since"), ("birth_year", "chief_birth_year"), ("gender", "chief_gender"),
        ("minority", "chief_minority"))}
    secretary = {f"p_{name}": F(f"held__{field}") for name, field in (
        ("congress_on", "held_on"), ("secretary", "secretary"), ("secretary_gender", "secretary_gender"),
        ("secretary_minority", "secretary_minority"))}
    return counted_hamlets(hamlets, term, as_of).annotate(
        office=in_office(term, as_of), held=congress_held(term, as_of)).annotate(
        **chief, **secretary, p_cell=F("term_records__party_cell"),
    ).annotate(
        # NULL (never admitted) reads as "not a member"
        p_member=Case(When(p_member_since__lte=as_of, then=Value(True)), default=Value(False),
                      output_field=BooleanField()),
        p_plan_mentor=Subquery(plans.values("mentor")[:1], output_field=CharField()),
        p_plan_step=Subquery(plans.annotate(step=plan_step(as_of)).values("step")[:1], output_field=DateField()),
        p_not_completed=Exists(evaluations),
    )
