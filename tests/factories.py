"""Factories for tests: each builds its own administrative units, so tests
never depend on the official list being loaded."""

from __future__ import annotations

import datetime as dt

import factory

from elections.models import (
    ChiefElection,
    ChiefEvaluation,
    ChiefPlan,
    Congress,
    HamletTerm,
    Official,
    PartyRole,
    Rating,
    Target,
    Term,
)
from hamlets.models import Commune, CommuneSuccession, District, Hamlet, PartyCell, PartyMember, Province, UnitList


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 900 + n)
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    division_type = "tỉnh"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 9000 + n)
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    division_type = "huyện"
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    division_type = "xã"
    district = factory.SubFactory(DistrictFactory)


class NewProvinceFactory(ProvinceFactory):
    """A province of the 2025 list."""

    class Meta:
        model = Province
        django_get_or_create = ("unit_list", "code")

    unit_list = UnitList.NEW
    code = factory.Sequence(lambda n: 700 + n)
    name = factory.Sequence(lambda n: f"Tỉnh Mới {n}")


class NewCommuneFactory(factory.django.DjangoModelFactory):
    """A commune of the 2025 list (no district)."""

    class Meta:
        model = Commune
        django_get_or_create = ("unit_list", "code")

    unit_list = UnitList.NEW
    code = factory.Sequence(lambda n: 70000 + n)
    name = factory.Sequence(lambda n: f"Xã Mới {n}")
    division_type = "xã"
    province = factory.SubFactory(NewProvinceFactory)
    district = None


def succeed(old: Commune, *new: Commune) -> None:
    """A line of the conversion table: ``old`` went into ``new`` (several: a split commune)."""
    for commune in new:
        CommuneSuccession.objects.get_or_create(old=old, new=commune)


class HamletFactory(factory.django.DjangoModelFactory):
    """A hamlet with its record for ``term`` (default 2022-2025; ``term=None``: none)."""

    class Meta:
        model = Hamlet
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Xóm {n}")
    commune = factory.SubFactory(CommuneFactory)
    kind = "xom"
    party_members = 10

    @factory.post_generation
    def term(self, create: bool, extracted: Term | None | bool, **kwargs: object) -> None:
        if not create or extracted is False:
            return
        term = extracted if extracted is not None else TermFactory()
        cell = PartyCell.objects.filter(hamlet=self, active=True).exists()
        HamletTerm.objects.get_or_create(hamlet=self, term=term, defaults={
            "kind": self.kind, "special_area": self.special_area, "project01": self.project01,
            "party_members": self.party_members, "party_cell": cell})


class PartyCellFactory(factory.django.DjangoModelFactory):
    """The hamlet's cell; its records say so (``active``) unless ``records=False``."""

    class Meta:
        model = PartyCell
        django_get_or_create = ("hamlet",)
        skip_postgeneration_save = True

    hamlet = factory.SubFactory(HamletFactory)

    @factory.post_generation
    def records(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            HamletTerm.objects.filter(hamlet=self.hamlet).update(party_cell=self.active)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("start_year", "end_year")

    start_year = 2022
    end_year = 2025


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress

    cell = factory.SubFactory(PartyCellFactory)
    term = factory.SubFactory(TermFactory)
    held_on = dt.date(2022, 6, 1)
    secretary = factory.Sequence(lambda n: f"Nguyễn Văn Bí {n}")
    deputy_secretary = factory.Sequence(lambda n: f"Trần Thị Phó {n}")


class ChiefElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChiefElection

    hamlet = factory.SubFactory(HamletFactory)
    term = factory.SubFactory(TermFactory)
    held_on = dt.date(2022, 6, 10)
    chief = factory.Sequence(lambda n: f"Lê Văn Trưởng {n}")
    chief_member_since = None
    chief_party_role = ""


class PartyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyMember

    hamlet = factory.SubFactory(HamletFactory)
    full_name = factory.Sequence(lambda n: f"Vi Văn Mới {n}")
    birth_year = 1990
    admitted_on = dt.date(2024, 5, 19)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    province = factory.SubFactory(ProvinceFactory)
    term = factory.SubFactory(TermFactory)
    metric = "Chiefs who are Party members"
    percent = 100


class HamletTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HamletTerm
        django_get_or_create = ("hamlet", "term")

    hamlet = factory.SubFactory(HamletFactory, term=False)
    term = factory.SubFactory(TermFactory)
    kind = "xom"
    party_members = 10


__all__ = ["PartyRole", "succeed"]


class ChiefPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChiefPlan

    hamlet = factory.SubFactory(HamletFactory)
    term = factory.SubFactory(TermFactory)
    chief = factory.Sequence(lambda n: f"Lê Văn Trưởng {n}")
    mentor = factory.Sequence(lambda n: f"Hoàng Văn Giúp {n}")
    started_on = dt.date(2023, 1, 10)


class ChiefEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChiefEvaluation

    hamlet = factory.SubFactory(HamletFactory)
    year = 2023
    chief = factory.Sequence(lambda n: f"Lê Văn Trưởng {n}")
    rating = Rating.GOOD


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    province = factory.SubFactory(NewProvinceFactory)
    name = factory.Sequence(lambda n: f"Đặng Văn Phụ Trách {n}")
    position = "Ủy viên Ban Thường vụ Tỉnh ủy"
    phone = "0912 345 678"
