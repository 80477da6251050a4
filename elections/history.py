"""A hamlet's history: every change to it, its records per term, its cell,
congresses, elections and members, with who, when, and old and new values
(django-simple-history).

One query per model whatever the number of changes; diffs are computed
between consecutive historical rows of the same object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from hamlets.models import Hamlet, PartyCell, PartyMember

from .models import ChiefElection, Congress, HamletTerm, Term

KINDS = {"+": _("tạo"), "~": _("sửa"), "-": _("xóa")}
SKIP = {"id", "version", "updated_at", "name_key", "search", "history_id", "history_date", "history_user",
        "history_type", "history_change_reason", "history_user_id"}


@dataclass
class Entry:
    when: dt.datetime
    who: str
    what: str
    kind: str
    reason: str
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


def _field_values(record: Model, fields: list[Any]) -> dict[str, Any]:
    return {f.attname: getattr(record, f.attname) for f in fields}


def _entries(records: QuerySet, label: str, describe: Any) -> Iterable[Entry]:
    model = records.model
    fields = [f for f in model.instance_type._meta.concrete_fields if f.attname not in SKIP]
    previous: dict[Any, dict[str, Any]] = {}
    for record in records.select_related("history_user").order_by("id", "history_date", "history_id"):
        values = _field_values(record, fields)
        before = previous.get(record.id, {})
        changes = [(str(f.verbose_name), before.get(f.attname), values[f.attname]) for f in fields
                   if before.get(f.attname) != values[f.attname] and (before or values[f.attname] not in (None, ""))]
        previous[record.id] = values
        user = record.history_user
        yield Entry(when=record.history_date, who=user.get_username() if user else "",
                    what=f"{label} {describe(record)}".strip(),
                    kind=str(KINDS.get(record.history_type, record.history_type)),
                    reason=record.history_change_reason or "", changes=changes)


def hamlet_history(hamlet: Any, limit: int = 200, terms: Iterable[Term] | None = None) -> list[Entry]:
    """The latest ``limit`` changes, latest first; ``terms``: every term, if the caller has them."""
    # Descriptions read the historical row's own columns only (and the terms' names): no query per entry.
    names = {t.pk: t.name for t in (Term.objects.all() if terms is None else terms)}
    sources = [
        (Hamlet.history.filter(id=hamlet.pk), _("Thôn, xóm"), lambda r: r.name),
        (HamletTerm.history.filter(hamlet_id=hamlet.pk), _("Thông tin thôn, nhiệm kỳ"),
         lambda r: names.get(r.term_id, "")),
        (PartyCell.history.filter(hamlet_id=hamlet.pk), _("Chi bộ"), lambda r: ""),
        (Congress.history.filter(cell__hamlet_id=hamlet.pk), _("Đại hội chi bộ"), lambda r: ""),
        (ChiefElection.history.filter(hamlet_id=hamlet.pk), _("Bầu trưởng thôn"),
         lambda r: r.held_on.strftime("%d/%m/%Y")),
        (PartyMember.history.filter(hamlet_id=hamlet.pk), _("Đảng viên"), lambda r: r.full_name),
    ]
    entries = [entry for records, label, describe in sources for entry in _entries(records, str(label), describe)]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
