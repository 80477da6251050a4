"""A hamlet's history: every change to it, its records per term, its cell,
congresses, elections, members, chiefs' plans and evaluations, with who, when, and old and new values
(django-simple-history), read as people talk: field labels, names instead of
ids (``xã, phường (từ 01/07/2025): — → Phường Hoành Sơn``), choice labels
(``chức vụ trong chi bộ: — → Bí thư``), ``Có``/``Không``, dates DD/MM/YYYY,
terms as ``2022-2025``.

The first recorded row of an object is its initial state (its values when
it was created, or when its history began), not a diff from nothing; later
rows are diffs from the row before. Saves that changed nothing a person
reads are left out. The hamlet's kind, special area, Project 01 and Party
members are a copy of its latest term's record: they are shown in that
record's history only.

One query per model whatever the number of changes, plus at most one per
kind of unit named (communes, provinces, hamlets, cells) that the page does
not already hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Field, Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamlets.models import Commune, Hamlet, PartyCell, PartyMember, Province

from .models import ChiefElection, Congress, HamletTerm, Term
from .people_models import ChiefEvaluation, ChiefPlan

KINDS = {"+": gettext_lazy("tạo"), "~": gettext_lazy("sửa"), "-": gettext_lazy("xóa")}
FIRST = gettext_lazy("bản ghi đầu tiên")  # the first row of an object not recorded as created
SKIP = {"id", "version", "updated_at", "name_key", "search", "history_id", "history_date", "history_user",
        "history_type", "history_change_reason", "history_user_id",
        # worked out from what is shown (keys, minority flags, intervals): never a change of their own
        "chief_key", "chief_minority", "secretary_minority", "name_sort", "start_year", "until_year", "until"}
HAMLET_COPY = {"kind", "special_area", "project01", "party_members"}  # shown in the term records' history
CONTEXT = {"hamlet_id", "cell_id", "term_id"}  # named by the entry itself: not repeated in an initial state
BLANK = "—"


@dataclass
class Entry:
    when: dt.datetime
    who: str
    what: str
    kind: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new), as shown
    first: bool = False  # the object's first recorded row: ``initial`` holds its state, not a diff
    initial: list[tuple[str, str]] = field(default_factory=list)  # (label, value), blanks left out


@dataclass
class _Raw:
    """A historical row before its values are put into words (names need one lookup per model)."""

    record: Any
    what: str
    first: bool
    changes: list[tuple[Field, Any, Any]]
    values: list[tuple[Field, Any]]


class Names:
    """Labels of the units, hamlets, cells and terms a history names, looked up once per model."""

    def __init__(self, known: dict[type[Model], dict[int, str]]):
        self.known = known
        self.wanted: dict[type[Model], set[int]] = {}

    def want(self, model: type[Model], pk: Any) -> None:
        if pk is not None and pk not in self.known.get(model, {}):
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            self.known.setdefault(model, {}).update(_labels(model, ids))
        self.wanted = {}

    def label(self, model: type[Model], pk: Any) -> str:
        return self.known.get(model, {}).get(pk) or _("(đã xóa)")


def _labels(model: type[Model], ids: set[int]) -> dict[int, str]:
    if model is PartyCell:
        return {pk: _("Chi bộ %(hamlet)s") % {"hamlet": name}
                for pk, name in PartyCell.objects.filter(pk__in=ids).values_list("pk", "hamlet__name")}
    if model is Term:
        return {t.pk: t.name for t in Term.objects.filter(pk__in=ids)}
    return dict(model._default_manager.filter(pk__in=ids).values_list("pk", "name"))


def shown(f: Field, value: Any, names: Names) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return BLANK
    if f.is_relation:
        return names.label(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _fields(model: type[Model], skip: set[str]) -> list[Field]:
    return [f for f in model._meta.concrete_fields if f.attname not in SKIP | skip]


def _history_fields(records: QuerySet, skip: set[str]) -> list[Field]:
    """The model's fields the history keeps (some, worked out by the app, are not kept)."""
    kept = {f.attname for f in records.model._meta.concrete_fields}
    return [f for f in _fields(records.model.instance_type, skip) if f.attname in kept]


def _rows(records: QuerySet, label: str, describe: Callable[[Any], str], skip: set[str],
          names: Names) -> Iterable[_Raw]:
    """Each historical row with its changes from the row before (its values, for the first row)."""
    fields = _history_fields(records, skip)
    previous: dict[Any, dict[str, Any]] = {}
    for record in records.select_related("history_user").order_by("id", "history_date", "history_id"):
        values = {f.attname: getattr(record, f.attname) for f in fields}
        before = previous.get(record.id)
        previous[record.id] = values
        what = f"{label} {describe(record)}".strip()
        if before is None:
            shown_values = [(f, values[f.attname]) for f in fields
                            if f.attname not in CONTEXT and values[f.attname] not in (None, "")]
            for f, value in shown_values:
                if f.is_relation:
                    names.want(f.related_model, value)
            yield _Raw(record, what, True, [], shown_values)
            continue
        changes = [(f, before[f.attname], values[f.attname]) for f in fields if before[f.attname] != values[f.attname]]
        if not changes and record.history_type == "~":
            continue  # a save that changed nothing a person reads
        for f, old, new in changes:
            if f.is_relation:
                names.want(f.related_model, old)
                names.want(f.related_model, new)
        yield _Raw(record, what, False, changes, [])


def _entry(raw: _Raw, names: Names) -> Entry:
    record = raw.record
    user = record.history_user
    kind = FIRST if raw.first and record.history_type == "~" else KINDS.get(record.history_type,
                                                                           record.history_type)
    return Entry(when=record.history_date, who=user.get_username() if user else "", what=raw.what, kind=str(kind),
                 reason=record.history_change_reason or "",
                 changes=[(str(f.verbose_name), shown(f, old, names), shown(f, new, names))
                          for f, old, new in raw.changes],
                 first=raw.first, initial=[(str(f.verbose_name), shown(f, value, names)) for f, value in raw.values])


def _known(hamlet: Hamlet, terms: Iterable[Term] | None) -> dict[type[Model], dict[int, str]]:
    """The names the page already holds (the hamlet's own units, its cell, every term)."""
    known: dict[type[Model], dict[int, str]] = {
        Hamlet: {hamlet.pk: hamlet.name},
        Term: {t.pk: t.name for t in (Term.objects.all() if terms is None else terms)},
        Commune: {}, Province: {}, PartyCell: {},
    }
    cache = hamlet._state.fields_cache  # only what the caller loaded with the hamlet: no query here
    for name in ("commune", "new_commune"):
        unit = cache.get(name)
        if unit is not None:
            known[Commune][unit.pk] = unit.name
    if cache.get("province") is not None:
        known[Province][hamlet.province_id] = hamlet.province.name
    cell = cache.get("party_cell")
    if cell is not None:
        known[PartyCell][cell.pk] = _("Chi bộ %(hamlet)s") % {"hamlet": hamlet.name}
    return known


def hamlet_history(hamlet: Any, limit: int = 200, terms: Iterable[Term] | None = None) -> list[Entry]:
    """The latest ``limit`` changes, latest first; ``terms``: every term, if the caller has them."""
    names = Names(_known(hamlet, terms))
    term_name = lambda r: names.label(Term, r.term_id)  # noqa: E731
    sources: list[tuple[QuerySet, Any, Callable[[Any], str], set[str]]] = [
        (Hamlet.history.filter(id=hamlet.pk), gettext_lazy("Thôn, xóm"), lambda r: r.name, HAMLET_COPY),
        (HamletTerm.history.filter(hamlet_id=hamlet.pk), gettext_lazy("Thông tin thôn, nhiệm kỳ"), term_name,
         set()),
        (PartyCell.history.filter(hamlet_id=hamlet.pk), gettext_lazy("Chi bộ"), lambda r: "", set()),
        (Congress.history.filter(cell__hamlet_id=hamlet.pk), gettext_lazy("Đại hội chi bộ, nhiệm kỳ"), term_name,
         set()),
        (ChiefElection.history.filter(hamlet_id=hamlet.pk), gettext_lazy("Bầu trưởng thôn"),
         lambda r: r.held_on.strftime("%d/%m/%Y"), set()),
        (PartyMember.history.filter(hamlet_id=hamlet.pk), gettext_lazy("Đảng viên"), lambda r: r.full_name, set()),
        (ChiefPlan.history.filter(hamlet_id=hamlet.pk), gettext_lazy("Kế hoạch bồi dưỡng trưởng thôn, nhiệm kỳ"),
         lambda r: f"{term_name(r)}: {r.chief}", set()),
        (ChiefEvaluation.history.filter(hamlet_id=hamlet.pk), gettext_lazy("Đánh giá trưởng thôn, năm"),
         lambda r: f"{r.year}: {r.chief}", set()),
    ]
    raws = [raw for records, label, describe, skip in sources
            for raw in _rows(records, str(label), describe, skip, names)]
    raws.sort(key=lambda r: r.record.history_date, reverse=True)
    raws = raws[:limit]
    names.fetch()
    return [_entry(raw, names) for raw in raws]
