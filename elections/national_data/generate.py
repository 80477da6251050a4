"""National-size plausible data over the real units of both lists (issue 11, item 1).

``NationalData(hamlets, members, seed).generate(writer)`` spreads the hamlets
over every earlier commune loaded (``load_admin_units``), with weights, and
gives each one:

* a record for the 2022-2025 term (earlier list) and for the 2025-2027 term
  (2025 list); placed in its 2025 commune where the conversion table names
  exactly one (as ``place_hamlets`` does), else (split communes) unplaced;
* a Party cell where either record says so (inactive where the cell was
  dissolved in the later term), its congress of each term (most held);
* chief elections of each term (most held, a few by-elections), with
  profiles on most; chiefs admitted after their election (an admission
  marked ``sitting_chief``); plans for chiefs who are not members;
  yearly evaluations 2022-2025;
* Party members (``--members`` in all, spread by the hamlets' sizes),
  admitted from 1960 to 2026, a few having left;
* targets (province-wide, some districts', some 2025 communes', an annual
  plan) and annual admission targets of districts and 2025 communes.

Generated hamlets are marked by ``updated_at`` = ``MARK`` (an instant no
save can give: ``auto_now`` writes the present); a hamlet saved through the
app since is no longer "generated". Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection, transaction

from elections.intervals import relink
from hamlets.models import Commune, CommuneSuccession, Hamlet, PartyCell, PartyMember, UnitList

from ..fact_models import HamletFact
from ..models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from ..people_models import ChiefEvaluation, ChiefPlan
from . import people
from .people import NameWalk, day_between, slot_name
from .writer import BulkWriter

MARK = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LAST_DAY = dt.date(2026, 6, 30)  # nothing generated happens after this day
TERMS = ((2022, 2025), (2025, 2027))
MOUNTAIN_PROVINCES = {2: 0.9, 4: 0.9, 6: 0.8, 8: 0.6, 10: 0.8, 11: 0.9, 12: 0.9, 14: 0.9, 15: 0.7, 17: 0.7, 19: 0.3,
                      20: 0.8, 22: 0.2, 24: 0.2, 38: 0.3, 40: 0.3, 42: 0.1, 44: 0.2, 45: 0.2, 46: 0.2, 49: 0.2,
                      51: 0.3, 62: 0.6, 64: 0.6, 66: 0.5, 67: 0.5, 68: 0.4, 93: 0.2, 94: 0.4}
KIND_LABELS = {"thon": "Thôn", "xom": "Xóm", "ban": "Bản", "lang": "Làng", "khoi": "Khối",
               "to_dan_pho": "Tổ dân phố", "ap": "Ấp"}
# Hamlet tables children first: what ``wipe`` empties.
HAMLET_TABLES = (HamletFact, ChiefEvaluation, ChiefPlan, PartyMember, ChiefElection, Congress, PartyCell, HamletTerm,
                 Hamlet)


def foreign_hamlets() -> int:
    return Hamlet.objects.exclude(updated_at=MARK).count()


def wipe() -> None:
    """Empty the hamlet tables and the targets (children first)."""
    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (*HAMLET_TABLES, Target, AdmissionTarget)]
        with connection.cursor() as cursor:
            # deferred foreign-key checks of rows written earlier in this transaction run now: TRUNCATE
            # refuses a table with pending trigger events
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        return
    for model in (*HAMLET_TABLES, Target, AdmissionTarget):
        model.objects.all()._raw_delete(model.objects.db)


@dataclass(slots=True)
class Plan:
    """One hamlet's facts, worked out before any row is written."""

    id: int
    commune: int
    district: int
    new_commune: int | None
    province: int
    kind: str
    name: str
    mountain: bool
    walk: NameWalk
    members: list[int] = field(default_factory=list)  # per term
    special: list[bool] = field(default_factory=list)
    p01: list[bool] = field(default_factory=list)
    cell: list[bool] = field(default_factory=list)
    rows: int = 0  # Party member rows
    cell_id: int | None = None
    # (term index, held on, name index, member since, role, birth year, gender, ethnicity)
    elections: list[tuple] = field(default_factory=list)
    # per term: None (no congress), or (held on or None: planned, birth year, gender, ethnicity of the secretary)
    congresses: list[tuple | None] = field(default_factory=list)


def _members_count(rng: random.Random, mean: float) -> int:
    if rng.random() < 0.08:
        return rng.randint(0, 4)
    big = (mean - 0.16) / 0.92
    return rng.randint(5, int(2 * big) - 5) if big >= 6 else rng.randint(0, max(0, int(2 * mean)))


class NationalData:
    def __init__(self, hamlets: int, members: int, seed: int = 11):
        self.hamlet_count, self.member_count, self.seed = hamlets, members, seed
        self.rng = random.Random(seed)
        self.terms: list[Term] = []
        self.plans: list[Plan] = []

    # -- planning ---------------------------------------------------------------------------------
    def plan(self, first_id: int) -> None:
        rng = self.rng
        communes = list(Commune.objects.filter(unit_list=UnitList.EARLIER, district__isnull=False).order_by(
            "code").values_list("pk", "name", "district_id", "province_id", "province__code", "province__successor_id"))
        if not communes:
            raise ValueError("no communes of the earlier list: run load_admin_units first")
        successors: dict[int, list[int]] = {}
        for old, new in CommuneSuccession.objects.values_list("old_id", "new_id"):
            successors.setdefault(old, []).append(new)
        new_province = dict(Commune.objects.filter(unit_list=UnitList.NEW).values_list("pk", "province_id"))
        weights = [rng.uniform(0.3, 1.7) for _ in communes]
        total = sum(weights)
        counts = [int(self.hamlet_count * w / total) for w in weights]
        for i in rng.sample(range(len(communes)), min(len(communes), self.hamlet_count - sum(counts))):
            counts[i] += 1
        while sum(counts) < self.hamlet_count:  # more hamlets asked than communes: round-robin
            counts[rng.randrange(len(communes))] += 1
        mean = self.member_count / max(1, self.hamlet_count)
        next_id = first_id
        for (pk, name, district, province, code, successor), count in zip(communes, counts, strict=True):
            ward = name.startswith(("Phường", "Thị trấn"))
            mountain_share = MOUNTAIN_PROVINCES.get(code, 0.0)
            base_kind = ("khoi" if 38 <= code <= 56 else "to_dan_pho") if ward else "ap" if code >= 70 else \
                "thon" if rng.random() < 0.6 else "xom"
            mountain = not ward and rng.random() < mountain_share
            succ = successors.get(pk, [])
            placed = succ[0] if len(succ) == 1 else None
            for k in range(1, count + 1):
                kind = "ban" if mountain and rng.random() < 0.6 else base_kind
                if kind == "thon" and code in (62, 64, 66) and rng.random() < 0.3:
                    kind = "lang"
                h = Plan(next_id, pk, district, placed, new_province[placed] if placed else successor or province,
                         kind, f"{KIND_LABELS[kind]} {k}", mountain, NameWalk(rng, mountain))
                next_id += 1
                self._plan_records(h, mean)
                self.plans.append(h)
        for h in self.plans:
            self._plan_elections(h)
        self._fit_members(sum(len(sitting_chiefs(h)) for h in self.plans))
        for h in self.plans:  # once the cells are final (``_fit_members``)
            self._plan_congresses(h)
            settle_roles(h)

    def _plan_records(self, h: Plan, mean: float) -> None:
        rng = self.rng
        first = _members_count(rng, mean)
        special = rng.random() < (0.4 if h.mountain else 0.06)
        p01 = rng.random() < 0.1
        cell = first >= 3 and rng.random() < 0.97
        h.members, h.special, h.p01, h.cell = [first], [special], [p01], [cell]
        later = max(0, first + rng.randint(-2, 3)) if first >= 5 else first
        later_cell = (cell and rng.random() < 0.98) or (not cell and later >= 3 and rng.random() < 0.5)
        h.members.append(later)
        h.special.append(special if rng.random() < 0.95 else not special)
        h.p01.append(p01 or rng.random() < 0.03)
        h.cell.append(later_cell)
        h.rows = later

    def _fit_members(self, sitting: int) -> None:
        """Exactly ``member_count`` Party member rows in all, the sitting chiefs' admissions among them;
        the count is fitted on hamlets of 5 members or more, which stay so."""
        rng, plans = self.rng, self.plans
        gap = self.member_count - sitting - sum(h.rows for h in plans)
        big = [h for h in plans if h.rows >= 5]
        pool, floor = (big, 5) if big else (plans, 0)
        while gap > 0:
            h = rng.choice(pool)
            if h.rows < 9_000:
                h.rows += 1
                gap -= 1
        while gap < 0:
            shrinkable = [h for h in pool if h.rows > floor]
            if not shrinkable:
                pool, floor = [h for h in plans if h.rows > 0], 0
                if not pool:
                    break
                continue
            for h in rng.sample(shrinkable, min(len(shrinkable), -gap)):
                h.rows -= 1
                gap += 1
        for h in plans:
            h.members[1] = h.rows
            h.cell[1] = h.cell[1] and h.rows >= 1

    def _plan_elections(self, h: Plan) -> None:
        rng = self.rng
        for t in range(len(TERMS)):
            if rng.random() > (0.95 if t == 0 else 0.9):
                continue
            first, last = (dt.date(2022, 3, 15), dt.date(2022, 8, 31)) if t == 0 else \
                (dt.date(2025, 9, 1), dt.date(2026, 4, 30))
            held = day_between(rng, first, last)
            reelected = t == 1 and h.elections and rng.random() < 0.6
            h.elections.append(self._chief(h, t, held, h.elections[-1] if reelected else None, "chief"))
            if rng.random() < (0.04 if t == 0 else 0.03):  # a by-election
                later = (dt.date(2023, 1, 10), dt.date(2024, 12, 20)) if t == 0 else \
                    (dt.date(2026, 5, 1), dt.date(2026, 6, 25))
                h.elections.append(self._chief(h, t, day_between(rng, *later), None, "by_election"))

    def _chief(self, h: Plan, t: int, held: dt.date, again: tuple | None, who: str) -> tuple:
        rng = self.rng
        if again is not None:
            return (t, held, *again[2:])
        r = rng.random()
        if r < 0.8:
            since = day_between(rng, dt.date(1980, 1, 1), held - dt.timedelta(days=30))
        elif r < 0.86:  # admitted after the election
            since = day_between(rng, held + dt.timedelta(days=60), min(LAST_DAY, held + dt.timedelta(days=700)))
        else:
            since = None
        role = ""
        if since is not None and since <= held and h.cell[t]:
            role = rng.choices(("secretary", "deputy", ""), weights=(25, 35, 40))[0]
        profile = (rng.randint(1955, 1992), people.gender(rng, 0.15), people.ethnicity(rng, h.mountain)) \
            if rng.random() < 0.85 else (None, "", "")
        return (t, held, slot_name(t, role or who), since, role, *profile)  # a secretary or deputy: the congress's

    def _plan_congresses(self, h: Plan) -> None:
        rng = self.rng
        spans = ((dt.date(2022, 3, 1), dt.date(2022, 7, 31)), (dt.date(2025, 4, 15), dt.date(2025, 8, 31)))
        for t in range(len(TERMS)):
            if not h.cell[t] or rng.random() > (0.95 if t == 0 else 0.9):
                h.congresses.append(None)
                continue
            held = day_between(rng, *spans[t]) if rng.random() > 0.02 else None  # a few planned, not held
            profile: tuple = (None, "", "")
            if rng.random() < 0.8:
                profile = (rng.randint(1955, 1990), people.gender(rng, 0.2), people.ethnicity(rng, h.mountain))
            h.congresses.append((held, *profile))

    # -- writing ----------------------------------------------------------------------------------
    def generate(self, writer: BulkWriter) -> dict[str, int]:
        with transaction.atomic():
            writer.begin()
            wipe()
            self.terms = [Term.objects.get_or_create(start_year=s, end_year=e)[0] for s, e in TERMS]
            self.plan(writer.next_id(Hamlet))
            from .rows import RowWriter

            RowWriter(self, writer).write_all()
            relink()  # the interval columns and facts rows the figures read (COPY and bulk_create skip the upkeep)
            if connection.vendor != "postgresql":  # bulk_create let auto_now write the present
                Hamlet.objects.update(updated_at=MARK)
            writer.finish()
        return dict(writer.counts)


def sitting_chiefs(h: Plan) -> dict[int, tuple]:
    """The chiefs admitted after their election, by name index (a re-elected chief once)."""
    found: dict[int, tuple] = {}
    for election in h.elections:
        since = election[3]
        if since is not None and since > election[1]:
            found.setdefault(election[2], election)
    return found


def settle_roles(h: Plan) -> None:
    """The chiefs' Party roles as the import's rule 8 wants them (a workbook downloaded pre-filled imports
    back unchanged): a chief is the cell's secretary or deputy only of a term whose congress was held on or
    after the chief joined the Party, and named as its holder (a chief re-elected into a later term is not
    that term's holder); a chief who is the secretary gives the congress's secretary the same profile."""
    for t, congress in enumerate(h.congresses):
        holders = []
        for i, (term, held, name, since, role, *profile) in enumerate(h.elections):
            if term != t or not role:
                continue
            if (congress is None or congress[0] is None or since is None or since > congress[0]
                    or name != slot_name(t, role)):
                h.elections[i] = (term, held, name, since, "", *profile)
            elif role == "secretary":
                holders.append(i)
        if holders and congress is not None:  # one person: the latest election's profile, everywhere
            profile = tuple(h.elections[max(holders, key=lambda i: h.elections[i][1])][5:])
            h.congresses[t] = (congress[0], *profile)
            for i in holders:
                h.elections[i] = (*h.elections[i][:5], *profile)
