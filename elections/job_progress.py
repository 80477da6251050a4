"""How far an import job has gone, and its time limit.

``Recorder`` is the ``progress`` callback ``import_workbook`` calls with a line of text
(``Hamlets: 3000 rows read`` every 1,000 rows of a sheet, then ``... comparing with the
database``, then ``writing``; in Vietnamese ``Hamlets: đã đọc 3000 dòng``, ``... đang so sánh``,
``đang ghi``): it turns the lines into rows read, a stage and a percentage
and saves them on the job, at most once a second (and at each new stage), so the job page
can show them. ``declared_rows`` estimates the rows to read from the sheets' ``<dimension>``
(a few KB read from the archive) for the percentage of a preview; a write job knows it
from its preview. ``time_limit`` bounds a job: the worker runs tasks in its main thread,
where an alarm interrupts even a long query between two lines of progress; elsewhere
(the immediate backend in a web request) the recorder checks the deadline at each line.
``heartbeat`` shows a job alive between lines, so a killed worker's job soon shows as
interrupted (``ImportJob.interrupted``).
"""

from __future__ import annotations

import re
import signal
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from django.db import DatabaseError, connection
from django.utils import timezone

from .importing.template import SHEETS, header_key
from .models import ImportJob

SAVE_EVERY = 1.0  # seconds between two progress writes at most once
HEARTBEAT = 30.0  # seconds between two signs of life of a running job (ImportJob.STALE tells a dead one)
READ_SHARE = 80  # percent of the bar for reading the rows; comparing and writing follow
STAGE_PERCENT = {ImportJob.Stage.COMPARING: 85, ImportJob.Stage.WRITING: 92}
MAX_XML_HEAD = 4096  # bytes of a sheet read to find its <dimension>
MAX_WORKBOOK_XML = 1024 * 1024

# A progress line in either language: "Hamlets: 3000 rows read" or "Hamlets: đã đọc 3000 dòng".
_ROWS = re.compile(r"^(?:(?P<sheet>.+?):\s*)?(?:(?P<rows>\d[\d,]*)\s+rows?\s+read|đã đọc\s+(?P<dong>\d[\d,]*)\s+dòng)",
                   re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?(\d+))?\"")
_WANTED = {header_key(spec.name) for spec in SHEETS}


class JobTimeout(BaseException):  # noqa: N818 - a BaseException, so no `except Exception` of a library swallows it
    """The job ran past its time limit."""


class Recorder:
    """The ``progress`` callback of one job: parses the lines, saves on the job now and then."""

    def __init__(self, job: ImportJob, deadline: float | None = None):
        self.job = job
        self.deadline = deadline
        self.sheets: dict[str, int] = {}
        self.last_save = 0.0

    def __call__(self, line: str) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise JobTimeout
        stage, rows = self.parse(line)
        changed = stage != self.job.stage
        self.job.stage = stage
        if rows is not None:
            self.job.rows_read = rows
        self.job.percent = self.percent()
        if changed or time.monotonic() - self.last_save >= SAVE_EVERY:
            self.save()

    def parse(self, line: str) -> tuple[str, int | None]:
        lowered = line.lower()
        match = _ROWS.search(line)
        count = int((match["rows"] or match["dong"]).replace(",", "")) if match else None
        if "writing" in lowered or "đang ghi" in lowered:
            return ImportJob.Stage.WRITING, None
        if "comparing" in lowered or "so sánh" in lowered:
            return ImportJob.Stage.COMPARING, count
        if count is None:
            return self.job.stage or ImportJob.Stage.READING, None
        self.sheets[match["sheet"] or ""] = count  # counts restart at each sheet
        return ImportJob.Stage.READING, sum(self.sheets.values())

    def percent(self) -> int:
        if self.job.stage in STAGE_PERCENT:
            return STAGE_PERCENT[self.job.stage]
        if self.job.rows_total:
            return min(READ_SHARE, READ_SHARE * self.job.rows_read // self.job.rows_total)
        return 0

    def start(self) -> None:
        self.job.stage = ImportJob.Stage.READING
        self.save()

    def save(self) -> None:
        self.last_save = time.monotonic()
        ImportJob.objects.filter(pk=self.job.pk).update(
            stage=self.job.stage, rows_read=self.job.rows_read, percent=self.job.percent, updated_at=timezone.now())


@contextmanager
def time_limit(seconds: float) -> Iterator[float]:
    """Raise ``JobTimeout`` in the block after ``seconds``; yields the deadline (``time.monotonic()``)."""
    deadline = time.monotonic() + seconds
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous: Any = None
    if alarm:
        def expire(signum: int, frame: Any) -> None:
            raise JobTimeout

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@contextmanager
def heartbeat(job_id: int, every: float = HEARTBEAT) -> Iterator[None]:
    """While the block runs, touch the job every ``every`` seconds from a thread: between two lines of
    progress (comparing thousands of rows) the job still shows it is alive; a killed worker stops it."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    ImportJob.objects.filter(pk=job_id, state=ImportJob.State.RUNNING).update(
                        updated_at=timezone.now())
                except DatabaseError:  # SQLite while the job's own write holds the lock: the next beat
                    continue
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"import-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


def declared_rows(path: str | Path) -> int | None:
    """The data rows the template's sheets declare (``<dimension>``), or None when one does not say."""
    try:
        with zipfile.ZipFile(path) as archive:
            total, found = 0, False
            for title, member in _sheet_members(archive).items():
                if header_key(title) not in _WANTED:
                    continue
                with archive.open(member) as stream:
                    match = _DIMENSION.search(stream.read(MAX_XML_HEAD))
                if match is None:
                    return None
                total += max(int(match[1] or 1) - 1, 0)
                found = True
            return total if found else None
    except Exception:  # an estimate only: any oddity of the file means "unknown"
        return None


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its XML member, from xl/workbook.xml and its relationships."""
    if archive.getinfo("xl/workbook.xml").file_size > MAX_WORKBOOK_XML:
        return {}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {el.get("Id"): el.get("Target", "") for el in rels.iter() if _local(el.tag) == "Relationship"}
    members = {}
    for sheet in book.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rel = next((value for key, value in sheet.attrib.items() if _local(key) == "id"), None)
        target = targets.get(rel, "")
        if target:
            members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
