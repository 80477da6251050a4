"""The file cases of ``benchmarks.national``: CSV and xlsx exports (a subprocess each: time and peak
RSS), the meeting report against openpyxl write-only of the same cells, the import of 5,000 rows
(rolled back) against calamine parse + COPY of the same rows into the same tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._setup import ROOT
from benchmarks.national import LAST_SQL_SECONDS, Case, Outcome, flat_counts, timed

IMPORT_ROWS = 5_000


# -- exports ---------------------------------------------------------------------------------------
def child(argv: list[str]) -> None:
    """In a process of its own: ``csv URL OUT`` / ``xlsx URL OUT`` (the app's export through the test client,
    by a worker started as ``wsgi.py`` starts one: timed as its first request, ``cold_seconds``, then again
    as a worker that has served before, ``seconds``, which is what a served worker mostly is: its database
    connection outlives a request, ``CONN_MAX_AGE``) or ``xlsx-floor CSV OUT`` (openpyxl write-only of the
    CSV's cells); prints JSON."""
    mode, source, out = argv
    result: dict[str, Any] = {}
    if mode in ("csv", "xlsx"):
        import cadre_tracker.wsgi  # noqa: F401 -- a served worker loads the views when it starts (wsgi.py)
        from benchmarks.national import client

        browser = client()
        for key in ("cold_seconds", "seconds"):
            started = time.perf_counter()
            response = browser.get(source)
            with open(out, "wb") as target:  # chunk by chunk, as a server hands them on: the body is never held
                for chunk in (response.streaming_content if response.streaming else [response.content]):
                    target.write(chunk)
            result[key] = time.perf_counter() - started
            if mode == "xlsx":  # seconds, not milliseconds: a new session's ~50 ms do not count, and each run is long
                result["seconds"] = result.pop(key)
                break
        result["rss_mib"] = peak_rss_mib()  # the request's peak, before the checks below read the file
        if response.status_code != 200:
            raise SystemExit(f"{source}: HTTP {response.status_code}")
        if mode == "csv":
            with open(out, encoding="utf-8-sig", newline="") as stream:
                result["rows"] = sum(1 for _ in csv.reader(stream)) - 1
    else:
        from openpyxl import Workbook

        with open(source, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream))
        started = time.perf_counter()
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Hamlets")
        for row in rows:
            sheet.append(row)
        book.save(out)
        result["seconds"] = time.perf_counter() - started
        result["rows"] = len(rows) - 1
    result.setdefault("rss_mib", peak_rss_mib())
    print(json.dumps(result))


def peak_rss_mib() -> float:
    """This process's peak resident set size (``VmHWM``: ``ru_maxrss`` would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(*argv: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.national", "--child", *argv], cwd=ROOT,
                          capture_output=True, text=True, env=os.environ.copy(), check=False)
    if done.returncode:
        raise SystemExit(f"export child {argv[0]} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def csv_floor(table: str, out: Path) -> float:
    """COPY of the same cells (names of the hamlet and its communes, record, results) in the list's order."""
    from django.db import connection

    sql = (f"COPY (SELECT h.name, h.kind, nc.name, c.name, f.f_special, f.f_p01, f.f_members, f.f_cell, "
           f"f.congress_on, f.secretary, f.deputy, f.chief_elected_on, f.chief_name, "
           f"f.chief_since IS NOT NULL, f.chief_role FROM {table} f JOIN hamlets_hamlet h ON h.id = f.hid "
           "LEFT JOIN hamlets_commune c ON c.id = h.commune_id "
           "LEFT JOIN hamlets_commune nc ON nc.id = h.new_commune_id "
           "ORDER BY nc.code, h.name_sort, c.code, h.id) TO STDOUT WITH (FORMAT csv, HEADER)")
    started = time.perf_counter()
    with open(out, "w", encoding="utf-8") as stream, connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, stream)
    return time.perf_counter() - started


def export_outcomes(periods: dict[str, Any], runs: int) -> list[Outcome]:
    from django.db import connection

    term, as_of, table = periods["late"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        count = cursor.fetchone()[0]
    url = f"/hamlets/?term={term.name}&as_of={as_of.isoformat()}&_export="
    runs_csv, runs_xlsx, floors_csv, floors_xlsx = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="nat-export-") as tmp:
        work = Path(tmp)
        for round_ in range(runs):
            runs_csv.append(run_child("csv", url + "csv", str(work / "app.csv")))
            floors_csv.append(csv_floor(table, work / "floor.csv"))
            runs_xlsx.append(run_child("xlsx", url + "xlsx", str(work / "app.xlsx")))
            floors_xlsx.append(run_child("xlsx-floor", str(work / "app.csv"), str(work / "floor.xlsx")))
            print(f"  exports round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)
        sizes = {name: (work / name).stat().st_size for name in ("app.csv", "app.xlsx", "floor.csv")}
    out = []
    ms = statistics.median(r["seconds"] for r in runs_csv) * 1000
    floor_ms = statistics.median(floors_csv) * 1000
    rss = max(r["rss_mib"] for r in runs_csv)
    out.append(Outcome(f"CSV export, {count:,} hamlets", ms, floor_ms, ms / floor_ms, 0, 1,
                       runs_csv[0]["rows"] == count, "≤ 3× floor, process < 150 MiB",
                       ms <= 3 * floor_ms and rss < 150,
                       f"peak RSS {rss:.0f} MiB; {sizes['app.csv'] / 2**20:.1f} MiB; floor: COPY TO of the same cells; "
                       f"a worker's first request (a new database session): "
                       f"{statistics.median(r['cold_seconds'] for r in runs_csv) * 1000:.0f} ms"))
    ms = statistics.median(r["seconds"] for r in runs_xlsx) * 1000
    floor_ms = statistics.median(r["seconds"] for r in floors_xlsx) * 1000
    rss, floor_rss = max(r["rss_mib"] for r in runs_xlsx), max(r["rss_mib"] for r in floors_xlsx)
    out.append(Outcome(f"xlsx export, {count:,} hamlets", ms, floor_ms, ms / floor_ms, 0, 0, None,
                       "≤ 1.5× floor, process < 150 MiB", ms <= 1.5 * floor_ms and rss < 150,
                       f"peak RSS {rss:.0f} MiB (floor process {floor_rss:.0f} MiB); floor: openpyxl write-only of "
                       "the app's CSV cells"))
    return out


# -- meeting report --------------------------------------------------------------------------------
def report_cases(periods: dict[str, Any], provinces: dict[str, Any]) -> list[Case]:
    from openpyxl import Workbook, load_workbook

    from elections.reports import MeetingReport

    province = provinces["late"]
    cases = []
    for key in ("early", "late"):
        term, as_of, table = periods[key]
        made = io.BytesIO()
        MeetingReport(province, term, as_of).write_xlsx(made)
        made.seek(0)
        book = load_workbook(made, read_only=True)
        sheets = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
        book.close()
        cells = sum(len(row) for rows in sheets.values() for row in rows)

        def run(term=term, as_of=as_of) -> None:
            MeetingReport(province, term, as_of).write_xlsx(io.BytesIO())

        def floor(sheets=sheets, table=table) -> None:
            flat_counts(table, "new_commune", "g_new_province = %s", (province.pk,))
            flat_counts(table, None, "g_new_province = %s", (province.pk,))
            bare = Workbook(write_only=True)
            for title, rows in sheets.items():
                sheet = bare.create_sheet(title)
                for row in rows:
                    sheet.append(row)
            bare.save(io.BytesIO())

        cases.append(Case(f"meeting report, {province.name}, {term.name} as of {as_of:%d/%m/%Y}",
                          "≤ 1.5× floor", run, floor, limit=1.5,
                          note=f"{len(sheets)} sheets, {cells:,} cells; floor: write-only of the same cells + "
                               "2 flat figures queries"))
    return cases


# -- import ----------------------------------------------------------------------------------------
def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(value.strip()[:10], fmt).date()
            except ValueError:
                continue
    return None


def parse(path: Path) -> list[dict[str, Any]]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Hamlets").to_python()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(cell not in ("", None) for cell in row)]


def vacuum_written() -> None:
    """Clear, between rounds and outside the timing, the dead rows a rolled-back round leaves in the tables an
    import writes: a server's autovacuum would clear them after a real import's rare rollback (on a server
    with autovacuum off, as on the machine of 27/11/2026, nothing did: after some twenty rounds the tables
    held 30 times their rows as dead ones, and reading the stored state took 240 ms instead of 90)."""
    from django.db import connection

    from elections.fact_models import HamletFact
    from elections.models import ChiefElection, Congress, HamletTerm
    from hamlets.models import Hamlet, PartyCell

    models = (Hamlet, HamletTerm, PartyCell, Congress, ChiefElection)
    tables = [m._meta.db_table for m in models]
    tables += [m.history.model._meta.db_table for m in models]  # type: ignore[attr-defined]
    tables.append(HamletFact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM " + ", ".join(connection.ops.quote_name(t) for t in tables))


def copy_rows(rows: list[dict[str, Any]]) -> None:
    """The same rows COPYed into the same tables (hamlets, records, cells, congresses, elections),
    names suffixed so as not to meet the generated ones; no checking at all."""
    from django.utils import timezone

    from elections.models import ChiefElection, Congress, HamletTerm, Term
    from elections.national_data.writer import BulkWriter
    from hamlets import text
    from hamlets.models import Commune, CommuneSuccession, Hamlet, HamletKind, PartyCell, UnitList

    yes = {"yes", "có", "x", "true", "1"}
    term = Term.objects.parse("2022-2025")
    communes: dict[tuple[str, str], tuple[int, int]] = {}
    for pk, name, district, province, successor in Commune.objects.filter(
            unit_list=UnitList.EARLIER, district__province__code=40).values_list(
            "pk", "name", "district__name", "province_id", "province__successor_id"):
        communes[(text.match_key(district), text.match_key(text.bare_name(name)))] = (pk, successor or province)
    single: dict[int, int] = {}
    for old, new in CommuneSuccession.objects.filter(old__district__province__code=40).values_list("old_id", "new_id"):
        single[old] = -1 if old in single else new
    writer = BulkWriter()
    now = timezone.now()
    ids = {model: writer.next_id(model) for model in (Hamlet, HamletTerm, PartyCell, Congress, ChiefElection)}
    hamlets, records, cells, congresses, elections = [], [], [], [], []
    for i, row in enumerate(rows):
        commune, province = communes[(text.match_key(row["District"]), text.match_key(text.bare_name(row["Commune"])))]
        new = single.get(commune)
        name = text.clean(f"{row['Hamlet']} ·")
        kind = HamletKind.parse(row["Kind"]) or ""
        special, p01 = str(row["Special area"]).lower() in yes, str(row["Project 01"]).lower() in yes
        members, cell = int(row["Party members"] or 0), str(row["Party cell"]).lower() in yes
        hamlet = ids[Hamlet] + i
        hamlets.append((hamlet, name, text.match_key(name), text.search_key(name), text.sort_key(name), commune,
                        new if new and new > 0 else None, province, kind, special, p01, members, 1, now))
        records.append((ids[HamletTerm] + i, 1, now, hamlet, term.pk, kind, special, p01, members, cell))
        if cell:
            cell_id = ids[PartyCell] + len(cells)
            cells.append((cell_id, hamlet, True))
            held = _day(row["Congress held on"])
            if held:
                congresses.append((ids[Congress] + len(congresses), 1, now, cell_id, term.pk, held,
                                   text.clean(row["Secretary"]), text.clean(row["Deputy secretary"]), "", ""))
        elected = _day(row["Chief elected on"])
        if elected:
            chief = text.clean(row["Chief"])
            elections.append((ids[ChiefElection] + len(elections), 1, now, hamlet, term.pk, elected, chief,
                              _day(row["Chief member since"]), "", text.match_key(chief), "", ""))
    writer.write(Hamlet, ["id", "name", "name_key", "search", "name_sort", "commune_id", "new_commune_id",
                          "province_id", "kind", "special_area", "project01", "party_members", "version",
                          "updated_at"], hamlets)
    writer.write(HamletTerm, ["id", "version", "updated_at", "hamlet_id", "term_id", "kind", "special_area",
                              "project01", "party_members", "party_cell"], records)
    writer.write(PartyCell, ["id", "hamlet_id", "active"], cells)
    writer.write(Congress, ["id", "version", "updated_at", "cell_id", "term_id", "held_on", "secretary",
                            "deputy_secretary", "secretary_gender", "secretary_ethnicity"], congresses)
    writer.write(ChiefElection, ["id", "version", "updated_at", "hamlet_id", "term_id", "held_on", "chief",
                                 "chief_member_since", "chief_party_role", "chief_key", "chief_gender",
                                 "chief_ethnicity"], elections)


def import_outcomes(runs: int) -> list[Outcome]:
    from django.db import transaction

    from benchmarks.import_5000 import write_workbook
    from elections.importing import import_workbook

    first, again, floor, parse_only, sql = [], [], [], [], [[], []]
    queries = [0, 0]
    with tempfile.TemporaryDirectory(prefix="nat-import-") as tmp:
        path = Path(tmp) / "hamlets-5000.xlsx"
        write_workbook(path, IMPORT_ROWS)
        note = ""
        vacuum_written()  # what earlier runs left
        for round_ in range(runs):
            with transaction.atomic():
                seconds, queries[0], result = timed(lambda: import_workbook(path))
                if not result.ok:
                    raise SystemExit(f"the import refused the workbook: {[str(p) for p in result.problems[:5]]}")
                first.append(seconds)
                sql[0].append(LAST_SQL_SECONDS[0])
                seconds, queries[1], second = timed(lambda: import_workbook(path))
                again.append(seconds)
                sql[1].append(LAST_SQL_SECONDS[0])
                note = (f"{result.summary_line}; again: {second.summary.written} written, {second.known:,} rows known "
                        "unchanged")
                transaction.set_rollback(True)
            with transaction.atomic():
                started = time.perf_counter()
                rows = parse(path)
                parsed = time.perf_counter()
                copy_rows(rows)
                floor.append(time.perf_counter() - started)
                parse_only.append(parsed - started)
                transaction.set_rollback(True)
            vacuum_written()
            print(f"  import round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)
    ms, floor_ms = statistics.median(first) * 1000, statistics.median(floor) * 1000
    again_ms, parse_ms = statistics.median(again) * 1000, statistics.median(parse_only) * 1000
    return [
        Outcome(f"import, {IMPORT_ROWS:,} rows (Nghệ An, rolled back)", ms, floor_ms, ms / floor_ms, queries[0], 0,
                None, "≤ 3× floor", ms <= 3 * floor_ms, f"{note}; floor: calamine parse + COPY into the same tables",
                statistics.median(sql[0]) * 1000),
        Outcome("re-import of the same workbook", again_ms, parse_ms, again_ms / parse_ms, queries[1], 0, None,
                "≤ 2× parse", again_ms <= 2 * parse_ms, "floor: calamine parse alone",
                statistics.median(sql[1]) * 1000),
    ]
