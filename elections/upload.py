"""Uploading a district's workbook: preview first, then confirm.

The upload is checked with the import service in dry-run mode (the same
service as ``manage.py import_workbook``, scoped to the user); the preview
lists every change and every problem by cell. Only a clean file can be
confirmed, and the confirmation imports the stored file again, all or
nothing, as the user. The file waits in a private folder under a random
token remembered in the user's session, and is deleted afterwards.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from cadre_tracker.spreadsheets import xlsx_row
from hamlets.scoping import Scope

from .importing.service import import_workbook
from .importing.template import SHEETS
from .reports.registry import XLSX_CONTENT_TYPE

MAX_UPLOAD = 20 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
SESSION_KEY = "pending_imports"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB / The file is larger than 20 MB."))
        return upload


def upload_dir() -> Path:
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.xlsx"):  # uploads never confirmed
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def _store(upload: Any) -> tuple[str, Path]:
    token = secrets.token_urlsafe(16)
    path = upload_dir() / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def _allowed(request: HttpRequest) -> Scope:
    scope = Scope.of(request.user)
    if not (scope.can_edit_results or scope.can_set_targets):
        raise PermissionDenied(_("Bạn chỉ có quyền xem."))
    return scope


def import_upload(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token, path = _store(upload)
        result = import_workbook(path, user=request.user, dry_run=True)
        result.name = Path(upload.name).name
        if result.ok:
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = result.name
            request.session[SESSION_KEY] = pending
        else:
            path.unlink(missing_ok=True)
        return render(request, "elections/import_preview.html", {
            "result": result, "token": token, "nav": "import", "title": _("Xem trước khi nhập")})
    return render(request, "elections/import_upload.html", {"form": form, "nav": "import",
                                                            "title": _("Nhập kết quả từ tệp Excel")})


def import_confirm(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    if request.method != "POST":
        return redirect("elections:import")
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    path = Path(settings.UPLOAD_DIR) / f"{token}.xlsx"
    if token not in pending or not path.is_file():
        messages.error(request, _("Không tìm thấy tệp đã xem trước (quá hạn hoặc đã nhập). Hãy tải tệp lên lại."))
        return redirect("elections:import")
    name = pending.pop(token)
    request.session[SESSION_KEY] = pending
    try:
        result = import_workbook(path, user=request.user, change_reason=f"import {name} (web)")
    finally:
        path.unlink(missing_ok=True)
    result.name = name
    if not result.ok:  # the data changed since the preview: show why, nothing written
        return render(request, "elections/import_preview.html", {
            "result": result, "token": "", "nav": "import", "title": _("Chưa nhập được")})
    messages.success(request, result.summary_line)
    return redirect("elections:import")


def blank_template(request: HttpRequest) -> HttpResponse:
    """The import template: the contract's sheets and headers, no rows."""
    workbook = Workbook(write_only=True)
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns):
            sheet.column_dimensions[_column_letter(index)].width = max(14, len(column.header) + 4)
        sheet.append(xlsx_row(sheet, [c.header for c in spec.columns], font=Font(bold=True)))
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    workbook.save(response)
    response["Content-Disposition"] = 'attachment; filename="cadre-tracker-import-template.xlsx"'
    return response


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
