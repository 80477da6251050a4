"""Reading the stored objects an import compares its rows with, fast.

A re-import of a large workbook reads tens of thousands of hamlets, records, cells, congresses
and elections; ``Model.__init__`` (per field: defaults, descriptors, signals) was a third of its
time. ``stored`` builds each object as ``Model.from_db`` would leave it, every concrete field
loaded, ``_state`` saved in the queryset's database, from one ``values_list`` query: the same
values (Django's converters run), without ``__init__``. A model with ``pre_init``/``post_init``
receivers is built the ordinary way, so that nothing they do is lost.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.db import connections, router
from django.db.models import F, Field, Lookup, Model, Q, QuerySet, signals
from django.db.models.base import ModelState


def stored[M: Model](queryset: QuerySet[M]) -> Iterator[M]:
    """The queryset's objects, every concrete field loaded (its ``select_related``/``only`` ignored)."""
    model = queryset.model
    if _initialised(model):
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


class AnyOf(Lookup):
    """``column = ANY(%s)``: the values as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


class Among:
    """The rows of the hamlets just read (``ids``, found by ``query``), to filter their children with: on
    PostgreSQL the ids as one array, whose length the planner counts (as a subquery of communes' hamlets
    it guessed 18,000 hamlets for 4,200 and read the children's whole tables, ~140 ms of a 5,000-row
    import at 100,000 hamlets, issue 11); elsewhere the query as a subquery."""

    def __init__(self, query: QuerySet, ids: list[int]):
        self.query, self.ids = query, ids
        self.array = connections[query.db].vendor == "postgresql"

    def of(self, field: str) -> Q | Lookup:
        """The filter of a child whose ``field`` names the hamlet."""
        return AnyOf(F(field), self.ids) if self.array else Q(**{f"{field}__in": self.query})


def fresh[M: Model](model: type[M], **values: object) -> M:
    """``model(**values)`` as ``__init__`` leaves it (every other concrete field at its default, a related
    object given by name cached and its key copied), without ``__init__``: the first import of a large
    workbook builds tens of thousands of new objects, ~25 µs each through ``__init__``. Values are given by
    field name or attname, as to ``__init__``; an unknown name is a ``TypeError`` as there. A model with
    ``pre_init``/``post_init`` receivers is built the ordinary way."""
    if _initialised(model):
        return model(**values)
    static, computed, relations, attnames = _layout(model)
    obj = model.__new__(model)
    data = obj.__dict__
    data.update(static)
    for attname, field in computed:
        data[attname] = field.get_default()
    state = obj._state = ModelState()
    for name, value in values.items():
        if (relation := relations.get(name)) is not None:
            data[relation.attname] = None if value is None else getattr(value, relation.target_field.attname)
            state.fields_cache[name] = value
            if state.db is None and value is not None:  # as the relation's descriptor does
                state.db = router.db_for_write(model, instance=value)
            if value is not None and not relation.remote_field.multiple:  # one-to-one: the other side knows too
                value._state.fields_cache[relation.remote_field.cache_name] = obj
        elif name in attnames:
            data[name] = value
        else:
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: '{name}'")
    return obj


def _initialised(model: type[Model]) -> bool:
    """Whether ``pre_init``/``post_init`` receivers listen to ``model``; both signals' lists of receivers are
    empty here (no model has an image field), and looking at them first spares ``has_listeners`` (two per
    object, ~47,000 for a 5,000-row import)."""
    if not (signals.pre_init.receivers or signals.post_init.receivers):
        return False
    return signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)


@functools.cache
def _layout(model: type[Model]) -> tuple[dict[str, object], list[tuple[str, Field]], dict[str, Field], frozenset[str]]:
    """A model's concrete fields: the defaults that are constants, those worked out per object (a callable or a
    database default), the forward relations by name, and every attname."""
    static: dict[str, object] = {}
    computed: list[tuple[str, Field]] = []
    relations: dict[str, Field] = {}
    for field in model._meta.concrete_fields:
        if (field.has_default() and callable(field.default)) or field.has_db_default():
            computed.append((field.attname, field))
        else:
            static[field.attname] = field.get_default()
        if field.is_relation and (field.many_to_one or field.one_to_one):
            relations[field.name] = field
    return static, computed, relations, frozenset(f.attname for f in model._meta.concrete_fields)
