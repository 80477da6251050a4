"""Benchmark: the national report (workbooks.md, section 4) for the whole country.

    .venv/bin/python benchmarks/report_national.py [--hamlets 100000] [--runs 3]

Sets Django up on a temporary SQLite database (or on ``DATABASE_URL`` when
it is set: everything is then written inside one transaction that is rolled
back at the end; on PostgreSQL the new rows are ANALYZEd), migrates, loads
both official lists of the whole country (63 / 696 / 10,051 and 34 /
3,321) and spreads ``--hamlets`` hamlets over every earlier commune (with
their 2022-2025 records; placed in their 2025 commune where the conversion
table says so, the split communes' hamlets unplaced), with cells,
congresses, chief elections and targets in bulk. Then exports the national
report as of 15 July 2022 (63 provinces), as of 1 August 2025 (34
provinces and the 2025 communes) and as of 15 July 2022 with
``units=2025``, and prints each export's wall-clock time and number of
queries (the issue's bound: 5 s for 100,000 hamlets).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ((dt.date(2022, 7, 15), None), (dt.date(2025, 8, 1), None), (dt.date(2022, 7, 15), "2025"))


def setup_django(workdir: str) -> str:
    sys.path.insert(0, str(ROOT))
    from benchmarks._setup import setup_django as setup

    vendor = setup(workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_admin_units", stdout=io.StringIO())
    print(f"both official lists loaded in {time.perf_counter() - started:.1f} s")
    return vendor


def generate(hamlet_count: int, rng: random.Random) -> dict[str, int]:
    from benchmarks._setup import build_term_results
    from elections.models import Metric, Target
    from hamlets.models import Commune, Province, UnitList

    communes = list(Commune.objects.filter(unit_list=UnitList.EARLIER).order_by("code"))
    built = build_term_results(communes, hamlet_count, rng)
    term, hamlets, cells, congresses, elections = (built.term, built.hamlets, built.cells, built.congresses,
                                                   built.elections)
    provinces = list(Province.objects.filter(unit_list=UnitList.NEW))
    Target.objects.bulk_create([Target(province=p, term=term, metric=Metric.CHIEF_MEMBERS, percent=rng.randint(80, 100))
                                for p in provinces])
    unplaced = sum(1 for h in hamlets if h.new_commune_id is None)
    return {"hamlets": len(hamlets), "unplaced hamlets": unplaced, "cells": len(cells),
            "congresses": len(congresses), "elections": len(elections)}


def export_once(as_of: dt.date, units: str | None) -> tuple[float, int, int]:
    """(seconds, queries, workbook bytes) of one export."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from elections.models import Term
    from elections.reports import NationalReport

    term = Term.objects.get(start_year=2022, end_year=2025)
    buffer = io.BytesIO()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        NationalReport(term, as_of, units=units).write_xlsx(buffer)
    return time.perf_counter() - started, len(queries.captured_queries), len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hamlets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cadre-bench-") as workdir:
        vendor = setup_django(workdir)
        from django.db import connection, transaction

        with transaction.atomic():
            started = time.perf_counter()
            sizes = generate(args.hamlets, random.Random(11))
            print(f"database: {vendor}; generated in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
            if vendor.startswith("postgres"):
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            for as_of, units in LAYOUTS:
                runs = [export_once(as_of, units) for _ in range(args.runs)]
                label = f"as of {as_of.isoformat()}" + (f", units {units}" if units else "")
                print(f"{label}: median {statistics.median(r[0] for r in runs):.2f} s over {len(runs)} runs "
                      f"(min {min(r[0] for r in runs):.2f} s), {runs[0][1]} queries, "
                      f"workbook {runs[0][2] / 1024:.0f} KiB")
            transaction.set_rollback(True)  # leave DATABASE_URL as it was


if __name__ == "__main__":
    main()
