"""Admissions of a set of hamlets read the members through their hamlets' own unit columns when the set is
a scope said on units (``admissions.members_of``): the same members, and the same admissions, as filtering by
the hamlets' ids, for every persona's scope and every unit a dashboard or report names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from elections.admissions import admissions_by_commune, members_of
from hamlets.models import Hamlet, PartyMember
from tests.factories import PartyMemberFactory

pytestmark = pytest.mark.django_db


def scopes(world) -> list:
    hamlets = Hamlet.objects.all()
    said = [hamlets.restrict(user) for user in world.users.values()]
    said += [hamlets.in_province(world.home), hamlets.in_province(world.new_province),
             hamlets.filter(commune__district=world.mine), hamlets.in_province(world.new_province).unplaced(),
             hamlets.filter(new_commune=world.communes["hoanh_son"]),
             hamlets.restrict(world.users["outsider"]).in_province(world.home),
             hamlets.filter(pk__in=[world.hamlets["mine"].pk, world.hamlets["ha_tan"].pk])]
    other = [hamlets.filter(name__startswith="Bản"),
             hamlets.filter(Q(commune__district=world.mine) | Q(province=world.new_province))]
    return said + other


def test_the_members_of_every_scope_are_those_of_its_hamlets(world):
    for hamlet in Hamlet.objects.all():
        PartyMemberFactory(hamlet=hamlet, admitted_on=dt.date(2025, 2, 1), sitting_chief=hamlet.pk % 2 == 0)
    members = PartyMember.objects.all()
    for scope in scopes(world):
        expected = set(members.filter(hamlet__in=scope.values("pk")).values_list("pk", flat=True))
        assert set(members_of(scope, members).values_list("pk", flat=True)) == expected, scope.query
        day = dt.date(2025, 8, 1)
        by_ids = admissions_by_commune(scope, day, members=members.filter(hamlet__in=scope.values("pk")),
                                       first_year=2024)
        assert admissions_by_commune(scope, day, members=members, first_year=2024) == by_ids
    assert any(row.admitted for row in admissions_by_commune(Hamlet.objects.all(), dt.date(2025, 8, 1),
                                                             first_year=2024))


def test_a_provinces_admissions_read_its_hamlets_by_their_province(world):
    PartyMemberFactory(hamlet=world.hamlets["mine"], admitted_on=dt.date(2025, 2, 1))
    with CaptureQueriesContext(connection) as captured:
        admissions_by_commune(Hamlet.objects.in_province(world.new_province), dt.date(2025, 8, 1), first_year=2025)
    counted = [q["sql"] for q in captured.captured_queries if PartyMember._meta.db_table in q["sql"]]
    assert len(counted) == 1 and "IN (SELECT" not in counted[0]
