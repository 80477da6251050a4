"""Reading the stored objects an import compares its rows with, fast.

A re-import of a large workbook reads tens of thousands of hamlets, records, cells, congresses
and elections; ``Model.__init__`` (per field: defaults, descriptors, signals) was a third of its
time. ``stored`` builds each object as ``Model.from_db`` would leave it, every concrete field
loaded, ``_state`` saved in the queryset's database, from one ``values_list`` query: the same
values (Django's converters run), without ``__init__``. A model with ``pre_init``/``post_init``
receivers is built the ordinary way, so that nothing they do is lost.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Model, QuerySet, signals
from django.db.models.base import ModelState


def stored[M: Model](queryset: QuerySet[M]) -> Iterator[M]:
    """The queryset's objects, every concrete field loaded (its ``select_related``/``only`` ignored)."""
    model = queryset.model
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        yield from queryset
        return
    names = [f.attname for f in model._meta.concrete_fields]
    alias = queryset.db
    new = model.__new__
    for values in queryset.values_list(*names):
        obj = new(model)
        obj.__dict__.update(zip(names, values, strict=True))
        state = ModelState()
        state.adding = False
        state.db = alias
        obj._state = state
        yield obj
