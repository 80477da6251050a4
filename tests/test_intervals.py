"""The interval columns (``elections.intervals``) never disagree with a recount, whatever the path
that wrote: model saves and deletes, the import's bulk writer, admin changes."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from elections import intervals
from elections.models import ChiefElection, HamletTerm
from tests.factories import ChiefElectionFactory, HamletFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_saves_and_deletes_keep_the_intervals_in_step():
    old, new = TermFactory(), TermFactory(start_year=2025, end_year=2027)
    rng = random.Random(7)
    hamlets = [HamletFactory(term=old) for _ in range(6)]
    made = []
    for _ in range(40):
        hamlet = rng.choice(hamlets)
        term = rng.choice([old, new])
        day = dt.date(2022 if term is old else 2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
        if not ChiefElection.objects.filter(hamlet=hamlet, term=term, held_on=day).exists():
            made.append(ChiefElectionFactory(hamlet=hamlet, term=term, held_on=day))
        if rng.random() < 0.3 and made:
            made.pop(rng.randrange(len(made))).delete()
        if rng.random() < 0.2 and made:
            moved = rng.choice(made)
            moved.held_on -= dt.timedelta(days=rng.randrange(1, 90))
            if not ChiefElection.objects.filter(hamlet=moved.hamlet, term=moved.term, held_on=moved.held_on).exists():
                moved.save()
        if rng.random() < 0.3:
            HamletTerm.objects.get_or_create(hamlet=rng.choice(hamlets), term=new)
        assert intervals.mismatches() == []
    assert ChiefElection.objects.filter(until__isnull=False).exists()
    assert HamletTerm.objects.filter(until_year=2025).exists()


def test_mismatches_finds_a_stale_interval():
    term = TermFactory()
    first = ChiefElectionFactory(term=term, held_on=dt.date(2022, 5, 1))
    ChiefElectionFactory(hamlet=first.hamlet, term=term, held_on=dt.date(2023, 5, 1))
    assert intervals.mismatches() == []
    ChiefElection.objects.filter(pk=first.pk).update(until=None)  # a write that bypassed the upkeep
    assert len(intervals.mismatches()) == 1
    intervals.relink([first.hamlet_id])
    assert intervals.mismatches() == []
