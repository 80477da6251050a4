"""Hamlets, Party cells, Party members and users' scopes.

The official units (provinces, districts, communes of both lists) live in
``hamlets.units`` and are re-exported here; hamlets, cells and members are
entered by the districts and communes. Every name is stored NFC (``text.clean``) next to three derived
keys: ``name_key`` for matching imported names, ``search`` for searches
that ignore case and diacritics, and ``name_sort`` for the natural order of
names (``Khối 2`` before ``Khối 10``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When, Window
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import bounds, text
from .scoping import HamletChildQuerySet, ScopedQuerySet
from .signals import KeepsHamletsInStep
from .units import (  # noqa: F401  (re-exported: the units are this app's models)
    NEW_LIST_FROM,
    Commune,
    CommuneSuccession,
    District,
    NamedUnit,
    OfficialUnit,
    Province,
    UnitList,
    list_in_force,
)


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
        return _kinds_by_key(translation.get_language()).get(text.search_key(value))


@functools.lru_cache(maxsize=8)
def _kinds_by_key(language: str | None) -> dict[str, HamletKind]:
    """Each kind by its value (``to dan pho``) and its name in ``language``, folded; once per language,
    not per row (the values are the Vietnamese names folded already)."""
    with translation.override(language):
        return {key: kind for kind in HamletKind
                for key in (kind.value.replace("_", " "), text.search_key(kind.label))}


def namesake_name(name: str, former: str) -> str:
    """``Xóm 1 (Thanh Lâm cũ)``: a hamlet told apart from a namesake in its 2025 commune by its earlier
    commune's bare name (``former``), in the active language."""
    return namesake_namer()(name, former)


def namesake_namer() -> Callable[[str, str], str]:
    """``namesake_name`` with its text translated once, in the active language: an export names thousands
    of namesakes, and a translation looked up for each took a tenth of a second."""
    text = _namesake_text()
    return lambda name, former: text % {"name": name, "former": former}


def _namesake_text() -> str:
    return str(_("%(name)s (%(former)s cũ)"))


class ListName:
    """A hamlet's name as a 2025-layout list writes it from its own name and, for a namesake, its earlier
    commune's name (``former``: NULL for the others): ``Xóm 1 (Thanh Lâm cũ)``. Called in Python
    (``export_values``), or said in SQL for the CSV the database writes (``cadre_tracker.csv_lines``)."""

    def __init__(self) -> None:
        self.namesake = namesake_namer()
        self.bare = functools.cache(text.bare_name)  # a few hundred communes for thousands of namesakes

    def __call__(self, own: str, former: str | None) -> str:
        return self.namesake(own, self.bare(former)) if former else own

    def sql(self, columns: list[str]) -> tuple[str, tuple[str, ...]]:
        """The same in SQL over the two columns: the former commune's bare name by ``text.bare_name_sql``,
        or, for the few commune names not written plainly (none in the official lists), as ``bare_name``
        gives it, looked up in a table of them made here."""
        own, former = columns
        plain, plain_params = text.bare_name_sql(former)
        odd = _odd_commune_names()
        lookup = "SELECT odd.bare FROM unnest(%s::text[], %s::text[]) AS odd (name, bare)"
        bare = f"COALESCE({plain}, ({lookup} WHERE odd.name = {former}))"
        bare_params = (*plain_params, list(odd), list(odd.values()))
        marked = _namesake_text() % {"name": "\x00name\x00", "former": "\x00former\x00"}
        parts, params = [], []
        for index, piece in enumerate(marked.split("\x00")):
            if index % 2:
                parts.append(own if piece == "name" else bare)
                params.extend(() if piece == "name" else bare_params)
            elif piece:
                parts.append("%s")
                params.append(piece)
        return f"CASE WHEN {former} IS NULL OR {former} = '' THEN {own} ELSE {' || '.join(parts)} END", tuple(params)


def _odd_commune_names() -> dict[str, str]:
    """Each commune name ``text.bare_name_sql`` leaves to Python, with its bare name."""
    plain, params = text.bare_name_sql('"hamlets_commune"."name"')
    names = Commune.objects.alias(bare=RawSQL(plain, params)).filter(bare__isnull=True).order_by().values_list(
        "name", flat=True)
    return {name: text.bare_name(name) for name in set(names)}


class HamletQuerySet(KeepsHamletsInStep, ScopedQuerySet):
    hamlet_path = ""
    watched = frozenset({"commune", "commune_id", "new_commune", "new_commune_id", "province", "province_id", "name",
                         "name_sort"})

    def in_province(self, province: Province) -> HamletQuerySet:
        """The hamlets of a province: a 2025 province holds those of every earlier
        province merged into it; an earlier province's name means its own hamlets only."""
        if province.unit_list == UnitList.NEW:
            return self.filter(province=province)
        return self.filter(commune__district__province=province)

    def placed(self) -> HamletQuerySet:
        return self.filter(new_commune__isnull=False)

    def unplaced(self) -> HamletQuerySet:
        return self.filter(new_commune__isnull=True)

    def counted_on(self, day: dt.date) -> HamletQuerySet:
        """A hamlet first entered in the 2025 list counts in no figure dated before 1 July 2025."""
        return self if day >= NEW_LIST_FROM else self.filter(commune__isnull=False)

    def with_former(self, every_row: bool = False) -> HamletQuerySet:
        """``former_name``: the earlier commune's bare name where the hamlet has a namesake in its
        2025 commune (``Xóm 1 (Thanh Lâm cũ)``), else None.

        A page asks for each of its rows (an index probe per row); ``every_row`` (an export of up to the
        whole country) finds the country's namesakes once instead, one pass over the index in order
        (a window count per 2025 commune and name) that the rows are then looked up in: the probes took
        a quarter of a national export's query."""
        if every_row:
            twins = Hamlet.objects.filter(new_commune__isnull=False).annotate(
                twins=Window(Count("pk"), partition_by=[F("new_commune"), F("name_key")])).filter(
                twins__gt=1).values("pk")
            namesake: Any = Q(pk__in=twins)
        else:
            namesake = Exists(Hamlet.objects.filter(new_commune=OuterRef("new_commune"),
                                                    name_key=OuterRef("name_key")).exclude(pk=OuterRef("pk")))
        return self.annotate(former_name=Case(When(namesake, then=F("commune__name")), default=None,
                                              output_field=models.CharField()))

    def search(self, query: str) -> HamletQuerySet:
        """Hamlets where every word of ``query`` begins a word of the hamlet's name, its commune's (of
        either list) or its district's, in any order, ignoring case and diacritics (``Khối 5 Kim Sơn``); a
        number matches that whole number only (``5`` finds ``Khối 5``, not ``Khối 15``)."""
        if not text.search_key(query):
            return self
        words = text.search_words(query)
        return self.filter(words_q(words, PLACE_SEARCH)) if words else self.none()


# The search keys the hamlet search looks in: the hamlet's, its communes' (of either list) and its district's.
PLACE_SEARCH = ("search", "commune__search", "new_commune__search", "commune__district__search")


def words_q(words: list[str], fields: tuple[str, ...]) -> Q:
    """Every word begins a word of one of ``fields`` (stored search keys); a number is a whole number there."""
    condition = Q()
    for word in words:
        pattern = f"(^|[^0-9]){word}([^0-9]|$)" if word.isdigit() else f"(^|[^a-z0-9]){word}"
        any_field = Q()
        for name in fields:  # the plain containment first: cheap, and it spares most rows the expression
            any_field |= Q(**{f"{name}__contains": word}) & Q(**{f"{name}__regex": pattern})
        condition &= any_field
    return condition


class NoSortKey:
    """A base of the historical hamlet, which does not keep ``name_sort`` (derived from the name, it would
    only repeat each rename): reading it from a historical row gives None, like a blank value."""

    name_sort = None


class Hamlet(NamedUnit):
    """Thôn, xóm, bản, làng, khối, tổ dân phố or ấp; not in any national list.

    A hamlet lies in one commune of each list it lived under (``units.md``):
    ``commune`` in the earlier list (blank for a hamlet first entered in the
    2025 list) and ``new_commune`` in the 2025 list (blank while unplaced).
    ``province`` is always its 2025 province. Kind, special area, Project 01
    and Party members here are the values of its latest term's record
    (``elections.HamletTerm`` holds them per term).
    """

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="hamlets", null=True, blank=True,
                                verbose_name=_("xã (trước 01/07/2025)"),
                                limit_choices_to={"unit_list": UnitList.EARLIER})
    new_commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="placed_hamlets", null=True,
                                    blank=True, verbose_name=_("xã, phường (từ 01/07/2025)"),
                                    limit_choices_to={"unit_list": UnitList.NEW})
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="hamlets", editable=False,
                                 verbose_name=_("tỉnh"))
    kind = models.CharField(_("loại"), max_length=20, choices=HamletKind.choices, blank=True)
    special_area = models.BooleanField(_("địa bàn đặc thù"), default=False)
    project01 = models.BooleanField(_("thuộc Đề án 01"), default=False)
    party_members = models.PositiveIntegerField(_("số đảng viên"), default=0, validators=bounds.PARTY_MEMBERS)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    # a history is read by its row's own id or hamlet (elections.history): the other indexes only slowed writes
    history = HistoricalRecords(excluded_fields=["name_sort"], bases=[NoSortKey, models.Model],
                                no_db_index=["name_key", "search", "commune", "new_commune", "province"])

    objects = HamletQuerySet.as_manager()

    class Meta:
        verbose_name = _("thôn, xóm")
        verbose_name_plural = _("thôn, xóm")
        ordering = ["commune__district__code", "commune__code", "new_commune__code", "name_sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_key"], condition=Q(commune__isnull=False),
                                    name="hamlet_unique_name_per_commune"),
            models.UniqueConstraint(fields=["new_commune", "name_key"], condition=Q(commune__isnull=True),
                                    name="hamlet_unique_new_name_per_new_commune"),
            models.CheckConstraint(condition=Q(party_members__gte=0), name="hamlet_party_members_not_negative"),
            models.CheckConstraint(condition=Q(party_members__lte=bounds.MAX_PARTY_MEMBERS),
                                   name="hamlet_party_members_at_most_9999"),
            models.CheckConstraint(condition=Q(commune__isnull=False) | Q(new_commune__isnull=False),
                                   name="hamlet_in_a_commune"),
        ]
        indexes = [models.Index(fields=["province", "new_commune"], name="hamlet_province_new_commune"),
                   # the namesake check of the 2025 layout (``with_former``), once per listed or exported row
                   models.Index(fields=["new_commune", "name_key"], name="hamlet_new_commune_name")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.settle()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hamlets:detail", args=[self.pk])

    def settle(self) -> None:
        """Place the hamlet where the conversion table maps its earlier commune to exactly one
        2025 commune, and derive its 2025 province (``bulk_create`` callers call this)."""
        if self.commune_id and not self.new_commune_id:
            self.new_commune_id = Commune.sole_successor(self.commune_id)
        if self.new_commune_id:
            self.province_id = Commune.objects.filter(pk=self.new_commune_id).values_list("province_id").get()[0]
        elif self.commune_id:
            self.province_id = Commune.current_province_id(self.commune_id)

    @classmethod
    def settle_all(cls, hamlets: list[Hamlet]) -> None:
        """``settle`` for many hamlets in two queries (imports, demo data)."""
        commune_ids = {h.commune_id for h in hamlets if h.commune_id and not h.new_commune_id}
        successors: dict[int, list[int]] = {}
        for old_id, new_id in CommuneSuccession.objects.filter(old_id__in=commune_ids).values_list("old_id", "new_id"):
            successors.setdefault(old_id, []).append(new_id)
        for h in hamlets:
            if h.commune_id and not h.new_commune_id and len(successors.get(h.commune_id, ())) == 1:
                h.new_commune_id = successors[h.commune_id][0]
        ids = {h.commune_id for h in hamlets} | {h.new_commune_id for h in hamlets}
        provinces = {pk: successor or province for pk, province, successor in Commune.objects.filter(
            pk__in=ids - {None}).values_list("pk", "province_id", "province__successor_id")}
        for h in hamlets:
            h.province_id = provinces[h.new_commune_id or h.commune_id]

    @property
    def former_commune_label(self) -> str:
        """``Thanh Lâm`` of ``Xã Thanh Lâm``: how a namesake is told apart in its 2025 commune."""
        return text.bare_name(self.commune.name) if self.commune_id else ""

    def display_name(self, namesake: bool) -> str:
        if namesake and self.commune_id:
            return namesake_name(self.name, self.former_commune_label)
        return self.name

    def candidate_communes(self) -> models.QuerySet[Commune]:
        """The 2025 communes this hamlet may be placed in (``units.md``)."""
        if not self.commune_id:
            return Commune.objects.filter(pk=self.new_commune_id)
        successors = Commune.objects.filter(predecessors=self.commune_id)
        if successors.exists():
            return successors.order_by("code")
        return Commune.objects.new().filter(province_id=self.province_id).order_by("code")


class PartyCellQuerySet(KeepsHamletsInStep, HamletChildQuerySet):
    watched = frozenset({"hamlet", "hamlet_id"})


class PartyCell(models.Model):
    """The hamlet's own Party cell (chi bộ); at most one per hamlet.

    A cell that is dissolved keeps its row (``active=False``) so that the
    congresses it held stay on record.
    """

    hamlet = models.OneToOneField(Hamlet, on_delete=models.CASCADE, related_name="party_cell",
                                  verbose_name=_("thôn, xóm"))
    active = models.BooleanField(_("đang hoạt động"), default=True)
    history = HistoricalRecords()

    objects = PartyCellQuerySet.as_manager()

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
    full_name = models.CharField(_("họ và tên"), max_length=bounds.NAME_LENGTH)
    name_key = models.CharField(max_length=250, editable=False)
    search = models.CharField(max_length=250, editable=False, db_index=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), validators=[bounds.validate_birth_year])
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=bounds.ETHNICITY_LENGTH, blank=True)
    admitted_on = models.DateField(_("ngày kết nạp"), validators=[bounds.validate_day])
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True, validators=[bounds.validate_day])
    left_on = models.DateField(_("ngày ra khỏi Đảng"), null=True, blank=True, validators=[bounds.validate_day])
    sitting_chief = models.BooleanField(_("đang là trưởng thôn khi kết nạp"), default=False)
    # a history is read by its row's own id or hamlet (elections.history): the other indexes only slowed writes
    history = HistoricalRecords(no_db_index=["search"])

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
        # covering (PostgreSQL): the admissions of a term's years are counted from an index alone, never
        # from the 5.5 million rows' pages (SQLite ignores ``include``): the whole country's by date, a
        # province's or commune's by hamlet (its hamlets probed, not the country's admissions hashed)
        indexes = [models.Index(fields=["admitted_on"], include=["hamlet", "sitting_chief"],
                                name="member_admitted_on_cover"),
                   models.Index(fields=["hamlet", "admitted_on"], include=["sitting_chief"],
                                name="member_hamlet_admitted_cover")]

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


def province_in_force(province_id: int | None, district_id: int | None = None,
                      commune_id: int | None = None) -> int | None:
    """The 2025 province of a row naming a district (earlier list), a 2025 commune, or a
    province of either list: a province named anywhere is a 2025 province (``units.md``)."""
    if district_id:
        return District.objects.select_related("province").get(pk=district_id).province.current_id
    if commune_id:
        return Commune.objects.filter(pk=commune_id).values_list("province_id", flat=True).get()
    if province_id:
        return Province.objects.get(pk=province_id).current_id
    return None


class UserScope(models.Model):
    """Which hamlets a user works on (see ``scoping.Scope``).

    A district board member has a district of the earlier list; a commune
    Party committee member a commune of the 2025 list; provincial staff a
    2025 province only; central staff (``national``, the Central Organization
    Commission) no unit at all: they see the whole country and change
    nothing. ``province`` is always the 2025 province (derived from the
    district or commune where one is given). ``editor`` lets provincial staff
    change the results; boards always may, in their own district or commune.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope",
                                verbose_name=_("người dùng"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("tỉnh"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("huyện"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("xã, phường (từ 01/07/2025)"),
                                limit_choices_to={"unit_list": UnitList.NEW})
    editor = models.BooleanField(_("được sửa kết quả của các huyện, xã"), default=False)
    national = models.BooleanField(_("cán bộ trung ương (xem cả nước, không sửa)"), default=False,
                                   help_text=_("Ban Tổ chức Trung ương: xem số liệu của mọi tỉnh, không được "
                                               "sửa gì; không chọn tỉnh, huyện, xã."))

    class Meta:
        verbose_name = _("phạm vi người dùng")
        verbose_name_plural = _("phạm vi người dùng")
        constraints = [
            models.CheckConstraint(condition=Q(district__isnull=True) | Q(commune__isnull=True),
                                   name="userscope_district_or_commune"),
            # central staff have no unit and no editor right; everyone else has a (2025) province
            models.CheckConstraint(condition=Q(national=True, province__isnull=True, district__isnull=True,
                                               commune__isnull=True, editor=False)
                                   | Q(national=False, province__isnull=False),
                                   name="userscope_national_or_province"),
        ]

    def __str__(self) -> str:
        if self.national:
            return f"{self.user}: {_('toàn quốc')}"
        return f"{self.user}: {self.commune or self.district or self.province}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.province_id = province_in_force(self.province_id, self.district_id, self.commune_id)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.national:
            if self.province_id or self.district_id or self.commune_id or self.editor:
                raise ValidationError({"national": _("Cán bộ trung ương xem cả nước và không sửa gì: bỏ chọn tỉnh, "
                                                     "huyện, xã và quyền sửa kết quả.")})
            return
        if not (self.province_id or self.district_id or self.commune_id):
            raise ValidationError({"province": _("Chọn tỉnh (cán bộ tỉnh), huyện hoặc xã (ban tổ chức, đảng ủy), "
                                                 "hoặc đánh dấu cán bộ trung ương.")})
        if self.district_id and self.commune_id:
            raise ValidationError({"commune": _("Chọn huyện hoặc xã, không chọn cả hai.")})
        if self.commune_id and not self.commune.is_new:
            raise ValidationError({"commune": _("Xã phải thuộc danh mục từ 01/07/2025.")})
        if self.district_id and self.province_id and self.district.province.current_id != self.province.current_id:
            raise ValidationError({"district": _("Huyện không thuộc tỉnh đã chọn.")})
        if self.commune_id and self.province_id and self.commune.province_id != self.province.current_id:
            raise ValidationError({"commune": _("Xã không thuộc tỉnh đã chọn.")})
