"""Fill a fresh database with believable data for people to look at.

Nghệ An's real districts and communes (from the official list), with
hamlets, Party cells, the 2022-2025 congresses and chief elections held in
the spring and summer of 2022 at each district's own pace, a few
by-elections and chiefs admitted later, admissions 2022-2025 with targets,
the province's targets; then the 2025-2027 term entered by the 2025 list's
communes (``elections.demo2025``); and four documented demo accounts. Deterministic
(fixed seed). Running it again on a database that has the demo data does
nothing. Never used by tests: they build their own data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import transaction

from cadre_tracker.db import analyze
from cadre_tracker.language import Label, LanguageCommand, both
from elections.demo2025 import NewTerm
from elections.demo_people import People
from elections.intervals import relink
from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Metric, PartyRole, Target, Term
from hamlets.models import Commune, District, Hamlet, PartyCell, PartyMember, Province, UnitList, UserScope

DEMO_PASSWORD = "demo-cadre-2022"
ACCOUNTS = (("admin", None), ("tinh.nghean", None), ("thanhchuong", "Huyện Thanh Chương"))
# A commune Party committee of the 2025 list (Xã Hạnh Lâm took in Thanh Chương's Hạnh Lâm, Thanh Đức...).
COMMUNE_ACCOUNTS = (("xa.hanhlam", "Xã Hạnh Lâm"),)
MOUNTAIN = {"Huyện Quế Phong", "Huyện Quỳ Châu", "Huyện Kỳ Sơn", "Huyện Tương Dương", "Huyện Con Cuông",
            "Huyện Quỳ Hợp", "Huyện Tân Kỳ", "Huyện Anh Sơn"}
# Hamlets per district where the articles give them; others: about 8 per commune.
PUBLISHED_HAMLETS = {"Huyện Thanh Chương": 234, "Huyện Quỳ Hợp": 214, "Huyện Tương Dương": 146,
                     "Huyện Nghi Lộc": 250, "Huyện Yên Thành": 338}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Hồ", "Cao", "Thái", "Đinh"]
MOUNTAIN_SURNAMES = ["Lô", "Vi", "Lương", "Lang", "Moong", "Vừ", "Xồng", "Lầu", "Kha", "Ngân", "Quang"]
MIDDLE = ["Văn", "Thị", "Đình", "Hữu", "Xuân", "Ngọc", "Minh", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phong",
         "Sơn", "Tâm", "Thành", "Thu", "Tuấn", "Vinh", "Xuân", "Chung", "Hương", "Đức", "Tình"]
LOWLAND_NAMES = ["Xóm {n}", "Xóm {n}", "Thôn {n}"]
BAN_NAMES = ["Bản Mới", "Bản Na", "Bản Pà", "Bản Huồi", "Bản Xốp", "Bản Cò", "Bản Piếng", "Bản Nậm", "Bản Tà",
             "Bản Đình", "Bản Cọ", "Bản Khe", "Bản Lũng"]

# What the summary line counts, in the command line's language.
COUNTED = {"hamlets": Label("thôn, xóm", "hamlets"), "congresses": Label("đại hội", "congresses"),
           "chief elections": Label("cuộc bầu trưởng thôn", "chief elections"),
           "admissions": Label("đảng viên kết nạp", "admissions"),
           "2025-2027 records": Label("bản ghi nhiệm kỳ 2025-2027", "2025-2027 records"),
           "2025-2027 congresses": Label("đại hội nhiệm kỳ 2025-2027", "2025-2027 congresses"),
           "2026 chief elections": Label("cuộc bầu trưởng thôn năm 2026", "2026 chief elections"),
           "2025-2026 admissions": Label("đảng viên kết nạp 2025-2026", "2025-2026 admissions"),
           "profiles": Label("hồ sơ trưởng thôn và bí thư", "profiles of chiefs and secretaries"),
           "development plans": Label("kế hoạch bồi dưỡng trưởng thôn", "development plans"),
           "evaluations": Label("đánh giá trưởng thôn năm 2025", "2025 evaluations of chiefs"),
           "officials": Label("cán bộ phụ trách địa bàn", "officials responsible for areas")}


class Command(LanguageCommand):
    help = "Load Nghệ An's official units and believable demo hamlets, results, targets and accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2022)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_admin_units", province=["Nghệ An"], stdout=self.stdout)
        province = Province.objects.get(unit_list=UnitList.EARLIER, code=40)
        if Hamlet.objects.in_province(province).exists():
            self.stdout.write(both("Đã có dữ liệu mẫu: không làm gì.", "Demo data already present: nothing to do."))
            return
        with transaction.atomic():
            counts = Demo(province, random.Random(options["seed"])).build()
            relink()  # the interval columns of the bulk-written elections and records
        analyze([Hamlet, HamletTerm, PartyCell, Congress, ChiefElection, PartyMember, AdmissionTarget, Target])
        self.stdout.write(both("Dữ liệu mẫu: ", "Demo data: ") + ", ".join(
            f"{v} {COUNTED.get(k, k)}" for k, v in counts.items()))
        self.stdout.write(both(f"Tài khoản mẫu (mật khẩu {DEMO_PASSWORD}): ",
                               f"Demo accounts (password {DEMO_PASSWORD}): ")
                          + ", ".join(name for name, _ in (*ACCOUNTS, *COMMUNE_ACCOUNTS)))


class Demo:
    def __init__(self, province: Province, rng: random.Random):
        self.province = province
        self.rng = rng
        self.term, _ = Term.objects.get_or_create(start_year=2022, end_year=2025)

    def person(self, mountain: bool) -> str:
        surname = self.rng.choice(MOUNTAIN_SURNAMES if mountain else SURNAMES)
        return f"{surname} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def hamlets(self, district: District) -> list[Hamlet]:
        communes = list(district.communes.all())
        total = PUBLISHED_HAMLETS.get(district.name, len(communes) * self.rng.randint(6, 10))
        mountain = district.name in MOUNTAIN
        rows = []
        for i in range(total):
            commune = communes[i % len(communes)]
            n = i // len(communes) + 1
            if commune.name.startswith("Phường") or commune.name.startswith("Thị trấn"):
                name, kind = f"Khối {n}", "khoi"
            elif mountain:
                base = BAN_NAMES[n % len(BAN_NAMES)]
                name, kind = (base if n <= len(BAN_NAMES) else f"{base} {n}"), "ban"
            else:
                name = self.rng.choice(LOWLAND_NAMES).format(n=n)
                name, kind = (f"Xóm {n}", "xom") if name.startswith("Xóm") else (f"Thôn {n}", "thon")
            members = self.rng.choice([0, 1, 2, 3, 4] * 2 + list(range(5, 60))) if mountain else self.rng.randint(3, 90)
            hamlet = Hamlet(commune=commune, name=name, kind=kind, party_members=members,
                            special_area=mountain and self.rng.random() < 0.8,
                            project01=members < 5 and self.rng.random() < 0.7)
            hamlet.fill_keys()
            rows.append(hamlet)
        Hamlet.settle_all(rows)
        hamlets = Hamlet.objects.bulk_create(rows, ignore_conflicts=False)
        HamletTerm.objects.bulk_create([
            HamletTerm(hamlet=h, term=self.term, kind=h.kind, special_area=h.special_area, project01=h.project01,
                       party_members=h.party_members, party_cell=h.party_members >= 3) for h in hamlets])
        return hamlets

    def results(self, district: District, hamlets: list[Hamlet]) -> tuple[int, int]:
        mountain = district.name in MOUNTAIN
        pace = self.rng.uniform(0.55, 1.0)  # share of hamlets done by mid-July
        member_rate = self.rng.uniform(0.6, 0.99)
        cells = PartyCell.objects.bulk_create([PartyCell(hamlet=h) for h in hamlets if h.party_members >= 3])
        congresses, elections = [], []
        for cell in cells:
            early = self.rng.random() < pace
            held = self.day(dt.date(2022, 5, 5), dt.date(2022, 7, 14)) if early else \
                self.day(dt.date(2022, 7, 16), dt.date(2022, 9, 30)) if self.rng.random() < 0.8 else None
            congresses.append(Congress(cell=cell, term=self.term, held_on=held, secretary=self.person(mountain),
                                       deputy_secretary=self.person(mountain)))
        by_hamlet = {c.cell.hamlet_id: c for c in congresses}
        for hamlet in hamlets:
            if self.rng.random() > pace and self.rng.random() < 0.4:
                continue  # not held yet
            held = self.day(dt.date(2022, 4, 1), dt.date(2022, 7, 14)) if self.rng.random() < pace else \
                self.day(dt.date(2022, 7, 16), dt.date(2022, 10, 30))
            congress = by_hamlet.get(hamlet.pk)
            member = hamlet.party_members > 0 and self.rng.random() < member_rate
            role = ""
            chief = self.person(mountain)
            if member and congress and congress.held_on:
                role = self.rng.choices([PartyRole.DEPUTY, PartyRole.SECRETARY, ""], [0.85, 0.07, 0.08])[0]
                chief = congress.deputy_secretary if role == PartyRole.DEPUTY else \
                    congress.secretary if role == PartyRole.SECRETARY else chief
            since = self.day(dt.date(1985, 1, 1), dt.date(2021, 12, 31)) if member else \
                self.day(dt.date(2023, 1, 10), dt.date(2024, 11, 30)) if self.rng.random() < 0.2 else None
            if role and congress.held_on and since and since > congress.held_on:
                role = ""
            elections.append(ChiefElection(hamlet=hamlet, term=self.term, held_on=held, chief=chief,
                                           chief_member_since=since, chief_party_role=role))
            if self.rng.random() < 0.03:  # a chief replaced mid-term
                elections.append(ChiefElection(hamlet=hamlet, term=self.term,
                                               held_on=self.day(dt.date(2023, 3, 1), dt.date(2024, 6, 30)),
                                               chief=self.person(mountain),
                                               chief_member_since=self.day(dt.date(1995, 1, 1), dt.date(2020, 1, 1))))
        for obj in (*congresses, *elections):
            obj.derive()  # what save() works out; bulk_create skips it
        Congress.objects.bulk_create(congresses)
        ChiefElection.objects.bulk_create(elections)
        return len(congresses), len(elections)

    def admissions(self, district: District, hamlets: list[Hamlet]) -> int:
        mountain = district.name in MOUNTAIN
        members = []
        for year in (2022, 2023, 2024):
            target = max(20, len(hamlets) // 2 + self.rng.randint(-15, 25))
            AdmissionTarget.objects.create(district=district, year=year, target=target)
            admitted = int(target * self.rng.uniform(0.8, 1.1))
            last = dt.date(year, 12, 31)
            for k in range(admitted):
                members.append(PartyMember(
                    hamlet=self.rng.choice(hamlets), full_name=f"{self.person(mountain)} {k % 7 or ''}".strip(),
                    birth_year=self.rng.randint(1975, 2004), gender=self.rng.choice(["male", "female"]),
                    ethnicity=self.rng.choice(["Thái", "Khơ Mú", "Mông"]) if mountain else "Kinh",
                    admitted_on=self.day(dt.date(year, 1, 5), last), sitting_chief=self.rng.random() < 0.015))
        for m in members:
            m.fill_keys()
        PartyMember.objects.bulk_create(members, ignore_conflicts=True)
        return len(members)

    def targets(self) -> None:
        for metric in Metric:
            Target.objects.create(province=self.province, term=self.term, metric=metric,
                                  percent=100 if metric != Metric.CHIEF_SECRETARY_OR_DEPUTY else 90)
        Target.objects.create(province=self.province, term=self.term, metric=Metric.CHIEF_MEMBERS,
                              special_area_only=True, percent=95)
        for name, percent in (("Huyện Quế Phong", 90), ("Huyện Kỳ Sơn", 85)):
            Target.objects.create(province=self.province, district=District.objects.get(name=name,
                                  province=self.province), term=self.term, metric=Metric.CHIEF_MEMBERS,
                                  percent=percent)

    def accounts(self) -> None:
        for username, district_name in ACCOUNTS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.is_superuser = user.is_staff = username == "admin"
            user.set_password(DEMO_PASSWORD)
            user.save()
            if username != "admin":
                district = District.objects.get(name=district_name, province=self.province) if district_name else None
                UserScope.objects.update_or_create(user=user, defaults={"province": self.province,
                                                                        "district": district})
        for username, commune_name in COMMUNE_ACCOUNTS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save()
            commune = Commune.objects.new().get(name=commune_name, province=self.province.current)
            UserScope.objects.update_or_create(user=user, defaults={"province": commune.province, "commune": commune})

    def build(self) -> dict[str, int]:
        counts = {"hamlets": 0, "congresses": 0, "chief elections": 0, "admissions": 0}
        for district in self.province.districts.order_by("code"):
            hamlets = self.hamlets(district)
            congresses, elections = self.results(district, hamlets)
            counts["hamlets"] += len(hamlets)
            counts["congresses"] += congresses
            counts["chief elections"] += elections
            counts["admissions"] += self.admissions(district, hamlets)
        self.targets()
        counts.update(NewTerm(self.province, self.rng, self.person, self.day).build())
        relink()  # the people's facts below read the chiefs in office
        counts.update(People(self.province, self.rng, self.person,
                             lambda district: district is not None and district.name in MOUNTAIN).build())
        self.accounts()
        return counts
