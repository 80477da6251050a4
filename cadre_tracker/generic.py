"""Generic views: one list base for every table page, one scoped lookup.

A list page is four declarative lines on ``ObjectListView`` (NetBox's
pattern): the queryset, the filterset, the table and a title. The base
restricts the queryset to the user's scope (``restrict(user)``), filters,
sorts and paginates it, and exports the same filtered rows with
``?_export=csv`` or ``?_export=xlsx`` through the formula-safe writer.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import A, BooleanColumn, RequestConfig, SingleTableMixin, Table
from django_tables2.data import TableQuerysetData
from openpyxl import Workbook
from openpyxl.styles import Font

from cadre_tracker.csv_lines import csv_lines
from cadre_tracker.export_values import declared_reads, value_rows
from cadre_tracker.spreadsheets import csv_chunks, xlsx_row
from cadre_tracker.styled_cells import StyledCells, cells_sheet
from hamlets.scoping import ScopedQuerySet

EXPORT_FORMATS = ("csv", "xlsx")


def scoped_object_or_404(queryset: ScopedQuerySet, request: HttpRequest, **lookup: Any) -> Model:
    """The object if it lies in the user's scope; 404 otherwise (for GET and POST alike)."""
    return get_object_or_404(queryset.restrict(request.user), **lookup)


def next_url(request: HttpRequest) -> str:
    """Where to go back to after a form (``?next=``): a page of this site only (same host, never another
    site's address, ``url_has_allowed_host_and_scheme``); ``""`` when absent or not allowed."""
    url = request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return ""


def carry_next(url: str, request: HttpRequest, **params: Any) -> str:
    """``url`` with ``params`` and the request's own ``next`` (when allowed) in its query string."""
    query = {**{k: v for k, v in params.items() if v not in (None, "")}, "next": next_url(request)}
    encoded = urlencode({k: v for k, v in query.items() if v})
    return f"{url}?{encoded}" if encoded else url


def redirect_next(request: HttpRequest, default: Any) -> HttpResponse:
    """After a form: back to ``next`` (the list the user left, with its filters), else to ``default``."""
    return redirect(next_url(request) or default)


EXPORT_CHUNK = 2000  # rows read from the database at a time by an export
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_rows(table: Table) -> Iterator[list[Any]]:
    """The header, then every row of ``table`` (all pages, in its order), as values.

    The same columns, headers, ``value_<column>(value[, record])`` methods and
    choice labels as ``Table.as_values``, read directly: django-tables2 inspects a signature for
    every cell there, which made a 3,700-row export take 5 seconds. A table that declares how its
    columns read from ``values_list()`` (``export_values()``, see ``export_values``) is read that way,
    without model instances: five times faster again.
    """
    columns = export_columns(table)
    yield [str(c.header) for c in columns]
    data = getattr(table.data, "data", None)
    if isinstance(data, QuerySet):
        data = total_order(data)
    reads = declared_reads(table, columns)
    if reads is not None:  # the table says how every column reads from values_list(): no model instance
        yield from value_rows(data, reads, EXPORT_CHUNK)
        return
    yes_no = (str(_("Có")), str(_("Không")))
    readers = [_reader(table, c, yes_no) for c in columns]
    # a queryset is read in chunks, never held whole (``table.data`` would cache every row)
    records = data.iterator(chunk_size=EXPORT_CHUNK) if isinstance(data, QuerySet) else table.data
    for record in records:
        yield [read(record) for read in readers]


def export_columns(table: Table) -> list[Any]:
    """The table's columns an export writes (its bound columns but ``export_exclude``)."""
    return [c for c in table.columns if c.name not in getattr(table, "export_exclude", ())]


def csv_body(table: Table) -> Iterator[str | bytes]:
    """The table's rows as a formula-safe CSV (BOM and header first), chunk by chunk: written by PostgreSQL
    when the table declares its reads (``csv_lines``: the same bytes, a fraction of the time), else by
    ``CsvWriter`` from ``export_rows``."""
    columns = export_columns(table)
    reads = declared_reads(table, columns)
    lines = csv_lines(total_order(table.data.data), reads) if reads is not None else None
    if lines is None:
        rows = export_rows(table)
        yield from csv_chunks(rows, header=next(rows))
        return
    yield from csv_chunks((), header=[str(c.header) for c in columns])
    yield from lines


def total_order(queryset: QuerySet) -> QuerySet:
    """``queryset`` in its own order, ties broken by the primary key: a sort on a column with equal values
    (``?sort=district``) leaves their order to the database, which may change with the columns selected or
    the plan; an export then reads the same rows in the same order every time, whichever way it reads them."""
    query, order = queryset.query, queryset.query.order_by
    if not order or query.combinator or query.values_select:  # a union or ``values()``: may not select pk
        return queryset
    if isinstance(order[-1], str) and order[-1].lstrip("-") in ("pk", queryset.model._meta.pk.name):
        return queryset
    return queryset.order_by(*order, "pk")


class TotalOrderRows(TableQuerysetData):
    """Table data whose every order ends with the primary key (``generic.total_order``): rows tied on a
    sorted column (``?sort=congress_held_on``) would otherwise be ordered as the plan happens to read
    them, so a row could show on two pages, or on none, as the user pages."""

    def order_by(self, aliases: Any) -> None:
        super().order_by(aliases)
        self.data = total_order(self.data)


def _reader(table: Table, bound: Any, yes_no: tuple[str, str]) -> Any:
    """How to read one column's export value from a record (worked out once per column)."""
    accessor = A(bound.accessor)
    custom = getattr(table, f"value_{bound.name}", None)
    with_record = custom is not None and "record" in inspect.signature(custom).parameters
    boolean = isinstance(bound.column, BooleanColumn)
    choices: list[bool] = []  # whether the column is a model field with choices: learnt from the first record

    def read(record: Any) -> Any:
        if not choices:
            owner, _last = accessor.penultimate(record)
            field = accessor.get_field(record) if isinstance(owner, Model) else None
            choices.append(bool(getattr(field, "choices", None)))
        if choices[0]:
            owner, last = accessor.penultimate(record)
            value = getattr(owner, f"get_{last}_display")() if owner is not None else None
        else:
            value = accessor.resolve(record, quiet=True)
        if custom is not None:
            return custom(value, record=record) if with_record else custom(value)
        if boolean:
            return "" if value is None else yes_no[0] if value else yes_no[1]
        return str(value) if isinstance(value, Model) else value

    return read


def export_table(table: Table, fmt: str, name: str) -> HttpResponseBase:
    """The table's rows (all of them, not one page) as CSV or xlsx, formula-safe, streamed: the CSV
    row chunk by row chunk as the database gives them, the xlsx from a temporary file that openpyxl's
    write-only mode fills row by row; memory stays flat whatever the size."""
    filename = f"{slugify(name) or 'export'}-{timezone.localdate().isoformat()}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(_in_language(translation.get_language(), csv_body(table)),
                                         content_type="text/csv; charset=utf-8")
    else:
        rows = export_rows(table)
        stored = tempfile.TemporaryFile()  # removed when the response closes it
        write_xlsx(stored, rows, name)
        stored.seek(0)
        response = FileResponse(stored, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(target: Any, rows: Iterator[list[Any]], name: str) -> None:
    """A header row in bold, then the rows, to a one-sheet write-only workbook saved to ``target``. The
    rows' common cells (numbers, plain text, empty) are written as openpyxl writes them but without an
    element per cell (``styled_cells``), dates and the rest as ``xlsx_row`` makes them: the same bytes."""
    workbook = Workbook(write_only=True)
    sheet = cells_sheet(workbook, (name or "Export")[:31])
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, next(rows), font=Font(bold=True)))
    cells = StyledCells(sheet)
    plain: list[Any] = []
    for row in rows:
        if len(plain) != len(row):
            plain = [cells.style()] * len(row)
        sheet.append(cells.row(row, plain))
    workbook.save(target)


def _in_language(language: str | None, chunks: Iterator[str]) -> Iterator[str]:
    """``chunks`` produced in ``language``: a streamed body is read after the view has returned, when the
    request's language (labels, yes/no, DD/MM/YYYY dates) is no longer active."""
    with translation.override(language):
        yield from chunks


class ObjectListView(SingleTableMixin, FilterView):
    """Scoped, filtered, sorted, paginated list with CSV/xlsx export."""

    template_name = "generic/object_list.html"
    table_pagination = {"per_page": 50}  # the table paginates; the view must not count the rows again
    title: str = ""

    def base_queryset(self) -> QuerySet:
        """The rows before filtering: ``queryset`` restricted to the user's scope."""
        return self.queryset.restrict(self.request.user)  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet:
        return self.base_queryset()

    def get_table_data(self) -> Any:
        """The filtered rows, ordered with ties broken by the primary key (``TotalOrderRows``)."""
        rows = super().get_table_data()
        return TotalOrderRows(rows) if isinstance(rows, QuerySet) else rows

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("_export")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in EXPORT_FORMATS:
            raise Http404(f"unknown export format {fmt!r}")
        filterset = self.get_filterset(self.get_filterset_class())
        valid = not filterset.is_bound or filterset.is_valid()
        rows = filterset.qs if valid else filterset.queryset.none()
        table = self.get_table_class()(rows, **self.get_table_kwargs())
        RequestConfig(request, paginate=False).configure(table)  # the list's order (``?sort=``), every row
        return export_table(table, fmt, str(self.title))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("_export", None)
        context.update(title=self.title, export_query=query.urlencode())
        return context


class VersionConflict(Exception):
    """Someone saved the object after the form was opened."""


def save_versioned(obj: Any, expected_version: int) -> None:
    """Save ``obj`` only if its stored version is still ``expected_version``.

    The check and the bump are one conditional UPDATE, so two saves that
    started from the same version cannot both pass, on SQLite or PostgreSQL.
    Raises ``VersionConflict`` when the stored version moved on.
    """
    with transaction.atomic():
        bumped = type(obj)._default_manager.filter(pk=obj.pk, version=expected_version).update(
            version=expected_version + 1)
        if not bumped:
            raise VersionConflict
        obj.version = expected_version + 1
        obj.save()


def owning_hamlet(obj: Model) -> tuple[type[Model], int] | None:
    """The hamlet an object belongs to, as (model, pk): through its ``hamlet`` (a term's record, an
    election, an admission, a cell) or its ``cell`` (a congress); None for anything else."""
    names = {f.name for f in obj._meta.concrete_fields}
    if "hamlet" in names:
        pk = obj.hamlet_id  # type: ignore[attr-defined]
        return (obj._meta.get_field("hamlet").related_model, pk) if pk else None  # type: ignore[return-value]
    if "cell" in names and obj.cell_id:  # type: ignore[attr-defined]
        return owning_hamlet(obj.cell)  # type: ignore[attr-defined]
    return None


def _cached(obj: Any, name: str) -> Any:
    """``obj.<name>`` if that relation is already loaded (no query), else None."""
    if not isinstance(obj, Model):
        return None
    field = next((f for f in obj._meta.concrete_fields if f.name == name and f.is_relation), None)
    return getattr(obj, name) if field is not None and field.is_cached(obj) else None


def _hamlet_copies(obj: Model, form: Any, pk: int) -> list[Any]:
    """The in-memory copies of hamlet ``pk`` the save may write with history (a rename saves ``form.hamlet``)."""
    copies = [getattr(form, "hamlet", None), _cached(obj, "hamlet"), _cached(_cached(obj, "cell"), "hamlet")]
    return [c for c in copies if isinstance(c, Model) and c.pk == pk and hasattr(c, "version")]


def save_form(request: HttpRequest, form: Any, describe: Callable[[Any], str],
              also: Callable[[Any], None] | None = None,
              write: Callable[[Any, int], None] | None = None) -> bool:
    """Save a valid model form: a new object by insert, an existing one only if
    nobody saved it since the form was opened; ``also(obj)`` runs in the same
    transaction. On a conflict nothing is saved, the message shows the stored
    values, and the form keeps what the user typed but now carries the stored
    version, so saving it again is a deliberate overwrite, not a stale one.

    ``write(obj, version)`` replaces the plain save where an object is written
    through a service (a hamlet's term record): it raises ``VersionConflict``
    when the stored version is not the one the form showed, and leaves the
    stored row's ``pk`` on ``obj`` so the message can show it.

    An object of a hamlet (``owning_hamlet``: a term's record, congress,
    chief election, admission) also bumps its hamlet's ``version`` in the
    same transaction, the hamlet row locked first (the import's order, so
    the two never deadlock): the hamlet is the import's unit of conflict
    (``elections/importing/writer.py``), so an import planned before this
    save is refused instead of overwriting it."""
    obj = form.instance
    owner = owning_hamlet(obj)
    version: int | None = None  # the hamlet's, as locked
    copies: list[Any] = []
    try:
        with transaction.atomic():
            if owner is not None:  # locked first: the import also locks hamlets before their children
                model, pk = owner
                version = model._default_manager.select_for_update().filter(pk=pk).order_by("pk").values_list(
                    "version", flat=True).first()
                copies = _hamlet_copies(obj, form, pk) if version is not None else []
                for copy in copies:  # a history row of the hamlet written below carries its new version
                    copy.version = version + 1
            if write is not None:
                write(obj, form.cleaned_data.get("version") or 0)
            elif obj.pk is None:
                obj.save()
            else:
                save_versioned(obj, form.cleaned_data.get("version") or 0)
            if also is not None:
                also(obj)
            if owner is not None and version is not None:  # an import planned before this save is refused
                model._default_manager.filter(pk=pk).update(version=version + 1)
    except (VersionConflict, IntegrityError):
        for copy in copies:
            copy.version -= 1
        current = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        messages.error(request, _("Người khác vừa lưu: %(values)s. Chưa lưu thay đổi của bạn; "
                                  "hãy xem lại rồi lưu lần nữa.") % {"values": describe(current) if current else "—"})
        if current is not None:
            form.data = form.data.copy()
            form.data["version"] = current.version
        return False
    messages.success(request, _("Đã lưu."))
    return True
