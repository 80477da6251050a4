"""What the hamlets app tells other apps about writes that bypass ``save()``.

``hamlets_changed(hamlet_ids=...)`` is sent, in the writer's transaction, when
hamlets or rows of theirs were written in bulk in a way that may change what
another app keeps per hamlet (the elections app's interval columns and facts
rows): hamlets placed in their 2025 commune or pointed at their 2025 province,
and any ``QuerySet.update()`` of a field a ``KeepsHamletsInStep`` queryset names.
The hamlets app never imports the apps that listen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.dispatch import Signal

hamlets_changed = Signal()


class KeepsHamletsInStep(models.QuerySet):
    """A queryset whose ``update()`` of any of ``watched`` fields sends ``hamlets_changed`` for the
    hamlets of the rows it changed (before and after: a row may move to another hamlet)."""

    # the path from a row to its hamlet ("" for a hamlet) is the scoping queryset's ``hamlet_path``, which
    # comes after this class in the MRO: declaring it here would hide it (and the scope) from restrict()
    watched: ClassVar[frozenset[str]] = frozenset()

    def update(self, **kwargs: Any) -> int:
        if not self.watched.intersection(kwargs):
            return super().update(**kwargs)
        hamlet_path: str = getattr(self, "hamlet_path", "")
        path = f"{hamlet_path}_id" if hamlet_path else "pk"
        rows = list(self.order_by().values_list("pk", path))
        count = super().update(**kwargs)
        hamlet_ids = {hamlet for _pk, hamlet in rows}
        link = hamlet_path.split("__")[0]  # the field that ties a row to its hamlet ("hamlet", "cell")
        if link and {link, f"{link}_id"} & set(kwargs):  # rows moved: their new hamlets' too
            after = self.model._default_manager.filter(pk__in=[pk for pk, _hamlet in rows]).order_by()
            hamlet_ids |= set(after.values_list(path, flat=True))
        hamlets_changed.send(sender=self.model, hamlet_ids=sorted(h for h in hamlet_ids if h is not None))
        return count
