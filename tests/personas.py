"""The people every view is tested with (healthchecks' pattern).

``world`` builds two districts of one province and one district of another,
each with a hamlet holding a cell, a congress, an election and an admission,
and these users: ``board`` and ``colleague`` (district board, same district),
``neighbour`` (district board, other district, same province), ``staff``
(provincial staff, read-only), ``editor`` (provincial staff with the editor
right), ``outsider`` (provincial staff of the other province) and ``admin``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.test import Client

from elections.models import AdmissionTarget, ChiefElection, Congress, Term
from hamlets.models import District, Hamlet, Province, UserScope
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    PartyMemberFactory,
    ProvinceFactory,
    TargetFactory,
)

PASSWORD = "Xóm-3-mật-khẩu-dài"


def make_user(name: str, *, province: Province | None = None, district: District | None = None,
              editor: bool = False, superuser: bool = False) -> User:
    user = User.objects.create_user(name, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if province or district:
        UserScope.objects.create(user=user, province=province or district.province, district=district,
                                 editor=editor)
    return user


@dataclass
class World:
    term: Term
    home: Province
    away: Province
    mine: District
    neighbour: District
    far: District
    hamlets: dict[str, Hamlet] = field(default_factory=dict)
    congresses: dict[str, Congress] = field(default_factory=dict)
    elections: dict[str, ChiefElection] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


def build_world(term: Term) -> World:
    home = ProvinceFactory(name="Tỉnh Nghệ An")
    away = ProvinceFactory(name="Tỉnh Điện Biên")
    world = World(term, home, away, DistrictFactory(province=home, name="Huyện Thanh Chương"),
                  DistrictFactory(province=home, name="Huyện Quỳ Hợp"), DistrictFactory(province=away,
                                                                                         name="Huyện Nậm Pồ"))
    for key, district, name in (("mine", world.mine, "Xóm Đồng Hòa"), ("neighbour", world.neighbour, "Bản Mới"),
                                ("far", world.far, "Bản Nậm Củng")):
        hamlet = HamletFactory(name=name, commune=CommuneFactory(district=district, name=f"Xã {key.title()}"))
        world.hamlets[key] = hamlet
        world.congresses[key] = CongressFactory(cell__hamlet=hamlet, term=term, held_on=dt.date(2022, 5, 30),
                                                secretary=f"Bí thư {key}", deputy_secretary=f"Phó {key}")
        world.elections[key] = ChiefElectionFactory(hamlet=hamlet, term=term, held_on=dt.date(2022, 6, 15),
                                                    chief=f"Trưởng {key}", chief_member_since=dt.date(2010, 1, 1),
                                                    chief_party_role="deputy")
        world.elections[key].chief = f"Phó {key}"
        world.elections[key].save()
        PartyMemberFactory(hamlet=hamlet, full_name=f"Đảng viên {key}", admitted_on=dt.date(2024, 3, 3))
        AdmissionTarget.objects.create(district=district, year=2024, target=5)
    TargetFactory(province=home, term=term, metric="Chiefs who are Party members", percent=100)
    world.users = {
        "board": make_user("board", district=world.mine),
        "colleague": make_user("colleague", district=world.mine),
        "neighbour": make_user("neighbour", district=world.neighbour),
        "staff": make_user("staff", province=home),
        "editor": make_user("editor", province=home, editor=True),
        "outsider": make_user("outsider", province=away),
        "admin": make_user("admin", superuser=True),
    }
    return world
