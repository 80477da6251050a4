"""Imports run by the background worker (django-tasks, ``manage.py db_worker``).

An upload becomes a preview job: the worker reads, checks and compares the stored file
(``import_workbook(..., dry_run=True)``) and keeps every problem, warning and change as
lines of the job. Confirming a clean preview makes a write job: the same file, as the same
user, against the versions the preview read (``expected_versions``: a hamlet changed
meanwhile refuses the write). The worker speaks the job's language (the interface's when
the job was made), so its stored problems, changes and summary read as the page around
them. Every job has a time limit; the write is one transaction,
so a job stopped anywhere leaves nothing half-written. The stored file is deleted when
it can no longer be confirmed; jobs and files older than a day are pruned.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from .importing.result import ImportResult
from .importing.service import import_workbook
from .job_progress import JobTimeout, Recorder, declared_rows, heartbeat, time_limit
from .models import ImportJob, ImportJobLine, import_job_seconds

logger = logging.getLogger(__name__)

KEEP = timedelta(days=1)
BATCH = 1000


@task()
def run_import_job(job_id: int) -> str:
    """Run one queued job; returns its final state (the worker stores it with the task)."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    now = timezone.now()
    if job is None or not ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.RUNNING, started_at=now, updated_at=now):
        return "skipped"  # pruned, or already taken
    job.state, job.started_at = ImportJob.State.RUNNING, now
    # The messages (problems, changes, summary) are kept as text: built in the language of the job's user.
    with translation.override(job.language):
        try:
            with heartbeat(job.pk), time_limit(import_job_seconds()) as deadline:
                result = _run(job, Recorder(job, deadline))
        except JobTimeout:
            _fail(job, ImportJob.Failure.TIMEOUT)
        except Exception:
            _fail(job, ImportJob.Failure.ERROR)
            raise  # the worker records the traceback
        else:
            _finish(job, result)
        finally:
            _after(job)
            prune()
    return job.state


def start(job: ImportJob) -> None:
    """Hand a new job to the worker (with the immediate backend, run it now)."""
    run_import_job.enqueue(job.pk)


def _run(job: ImportJob, recorder: Recorder) -> ImportResult:
    path = Path(job.stored_path)
    if job.kind == ImportJob.Kind.PREVIEW:
        job.rows_total = declared_rows(path)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        recorder.start()
        return import_workbook(path, user=job.user, dry_run=True, progress=recorder)
    recorder.start()
    options: dict[str, Any] = {}
    if job.versions is not None and "expected_versions" in inspect.signature(import_workbook).parameters:
        options["expected_versions"] = job.expected_versions()
    return import_workbook(path, user=job.user, progress=recorder, change_reason=f"import {job.file_name} (web)",
                           **options)


def _finish(job: ImportJob, result: ImportResult) -> None:
    """Keep the outcome: counts and summary on the job, every line in display order."""
    counts = {kind: 0 for kind in ImportJobLine.Kind}
    with transaction.atomic():
        batch: list[ImportJobLine] = []
        for line in _lines(job, result):
            counts[line.kind] += 1
            batch.append(line)
            if len(batch) >= BATCH:
                ImportJobLine.objects.bulk_create(batch)
                batch = []
        ImportJobLine.objects.bulk_create(batch)
        versions = getattr(result, "versions", None)
        job.state, job.ok, job.written = ImportJob.State.DONE, result.ok, result.written
        job.problems, job.warnings = counts[ImportJobLine.Kind.PROBLEM], counts[ImportJobLine.Kind.WARNING]
        job.changes = counts[ImportJobLine.Kind.CHANGE]
        job.rows_read = sum(result.summary.rows.values())
        job.summary = {"line": result.summary.line(job.file_name, result.dry_run), "to_write": result.summary.written,
                       "rows": result.summary.rows}
        job.versions = {str(k): v for k, v in versions.items()} if versions is not None else job.versions
        job.percent, job.finished_at = 100, timezone.now()
        job.save()


def _lines(job: ImportJob, result: ImportResult) -> Iterator[ImportJobLine]:
    """Problems, then warnings, then (of a preview) the changes; a write keeps only why it was refused."""
    position = 0
    groups = [(ImportJobLine.Kind.PROBLEM, result.problems)]
    if job.kind == ImportJob.Kind.PREVIEW:
        groups.append((ImportJobLine.Kind.WARNING, result.warnings))
    for kind, items in groups:
        for problem in items:
            yield ImportJobLine(job=job, position=position, kind=kind, sheet=problem.sheet, row=problem.row,
                                text=str(problem))
            position += 1
    if job.kind != ImportJob.Kind.PREVIEW or not result.ok:
        return
    for change in result.changes:
        if change.action == "unchanged":
            continue
        yield ImportJobLine(job=job, position=position, kind=ImportJobLine.Kind.CHANGE, sheet=change.sheet,
                            row=change.row, subject=change.subject, action=change.action,
                            text="\n".join(change.details))
        position += 1


def _fail(job: ImportJob, message: str) -> None:
    logger.warning("import job %s (%s) failed: %s", job.pk, job.file_name, message)
    job.state, job.message, job.finished_at = ImportJob.State.FAILED, message, timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(state=job.state, message=message, finished_at=job.finished_at,
                                               updated_at=job.finished_at)


def _after(job: ImportJob) -> None:
    """Delete the stored file once nothing can confirm it; a write also drops its preview's lines."""
    if job.kind == ImportJob.Kind.WRITE:
        ImportJobLine.objects.filter(job_id=job.preview_id).delete()
    elif job.state == ImportJob.State.DONE and job.can_confirm:
        return
    Path(job.stored_path).unlink(missing_ok=True)


def prune() -> None:
    """Fail the jobs whose worker died; delete jobs untouched for a day, and files no job needs."""
    now = timezone.now()
    dead = ImportJob.objects.dead()
    for path in dead.values_list("stored_path", flat=True):
        Path(path).unlink(missing_ok=True)
    dead.update(state=ImportJob.State.FAILED, message=ImportJob.Failure.INTERRUPTED, finished_at=now, updated_at=now)
    old = ImportJob.objects.filter(updated_at__lt=now - KEEP).exclude(state=ImportJob.State.RUNNING)
    paths = set(old.values_list("stored_path", flat=True))
    if paths:
        old.delete()
        paths -= set(ImportJob.objects.filter(stored_path__in=paths).values_list("stored_path", flat=True))
        for path in paths:
            Path(path).unlink(missing_ok=True)
    _prune_files(now)


def _prune_files(now: Any) -> None:
    """Files left by an upload that never became a job (a crash between storing and enqueueing)."""
    folder = Path(settings.UPLOAD_DIR)
    if not folder.is_dir():
        return
    cutoff = time.time() - KEEP.total_seconds()
    old = [path for path in folder.glob("*.xlsx") if path.stat().st_mtime < cutoff]
    if old:
        used = set(ImportJob.objects.filter(stored_path__in=[str(p) for p in old]).values_list("stored_path",
                                                                                             flat=True))
        for path in old:
            if str(path) not in used:
                path.unlink(missing_ok=True)

