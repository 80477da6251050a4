"""Generic views: one list base for every table page, one scoped lookup.

A list page is four declarative lines on ``ObjectListView`` (NetBox's
pattern): the queryset, the filterset, the table and a title. The base
restricts the queryset to the user's scope (``restrict(user)``), filters,
sorts and paginates it, and exports the same filtered rows with
``?_export=csv`` or ``?_export=xlsx`` through the formula-safe writer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, Table
from openpyxl import Workbook
from openpyxl.styles import Font

from cadre_tracker.spreadsheets import write_csv, xlsx_row
from hamlets.scoping import ScopedQuerySet

EXPORT_FORMATS = ("csv", "xlsx")


def scoped_object_or_404(queryset: ScopedQuerySet, request: HttpRequest, **lookup: Any) -> Model:
    """The object if it lies in the user's scope; 404 otherwise (for GET and POST alike)."""
    return get_object_or_404(queryset.restrict(request.user), **lookup)


def export_table(table: Table, fmt: str, name: str) -> HttpResponse:
    """The table's rows (all of them, not one page) as CSV or xlsx, formula-safe."""
    rows = table.as_values(exclude_columns=getattr(table, "export_exclude", ()))
    filename = f"{slugify(name) or 'export'}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        header = next(rows)
        write_csv(response, rows, header=[str(h) for h in header])
    else:
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(name or "Export")[:31])
        sheet.freeze_panes = "A2"
        for index, row in enumerate(rows):
            sheet.append(xlsx_row(sheet, [str(v) if index == 0 else v for v in row],
                                  font=Font(bold=True) if index == 0 else None))
        workbook.save(response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ObjectListView(SingleTableMixin, FilterView):
    """Scoped, filtered, sorted, paginated list with CSV/xlsx export."""

    template_name = "generic/object_list.html"
    paginate_by = 50
    title: str = ""

    def base_queryset(self) -> QuerySet:
        """The rows before filtering: ``queryset`` restricted to the user's scope."""
        return self.queryset.restrict(self.request.user)  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet:
        return self.base_queryset()

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
    from django.db import transaction

    with transaction.atomic():
        bumped = type(obj)._default_manager.filter(pk=obj.pk, version=expected_version).update(
            version=expected_version + 1)
        if not bumped:
            raise VersionConflict
        obj.version = expected_version + 1
        obj.save()
