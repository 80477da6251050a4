"""The admin base for records that forms lock on a version (optimistic locking)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from hamlets.models import Hamlet


class VersionedAdmin(SimpleHistoryAdmin):
    """An administrator's change moves the record's version and its hamlet's on, as a form's does, so a
    board's form or grid opened before it is refused instead of overwriting it (optimistic locking)."""

    hamlet_path = "hamlet_id"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        hamlet_id = obj.cell.hamlet_id if self.hamlet_path == "cell" else obj.hamlet_id
        Hamlet.objects.filter(pk=hamlet_id).update(version=F("version") + 1)
