"""Factories for tests: each builds its own administrative units, so tests
never depend on the official list being loaded."""

from __future__ import annotations

import datetime as dt

import factory

from elections.models import ChiefElection, Congress, PartyRole, Target, Term
from hamlets.models import Commune, District, Hamlet, PartyCell, PartyMember, Province


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


class HamletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hamlet

    name = factory.Sequence(lambda n: f"Xóm {n}")
    commune = factory.SubFactory(CommuneFactory)
    kind = "xom"
    party_members = 10


class PartyCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyCell
        django_get_or_create = ("hamlet",)

    hamlet = factory.SubFactory(HamletFactory)


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


__all__ = ["PartyRole"]
