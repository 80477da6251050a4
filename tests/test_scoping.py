"""The one scoping rule, for every scoped model, with the personas of the brief."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target
from hamlets.models import Commune, District, Hamlet, PartyCell, PartyMember, Province
from hamlets.scoping import FULL_SCOPE, Scope
from tests.factories import (
    ChiefElectionFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    NewCommuneFactory,
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


@pytest.mark.parametrize("model", SCOPED + [District, Commune])
def test_central_staff_see_every_province_as_an_administrator_does(world, model):
    central = make_user("central", national=True)
    assert districts_seen(model, central) == districts_seen(model, make_user("root", superuser=True))
    assert len(districts_seen(model, central)) == 3
    assert Target.objects.restrict(central).count() == Target.objects.count() == 4
    assert set(Province.objects.restrict(central)) == {world["home"], world["away"]}


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
    central = Scope(national=True)
    assert not central.nothing and central.sees_all and central.hamlet_q("hamlet") == Scope(everything=True).hamlet_q()
    assert not (central.can_edit_results or central.can_set_targets or central.can_place_any)


# --- commune Party committees (2025 list) ----------------------------------------------------------

@pytest.fixture
def communes(term):
    """A 2025 province (the earlier one merged into it) with two communes, a hamlet placed in each
    (with a cell, congress, election, member, record and targets) and one unplaced hamlet."""
    from tests.factories import CommuneFactory, NewProvinceFactory, succeed

    new = NewProvinceFactory(name="Tỉnh Hà Tĩnh")
    earlier = ProvinceFactory(name="Tỉnh Hà Tĩnh", successor=new)
    district = DistrictFactory(province=earlier)
    mine, other = NewCommuneFactory(province=new), NewCommuneFactory(province=new)
    hamlets = {}
    for key, commune in (("mine", mine), ("other", other)):
        old = CommuneFactory(district=district)
        succeed(old, commune)
        hamlet = HamletFactory(commune=old, term=term)
        CongressFactory(cell__hamlet=hamlet, term=term)
        ChiefElectionFactory(hamlet=hamlet, term=term)
        PartyMemberFactory(hamlet=hamlet)
        AdmissionTarget.objects.create(commune=commune, year=2026, target=4)
        TargetFactory(province=new, commune=commune, term=term)
        hamlets[key] = hamlet
    split = CommuneFactory(district=district)
    succeed(split, mine, other)
    hamlets["unplaced"] = HamletFactory(commune=split, term=term)
    TargetFactory(province=new, term=term)
    return {"new": new, "earlier": earlier, "district": district, "mine": mine, "other": other, "hamlets": hamlets}


def hamlets_seen(model, user) -> set[int]:
    from hamlets.scoping import ScopedQuerySet

    path = model.objects.all().hamlet_path if isinstance(model.objects.all(), ScopedQuerySet) else ""
    field = f"{path}__pk" if path else "pk"
    return set(model.objects.restrict(user).values_list(field, flat=True))


@pytest.mark.parametrize("model", [Hamlet, PartyCell, PartyMember, Congress, ChiefElection, HamletTerm])
def test_commune_board_sees_the_hamlets_placed_in_its_commune_only(communes, model):
    board = make_user("hs", commune=communes["mine"])
    assert hamlets_seen(model, board) == {communes["hamlets"]["mine"].pk}
    everything = hamlets_seen(model, FULL_SCOPE)
    assert communes["hamlets"]["other"].pk in everything
    assert hamlets_seen(model, make_user("ht", province=communes["new"])) == everything
    assert hamlets_seen(model, make_user("tx", district=communes["district"])) == everything
    assert hamlets_seen(model, make_user("far", commune=NewCommuneFactory())) == set()


def test_commune_board_units_and_targets(communes):
    board = make_user("hs", commune=communes["mine"])
    assert list(Commune.objects.restrict(board)) == [communes["mine"]]
    assert not District.objects.restrict(board).exists()  # the 2025 layout only
    assert communes["new"] in Province.objects.restrict(board)
    assert {(t.commune_id) for t in Target.objects.restrict(board)} == {None, communes["mine"].pk}
    assert [a.commune_id for a in AdmissionTarget.objects.restrict(board)] == [communes["mine"].pk]
    staff = make_user("ht", province=communes["earlier"])  # named by the earlier province: the 2025 one
    assert staff.scope.province == communes["new"]
    assert set(Province.objects.restrict(staff)) == {communes["new"], communes["earlier"]}
    assert Target.objects.restrict(staff).count() == 3
    assert AdmissionTarget.objects.restrict(staff).count() == 2


def test_placing_a_hamlet_brings_it_into_the_commune_scope(communes):
    board = make_user("hs", commune=communes["mine"])
    hamlet = communes["hamlets"]["unplaced"]
    assert not Hamlet.objects.restrict(board).filter(pk=hamlet.pk).exists()
    hamlet.new_commune = communes["mine"]
    hamlet.save()
    assert Congress.objects.restrict(board).count() == 1  # the unplaced hamlet had none
    assert set(Hamlet.objects.restrict(board)) == {communes["hamlets"]["mine"], hamlet}


def test_commune_scope_rights():
    commune = Scope(commune_id=1, province_id=1)
    assert commune.is_commune and commune.is_board and not commune.is_province and not commune.is_district
    assert commune.can_edit_results and not commune.can_set_targets and not commune.can_place_any
    assert Scope(province_id=1).can_place_any and Scope(everything=True).can_place_any
    assert not Scope(district_id=1, province_id=1).can_place_any
