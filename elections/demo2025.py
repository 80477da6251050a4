"""Demo data of the 2025-2027 term, entered by the new communes (``manage.py demo_data``).

After the 2022-2025 term in the earlier list, Nghệ An's hamlets lie in its
130 communes of the 2025 list (placed by the conversion table). The
2025-2027 term's congresses run from late 2024 to mid 2025, the chief
elections in spring 2026; each hamlet gets its 2025-2027 record (Party
members moved on, a few cells dissolved or founded), the hamlets of former
xã that joined a phường became tổ dân phố, a few hamlets were first entered
in the 2025 list, and the communes have their own targets and admissions.
For people to look at; never used by tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from hamlets.models import Commune, Hamlet, HamletKind, PartyCell, PartyMember, Province

from .models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Metric, PartyRole, Target, Term

NEW_HAMLETS = ("Tổ dân phố Tân Tiến", "Tổ dân phố Hòa Bình", "Tổ dân phố Bắc Sơn")
PHUONG_TO_DAN_PHO = 3  # hamlets of former xã that became tổ dân phố of a phường, per phường (a few)


class NewTerm:
    def __init__(self, province: Province, rng: random.Random, person: Callable[[bool], str],
                 day: Callable[[dt.date, dt.date], dt.date]):
        self.province = province.current
        self.rng, self.person, self.day = rng, person, day
        self.term, _ = Term.objects.get_or_create(start_year=2025, end_year=2027)

    def build(self) -> dict[str, int]:
        self._first_entered_in_2025_list()
        hamlets = list(Hamlet.objects.filter(province=self.province).select_related("new_commune", "commune")
                       .order_by("pk"))
        records = self._records(hamlets)
        congresses, elections = self._results(hamlets, records)
        admissions = self._admissions(hamlets)
        self._targets()
        return {"2025-2027 records": len(records), "2025-2027 congresses": congresses,
                "2026 chief elections": elections, "2025-2026 admissions": admissions}

    def _first_entered_in_2025_list(self) -> None:
        """A phường's new tổ dân phố: no earlier commune, so counted in nothing before 1 July 2025."""
        phuong = Commune.objects.new().filter(province=self.province, division_type="phường").order_by("code").first()
        if phuong is None:
            return
        for name in NEW_HAMLETS:
            Hamlet.objects.get_or_create(new_commune=phuong, commune=None, name=name,
                                         defaults={"kind": HamletKind.TO_DAN_PHO, "party_members": 0})

    def _records(self, hamlets: list[Hamlet]) -> dict[int, HamletTerm]:
        per_phuong: dict[int, int] = {}
        records = []
        for h in hamlets:
            kind = h.kind
            if (h.new_commune and h.new_commune.division_type == "phường" and h.commune
                    and h.commune.division_type == "xã" and per_phuong.get(h.new_commune_id, 0) < PHUONG_TO_DAN_PHO):
                per_phuong[h.new_commune_id] = per_phuong.get(h.new_commune_id, 0) + 1
                kind = HamletKind.TO_DAN_PHO  # a former xã's hamlet, now a tổ dân phố of the phường
            if h.commune is None:
                members = self.rng.randint(4, 30)
            else:
                members = max(0, h.party_members + self.rng.randint(-4, 6))
            records.append(HamletTerm(hamlet=h, term=self.term, kind=kind, special_area=h.special_area,
                                      project01=members < 5 and h.project01, party_members=members,
                                      party_cell=members >= 3))
        HamletTerm.objects.bulk_create(records)
        from .records import sync_hamlets

        sync_hamlets([h.pk for h in hamlets])
        return {r.hamlet_id: r for r in records}

    def _results(self, hamlets: list[Hamlet], records: dict[int, HamletTerm]) -> tuple[int, int]:
        cells = {c.hamlet_id: c for c in PartyCell.objects.filter(hamlet__in=hamlets)}
        congresses, elections = [], []
        for h in hamlets:
            mountain = h.special_area
            cell = cells.get(h.pk)
            congress = None
            if cell is not None and records[h.pk].party_cell:
                roll = self.rng.random()
                held = (self.day(dt.date(2024, 10, 15), dt.date(2025, 6, 30)) if roll < 0.9
                        else self.day(dt.date(2025, 7, 1), dt.date(2025, 9, 30)) if roll < 0.97 else None)
                congress = Congress(cell=cell, term=self.term, held_on=held, secretary=self.person(mountain),
                                    deputy_secretary=self.person(mountain))
                congresses.append(congress)
            if self.rng.random() < 0.05:
                continue  # the 2026 election not held yet
            held = self.day(dt.date(2026, 3, 1), dt.date(2026, 5, 31))
            member = records[h.pk].party_members > 0 and self.rng.random() < 0.85
            since = self.day(dt.date(1990, 1, 1), dt.date(2025, 12, 31)) if member else \
                self.day(dt.date(2026, 6, 1), dt.date(2026, 11, 1)) if self.rng.random() < 0.15 else None
            chief, role = self.person(mountain), ""
            if member and congress is not None and congress.held_on and since <= congress.held_on:
                role = self.rng.choices([PartyRole.DEPUTY, PartyRole.SECRETARY, ""], [0.8, 0.1, 0.1])[0]
                chief = {PartyRole.DEPUTY: congress.deputy_secretary, PartyRole.SECRETARY: congress.secretary}.get(
                    role, chief)
            elections.append(ChiefElection(hamlet=h, term=self.term, held_on=held, chief=chief,
                                           chief_member_since=since, chief_party_role=role))
        for obj in (*congresses, *elections):
            obj.derive()  # what save() works out; bulk_create skips it
        Congress.objects.bulk_create(congresses)
        ChiefElection.objects.bulk_create(elections)
        return len(congresses), len(elections)

    def _admissions(self, hamlets: list[Hamlet]) -> int:
        by_commune: dict[int, list[Hamlet]] = {}
        for h in hamlets:
            if h.new_commune_id:
                by_commune.setdefault(h.new_commune_id, []).append(h)
        members, targets = [], []
        for commune_id, commune_hamlets in sorted(by_commune.items()):
            for year, last in ((2025, dt.date(2025, 12, 31)), (2026, dt.date(2026, 11, 20))):
                target = max(5, len(commune_hamlets) // 2 + self.rng.randint(-3, 6))
                targets.append(AdmissionTarget(commune_id=commune_id, year=year, target=target))
                admitted = int(target * self.rng.uniform(0.7, 1.15)) if year == 2025 else int(target * 0.8)
                for k in range(admitted):
                    hamlet = self.rng.choice(commune_hamlets)
                    members.append(PartyMember(
                        hamlet=hamlet, full_name=f"{self.person(hamlet.special_area)} {k % 5 or ''}".strip(),
                        birth_year=self.rng.randint(1978, 2006), gender=self.rng.choice(["male", "female"]),
                        ethnicity=self.rng.choice(["Thái", "Khơ Mú", "Mông"]) if hamlet.special_area else "Kinh",
                        admitted_on=self.day(dt.date(year, 1, 5), last), sitting_chief=self.rng.random() < 0.02))
        for m in members:
            m.fill_keys()
        AdmissionTarget.objects.bulk_create(targets)
        PartyMember.objects.bulk_create(members, ignore_conflicts=True)
        return len(members)

    def _targets(self) -> None:
        for metric in Metric:
            Target.objects.create(province=self.province, term=self.term, metric=metric,
                                  percent=100 if metric != Metric.CHIEF_SECRETARY_OR_DEPUTY else 92)
        Target.objects.create(province=self.province, term=self.term, metric=Metric.CHIEF_MEMBERS,
                              special_area_only=True, percent=95)
        for name, percent in (("Xã Hạnh Lâm", 97), ("Xã Mường Xén", 85)):
            commune = Commune.objects.new().filter(province=self.province, name=name).first()
            if commune is not None:
                Target.objects.create(province=self.province, commune=commune, term=self.term,
                                      metric=Metric.CHIEF_MEMBERS, percent=percent)
