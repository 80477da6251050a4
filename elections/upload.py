"""Uploading a district's workbook: the archive is checked at once, the rest in the background.

``/import/`` stores the file (in ``UPLOAD_DIR``, never served) once its archive passes the
checks of ``importing/workbook.py`` (size, zip, bombs, ...: refused there with the message,
no job made), and hands a preview job to the worker (``jobs.py``): no request reads the
rows, so a 100,000-row workbook imports on the web. ``/import/jobs/<id>/`` shows the
job's progress (a script polls ``/import/jobs/<id>.json``; without scripts the page
refreshes itself), then its outcome a page at a time: problems first, then warnings, then
changes. Confirming a clean preview (POST) consumes it once and makes the write job,
so a double click imports once. Only the job's owner sees it or confirms it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadre_tracker.spreadsheets import CsvWriter
from hamlets.scoping import Scope

from . import jobs
from .importing import messages as msg
from .importing.workbook import Refused, check_archive
from .models import IMPORT_PAGE_SIZE, ImportJob, ImportJobLine

MAX_UPLOAD = 20 * 1024 * 1024
RECENT_JOBS = 10
WAITING_LONG = timedelta(minutes=2)  # a queued job not taken by then: is the worker running?


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(msg.too_large(MAX_UPLOAD // (1024 * 1024)))
        return upload


def upload_dir() -> Path:
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(upload: Any) -> Path:
    path = upload_dir() / f"{secrets.token_urlsafe(16)}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def check_upload(path: Path) -> None:
    """The checks of the archive itself, from its directory alone (``Refused``): milliseconds whatever
    the file. Opening the workbook is left to the job: a parser may read a whole sheet just to size it."""
    check_archive(str(path))


def _allowed(request: HttpRequest) -> Scope:
    scope = Scope.of(request.user)
    if not (scope.can_edit_results or scope.can_set_targets):
        raise PermissionDenied(_("Bạn chỉ có quyền xem."))
    return scope


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    _allowed(request)
    return get_object_or_404(ImportJob.objects.filter(user=request.user), pk=pk)


def import_upload(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = _store(upload)
        try:
            check_upload(path)
        except Refused as refusal:
            path.unlink(missing_ok=True)
            form.add_error("file", refusal.message)
        else:
            jobs.prune()
            job = ImportJob.objects.create(user=request.user, file_name=Path(upload.name).name[:255],
                                           stored_path=str(path), language=translation.get_language())
            jobs.start(job)
            return redirect("elections:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(user=request.user).order_by("-created_at")[:RECENT_JOBS]
    return render(request, "elections/import_upload.html", {
        "form": form, "recent": recent, "nav": "import", "title": _("Nhập kết quả từ tệp Excel")})


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress, then its outcome one page of lines at a time."""
    job = _own_job(request, pk)
    if job.kind == ImportJob.Kind.PREVIEW and job.confirmed:
        write = ImportJob.objects.filter(preview=job).only("pk").first()
        if write is not None:
            return redirect("elections:import_job", pk=write.pk)
    pages = max(1, -(-job.lines_total // IMPORT_PAGE_SIZE))
    number = _page_number(request.GET.get("page"), pages)
    lines = job.page(number) if job.finished and job.lines_total else []
    return render(request, "elections/import_job.html", {
        "job": job, "nav": "import", "title": _title(job),
        "problems": [line for line in lines if line.kind == ImportJobLine.Kind.PROBLEM],
        "warnings": [line for line in lines if line.kind == ImportJobLine.Kind.WARNING],
        "changes": [line for line in lines if line.kind == ImportJobLine.Kind.CHANGE],
        "page": number, "pages": pages, "waiting_long": _waiting_long(job)})


def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress the job page's script polls."""
    job = _own_job(request, pk)
    return JsonResponse({
        "state": job.state, "stage": job.stage, "stage_label": str(job.get_stage_display()),
        "rows_read": job.rows_read, "rows_total": job.rows_total, "percent": job.percent,
        "percent_known": job.percent_known,
        "finished": job.finished, "waiting_long": _waiting_long(job)})


def import_job_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem and warning of a job as a CSV, for a long list to work through."""
    job = _own_job(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    writer = CsvWriter(response)
    writer.writerow([_("Loại"), _("Trang"), _("Dòng"), _("Nội dung")])
    kinds = dict(ImportJobLine.Kind.choices)
    lines = job.lines.filter(kind__in=(ImportJobLine.Kind.PROBLEM, ImportJobLine.Kind.WARNING)).order_by("position")
    for line in lines.values_list("kind", "sheet", "row", "text").iterator(chunk_size=2000):
        writer.writerow([kinds[line[0]], line[1], line[2] or "", line[3]])
    return response


def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a clean preview: its write job runs once, however many times this is posted."""
    job = _own_job(request, pk)
    if request.method != "POST" or job.kind != ImportJob.Kind.PREVIEW:
        return redirect("elections:import_job", pk=job.pk)
    if not job.confirmed and not (job.can_confirm and Path(job.stored_path).is_file()):
        messages.error(request, _("Bản xem trước này không xác nhận được (có lỗi, không có gì thay đổi hoặc đã "
                                  "quá hạn). Hãy tải tệp lên lại."))
        return redirect("elections:import")
    write, made = job.confirm(translation.get_language())
    if write is None:
        messages.error(request, _("Không tìm thấy việc nhập của bản xem trước này. Hãy tải tệp lên lại."))
        return redirect("elections:import")
    if made:
        jobs.start(write)
    return redirect("elections:import_job", pk=write.pk)


def _page_number(raw: str | None, pages: int) -> int:
    try:
        return min(max(1, int(raw or 1)), pages)
    except ValueError:
        return 1


def _waiting_long(job: ImportJob) -> bool:
    return job.state == ImportJob.State.QUEUED and timezone.now() - job.created_at > WAITING_LONG


def _title(job: ImportJob) -> str:
    if job.kind == ImportJob.Kind.WRITE:
        return _("Nhập dữ liệu")
    return _("Xem trước khi nhập")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
