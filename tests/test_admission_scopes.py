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


def test_a_users_admissions_by_scope_are_those_of_the_members_they_see(world):
    """``scope=`` (the dashboards and the report): on PostgreSQL each hamlet's admissions counted apart
    (``per_hamlet``, a plan an ``ANALYZE`` cannot flip), elsewhere the members the user sees; the same rows
    as counting ``PartyMember.objects.restrict`` by hand, by 2025 commune and by district, over several
    years, sitting chiefs included, for every persona and unit."""
    from elections.admissions import admissions
    from hamlets.models import District

    for number, hamlet in enumerate(Hamlet.objects.order_by("pk")):
        for day in (dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2025, 7, 31), dt.date(2025, 8, 2))[
                :1 + number % 4]:
            PartyMemberFactory(hamlet=hamlet, admitted_on=day, sitting_chief=(number + day.day) % 3 == 0)
    day = dt.date(2025, 8, 1)
    districts = District.objects.filter(pk__in=Hamlet.objects.values("commune__district"))
    for user in world.users.values():
        from hamlets.scoping import Scope

        scope, members = Scope.of(user), PartyMember.objects.restrict(user)
        for hamlets in scopes(world):
            assert admissions_by_commune(hamlets, day, scope=scope, first_year=2024) == admissions_by_commune(
                hamlets, day, members=members, first_year=2024), (user, hamlets.query)
        assert admissions(districts, day, scope=scope, first_year=2024) == admissions(
            districts, day, members=members, first_year=2024), user
    everyone = admissions_by_commune(Hamlet.objects.all(), day, scope=Scope.of(world.users["admin"]),
                                     first_year=2024)
    assert sum(r.admitted for r in everyone) == PartyMember.objects.filter(admitted_on__lte=day).count()
    assert sum(r.sitting_chiefs for r in everyone) > 0


def test_a_provinces_admissions_by_scope_count_each_hamlet_apart_on_postgresql(world):
    from hamlets.scoping import Scope

    PartyMemberFactory(hamlet=Hamlet.objects.in_province(world.new_province).first(), admitted_on=dt.date(2025, 2, 1))
    with CaptureQueriesContext(connection) as captured:
        rows = admissions_by_commune(Hamlet.objects.in_province(world.new_province), dt.date(2025, 8, 1),
                                     scope=Scope.of(world.users["admin"]), first_year=2025)
    assert sum(r.admitted for r in rows) == 1
    counted = [q["sql"] for q in captured.captured_queries if PartyMember._meta.db_table in q["sql"]]
    assert len(counted) == 1 and ("LATERAL" in counted[0]) == (connection.vendor == "postgresql")


def test_a_day_before_the_terms_first_year_counts_nothing(world):
    """As of a day before the term's first year (the dashboard clamps far dates to such days) no admission is
    counted, and nothing fails; a later first year counts what lies in range."""
    from hamlets.scoping import Scope

    PartyMemberFactory(hamlet=Hamlet.objects.first(), admitted_on=dt.date(2024, 3, 1))
    admin = Scope.of(world.users["admin"])

    def admitted(first_year: int) -> int:
        return sum(r.admitted for r in admissions_by_commune(Hamlet.objects.all(), dt.date(2024, 8, 1), scope=admin,
                                                            first_year=first_year))

    in_range = PartyMember.objects.filter(admitted_on__range=(dt.date(2022, 1, 1), dt.date(2024, 8, 1))).count()
    assert (admitted(2025), admitted(2022)) == (0, in_range) and in_range >= 1
