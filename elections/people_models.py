"""The people behind the numbers (``domain.md`` items 8-11): chiefs' development plans,
yearly evaluations of chiefs, and the officials responsible for an area.

Names are compared by their folded key (``hamlets.text.match_key``: NFC, invisible
characters, white space, case and tone-mark placement), kept beside the name on every
save (``derive``; the import's bulk writer calls it too).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hamlets import bounds, text
from hamlets.models import Commune, District, Hamlet, Province, UnitList
from hamlets.scoping import HamletChildQuerySet, Scope

from .models import Derived, Term, Versioned

STALLED_AFTER_DAYS = 180  # a plan whose last step is more than this many days old is stalled


class ChiefPlan(Derived, Versioned):
    """A development plan for a chief who is not a Party member (``domain.md`` item 9).

    Identified by hamlet, term and the chief's folded name. Membership never comes from
    here: the chief is a member from the election's ``chief_member_since``, which ends the plan.
    """

    hamlet = models.ForeignKey(Hamlet, on_delete=models.CASCADE, related_name="chief_plans",
                               verbose_name=_("thôn, xóm"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="chief_plans",
                             verbose_name=_("nhiệm kỳ"))
    chief = models.CharField(_("trưởng thôn"), max_length=bounds.NAME_LENGTH)
    chief_key = models.CharField(max_length=bounds.NAME_LENGTH * 2, editable=False)
    mentor = models.CharField(_("người giúp đỡ"), max_length=bounds.NAME_LENGTH)
    started_on = models.DateField(_("ngày bắt đầu"), validators=[bounds.validate_day])
    course_on = models.DateField(_("ngày học xong lớp nhận thức về Đảng"), null=True, blank=True,
                                 validators=[bounds.validate_day])
    application_on = models.DateField(_("ngày nộp đơn xin vào Đảng"), null=True, blank=True,
                                      validators=[bounds.validate_day])
    # a history is read by its row's own id or hamlet (elections.history): the other indexes only slowed writes
    history = HistoricalRecords(no_db_index=["term"])

    objects = HamletChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch bồi dưỡng trưởng thôn")
        verbose_name_plural = _("kế hoạch bồi dưỡng trưởng thôn")
        ordering = ["hamlet", "term", "chief_key"]
        constraints = [
            models.UniqueConstraint(fields=["hamlet", "term", "chief_key"], name="chief_plan_one_per_chief"),
            models.CheckConstraint(condition=Q(course_on__isnull=True) | Q(course_on__gte=models.F("started_on")),
                                   name="chief_plan_course_after_start"),
            models.CheckConstraint(condition=Q(application_on__isnull=True)
                                   | Q(application_on__gte=models.F("started_on")),
                                   name="chief_plan_application_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.term}: {self.chief}"

    DERIVED_FIELDS = ("chief_key",)

    def derive(self) -> None:
        self.chief = text.clean(self.chief)
        self.mentor = text.clean(self.mentor)
        self.chief_key = text.match_key(self.chief)


class Rating(models.TextChoices):
    """A chief's yearly evaluation; values are the workbook's spellings."""

    EXCELLENT = "excellent", _("Hoàn thành xuất sắc")
    GOOD = "good", _("Hoàn thành tốt")
    COMPLETED = "completed", _("Hoàn thành")
    NOT_COMPLETED = "not completed", _("Không hoàn thành")


class ChiefEvaluation(Derived, Versioned):
    """The evaluation of a hamlet's chief for one calendar year (``domain.md`` item 10)."""

    hamlet = models.ForeignKey(Hamlet, on_delete=models.CASCADE, related_name="chief_evaluations",
                               verbose_name=_("thôn, xóm"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[bounds.validate_past_year])
    chief = models.CharField(_("trưởng thôn"), max_length=bounds.NAME_LENGTH)
    chief_key = models.CharField(max_length=bounds.NAME_LENGTH * 2, editable=False)
    rating = models.CharField(_("xếp loại"), max_length=20, choices=Rating.choices)
    history = HistoricalRecords()

    objects = HamletChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá trưởng thôn")
        verbose_name_plural = _("đánh giá trưởng thôn")
        ordering = ["hamlet", "-year", "chief_key"]
        constraints = [
            models.UniqueConstraint(fields=["hamlet", "year", "chief_key"], name="chief_evaluation_one_per_year"),
        ]
        # the dashboards' "not completed last year" test, once per hamlet with a chief (``people_figures``): a
        # probe of the few such evaluations, not a read of every evaluation's row to look at its rating
        # (~10 of a province dashboard's 15 ms of people figures at 100,000 hamlets, issue 11)
        indexes = [models.Index(fields=["hamlet", "year", "chief_key"], name="evaluation_not_completed",
                                condition=Q(rating=Rating.NOT_COMPLETED))]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.year}: {self.chief} ({self.get_rating_display()})"

    DERIVED_FIELDS = ("chief_key",)

    def derive(self) -> None:
        self.chief = text.clean(self.chief)
        self.chief_key = text.match_key(self.chief)


class OfficialQuerySet(models.QuerySet["Official"]):
    def restrict(self, user: Any) -> OfficialQuerySet:
        """The officials with an area in the user's scope (provincial staff: of their province)."""
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.is_district:
            return self.filter(areas__district_id=scope.district_id).distinct()
        if scope.is_commune:
            return self.filter(areas__commune_id=scope.commune_id).distinct()
        if scope.province_id is not None:
            return self.filter(province_id=scope.province_id)
        return self.none()


class Official(Derived, models.Model):
    """A Party official responsible for one or more areas (``domain.md`` item 11), identified by
    (2025) province and name; position and phone come from the latest entry."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="officials",
                                 verbose_name=_("tỉnh"), limit_choices_to={"unit_list": UnitList.NEW})
    name = models.CharField(_("họ và tên"), max_length=bounds.NAME_LENGTH)
    name_key = models.CharField(max_length=bounds.NAME_LENGTH * 2, editable=False)
    position = models.CharField(_("chức vụ"), max_length=bounds.POSITION_LENGTH, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=bounds.PHONE_LENGTH, blank=True,
                             validators=[bounds.validate_phone])
    history = HistoricalRecords()

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("cán bộ phụ trách địa bàn")
        verbose_name_plural = _("cán bộ phụ trách địa bàn")
        ordering = ["province", "name_key"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name_key"], name="official_one_per_province_name"),
        ]

    def __str__(self) -> str:
        return self.name

    DERIVED_FIELDS = ("name_key",)

    def derive(self) -> None:
        self.name = text.clean(self.name)
        self.position = text.clean(self.position)
        self.phone = text.clean(self.phone)
        self.name_key = text.match_key(self.name)


class OfficialAreaQuerySet(models.QuerySet["OfficialArea"]):
    def restrict(self, user: Any) -> OfficialAreaQuerySet:
        """Assignments to an area in the user's scope."""
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.is_district:
            return self.filter(district_id=scope.district_id)
        if scope.is_commune:
            return self.filter(commune_id=scope.commune_id)
        if scope.province_id is not None:
            return self.filter(official__province_id=scope.province_id)
        return self.none()


class OfficialArea(models.Model):
    """An official's responsibility for one district (earlier list) or one commune (2025 list)."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="areas",
                                 verbose_name=_("cán bộ"))
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="officials", verbose_name=_("huyện"))
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="officials", verbose_name=_("xã, phường (từ 01/07/2025)"),
                                limit_choices_to={"unit_list": UnitList.NEW})
    history = HistoricalRecords()

    objects = OfficialAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("địa bàn phụ trách")
        verbose_name_plural = _("địa bàn phụ trách")
        constraints = [
            models.UniqueConstraint(fields=["official", "district"], condition=Q(district__isnull=False),
                                    name="official_area_one_per_district"),
            models.UniqueConstraint(fields=["official", "commune"], condition=Q(commune__isnull=False),
                                    name="official_area_one_per_commune"),
            models.CheckConstraint(condition=Q(district__isnull=False, commune__isnull=True)
                                   | Q(district__isnull=True, commune__isnull=False),
                                   name="official_area_district_or_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.official}: {self.district or self.commune}"

    @property
    def unit(self) -> District | Commune | None:
        return self.district or self.commune
