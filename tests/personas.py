"""The people every view is tested with (healthchecks' pattern).

``world`` builds two districts of one province and one district of another,
each with a hamlet holding a cell, a congress, an election and an admission,
and these users: ``board`` and ``colleague`` (district board, same district),
``neighbour`` (district board, other district, same province), ``staff``
(provincial staff, read-only), ``editor`` (provincial staff with the editor
right), ``outsider`` (provincial staff of the other province), ``national``
(central staff: every province, read-only) and ``admin``.

It also builds a 2025 province world (``build_new_world``): Tỉnh Hà Tĩnh of
the 2025 list, into which the earlier Tỉnh Hà Tĩnh merged, with the earlier
Thị xã Kỳ Anh's communes converted into three phường: Xã Kỳ Nam went wholly
into Phường Hoành Sơn, Xã Kỳ Hà into Phường Sông Trí, Xã Kỳ Lợi was split
among all three and Xã Kỳ Long between Sông Trí and Vũng Áng. Hamlets:
``nam_son`` (placed in Hoành Sơn) and ``ha_tan`` (placed in Sông Trí), each
with a cell, a congress, an election, an admission and targets; ``dong_yen``
(Kỳ Lợi, unplaced: Hoành Sơn is a candidate) and ``long_son`` (Kỳ Long,
unplaced: Hoành Sơn is not). Users: ``commune_board`` and
``commune_colleague`` (Đảng ủy Phường Hoành Sơn), ``other_commune`` (Đảng ủy
Phường Sông Trí), ``ht_staff`` and ``ht_editor`` (provincial staff of the
2025 Hà Tĩnh, read-only and editor) and ``ky_anh_board`` (district board of
the earlier Thị xã Kỳ Anh).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.test import Client

from elections.models import AdmissionTarget, ChiefElection, Congress, Term
from hamlets.models import Commune, District, Hamlet, Province, UserScope
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    PartyMemberFactory,
    ProvinceFactory,
    TargetFactory,
    succeed,
)

PASSWORD = "Xóm-3-mật-khẩu-dài"


def make_user(name: str, *, province: Province | None = None, district: District | None = None,
              commune: Commune | None = None, editor: bool = False, superuser: bool = False,
              national: bool = False) -> User:
    user = User.objects.create_user(name, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if national:  # central staff: no unit
        UserScope.objects.create(user=user, national=True)
    elif province or district or commune:
        unit = district or commune
        UserScope.objects.create(user=user, province=unit.province if unit else province, district=district,
                                 commune=commune, editor=editor)
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
    new_province: Province | None = None  # the 2025 list's Tỉnh Hà Tĩnh
    communes: dict[str, Commune] = field(default_factory=dict)  # its phường: hoanh_son, song_tri, vung_ang
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
        "national": make_user("national", national=True),
        "admin": make_user("admin", superuser=True),
    }
    build_new_world(world)
    return world


# The hamlets of the 2025 world: key, earlier commune, name; the first two are placed.
NEW_HAMLETS = (("nam_son", "ky_nam", "Tổ dân phố Nam Sơn"), ("ha_tan", "ky_ha", "Thôn Hà Tân"),
               ("dong_yen", "ky_loi", "Thôn Đông Yên"), ("long_son", "ky_long", "Thôn Long Sơn"))
LABELS = {"nam_son": "Nam Sơn", "ha_tan": "Hà Tân"}  # in the names of their secretary, chief, member


def build_new_world(world: World) -> None:
    """The 2025 province world of the module docstring, added to ``world``."""
    new = NewProvinceFactory(name="Tỉnh Hà Tĩnh")
    earlier = ProvinceFactory(name="Tỉnh Hà Tĩnh", successor=new)
    ky_anh = DistrictFactory(province=earlier, name="Thị xã Kỳ Anh", division_type="thị xã")
    world.new_province = new
    world.communes = {key: NewCommuneFactory(province=new, name=name, division_type="phường") for key, name in (
        ("hoanh_son", "Phường Hoành Sơn"), ("song_tri", "Phường Sông Trí"), ("vung_ang", "Phường Vũng Áng"))}
    old = {key: CommuneFactory(district=ky_anh, name=name) for key, name in (
        ("ky_nam", "Xã Kỳ Nam"), ("ky_ha", "Xã Kỳ Hà"), ("ky_loi", "Xã Kỳ Lợi"), ("ky_long", "Xã Kỳ Long"))}
    c = world.communes
    succeed(old["ky_nam"], c["hoanh_son"])
    succeed(old["ky_ha"], c["song_tri"])
    succeed(old["ky_loi"], c["hoanh_son"], c["song_tri"], c["vung_ang"])
    succeed(old["ky_long"], c["song_tri"], c["vung_ang"])
    for key, commune, name in NEW_HAMLETS:
        world.hamlets[key] = HamletFactory(name=name, commune=old[commune], term=world.term)
    for key, commune in (("nam_son", c["hoanh_son"]), ("ha_tan", c["song_tri"])):
        hamlet = world.hamlets[key]
        label = LABELS[key]
        world.congresses[key] = CongressFactory(cell__hamlet=hamlet, term=world.term, held_on=dt.date(2022, 5, 30),
                                                secretary=f"Bí thư {label}", deputy_secretary=f"Phó {label}")
        world.elections[key] = ChiefElectionFactory(hamlet=hamlet, term=world.term, held_on=dt.date(2022, 6, 15),
                                                    chief=f"Trưởng {label}", chief_member_since=dt.date(2010, 1, 1))
        PartyMemberFactory(hamlet=hamlet, full_name=f"Đảng viên {label}", admitted_on=dt.date(2024, 3, 3))
        AdmissionTarget.objects.create(commune=commune, year=2024, target=7)
        TargetFactory(province=new, commune=commune, term=world.term, metric="Chiefs who are Party members",
                      percent=90)
    TargetFactory(province=new, term=world.term, metric="Chiefs who are Party members", percent=100)
    world.users.update({
        "commune_board": make_user("commune_board", commune=c["hoanh_son"]),
        "commune_colleague": make_user("commune_colleague", commune=c["hoanh_son"]),
        "other_commune": make_user("other_commune", commune=c["song_tri"]),
        "ht_staff": make_user("ht_staff", province=new),
        "ht_editor": make_user("ht_editor", province=new, editor=True),
        "ky_anh_board": make_user("ky_anh_board", district=ky_anh),
    })
