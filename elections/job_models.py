"""Imports as background jobs (elections/upload.py, elections/jobs.py): the job and its lines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IMPORT_JOB_SECONDS = 30 * 60  # every job's time limit (settings.IMPORT_JOB_SECONDS overrides)
IMPORT_JOB_GRACE = 60  # a job running this much longer than its limit is dead (its worker was killed)
IMPORT_JOB_STALE = dt.timedelta(minutes=3)  # ... and so is one not heard of for this long, while it reads or compares
IMPORT_PAGE_SIZE = 100  # lines of a preview shown per page


def import_job_seconds() -> float:
    return float(getattr(settings, "IMPORT_JOB_SECONDS", IMPORT_JOB_SECONDS))


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def dead(self) -> ImportJobQuerySet:
        """Running jobs whose worker died: past their time limit, or silent (no progress, no heartbeat)
        while reading or comparing; a write is silent in its transaction, its time limit bounds it."""
        now = timezone.now()
        return self.filter(state=ImportJob.State.RUNNING).filter(
            Q(started_at__lt=now - dt.timedelta(seconds=import_job_seconds() + IMPORT_JOB_GRACE))
            | (Q(updated_at__lt=now - IMPORT_JOB_STALE) & ~Q(stage=ImportJob.Stage.WRITING)))


class ImportJob(models.Model):
    """One upload's preview, or its confirmed write, run by the background worker.

    The worker updates the progress as it reads; when done, the counts and the summary are
    here and every problem, warning and change is an ``ImportJobLine`` (paged, never loaded whole).
    A preview is confirmed once: ``confirm()`` consumes it atomically and makes its write job.
    """

    class Kind(models.TextChoices):
        PREVIEW = "preview", _("xem trước")
        WRITE = "write", _("ghi")

    class State(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang chạy")
        DONE = "done", _("xong")
        FAILED = "failed", _("thất bại")

    class Stage(models.TextChoices):
        WAITING = "", _("đang chờ máy xử lý")
        READING = "reading", _("đang đọc và kiểm tra các dòng")
        COMPARING = "comparing", _("đang so sánh với dữ liệu đã có")
        WRITING = "writing", _("đang ghi")

    class Failure(models.TextChoices):
        TIMEOUT = "timeout", _("Quá thời gian cho phép: chưa lưu gì. Hãy chia tệp thành nhiều tệp nhỏ hơn "
                               "rồi tải lên lại.")
        INTERRUPTED = "interrupted", _("Việc nhập bị gián đoạn (máy xử lý đã dừng giữa chừng): chưa lưu gì. "
                                       "Hãy tải tệp lên lại.")
        ERROR = "error", _("Lỗi không mong đợi khi xử lý tệp: chưa lưu gì. Hãy báo quản trị viên.")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PREVIEW)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.WAITING, blank=True)
    file_name = models.TextField()
    stored_path = models.TextField()  # in settings.UPLOAD_DIR, never served
    preview = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="write_job")  # a write job: the preview it confirms
    confirmed = models.BooleanField(default=False)  # a preview: consumed by its write job
    rows_read = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)  # as the file declares it, when it does
    percent = models.PositiveSmallIntegerField(default=0)
    ok = models.BooleanField(default=False)
    written = models.BooleanField(default=False)
    summary = models.JSONField(default=dict, blank=True)  # Summary's counts, "line" and "to_write"
    problems = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=12, choices=Failure.choices, blank=True)  # why a job failed
    versions = models.JSONField(null=True, blank=True)  # hamlet id -> version the preview's plan was made against
    # The interface's language when the job was made: the worker builds the job's messages in it.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("việc nhập tệp")
        verbose_name_plural = _("việc nhập tệp")
        indexes = [models.Index(fields=["user", "-created_at"], name="import_job_user_recent")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.kind}, {self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED) or self.interrupted

    @property
    def interrupted(self) -> bool:
        """Its worker died (``ImportJobQuerySet.dead``); the write, atomic, left nothing behind."""
        if self.state != self.State.RUNNING or self.started_at is None:
            return False
        now = timezone.now()
        if now - self.started_at > dt.timedelta(seconds=import_job_seconds() + IMPORT_JOB_GRACE):
            return True
        return self.stage != self.Stage.WRITING and self.updated_at is not None and now - self.updated_at > (
            IMPORT_JOB_STALE)

    @property
    def failure(self) -> str:
        """Why the job failed, in the reader's language ("" while it has not)."""
        if self.interrupted:
            return str(self.Failure.INTERRUPTED.label)
        return str(self.Failure(self.message).label) if self.message else ""

    @property
    def percent_known(self) -> bool:
        """Whether the percentage means anything yet: a file that does not declare its size has none while read."""
        return self.rows_total is not None or self.stage not in (self.Stage.WAITING, self.Stage.READING)

    @property
    def lines_total(self) -> int:
        return self.problems + self.warnings + self.changes

    @property
    def to_write(self) -> int:
        return int(self.summary.get("to_write", 0))

    @property
    def can_confirm(self) -> bool:
        return (self.kind == self.Kind.PREVIEW and self.state == self.State.DONE and self.ok
                and self.to_write > 0 and not self.confirmed)

    def confirm(self, language: str | None = None) -> tuple[ImportJob | None, bool]:
        """Consume this preview once and make its write job: ``(write job, made by this call)``,
        speaking ``language`` (the confirming request's; the preview's by default).

        The guarded UPDATE is the lock: of two confirmations at once (a double click) one
        updates the row, the other updates nothing and finds the first one's write job.
        """
        with transaction.atomic():
            if ImportJob.objects.filter(pk=self.pk, kind=self.Kind.PREVIEW, state=self.State.DONE, ok=True,
                                        confirmed=False).update(confirmed=True, updated_at=timezone.now()):
                return ImportJob.objects.create(
                    user_id=self.user_id, kind=self.Kind.WRITE, preview=self, file_name=self.file_name,
                    stored_path=self.stored_path, versions=self.versions, rows_total=self.rows_read,
                    language=language or self.language), True
        return ImportJob.objects.filter(preview=self).first(), False

    def expected_versions(self) -> dict[int, int] | None:
        return None if self.versions is None else {int(k): int(v) for k, v in self.versions.items()}

    def page(self, number: int) -> list[ImportJobLine]:
        """One page of lines (problems, then warnings, then changes): one query on the (job, position) index."""
        start = (number - 1) * IMPORT_PAGE_SIZE
        return list(self.lines.filter(position__gte=start, position__lt=start + IMPORT_PAGE_SIZE)
                    .order_by("position"))


class ImportJobLine(models.Model):
    """A problem, warning or change of an import job, numbered in display order."""

    class Kind(models.IntegerChoices):
        PROBLEM = 0, _("lỗi")
        WARNING = 1, _("lưu ý")
        CHANGE = 2, _("thay đổi")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    sheet = models.TextField(blank=True)
    row = models.PositiveIntegerField(default=0)
    subject = models.TextField(blank=True)
    action = models.CharField(max_length=10, blank=True)  # a change: create / update
    text = models.TextField()  # a problem or warning as "Sheet!Cell: message"; a change's details, one a line

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="import_job_line_position")]

    def __str__(self) -> str:
        return self.text
