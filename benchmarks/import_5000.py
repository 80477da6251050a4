"""Benchmark: import a 5,000-row Hamlets workbook, then the same workbook again.

    .venv/bin/python benchmarks/import_5000.py [--rows 5000]

Sets Django up against a temporary SQLite file (or the database of
DATABASE_URL when it is set: the rows are then written there), migrates,
loads Nghệ An's official units, writes a workbook of realistic rows spread
over Nghệ An's real communes, and imports it twice, printing wall-clock
time, queries and memory: the peak resident set size of the process
(``getrusage``) and, in a separate dry run so that it does not slow the
timed runs, the peak of Python allocations (``tracemalloc``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY = ["Lô", "Vi", "Lương", "Nguyễn", "Trần", "Hà", "Moong", "Xồng", "Lầu", "Kha", "Quang", "Ngân"]
MIDDLE = ["Văn", "Thị", "Đình", "Bá", "Xuân"]
GIVEN = ["Hạnh", "Chung", "Sơn", "Tâm", "Lan", "Hải", "Hương", "Phong", "Bình", "Thu", "Pó", "Xía", "Mai", "Đức"]
KINDS = ["bản", "thôn", "xóm", "khối", "làng"]


def setup_django(workdir: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'benchmark.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_tracker.settings")
    import django

    django.setup()


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {rng.randint(1, 999)}"


def day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def bare(name: str) -> str:
    for prefix in ("Thị trấn ", "Phường ", "Xã "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def hamlet_row(rng: random.Random, commune: object, number: int, unique_bare: bool) -> list[object]:
    members = rng.choice([0, 1, 2, 3, 4] + list(range(5, 60)))
    cell = members >= 3 and rng.random() < 0.97
    congress = day(rng, dt.date(2022, 4, 1), dt.date(2022, 7, 31)) if cell and rng.random() < 0.93 else None
    secretary, deputy = person(rng), person(rng)
    elected = day(rng, dt.date(2022, 4, 10), dt.date(2022, 8, 15)) if rng.random() < 0.95 else None
    role, chief, since = None, person(rng), None
    if elected:
        if rng.random() < 0.9:
            since = day(rng, dt.date(1985, 1, 1), dt.date(2021, 12, 31))
        if congress and since and since <= congress and rng.random() < 0.7:
            role = rng.choice(["Secretary", "Deputy secretary", "Deputy secretary"])
            chief = secretary if role == "Secretary" else deputy
    return [
        "Nghệ An", commune.district.name, bare(commune.name) if unique_bare and rng.random() < 0.5 else commune.name,
        f"{rng.choice(['Bản', 'Thôn', 'Xóm', 'Khối'])} {number}", rng.choice(KINDS),
        rng.choice(["yes", "no", "no", "no"]), rng.choice(["có", "không", "không"]), members,
        "yes" if cell else "no", "2022-2025", congress.strftime("%d/%m/%Y") if congress and rng.random() < 0.5
        else congress, secretary if cell else None, deputy if cell else None, elected, chief if elected else None,
        since, role]


def write_workbook(path: Path, rows: int) -> None:
    import openpyxl

    from elections.importing.template import HAMLETS
    from hamlets.models import Commune

    rng = random.Random(2022)
    communes = list(Commune.objects.filter(district__province__code=40).select_related("district").order_by("code"))
    bare_names = Counter((c.district_id, bare(c.name)) for c in communes)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Hamlets")
    sheet.append([c.header for c in HAMLETS.columns if c.header_required])
    for i in range(rows):
        commune = communes[i % len(communes)]
        unique = bare_names[(commune.district_id, bare(commune.name))] == 1
        sheet.append(hamlet_row(rng, commune, i // len(communes) + 1, unique))
    book.save(path)


def timed_import(path: Path, **options: object) -> tuple[object, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from elections.importing import import_workbook

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = import_workbook(path, progress=lambda line: print(f"    {line}", flush=True), **options)
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-benchmark-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("load_admin_units", province=["Nghệ An"], stdout=io.StringIO())
        path = workdir / f"hamlets-{options.rows}.xlsx"
        started = time.perf_counter()
        write_workbook(path, options.rows)
        print(f"database: {connection.vendor}; workbook: {options.rows} rows, {path.stat().st_size / 1024:.0f} KiB, "
              f"written in {time.perf_counter() - started:.1f} s")
        rss_before = peak_rss_mb()

        first, first_s, first_q = timed_import(path)
        assert first.ok, [str(p) for p in first.problems[:10]]
        print(f"first import:  {first_s:6.2f} s, {first_q} queries -- {first.summary_line}")
        second, second_s, second_q = timed_import(path)
        assert second.ok and second.summary.written == 0
        print(f"second import: {second_s:6.2f} s, {second_q} queries, nothing written (idempotent)")
        print(f"peak RSS: {peak_rss_mb():.0f} MiB (before the imports: {rss_before:.0f} MiB)")

        tracemalloc.start()
        dry, dry_s, _queries = timed_import(path, dry_run=True)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert dry.ok
        print(f"dry run under tracemalloc: {dry_s:.2f} s, peak Python allocations {peak / 1024 / 1024:.1f} MiB")
        connection.close()


if __name__ == "__main__":
    main()
