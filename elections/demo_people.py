"""Demo data of the people behind the numbers (``manage.py demo_data``): profiles of chiefs and
secretaries, development plans of non-member chiefs, last year's evaluations, officials responsible
for districts and communes, and an annual plan (``domain.md`` items 8-12). For people to look at;
never used by tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from hamlets.models import Commune, District, Gender, Province

from .models import ChiefElection, Congress, Metric, PartyRole, Target, Term
from .people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea, Rating

MINORITIES = ("Thái", "Mông", "Khơ Mú", "Ơ Đu", "Thổ")
POSITIONS = ("Ủy viên Ban Thường vụ Tỉnh ủy", "Phó Trưởng Ban Tổ chức Tỉnh ủy", "Chuyên viên Ban Tổ chức Tỉnh ủy",
             "Ủy viên Ban Chấp hành Đảng bộ tỉnh")
OFFICIALS = 8  # each responsible for a few communes of the 2025 list and, for the 2022-2025 term, districts
TODAY = dt.date(2026, 11, 26)


class People:
    def __init__(self, province: Province, rng: random.Random, person: Callable[[bool], str],
                 mountain: Callable[[District | None], bool]):
        self.province, self.rng, self.person, self.mountain = province, rng, person, mountain

    def build(self) -> dict[str, int]:
        profiles = self._profiles()
        plans = self._plans()
        evaluations = self._evaluations()
        officials = self._officials()
        self._annual_plan()
        return {"profiles": profiles, "development plans": plans, "evaluations": evaluations,
                "officials": officials}

    def _profile(self, mountain: bool, elderly: float) -> tuple[int, str, str]:
        age = 62 + self.rng.randrange(12) if self.rng.random() < elderly else 28 + self.rng.randrange(32)
        gender = Gender.FEMALE if self.rng.random() < 0.18 else Gender.MALE
        ethnicity = self.rng.choice(MINORITIES) if mountain and self.rng.random() < 0.85 else "Kinh"
        return 2026 - age, gender, ethnicity

    def _profiles(self) -> int:
        congresses = list(Congress.objects.filter(cell__hamlet__commune__district__province=self.province)
                          .select_related("cell__hamlet__commune__district"))
        secretaries = {}
        for c in congresses:
            c.secretary_birth_year, c.secretary_gender, c.secretary_ethnicity = self._profile(
                self.mountain(c.cell.hamlet.commune.district), elderly=0.25)
            c.derive()
            secretaries[(c.cell.hamlet_id, c.term_id)] = (c.secretary_birth_year, c.secretary_gender,
                                                          c.secretary_ethnicity)
        Congress.objects.bulk_update(congresses, ["secretary_birth_year", "secretary_gender", "secretary_ethnicity",
                                                  "secretary_minority"], batch_size=1000)
        elections = list(ChiefElection.objects.filter(hamlet__commune__district__province=self.province)
                         .select_related("hamlet__commune__district"))
        for e in elections:
            # a chief who is the cell's secretary is one person with the congress's secretary (import rule 8:
            # the pre-filled download imports back unchanged)
            same = secretaries.get((e.hamlet_id, e.term_id)) if e.chief_party_role == PartyRole.SECRETARY else None
            e.chief_birth_year, e.chief_gender, e.chief_ethnicity = same or self._profile(
                self.mountain(e.hamlet.commune.district), elderly=0.35)
            e.derive()
        ChiefElection.objects.bulk_update(elections, ["chief_birth_year", "chief_gender", "chief_ethnicity",
                                                      "chief_minority"], batch_size=1000)
        return len(elections) + len(congresses)

    def _latest(self, term: Term) -> list[ChiefElection]:
        latest: dict[int, ChiefElection] = {}
        for e in ChiefElection.objects.filter(term=term, hamlet__province=self.province.current).order_by("held_on"):
            latest[e.hamlet_id] = e
        return list(latest.values())

    def _plans(self) -> int:
        term = Term.objects.get(start_year=2025, end_year=2027)
        plans = []
        for e in self._latest(term):
            if e.chief_member_since is not None or self.rng.random() < 0.35:
                continue  # members need none; some non-members have none yet
            started = e.held_on + dt.timedelta(days=20 + self.rng.randrange(150))
            if started > TODAY:
                continue
            course = started + dt.timedelta(days=60 + self.rng.randrange(120)) if self.rng.random() < 0.5 else None
            course = course if course and course <= TODAY else None
            application = (course + dt.timedelta(days=30 + self.rng.randrange(60))
                           if course and self.rng.random() < 0.4 else None)
            application = application if application and application <= TODAY else None
            plan = ChiefPlan(hamlet_id=e.hamlet_id, term=term, chief=e.chief, mentor=self.person(False),
                             started_on=started, course_on=course, application_on=application)
            plan.derive()
            plans.append(plan)
        ChiefPlan.objects.bulk_create(plans, batch_size=1000)
        return len(plans)

    def _evaluations(self) -> int:
        term = Term.objects.get(start_year=2025, end_year=2027)
        ratings = [Rating.EXCELLENT, Rating.GOOD, Rating.COMPLETED, Rating.NOT_COMPLETED]
        evaluations = []
        for e in self._latest(term):
            if self.rng.random() < 0.7:  # chiefs re-elected in 2026 were rated for 2025 too
                evaluation = ChiefEvaluation(hamlet_id=e.hamlet_id, year=2025, chief=e.chief,
                                             rating=self.rng.choices(ratings, [15, 55, 26, 4])[0])
                evaluation.derive()
                evaluations.append(evaluation)
        ChiefEvaluation.objects.bulk_create(evaluations, batch_size=1000)
        return len(evaluations)

    def _officials(self) -> int:
        new = self.province.current
        communes = list(Commune.objects.filter(province=new).order_by("code"))
        districts = list(District.objects.filter(province=self.province).order_by("code"))
        for i in range(OFFICIALS):
            official = Official(province=new, name=self.person(False), position=POSITIONS[i % len(POSITIONS)],
                                phone=f"0912 {self.rng.randrange(1000):03d} {self.rng.randrange(1000):03d}")
            official.save()
            for commune in communes[i::OFFICIALS][:5]:
                OfficialArea.objects.create(official=official, commune=commune)
            for district in districts[i::OFFICIALS][:2]:
                OfficialArea.objects.create(official=official, district=district)
        return OFFICIALS

    def _annual_plan(self) -> None:
        """2026's step toward the term's 100 %: the province plans 92 % of chiefs who are Party members."""
        term = Term.objects.get(start_year=2025, end_year=2027)
        Target.objects.get_or_create(province=self.province.current, district=None, commune=None, term=term,
                                     metric=Metric.CHIEF_MEMBERS, special_area_only=False, year=2026,
                                     defaults={"percent": 92})
