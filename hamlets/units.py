"""The official administrative units of both lists (``units.md``): provinces, districts, communes and
the conversion table between the lists, loaded by ``load_admin_units`` and never typed by hand.

Every name is stored NFC (``text.clean``) next to three derived keys: ``name_key`` for matching
imported names, ``search`` for searches that ignore case and diacritics, and ``name_sort`` for the
natural order of names (``Khối 2`` before ``Khối 10``). ``NamedUnit`` is shared with hamlets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import bounds, text
from .scoping import Scope, ScopedQuerySet


class NamedUnit(models.Model):
    """A name stored NFC with its matching and search keys kept in step."""

    name = models.CharField(_("tên"), max_length=bounds.NAME_LENGTH)
    # keys may be longer than the name: a tone mark moved after a consonant ("m\u0301") has no precomposed form
    name_key = models.CharField(max_length=250, editable=False, db_index=True)
    search = models.CharField(max_length=250, editable=False, db_index=True)
    # natural order in the database (``Khối 2`` before ``Khối 10``), so lists sort and paginate there
    name_sort = models.CharField(max_length=text.SORT_KEY_LENGTH, editable=False, db_index=True, default="")

    KEYS = ("name_key", "search", "name_sort")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, *self.KEYS}
        super().save(*args, **kwargs)

    def fill_keys(self) -> None:
        self.name = text.clean(self.name)
        self.name_key = text.match_key(self.name)
        self.search = text.search_key(self.name)
        self.name_sort = text.sort_key(self.name)


class UnitList(models.TextChoices):
    """The two official lists (``units.md``): a code means something only with its list."""

    EARLIER = "earlier", _("danh mục trước 01/07/2025")
    NEW = "2025", _("danh mục từ 01/07/2025")


# The first day of the 2025 list: figures as of this day or later use it.
NEW_LIST_FROM = dt.date(2025, 7, 1)


def list_in_force(day: dt.date) -> str:
    return UnitList.NEW if day >= NEW_LIST_FROM else UnitList.EARLIER


class OfficialUnit(NamedUnit):
    """A unit of one official list, identified by its list and official code."""

    code = models.PositiveIntegerField(_("mã"))
    unit_list = models.CharField(_("danh mục"), max_length=8, choices=UnitList.choices, default=UnitList.EARLIER,
                                 db_index=True)
    division_type = models.CharField(_("loại"), max_length=30)

    class Meta:
        abstract = True
        ordering = ["code"]

    @property
    def is_new(self) -> bool:
        return self.unit_list == UnitList.NEW

    def label(self) -> str:
        """The name, with its list where a name may exist in both (``Xã Hạnh Lâm (danh mục 2025)``)."""
        return self.name


class ProvinceQuerySet(ScopedQuerySet):
    def restrict(self, user: Any) -> ProvinceQuerySet:
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.province_id is None:
            return self.none()
        return self.filter(Q(pk=scope.province_id) | Q(successor_id=scope.province_id))

    def new(self) -> ProvinceQuerySet:
        return self.filter(unit_list=UnitList.NEW)

    def earlier(self) -> ProvinceQuerySet:
        return self.filter(unit_list=UnitList.EARLIER)


class DistrictQuerySet(ScopedQuerySet):
    def restrict(self, user: Any) -> DistrictQuerySet:
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.district_id is not None:
            return self.filter(pk=scope.district_id)
        if scope.commune_id is not None:  # commune boards work in the 2025 layout only
            return self.none()
        if scope.province_id is not None:
            return self.filter(Q(province__successor_id=scope.province_id) | Q(province_id=scope.province_id))
        return self.none()


class CommuneQuerySet(ScopedQuerySet):
    def restrict(self, user: Any) -> CommuneQuerySet:
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.district_id is not None:
            return self.filter(district_id=scope.district_id)
        if scope.commune_id is not None:
            return self.filter(pk=scope.commune_id)
        if scope.province_id is not None:
            return self.filter(Q(province_id=scope.province_id) | Q(province__successor_id=scope.province_id))
        return self.none()

    def new(self) -> CommuneQuerySet:
        return self.filter(unit_list=UnitList.NEW)

    def earlier(self) -> CommuneQuerySet:
        return self.filter(unit_list=UnitList.EARLIER)


class Province(OfficialUnit):
    """A province of either list; an earlier province names the 2025 province it lies in."""

    successor = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="predecessors", verbose_name=_("tỉnh từ 01/07/2025"),
                                  limit_choices_to={"unit_list": UnitList.NEW})

    objects = ProvinceQuerySet.as_manager()

    class Meta(OfficialUnit.Meta):
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")
        constraints = [models.UniqueConstraint(fields=["unit_list", "code"], name="province_unique_list_code")]

    @property
    def current(self) -> Province:
        """The 2025 province this one is or lies in (itself for a 2025 province)."""
        if self.unit_list == UnitList.NEW:
            return self
        return self.successor if self.successor_id else self

    @property
    def current_id(self) -> int:
        return self.pk if self.unit_list == UnitList.NEW else (self.successor_id or self.pk)


class District(OfficialUnit):
    """A district of the earlier list (the 2025 list has none)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts",
                                 verbose_name=_("tỉnh"))

    objects = DistrictQuerySet.as_manager()

    class Meta(OfficialUnit.Meta):
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")
        constraints = [models.UniqueConstraint(fields=["unit_list", "code"], name="district_unique_list_code")]


class Commune(OfficialUnit):
    """A commune of either list: of the earlier list under a district, of the 2025 list under its province."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes",
                                 verbose_name=_("tỉnh"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="communes", null=True, blank=True,
                                 verbose_name=_("huyện"))
    successors = models.ManyToManyField("self", through="CommuneSuccession", symmetrical=False,
                                        related_name="predecessors", through_fields=("old", "new"),
                                        verbose_name=_("xã từ 01/07/2025"))

    objects = CommuneQuerySet.as_manager()

    class Meta(OfficialUnit.Meta):
        verbose_name = _("xã")
        verbose_name_plural = _("xã")
        constraints = [models.UniqueConstraint(fields=["unit_list", "code"], name="commune_unique_list_code")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.district_id and not self.province_id:
            self.province_id = District.objects.filter(pk=self.district_id).values_list("province_id").get()[0]
        super().save(*args, **kwargs)

    @staticmethod
    def sole_successor(commune_id: int) -> int | None:
        """The one 2025 commune the conversion table maps an earlier commune to, else None."""
        ids = list(CommuneSuccession.objects.filter(old_id=commune_id).values_list("new_id", flat=True)[:2])
        return ids[0] if len(ids) == 1 else None

    @staticmethod
    def current_province_id(commune_id: int) -> int:
        """The 2025 province an earlier commune lies in (its province where none is loaded)."""
        province_id, successor_id = Commune.objects.filter(pk=commune_id).values_list(
            "province_id", "province__successor_id").get()
        return successor_id or province_id


class CommuneSuccession(models.Model):
    """One line of the official conversion table: an earlier commune went (wholly or partly) into a 2025 one."""

    old = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="succession_new",
                            verbose_name=_("xã trước 01/07/2025"))
    new = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="succession_old",
                            verbose_name=_("xã, phường từ 01/07/2025"))
    partly_merged = models.BooleanField(_("nhập một phần"), default=False)

    class Meta:
        verbose_name = _("chuyển đổi xã")
        verbose_name_plural = _("chuyển đổi xã")
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="succession_unique_pair")]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"
