"""The rows of the generated data, table by table, from the planned hamlets (``generate.Plan``).

Every derived column that ``save()`` / ``derive()`` / ``fill_keys()`` would
fill is filled here: the hamlet's ``name_key``, ``search``, ``name_sort`` and
2025 province, members' keys, ``chief_key``, ``chief_minority``,
``secretary_minority``; each hamlet's own columns copy its latest record.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone

from hamlets import text
from hamlets.models import Commune, District, Hamlet, PartyCell, PartyMember, Province, UnitList

from ..models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Metric, Target
from ..people_models import ChiefEvaluation, ChiefPlan
from . import people
from .people import slot_name

if TYPE_CHECKING:
    from .generate import NationalData
    from .writer import BulkWriter

ONE_DAY = dt.timedelta(days=1)


def _days(a: dt.date, n: int) -> dt.date:
    return a + dt.timedelta(days=n)


class RowWriter:
    def __init__(self, data: NationalData, writer: BulkWriter):
        from .generate import LAST_DAY, MARK, sitting_chiefs

        self.data, self.writer, self.plans = data, writer, data.plans
        self.rng = random.Random(data.seed * 7 + 1)
        self.terms = [t.pk for t in data.terms]
        self.mark, self.last_day, self.sitting = MARK, LAST_DAY, sitting_chiefs
        self.now = timezone.now()

    def write_all(self) -> None:
        w, n = self.writer, len(self.plans)
        w.write(Hamlet, ["id", "name", "name_key", "search", "name_sort", "commune_id", "new_commune_id",
                         "province_id", "kind", "special_area", "project01", "party_members", "version",
                         "updated_at"], self.hamlets(), "hamlets", n)
        w.write(HamletTerm, ["id", "version", "updated_at", "hamlet_id", "term_id", "kind", "special_area",
                             "project01", "party_members", "party_cell"], self.records(), "hamlet records", 2 * n)
        w.write(PartyCell, ["id", "hamlet_id", "active"], self.cells(), "party cells", n)
        w.write(Congress, ["id", "version", "updated_at", "cell_id", "term_id", "held_on", "secretary",
                           "deputy_secretary", "secretary_birth_year", "secretary_gender", "secretary_ethnicity",
                           "secretary_minority"], self.congresses(), "congresses", 2 * n)
        w.write(ChiefElection, ["id", "version", "updated_at", "hamlet_id", "term_id", "held_on", "chief",
                                "chief_member_since", "chief_party_role", "chief_key", "chief_birth_year",
                                "chief_gender", "chief_ethnicity", "chief_minority"], self.elections(),
                "chief elections", 2 * n)
        versioned = ("version", "updated_at")  # plans and evaluations lock on a version like the results
        w.write(ChiefPlan, ["id", "hamlet_id", "term_id", "chief", "chief_key", "mentor", "started_on", "course_on",
                            "application_on", *versioned],
                ((*row, 1, self.mark) for row in self.chief_plans()), "chief plans")
        w.write(ChiefEvaluation, ["id", "hamlet_id", "year", "chief", "chief_key", "rating", *versioned],
                ((*row, 1, self.mark) for row in self.evaluations()), "evaluations", 4 * n)
        total = sum(h.rows + len(self.sitting(h)) for h in self.plans)
        w.write(PartyMember, ["id", "hamlet_id", "full_name", "name_key", "search", "birth_year", "gender",
                              "ethnicity", "admitted_on", "official_on", "left_on", "sitting_chief"], self.members(),
                "party members", total, rebuild_indexes=True)
        w.write(Target, ["id", "province_id", "district_id", "commune_id", "term_id", "metric", "special_area_only",
                         "percent", "year"], self.targets(), "targets")
        w.write(AdmissionTarget, ["id", "district_id", "commune_id", "year", "target"], self.admission_targets(),
                "admission targets")

    def hamlets(self) -> Iterator[tuple]:
        for h in self.plans:
            name = text.clean(h.name)
            yield (h.id, name, text.match_key(name), text.search_key(name), text.sort_key(name), h.commune,
                   h.new_commune, h.province, h.kind, h.special[1], h.p01[1], h.members[1], 1, self.mark)

    def records(self) -> Iterator[tuple]:
        pk = self.writer.next_id(HamletTerm)
        for h in self.plans:
            for t, term in enumerate(self.terms):
                yield (pk, 1, self.now, h.id, term, h.kind, h.special[t], h.p01[t], h.members[t], h.cell[t])
                pk += 1

    def cells(self) -> Iterator[tuple]:
        pk = self.writer.next_id(PartyCell)
        for h in self.plans:
            if h.cell[0] or h.cell[1]:
                h.cell_id = pk
                yield (pk, h.id, h.cell[1])  # a cell the later record no longer has was dissolved
                pk += 1

    def congresses(self) -> Iterator[tuple]:
        pk = self.writer.next_id(Congress)
        for h in self.plans:
            for t, term in enumerate(self.terms):
                congress = h.congresses[t]
                if congress is None or h.cell_id is None:
                    continue
                held, *profile = congress
                secretary, deputy = h.walk[slot_name(t, "secretary")][0], h.walk[slot_name(t, "deputy")][0]
                yield (pk, 1, self.now, h.cell_id, term, held, secretary, deputy, *profile,
                       people.minority_of(profile[2]))
                pk += 1

    def elections(self) -> Iterator[tuple]:
        pk = self.writer.next_id(ChiefElection)
        for h in self.plans:
            for t, held, k, since, role, birth, gender, ethnicity in h.elections:
                name, key, _search = h.walk[k]
                yield (pk, 1, self.now, h.id, self.terms[t], held, name, since, role, key, birth, gender, ethnicity,
                       people.minority_of(ethnicity))
                pk += 1

    def chief_plans(self) -> Iterator[tuple]:
        rng, pk, last = self.rng, self.writer.next_id(ChiefPlan), self.last_day
        for h in self.plans:
            for t, term in enumerate(self.terms):
                latest = [e for e in h.elections if e[0] == t][-1:]
                if not latest:
                    continue
                _t, held, k, since, *_rest = latest[0]
                if since is not None and since <= held or rng.random() > (0.4 if t == 0 else 0.6):
                    continue
                started = _days(held, rng.randint(10, 120))
                if since is not None:
                    started = min(started, since - ONE_DAY)
                if started > last or started < held:
                    continue
                course = _days(started, rng.randint(30, 200)) if rng.random() < 0.5 else None
                course = course if course and course <= last else None
                application = _days(course, rng.randint(10, 90)) if course and rng.random() < 0.4 else None
                application = application if application and application <= last else None
                name, key, _search = h.walk[k]
                yield (pk, h.id, term, name, key, h.walk[slot_name(t, "secretary")][0], started, course, application)
                pk += 1

    def evaluations(self) -> Iterator[tuple]:
        rng, pk = self.rng, self.writer.next_id(ChiefEvaluation)
        for h in self.plans:
            for year in (2022, 2023, 2024, 2025):
                end = dt.date(year, 12, 31)
                in_office = [e for e in h.elections if e[1] <= end]
                if not in_office or rng.random() > 0.88:
                    continue
                name, key, _search = h.walk[max(in_office, key=lambda e: e[1])[2]]
                yield (pk, h.id, year, name, key, people.rating(rng))
                pk += 1

    def members(self) -> Iterator[tuple]:
        rng, pk, last = self.rng, self.writer.next_id(PartyMember), self.last_day
        last_ordinal, random_ = last.toordinal(), rng.random
        for h in self.plans:
            walk = h.walk
            for i in range(h.rows):
                name, key, search = walk[i]
                if random_() < 0.25:
                    year = rng.randint(2019, 2026)
                else:
                    year = int(rng.triangular(1960, 2019, 2012))
                admitted = dt.date.fromordinal(min(last_ordinal, dt.date(year, 1, 1).toordinal()
                                                   + rng.randint(0, 364)))
                official_ordinal = admitted.toordinal() + 365
                official = dt.date.fromordinal(official_ordinal) if official_ordinal <= last_ordinal else None
                left = None
                if random_() < 0.012 and official_ordinal + 30 < last_ordinal:
                    left = dt.date.fromordinal(rng.randint(official_ordinal + 30, last_ordinal))
                female = random_() < 0.35
                ethnicity = people.ethnicity(rng, h.mountain)
                yield (pk, h.id, name, key, search, max(1905, year - rng.randint(18, 38)),
                       "female" if female else "male", ethnicity, admitted, official, left, False)
                pk += 1
            for k, (_t, _held, _k, since, _role, birth, gender, ethnicity) in self.sitting(h).items():
                name, key, search = walk[k]
                yield (pk, h.id, name, key, search, birth or since.year - 35, gender, ethnicity, since, None, None,
                       True)
                pk += 1

    def targets(self) -> Iterator[tuple]:
        rng, pk = self.rng, self.writer.next_id(Target)
        provinces = list(Province.objects.filter(unit_list=UnitList.NEW).order_by("code").values_list("pk", flat=True))
        ranges = {Metric.ELECTIONS: (95, 100), Metric.CHIEF_MEMBERS: (80, 95), Metric.CONGRESSES: (95, 100),
                  Metric.CHIEF_SECRETARY_OR_DEPUTY: (50, 80)}
        for province in provinces:
            for term in self.terms:
                for metric, (low, high) in ranges.items():
                    yield (pk, province, None, None, term, metric.value, False, rng.randint(low, high), None)
                    pk += 1
                yield (pk, province, None, None, term, Metric.CHIEF_MEMBERS.value, True, rng.randint(65, 85), None)
                pk += 1
            yield (pk, province, None, None, self.terms[1], Metric.ELECTIONS.value, False, 90, 2026)  # annual plan
            pk += 1
        districts = District.objects.filter(unit_list=UnitList.EARLIER).order_by("code").values_list(
            "pk", "province_id", "province__successor_id")
        for district, province, successor in districts:
            if rng.random() < 0.2:
                yield (pk, successor or province, district, None, self.terms[0], Metric.CHIEF_MEMBERS.value, False,
                       rng.randint(75, 95), None)
                pk += 1
        for commune, province in Commune.objects.filter(unit_list=UnitList.NEW).order_by("code").values_list(
                "pk", "province_id"):
            if rng.random() < 0.1:
                yield (pk, province, None, commune, self.terms[1], Metric.CHIEF_MEMBERS.value, False,
                       rng.randint(75, 95), None)
                pk += 1

    def admission_targets(self) -> Iterator[tuple]:
        rng, pk = self.rng, self.writer.next_id(AdmissionTarget)
        by_district: dict[int, int] = defaultdict(int)
        by_commune: dict[int, int] = defaultdict(int)
        for h in self.plans:
            by_district[h.district] += h.rows
            if h.new_commune:
                by_commune[h.new_commune] += h.rows
        for units, years, is_district in ((by_district, (2022, 2023, 2024, 2025), True),
                                          (by_commune, (2025, 2026, 2027), False)):
            for unit, members in sorted(units.items()):
                for year in years:
                    target = min(99_999, max(1, round(members * 0.03 * rng.uniform(0.8, 1.3))))
                    yield (pk, unit if is_district else None, None if is_district else unit, year, target)
                    pk += 1

