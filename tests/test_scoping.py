"""The one scoping rule, for every scoped model, with the personas of the brief."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from elections.models import AdmissionTarget, ChiefElection, Congress, Target
from hamlets.models import Commune, District, Hamlet, PartyCell, PartyMember, Province
from hamlets.scoping import Scope
from tests.factories import (
    ChiefElectionFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    PartyMemberFactory,
    ProvinceFactory,
    TargetFactory,
)
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(term):
    """Two districts of one province, one district of another, data in each."""
    home = ProvinceFactory(name="Tỉnh Nghệ An")
    away = ProvinceFactory(name="Tỉnh Điện Biên")
    mine, neighbour = DistrictFactory(province=home), DistrictFactory(province=home)
    far = DistrictFactory(province=away)
    rows = {}
    for d in (mine, neighbour, far):
        hamlet = HamletFactory(commune__district=d)
        CongressFactory(cell__hamlet=hamlet, term=term)
        ChiefElectionFactory(hamlet=hamlet, term=term)
        PartyMemberFactory(hamlet=hamlet)
        AdmissionTarget.objects.create(district=d, year=2024, target=10)
        TargetFactory(province=d.province, district=d, term=term)
        rows[d.pk] = hamlet
    TargetFactory(province=home, district=None, term=term)
    return {"home": home, "away": away, "mine": mine, "neighbour": neighbour, "far": far, "hamlets": rows}


SCOPED = [Hamlet, PartyCell, PartyMember, Congress, ChiefElection, AdmissionTarget]


DISTRICT_PATHS = {Hamlet: "commune__district", PartyCell: "hamlet__commune__district",
                  PartyMember: "hamlet__commune__district", Congress: "cell__hamlet__commune__district",
                  ChiefElection: "hamlet__commune__district", AdmissionTarget: "district", District: "",
                  Commune: "district"}


def districts_seen(model, user) -> set[int]:
    path = DISTRICT_PATHS[model]
    field = f"{path}__pk" if path else "pk"
    return set(model.objects.restrict(user).values_list(field, flat=True))


@pytest.mark.parametrize("model", SCOPED + [District, Commune])
def test_district_board_sees_its_district_only(world, model):
    if model is Commune:
        for d in (world["mine"], world["neighbour"]):
            assert Commune.objects.filter(district=d).exists()
    user = make_user("board", district=world["mine"])
    assert districts_seen(model, user) == {world["mine"].pk}


@pytest.mark.parametrize("model", SCOPED)
def test_provincial_staff_see_their_province_only(world, model):
    user = make_user("staff", province=world["home"])
    assert districts_seen(model, user) == {world["mine"].pk, world["neighbour"].pk}


@pytest.mark.parametrize("model", SCOPED)
def test_administrator_sees_everything_and_strangers_nothing(world, model):
    admin = make_user("root", superuser=True)
    assert len(districts_seen(model, admin)) == 3
    assert districts_seen(model, make_user("nobody")) == set()
    assert districts_seen(model, AnonymousUser()) == set()


def test_targets_district_board_sees_province_wide_and_its_own(world):
    user = make_user("board", district=world["mine"])
    seen = {(t.province_id, t.district_id) for t in Target.objects.restrict(user)}
    assert seen == {(world["home"].pk, None), (world["home"].pk, world["mine"].pk)}
    staff = make_user("staff", province=world["home"])
    assert Target.objects.restrict(staff).count() == 3
    assert Province.objects.restrict(user).get() == world["home"]


def test_scope_rights():
    assert Scope(district_id=1, province_id=1).can_edit_results
    assert not Scope(province_id=1).can_edit_results
    assert Scope(province_id=1, editor=True).can_edit_results
    assert Scope(province_id=1).can_set_targets and not Scope(district_id=1, province_id=1).can_set_targets
    assert Scope().nothing and not Scope().can_edit_results
