"""Administrative units, hamlets, Party cells and Party members.

Provinces, districts and communes come from the official list
(``load_admin_units``); hamlets, cells and members are entered by the
districts. Every name is stored NFC (``text.clean``) next to two derived
keys: ``name_key`` for matching imported names and ``search`` for searches
that ignore case and diacritics.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import text
from .scoping import HamletChildQuerySet, ScopedQuerySet


class NamedUnit(models.Model):
    """A name stored NFC with its matching and search keys kept in step."""

    name = models.CharField(_("tên"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    search = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key", "search"}
        super().save(*args, **kwargs)

    def fill_keys(self) -> None:
        self.name = text.clean(self.name)
        self.name_key = text.match_key(self.name)
        self.search = text.search_key(self.name)


class OfficialUnit(NamedUnit):
    """A unit of the official list, identified by its official code."""

    code = models.PositiveIntegerField(_("mã"), unique=True)
    division_type = models.CharField(_("loại"), max_length=30)

    class Meta:
        abstract = True
        ordering = ["code"]


class ProvinceQuerySet(ScopedQuerySet):
    district_path = "districts"
    province_path = "pk"


class DistrictQuerySet(ScopedQuerySet):
    district_path = ""


class CommuneQuerySet(ScopedQuerySet):
    district_path = "district"


class Province(OfficialUnit):
    objects = ProvinceQuerySet.as_manager()

    class Meta(OfficialUnit.Meta):
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")


class District(OfficialUnit):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts",
                                 verbose_name=_("tỉnh"))

    objects = DistrictQuerySet.as_manager()

    class Meta(OfficialUnit.Meta):
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")


class Commune(OfficialUnit):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="communes",
                                 verbose_name=_("huyện"))

    objects = CommuneQuerySet.as_manager()

    class Meta(OfficialUnit.Meta):
        verbose_name = _("xã")
        verbose_name_plural = _("xã")


class HamletKind(models.TextChoices):
    THON = "thon", _("thôn")
    XOM = "xom", _("xóm")
    BAN = "ban", _("bản")
    LANG = "lang", _("làng")
    KHOI = "khoi", _("khối")
    TO_DAN_PHO = "to_dan_pho", _("tổ dân phố")
    AP = "ap", _("ấp")

    @classmethod
    def parse(cls, value: object) -> HamletKind | None:
        """The kind a user typed (``Xóm``, ``xom``, ``tổ dân phố``), or None."""
        key = text.search_key(value)
        for kind in cls:
            if key in {kind.value.replace("_", " "), text.search_key(kind.label)}:
                return kind
        return None


class HamletQuerySet(ScopedQuerySet):
    district_path = "commune__district"
    province_path = "commune__district__province_id"

    def in_province(self, province: Province) -> HamletQuerySet:
        return self.filter(commune__district__province=province)

    def search(self, query: str) -> HamletQuerySet:
        """Hamlets whose name, commune or district contains ``query``, ignoring
        case and diacritics."""
        key = text.search_key(query)
        if not key:
            return self
        return self.filter(
            Q(search__contains=key) | Q(commune__search__contains=key)
            | Q(commune__district__search__contains=key)
        )


class Hamlet(NamedUnit):
    """Thôn, xóm, bản, làng, khối, tổ dân phố or ấp; not in any national list."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="hamlets",
                                verbose_name=_("xã"))
    kind = models.CharField(_("loại"), max_length=20, choices=HamletKind.choices, blank=True)
    special_area = models.BooleanField(_("địa bàn đặc thù"), default=False)
    project01 = models.BooleanField(_("thuộc Đề án 01"), default=False)
    party_members = models.PositiveIntegerField(_("số đảng viên"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = HamletQuerySet.as_manager()

    class Meta:
        verbose_name = _("thôn, xóm")
        verbose_name_plural = _("thôn, xóm")
        ordering = ["commune__district__code", "commune__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_key"], name="hamlet_unique_name_per_commune"),
            models.CheckConstraint(condition=Q(party_members__gte=0), name="hamlet_party_members_not_negative"),
        ]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hamlets:detail", args=[self.pk])


class PartyCell(models.Model):
    """The hamlet's own Party cell (chi bộ); at most one per hamlet.

    A cell that is dissolved keeps its row (``active=False``) so that the
    congresses it held stay on record.
    """

    hamlet = models.OneToOneField(Hamlet, on_delete=models.CASCADE, related_name="party_cell",
                                  verbose_name=_("thôn, xóm"))
    active = models.BooleanField(_("đang hoạt động"), default=True)
    history = HistoricalRecords()

    objects = HamletChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("chi bộ")
        verbose_name_plural = _("chi bộ")
        indexes = [models.Index(fields=["hamlet", "active"], name="partycell_hamlet_active")]

    def __str__(self) -> str:
        return _("Chi bộ %(hamlet)s") % {"hamlet": self.hamlet.name}


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class PartyMember(models.Model):
    """A person admitted to the Party (probationary on ``admitted_on``)."""

    hamlet = models.ForeignKey(Hamlet, on_delete=models.PROTECT, related_name="members",
                               verbose_name=_("thôn, xóm"))
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    search = models.CharField(max_length=120, editable=False, db_index=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=60, blank=True)
    admitted_on = models.DateField(_("ngày kết nạp"))
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    left_on = models.DateField(_("ngày ra khỏi Đảng"), null=True, blank=True)
    sitting_chief = models.BooleanField(_("đang là trưởng thôn khi kết nạp"), default=False)
    history = HistoricalRecords()

    objects = HamletChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["-admitted_on", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["hamlet", "name_key", "birth_year"],
                                    name="member_unique_person_per_hamlet"),
            models.CheckConstraint(condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                                   name="member_official_after_admission"),
        ]
        indexes = [models.Index(fields=["admitted_on"], name="member_admitted_on")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_keys()
        super().save(*args, **kwargs)

    def fill_keys(self) -> None:
        """Normalise the names and derive the keys (``bulk_create`` skips ``save``)."""
        self.full_name = text.clean(self.full_name)
        self.ethnicity = text.clean(self.ethnicity)
        self.name_key = text.match_key(self.full_name)
        self.search = text.search_key(self.full_name)


class UserScope(models.Model):
    """Which part of the province a user works on (see ``scoping.Scope``).

    A district board member has a district (and its province); provincial
    staff have a province only. ``editor`` lets provincial staff change the
    districts' results; district boards always may, in their own district.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope",
                                verbose_name=_("người dùng"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, verbose_name=_("tỉnh"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("huyện"))
    editor = models.BooleanField(_("được sửa kết quả của các huyện"), default=False)

    class Meta:
        verbose_name = _("phạm vi người dùng")
        verbose_name_plural = _("phạm vi người dùng")

    def __str__(self) -> str:
        return f"{self.user}: {self.district or self.province}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.district_id and not self.province_id:
            self.province_id = self.district.province_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.district_id and self.province_id and self.district.province_id != self.province_id:
            raise ValidationError({"district": _("Huyện không thuộc tỉnh đã chọn.")})
