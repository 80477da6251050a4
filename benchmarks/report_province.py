"""Benchmark: the meeting report of a province the size of Nghệ An.

    .venv/bin/python benchmarks/report_province.py [--hamlets 8000] [--admissions 2000] [--runs 3]
        [--as-of 2022-07-15] [--units 2025]

Sets Django up on a temporary SQLite database (or on ``DATABASE_URL`` when
it is set: everything is then written inside one transaction that is rolled
back at the end; on PostgreSQL the new rows are ANALYZEd unless
``--no-analyze``), migrates, loads Nghệ An's official districts and communes,
generates hamlets (with their 2022-2025 records, placed in the 2025
communes) with cells, congresses, chief elections and admissions in bulk,
then exports the report (as of ``--as-of``: the earlier layout before 1 July
2025, the 2025 layout from then on or with ``--units 2025``) and prints its
wall-clock time, its number of queries (``CaptureQueriesContext``) and its
peak Python memory (``tracemalloc``); then times the figures engine alone
per grouping.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2022, 7, 15)


def setup_django(workdir: str) -> str:
    sys.path.insert(0, str(ROOT))
    from benchmarks._setup import setup_django as setup

    vendor = setup(workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_admin_units", province=["Nghệ An"], stdout=io.StringIO())
    return vendor


def generate(hamlet_count: int, admission_count: int, rng: random.Random) -> dict[str, int]:
    from benchmarks._setup import build_term_results
    from elections.models import AdmissionTarget, Metric, Target
    from hamlets import text
    from hamlets.models import Commune, District, PartyMember, Province, UnitList

    province = Province.objects.get(unit_list=UnitList.EARLIER, code=40)
    communes = list(Commune.objects.filter(district__province=province).order_by("code"))
    built = build_term_results(communes, hamlet_count, rng)
    term, hamlets, cells, congresses, elections = (built.term, built.hamlets, built.cells, built.congresses,
                                                   built.elections)
    admitted = []
    for i in range(admission_count):
        name = f"Đảng Viên Mới {i}"
        admitted.append(PartyMember(hamlet=rng.choice(hamlets), full_name=name, name_key=text.match_key(name),
                                    search=text.search_key(name), birth_year=1990 + i % 15,
                                    admitted_on=dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 700)),
                                    sitting_chief=rng.random() < 0.05))
    PartyMember.objects.bulk_create(admitted, batch_size=2000)
    districts = list(District.objects.filter(province=province))
    AdmissionTarget.objects.bulk_create([AdmissionTarget(district=d, year=y, target=rng.randint(40, 200))
                                         for d in districts for y in (2021, 2022)])
    Target.objects.create(province=province, term=term, metric=Metric.CHIEF_MEMBERS, percent=100)
    for d in districts[::4]:
        Target.objects.create(province=province, district=d, term=term, metric=Metric.CHIEF_MEMBERS, percent=90)
    return {"districts": len(districts), "communes": len(communes), "hamlets": len(hamlets), "cells": len(cells),
            "congresses": len(congresses), "elections": len(elections), "admissions": len(admitted)}


def export_once(as_of: dt.date, units: str | None,
                trace_memory: bool = False) -> tuple[float, int, int, int, list[float]]:
    """(seconds, queries, peak traced bytes or 0, workbook bytes, per-query seconds) of one export.

    ``tracemalloc`` slows Python down severalfold, so memory is measured on
    its own run, never on a timed one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from elections.models import Term
    from elections.reports import MeetingReport
    from hamlets.models import Province, UnitList

    province = Province.objects.get(unit_list=UnitList.NEW, code=40)
    term = Term.objects.get(start_year=2022, end_year=2025)
    buffer = io.BytesIO()
    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        MeetingReport(province, term, as_of, units=units).write_xlsx(buffer)
    elapsed = time.perf_counter() - started
    peak = 0
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    times = [float(q.get("time") or 0) for q in queries.captured_queries]
    return elapsed, len(queries.captured_queries), peak, len(buffer.getvalue()), times


def time_figures(as_of: dt.date, runs: int) -> None:
    """The figures engine alone: one query per grouping, median over ``runs``."""
    from elections.figures import Figures
    from elections.models import Term
    from hamlets.models import Hamlet, Province, UnitList

    province = Province.objects.get(unit_list=UnitList.NEW, code=40)
    figures = Figures(Hamlet.objects.in_province(province), Term.objects.get(start_year=2022), as_of)
    for level in ("district", "commune", "new_commune", None):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            figures.by(level) if level else figures.total()
            times.append(time.perf_counter() - started)
        print(f"figures by {level or 'total'}: median {statistics.median(times) * 1000:.0f} ms")


def postgres_settings(analyze: bool) -> str:
    from benchmarks._setup import postgres_settings as settings

    return settings(analyze)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hamlets", type=int, default=8000)
    parser.add_argument("--admissions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    parser.add_argument("--units", choices=["2025"], default=None)
    parser.add_argument("--no-analyze", action="store_true",
                        help="PostgreSQL: keep the planner without statistics on the new rows (as right after "
                             "a bulk load, before autovacuum has analysed the tables)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cadre-bench-") as workdir:
        vendor = setup_django(workdir)
        from django.db import transaction

        with transaction.atomic():
            started = time.perf_counter()
            sizes = generate(args.hamlets, args.admissions, random.Random(40))
            print(f"database: {vendor}; generated in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
            if vendor.startswith("postgres"):
                print(postgres_settings(analyze=not args.no_analyze))
            runs = [export_once(args.as_of, args.units) for _ in range(args.runs)]
            for i, (elapsed, count, _peak, size, times) in enumerate(runs, 1):
                slowest = ", ".join(f"{t:.3f}" for t in sorted(times, reverse=True)[:3])
                print(f"run {i}: {elapsed:.3f} s wall clock, {count} queries (slowest executes {slowest} s), "
                      f"workbook {size / 1024:.0f} KiB")
            print(f"median {statistics.median(r[0] for r in runs):.3f} s over {len(runs)} runs")
            _elapsed, count, peak, _size, _times = export_once(args.as_of, args.units, trace_memory=True)
            print(f"peak Python memory (tracemalloc, separate run): {peak / 2**20:.1f} MiB, {count} queries")
            time_figures(args.as_of, args.runs)
            transaction.set_rollback(True)  # leave DATABASE_URL as it was


if __name__ == "__main__":
    main()
