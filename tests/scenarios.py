"""Hamlet-level data that reproduces the figures the articles published.

``build_district`` lays out hamlets in index order so that each published
count is a prefix: hamlet *i* has a chief elected when ``i < elected``, a
chief who is a Party member when ``i < chief_members``, a cell when
``i < cells``, a congress when ``i < congresses``, and so on. Everything a
count must *not* include is still there, dated after the as-of date: the
missing elections and congresses are held later, and some non-member chiefs
are admitted later, so the figures only come out right if the as-of date is
honoured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from elections.models import ChiefElection, Congress, HamletTerm, PartyRole, Term
from hamlets.models import Commune, District, Hamlet, PartyCell

DAY = dt.timedelta(days=1)


@dataclass
class Published:
    hamlets: int
    elected: int
    chief_members: int
    cells: int
    congresses: int
    secretary: int = 0
    deputy: int = 0


# As the Nghệ An article published them for 15 July 2022 (Quỳ Hợp's elections were all held by 15 April).
THANH_CHUONG_2022 = Published(hamlets=234, elected=218, chief_members=214, cells=230, congresses=206, secretary=14,
                              deputy=189)
QUY_HOP_2022 = Published(hamlets=214, elected=214, chief_members=202, cells=214, congresses=203, secretary=12,
                         deputy=183)
QUY_HOP_ELECTIONS_HELD = dt.date(2022, 4, 10)


def build_district(district: District, term: Term, as_of: dt.date, p: Published, *, communes: int = 3,
                   party_members: Callable[[int], int] = lambda i: 12,
                   special_area: Callable[[int], bool] = lambda i: False,
                   project01: Callable[[int], bool] = lambda i: False,
                   elections_held: dt.date | None = None, congresses_held: dt.date | None = None) -> list[Hamlet]:
    assert p.secretary + p.deputy <= min(p.chief_members, p.congresses) and p.congresses <= p.cells
    units = [Commune.objects.create(code=district.code * 100 + k, name=f"Xã {district.name} {k}",
                                    division_type="xã", district=district) for k in range(communes)]
    hamlets = []
    for i in range(p.hamlets):
        h = Hamlet(commune=units[i % communes], name=f"Xóm {i + 1}", kind="xom", party_members=party_members(i),
                   special_area=special_area(i), project01=project01(i))
        h.fill_keys()
        h.settle()
        hamlets.append(h)
    hamlets = Hamlet.objects.bulk_create(hamlets)
    cells = PartyCell.objects.bulk_create([PartyCell(hamlet=h) for h in hamlets[:p.cells]])
    HamletTerm.objects.bulk_create([
        HamletTerm(hamlet=h, term=term, kind=h.kind, party_members=h.party_members, special_area=h.special_area,
                   project01=h.project01, party_cell=i < p.cells) for i, h in enumerate(hamlets)])
    congresses = []
    for i, cell in enumerate(cells):
        held = (congresses_held or as_of - 30 * DAY) if i < p.congresses else as_of + 10 * DAY
        congresses.append(Congress(cell=cell, term=term, held_on=held, secretary=f"Bí thư {i}",
                                   deputy_secretary=f"Phó bí thư {i}"))
    Congress.objects.bulk_create(congresses)
    elections = []
    for i, h in enumerate(hamlets):
        if i < p.chief_members:
            since = dt.date(2001, 3, 2)
        elif i % 2:  # admitted after the as-of date: not a member yet on it
            since = as_of + 40 * DAY
        else:
            since = None
        role = (PartyRole.SECRETARY if i < p.secretary
                else PartyRole.DEPUTY if i < p.secretary + p.deputy else "")
        held = (elections_held or as_of - 20 * DAY) if i < p.elected else as_of + 5 * DAY
        elections.append(ChiefElection(hamlet=h, term=term, held_on=held, chief=f"Trưởng thôn {i}",
                                       chief_member_since=since, chief_party_role=role))
    ChiefElection.objects.bulk_create(elections)
    return hamlets
