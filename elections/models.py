"""Terms, Party cell congresses, hamlet-chief elections and targets."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hamlets import bounds, text
from hamlets.models import (
    Commune,
    District,
    Gender,
    Hamlet,
    HamletKind,
    PartyCell,
    Province,
    UnitList,
    province_in_force,
)
from hamlets.scoping import HamletChildQuerySet, Scope, ScopedQuerySet
from hamlets.signals import KeepsHamletsInStep

TERM_PATTERN = re.compile(r"^\s*(\d{4})\s*[-\u2013\u2014]\s*(\d{4})\s*$")


class TermQuerySet(models.QuerySet["Term"]):
    def parse(self, value: object) -> Term | None:
        """The stored term a user typed (``2022-2025``, ``2022 – 2025``), or None."""
        years = Term.parse_years(value)
        return self.filter(start_year=years[0], end_year=years[1]).first() if years else None

    def get_or_create_from_text(self, value: object) -> Term:
        years = Term.parse_years(value)
        if years is None:
            raise ValueError(f"not a term: {value!r}")
        term, _created = self.get_or_create(start_year=years[0], end_year=years[1])
        return term


class Term(models.Model):
    """A congress term (nhiệm kỳ), e.g. 2022-2025."""

    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"), validators=[bounds.validate_year])
    end_year = models.PositiveSmallIntegerField(_("năm kết thúc"), validators=[bounds.validate_year])

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "end_year"], name="term_unique_years"),
            models.CheckConstraint(condition=Q(end_year__gt=models.F("start_year")), name="term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def parse_years(value: object) -> tuple[int, int] | None:
        match = TERM_PATTERN.match(text.clean(value))
        if not match:
            return None
        start, end = int(match[1]), int(match[2])
        return (start, end) if 1930 <= start < end <= start + 10 else None

    @property
    def name(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.start_year, 1, 1)


class Versioned(models.Model):
    """Optimistic locking: a form posts the version it showed; a save against a
    newer version is refused instead of overwriting a colleague's change."""

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        abstract = True


class Derived:
    """A model whose ``save()`` first works out its derived fields (``derive()``: names cleaned, their
    folded keys, flags read from them); the import's bulk writer and ``generate_national`` call
    ``derive()`` themselves, as they bypass ``save()``."""

    def derive(self) -> None:
        raise NotImplementedError

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().save(*args, **kwargs)  # type: ignore[misc]  # the model's own save, next in the MRO


class HamletTermQuerySet(KeepsHamletsInStep, ScopedQuerySet):
    hamlet_path = "hamlet"
    # what the interval columns and facts rows read (``until_year``/``start_year`` are theirs)
    watched = frozenset({"hamlet", "hamlet_id", "term", "term_id", "party_cell", "party_members", "special_area",
                         "project01"})

    def in_force(self, term: Term, hamlet: object = None) -> HamletTermQuerySet:
        """The record a term's figures use for a hamlet: the term's own, else the latest earlier term's."""
        hamlet = OuterRef("pk") if hamlet is None else hamlet
        return self.filter(hamlet=hamlet, term__start_year__lte=term.start_year).order_by(
            "-term__start_year", "-term__end_year")


class HamletTerm(Versioned):
    """What describes a hamlet in one term (``units.md``): a later term's record never
    rewrites an earlier term's figures. A hamlet counts in a term's figures only once it
    has a record for that term or an earlier one."""

    hamlet = models.ForeignKey(Hamlet, on_delete=models.CASCADE, related_name="term_records",
                               verbose_name=_("thôn, xóm"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="hamlet_records",
                             verbose_name=_("nhiệm kỳ"))
    kind = models.CharField(_("loại"), max_length=20, choices=HamletKind.choices, blank=True)
    special_area = models.BooleanField(_("địa bàn đặc thù"), default=False)
    project01 = models.BooleanField(_("thuộc Đề án 01"), default=False)
    party_members = models.PositiveIntegerField(_("số đảng viên"), default=0, validators=bounds.PARTY_MEMBERS)
    party_cell = models.BooleanField(_("có chi bộ"), default=False)
    # Kept in step by ``elections.intervals``: the term's start year and the start year of the hamlet's
    # next record (None: the latest). The record is in force for a term starting in S when
    # start_year <= S < until_year, so the figures find it with a plain join.
    start_year = models.PositiveSmallIntegerField(null=True, editable=False)
    until_year = models.PositiveSmallIntegerField(null=True, editable=False)
    # a history is read by its row's own id or hamlet (elections.history): the other indexes only slowed writes
    history = HistoricalRecords(excluded_fields=["start_year", "until_year"], no_db_index=["term"])

    objects = HamletTermQuerySet.as_manager()

    FIELDS = ("kind", "special_area", "project01", "party_members", "party_cell")

    class Meta:
        verbose_name = _("thông tin thôn theo nhiệm kỳ")
        verbose_name_plural = _("thông tin thôn theo nhiệm kỳ")
        constraints = [
            models.UniqueConstraint(fields=["hamlet", "term"], name="hamlet_term_one_record"),
            models.CheckConstraint(condition=Q(party_members__gte=0), name="hamlet_term_members_not_negative"),
            models.CheckConstraint(condition=Q(party_members__lte=bounds.MAX_PARTY_MEMBERS),
                                   name="hamlet_term_members_at_most_9999"),
        ]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.term}"


class CongressQuerySet(KeepsHamletsInStep, ScopedQuerySet):
    hamlet_path = "cell__hamlet"
    # what the facts rows read
    watched = frozenset({"cell", "cell_id", "term", "term_id", "held_on", "secretary", "secretary_gender",
                         "secretary_minority"})


class ChiefElectionQuerySet(KeepsHamletsInStep, HamletChildQuerySet):
    # what the interval columns and facts rows read (``until`` is theirs)
    watched = frozenset({"hamlet", "hamlet_id", "term", "term_id", "held_on", "chief_party_role",
                         "chief_member_since", "chief_birth_year", "chief_gender", "chief_minority", "chief_key"})


class Congress(Derived, Versioned):
    """The congress (đại hội chi bộ) a cell holds once per term."""

    cell = models.ForeignKey(PartyCell, on_delete=models.CASCADE, related_name="congresses",
                             verbose_name=_("chi bộ"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="congresses",
                             verbose_name=_("nhiệm kỳ"))
    held_on = models.DateField(_("ngày đại hội"), null=True, blank=True, validators=[bounds.validate_day])
    secretary = models.CharField(_("bí thư"), max_length=bounds.NAME_LENGTH, blank=True)
    deputy_secretary = models.CharField(_("phó bí thư"), max_length=bounds.NAME_LENGTH, blank=True)
    secretary_birth_year = models.PositiveSmallIntegerField(_("năm sinh của bí thư"), null=True, blank=True,
                                                            validators=[bounds.validate_birth_year])
    secretary_gender = models.CharField(_("giới tính của bí thư"), max_length=10, choices=Gender.choices,
                                        blank=True)
    secretary_ethnicity = models.CharField(_("dân tộc của bí thư"), max_length=bounds.ETHNICITY_LENGTH,
                                           blank=True)
    # derived from the ethnicity (``text.is_minority``): None when blank
    secretary_minority = models.BooleanField(null=True, editable=False)
    # a history is read by its row's own id or hamlet (elections.history): the other indexes only slowed writes
    history = HistoricalRecords(no_db_index=["term"])

    objects = CongressQuerySet.as_manager()

    PROFILE_FIELDS = ("secretary_birth_year", "secretary_gender", "secretary_ethnicity")
    DERIVED_FIELDS = ("secretary_minority",)  # worked out by ``derive``

    class Meta:
        verbose_name = _("đại hội chi bộ")
        verbose_name_plural = _("đại hội chi bộ")
        constraints = [
            models.UniqueConstraint(fields=["cell", "term"], name="congress_one_per_cell_and_term"),
        ]
        indexes = [models.Index(fields=["term", "held_on"], name="congress_term_held_on")]

    def __str__(self) -> str:
        return f"{self.cell} {self.term}"

    def derive(self) -> None:
        """Clean the names and work out what is kept beside them (the import's bulk writer calls it too)."""
        self.secretary = text.clean(self.secretary)
        self.deputy_secretary = text.clean(self.deputy_secretary)
        self.secretary_ethnicity = text.clean(self.secretary_ethnicity)
        self.secretary_minority = text.is_minority(self.secretary_ethnicity)


class PartyRole(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư")
    DEPUTY = "deputy", _("Phó bí thư")


class ChiefElection(Derived, Versioned):
    """One election of a hamlet chief; several per term when a chief is replaced.

    The chief in office on a date is the one elected most recently on or
    before that date. ``chief_member_since`` is the date the chief was
    admitted to the Party: the chief counts as a member from that date on,
    so a chief admitted after the election counts from the admission.
    """

    hamlet = models.ForeignKey(Hamlet, on_delete=models.CASCADE, related_name="chief_elections",
                               verbose_name=_("thôn, xóm"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="chief_elections",
                             verbose_name=_("nhiệm kỳ"))
    held_on = models.DateField(_("ngày bầu"), validators=[bounds.validate_day])
    chief = models.CharField(_("trưởng thôn"), max_length=bounds.NAME_LENGTH)
    chief_member_since = models.DateField(_("ngày vào Đảng của trưởng thôn"), null=True, blank=True,
                                          validators=[bounds.validate_day])
    chief_party_role = models.CharField(_("chức vụ trong chi bộ"), max_length=20,
                                        choices=PartyRole.choices, blank=True)
    chief_key = models.CharField(max_length=bounds.NAME_LENGTH * 2, editable=False, default="")
    chief_birth_year = models.PositiveSmallIntegerField(_("năm sinh của trưởng thôn"), null=True, blank=True,
                                                        validators=[bounds.validate_birth_year])
    chief_gender = models.CharField(_("giới tính của trưởng thôn"), max_length=10, choices=Gender.choices,
                                    blank=True)
    chief_ethnicity = models.CharField(_("dân tộc của trưởng thôn"), max_length=bounds.ETHNICITY_LENGTH,
                                       blank=True)
    chief_minority = models.BooleanField(null=True, editable=False)  # text.is_minority: None when blank
    # Kept in step by ``elections.intervals``: the day of the hamlet's next election of the term (None: the
    # latest). The chief is in office on D when held_on <= D < until, so the figures find him with a join.
    until = models.DateField(null=True, editable=False)
    # a history is read by its row's own id or hamlet (elections.history): the other indexes only slowed writes
    history = HistoricalRecords(excluded_fields=["until"], no_db_index=["term"])

    objects = ChiefElectionQuerySet.as_manager()

    PROFILE_FIELDS = ("chief_birth_year", "chief_gender", "chief_ethnicity")
    DERIVED_FIELDS = ("chief_key", "chief_minority")  # worked out by ``derive``

    class Meta:
        verbose_name = _("bầu trưởng thôn")
        verbose_name_plural = _("bầu trưởng thôn")
        ordering = ["hamlet", "term", "held_on"]
        constraints = [
            models.UniqueConstraint(fields=["hamlet", "term", "held_on"], name="election_one_per_hamlet_term_day"),
        ]
        indexes = [models.Index(fields=["hamlet", "term", "held_on"], name="election_hamlet_term_day"),
                   models.Index(fields=["term", "held_on", "until"], name="election_term_in_office")]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.held_on}: {self.chief}"

    def derive(self) -> None:
        """Clean the name and work out what is kept beside it (the import's bulk writer calls it too)."""
        self.chief = text.clean(self.chief)
        self.chief_key = text.match_key(self.chief)
        self.chief_ethnicity = text.clean(self.chief_ethnicity)
        self.chief_minority = text.is_minority(self.chief_ethnicity)

    def chief_is_member_on(self, day: dt.date) -> bool:
        return self.chief_member_since is not None and self.chief_member_since <= day


class Metric(models.TextChoices):
    """The ratios that have targets; values are the workbook's spellings."""

    ELECTIONS = "Chief elections completed", _("Hoàn thành bầu trưởng thôn")
    CHIEF_MEMBERS = "Chiefs who are Party members", _("Trưởng thôn là đảng viên")
    CONGRESSES = "Congresses completed", _("Hoàn thành đại hội chi bộ")
    CHIEF_SECRETARY_OR_DEPUTY = "Chiefs also secretary or deputy", _("Trưởng thôn kiêm bí thư hoặc phó bí thư")


class TargetQuerySet(ScopedQuerySet):
    def restrict(self, user: Any) -> TargetQuerySet:
        """A board sees its province's targets and its own district's or commune's."""
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.is_district:
            return self.filter(Q(district__isnull=True, commune__isnull=True, province_id=scope.province_id)
                               | Q(district_id=scope.district_id))
        if scope.is_commune:
            return self.filter(Q(district__isnull=True, commune__isnull=True, province_id=scope.province_id)
                               | Q(commune_id=scope.commune_id))
        if scope.province_id is not None:
            return self.filter(province_id=scope.province_id)
        return self.none()

    def for_year(self, year: int | None) -> TargetQuerySet:
        """The term's targets and, for ``year``, the annual plans (None: the term's targets only)."""
        return self.filter(Q(year__isnull=True) | Q(year=year)) if year is not None else self.filter(year__isnull=True)

    def for_province(self, province: Province, term: Term, year: int | None = None) -> TargetTable:
        """All targets of a (2025) province and term that hold in ``year`` (the as-of date's), in one
        query, looked up in the order of ``domain.md`` item 12 (``TargetTable``)."""
        rows = self.filter(province_id=province.current_id, term=term).for_year(year).values_list(
            "district_id", "commune_id", "metric", "special_area_only", "year", "percent")
        table = TargetTable(year=year)
        for row in rows:
            table.add(*row)
        return table


TargetKey = tuple[str | None, int | None, str, bool, int | None]


class TargetTable:
    """Looks targets up for one calendar year (``domain.md`` item 12): the unit's target for the year,
    the unit's term target, its (2025) province's target for the year, the province's term target.
    Without a year, the term targets only."""

    def __init__(self, table: dict[TargetKey, Any] | None = None, year: int | None = None):
        self._table: dict[TargetKey, Any] = dict(table or {})
        self.year = year
        self._years = (year, None) if year is not None else (None,)
        # the units with a target of their own; the province's targets worked out once per metric (a
        # province's dashboard asks for 8 metrics of each of its ~170 units, most without targets of their own)
        self._units = {key[:2] for key in self._table}
        self._province: dict[tuple[str, bool], Any] = {}

    @staticmethod
    def _unit(district_id: int | None, commune_id: int | None) -> tuple[str | None, int | None]:
        return ("district", district_id) if district_id else ("commune", commune_id) if commune_id else (None, None)

    def add(self, district_id: int | None, commune_id: int | None, metric: str, special_area_only: bool,
            year: int | None, percent: Any) -> None:
        """Keep one target row; a row of another year than the table's is left out."""
        if year is not None and year != self.year:
            return
        unit = self._unit(district_id, commune_id)
        self._table[(*unit, metric, special_area_only, year)] = percent
        self._units.add(unit)
        self._province.clear()

    def get(self, metric: str, district_id: int | None = None, special_area_only: bool = False,
            commune_id: int | None = None) -> Any:
        unit = self._unit(district_id, commune_id)
        if unit in self._units and unit != (None, None):
            if (found := self._first(unit, metric, special_area_only)) is not None:
                return found
        key = (metric, special_area_only)
        if key not in self._province:
            self._province[key] = self._first((None, None), metric, special_area_only)
        return self._province[key]

    def _first(self, unit: tuple[str | None, int | None], metric: str, special_area_only: bool) -> Any:
        """The unit's target for the table's year, else its term target (None: neither)."""
        for year in self._years:
            if (found := self._table.get((*unit, metric, special_area_only, year))) is not None:
                return found
        return None


class Target(models.Model):
    """A (2025) province's target for one ratio, or a district's (earlier list) or a commune's (2025 list)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="targets",
                                 verbose_name=_("tỉnh"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="targets", verbose_name=_("huyện"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="targets", verbose_name=_("xã, phường (từ 01/07/2025)"),
                                limit_choices_to={"unit_list": UnitList.NEW})
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="targets",
                             verbose_name=_("nhiệm kỳ"))
    metric = models.CharField(_("chỉ tiêu"), max_length=40, choices=Metric.choices)
    special_area_only = models.BooleanField(_("chỉ địa bàn đặc thù"), default=False)
    percent = models.DecimalField(_("mục tiêu (%)"), max_digits=5, decimal_places=2, validators=bounds.PERCENT)
    # An annual plan: the target holds for this calendar year of the term only, before the term's
    # target (``domain.md`` item 12); None: the term's target.
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, validators=[bounds.validate_year])
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        constraints = [
            models.UniqueConstraint(fields=["province", "term", "metric", "special_area_only"],
                                    condition=Q(district__isnull=True, commune__isnull=True, year__isnull=True),
                                    name="target_unique_province_wide"),
            models.UniqueConstraint(fields=["district", "term", "metric", "special_area_only"],
                                    condition=Q(district__isnull=False, year__isnull=True),
                                    name="target_unique_per_district"),
            models.UniqueConstraint(fields=["commune", "term", "metric", "special_area_only"],
                                    condition=Q(commune__isnull=False, year__isnull=True),
                                    name="target_unique_per_commune"),
            models.UniqueConstraint(fields=["province", "term", "metric", "special_area_only", "year"],
                                    condition=Q(district__isnull=True, commune__isnull=True, year__isnull=False),
                                    name="target_unique_province_wide_year"),
            models.UniqueConstraint(fields=["district", "term", "metric", "special_area_only", "year"],
                                    condition=Q(district__isnull=False, year__isnull=False),
                                    name="target_unique_per_district_year"),
            models.UniqueConstraint(fields=["commune", "term", "metric", "special_area_only", "year"],
                                    condition=Q(commune__isnull=False, year__isnull=False),
                                    name="target_unique_per_commune_year"),
            models.CheckConstraint(condition=Q(district__isnull=True) | Q(commune__isnull=True),
                                   name="target_district_or_commune"),
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="target_percent_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.district or self.commune or self.province} {self.term} {self.metric}: {self.percent}%"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.province_id = province_in_force(self.province_id, self.district_id, self.commune_id)
        super().save(*args, **kwargs)


class AdmissionTargetQuerySet(ScopedQuerySet):
    def restrict(self, user: Any) -> AdmissionTargetQuerySet:
        scope = Scope.of_any(user)
        if scope.sees_all:
            return self
        if scope.is_district:
            return self.filter(district_id=scope.district_id)
        if scope.is_commune:
            return self.filter(commune_id=scope.commune_id)
        if scope.province_id is not None:
            return self.filter(Q(district__province__successor_id=scope.province_id)
                               | Q(district__province_id=scope.province_id)
                               | Q(commune__province_id=scope.province_id))
        return self.none()


class AdmissionTarget(models.Model):
    """How many new Party members a district (earlier list) or a commune (2025 list) plans
    to admit in a calendar year."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="admission_targets",
                                 null=True, blank=True, verbose_name=_("huyện"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="admission_targets",
                                null=True, blank=True, verbose_name=_("xã, phường (từ 01/07/2025)"),
                                limit_choices_to={"unit_list": UnitList.NEW})
    year = models.PositiveSmallIntegerField(_("năm"), validators=[bounds.validate_year])
    target = models.PositiveIntegerField(_("chỉ tiêu kết nạp"), validators=bounds.ADMISSION_TARGET)
    history = HistoricalRecords()

    objects = AdmissionTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu kết nạp đảng viên")
        verbose_name_plural = _("chỉ tiêu kết nạp đảng viên")
        ordering = ["district", "commune", "year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], condition=Q(district__isnull=False),
                                    name="admission_target_one_per_district_year"),
            models.UniqueConstraint(fields=["commune", "year"], condition=Q(commune__isnull=False),
                                    name="admission_target_one_per_commune_year"),
            models.CheckConstraint(condition=Q(district__isnull=False, commune__isnull=True)
                                   | Q(district__isnull=True, commune__isnull=False),
                                   name="admission_target_district_or_commune"),
            models.CheckConstraint(condition=Q(target__lte=bounds.MAX_ADMISSION_TARGET),
                                   name="admission_target_at_most_99999"),
        ]

    def __str__(self) -> str:
        return f"{self.district or self.commune} {self.year}: {self.target}"


# Models kept in modules of their own, registered with this app from here.
from .fact_models import HamletFact  # noqa: E402, F401
from .job_models import (  # noqa: E402, F401
    IMPORT_JOB_GRACE,
    IMPORT_JOB_SECONDS,
    IMPORT_JOB_STALE,
    IMPORT_PAGE_SIZE,
    ImportJob,
    ImportJobLine,
    import_job_seconds,
)
from .known_models import KnownRow, KnownSheet  # noqa: E402, F401
from .people_models import ChiefEvaluation, ChiefPlan, Official, OfficialArea, Rating  # noqa: E402, F401
