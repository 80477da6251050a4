"""Benchmark: the hostile files of issue 9 and a legitimate 100,000-row workbook, each imported (dry run).

    .venv/bin/python benchmarks/hostile_files.py [--rows 100000] [--only NAME ...] [--keep DIR]

Sets Django up against a temporary SQLite file, migrates, loads Nghệ An's
official units, builds the files, then imports each one with
``elections.importing.import_workbook(path, dry_run=True)`` in a child
process of its own, as ``/usr/bin/time -v`` would measure it: the time from
the call to its result (the message, for a refused file), the child's
wall-clock time including Python's and Django's start, and its peak resident
set size (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a small intermediate
process whose only child is the import). No test asserts these numbers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_tracker.settings")
    import django

    django.setup()


# --- the files ------------------------------------------------------------------------------------------


def renamed_csv(path: Path) -> None:
    path.write_text("Province,District,Commune,Hamlet\nNghệ An,Quế Phong,Thông Thụ,Bản Đỉ\n" * 50, encoding="utf-8")


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(9).randbytes(2 * 1024 * 1024))


def old_xls(path: Path) -> None:
    from tests import hostile

    path.write_bytes(hostile.old_xls())


def encrypted(path: Path) -> None:
    from tests import hostile

    path.write_bytes(hostile.encrypted_workbook())


def xlsm(path: Path) -> None:
    from tests import hostile

    sheet = hostile.sheet_xml([hostile.header_row(), hostile.values_row(2, hostile.hamlet_values())])
    path.write_bytes(hostile.raw_workbook({"Hamlets": sheet}, macros=True))


def _bomb(path: Path, megabytes: int) -> None:
    """A workbook whose sheet XML carries ``megabytes`` of blanks before its rows: deflate shrinks them ~1000:1."""
    from tests import hostile

    head, tail = hostile.sheet_xml([hostile.header_row(), hostile.values_row(2, hostile.hamlet_values())]).split(
        "<sheetData>")
    data = hostile.raw_workbook({"Hamlets": ""})
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, part)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(head.encode())
            blanks = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(blanks)
            member.write(b"<sheetData>" + tail.encode())


def zip_bomb(path: Path) -> None:
    _bomb(path, 1024)


def zip_bomb_ratio(path: Path) -> None:
    _bomb(path, 50)


def row_100_000_000(path: Path) -> None:
    from tests import hostile

    sheet = hostile.sheet_xml([hostile.header_row(), hostile.values_row(100_000_000, hostile.hamlet_values())],
                              dimension="A1:Q2")
    path.write_bytes(hostile.raw_workbook({"Hamlets": sheet}))


def _streamed(path: Path, header: str, rows: Callable[[], Iterator[str]]) -> None:
    """A workbook whose one sheet's XML is written row by row (no <dimension>)."""
    from tests import hostile

    data = hostile.raw_workbook({"Hamlets": ""})
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    head, tail = hostile.sheet_xml([header]).split("</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, part)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(head.encode())
            for row in rows():
                member.write(row.encode())
            member.write(b"</sheetData>" + tail.encode())


def rows_200_000_without_dimension(path: Path) -> None:
    from tests import hostile

    _streamed(path, hostile.header_row(), lambda: (
        hostile.values_row(n, hostile.hamlet_values(hamlet=f"Bản {n}")) for n in range(2, 200_002)))


def widest(path: Path) -> None:
    """The largest range the scan lets calamine parse: 100,001 rows x 39 columns (3.9 million cells),
    valid Hamlets rows and 22 columns of numbers the import does not read."""
    from tests import hostile
    from tests.workbooks import HEADERS

    extra = [f"Ghi chú {i}" for i in range(22)]
    _streamed(path, hostile.header_row([*HEADERS["Hamlets"], *extra]), lambda: (
        hostile.values_row(n, [*hostile.hamlet_values(hamlet=f"Bản {n}"), *range(n, n + 22)])
        for n in range(2, 100_002)))


def wide_range(path: Path) -> None:
    """Values in A2 and XFD90000: 1.5 billion cells for calamine's dense range."""
    from tests import hostile

    sheet = hostile.sheet_xml([hostile.header_row(), hostile.values_row(2, hostile.hamlet_values()),
                               hostile.row(90_000, [hostile.cell("XFD90000", "x")])])
    path.write_bytes(hostile.raw_workbook({"Hamlets": sheet}))


def out_of_bounds(path: Path) -> None:
    """A 10,000-character hamlet and chief name, Party members 2147483648, an admission target of 99999999999."""
    from tests.workbooks import admission_target_row, hamlet_row, write_workbook

    write_workbook(path, {
        "Hamlets": [hamlet_row(hamlet="Bản " + "Đ" * 10_000, chief="Vi Thị " + "H" * 10_000,
                               chief_party_role=None, party_members=2147483648)],
        "Admission targets": [admission_target_row(target=99999999999)]})


def legitimate(rows: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from import_5000 import write_workbook

        write_workbook(path, rows)

    return build


def one_row(path: Path) -> None:
    from tests.workbooks import hamlet_row, write_workbook

    write_workbook(path, {"Hamlets": [hamlet_row()]})


FILES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "one": ("a valid one-row workbook (the baseline)", one_row),
    "csv": ("a renamed CSV", renamed_csv),
    "random": ("2 MB of random bytes", random_bytes),
    "xls": ("an old .xls (OLE2, Workbook stream)", old_xls),
    "encrypted": ("a password-protected workbook (OLE2, EncryptionInfo)", encrypted),
    "xlsm": ("an .xlsm with macros", xlsm),
    "bomb": ("a zip bomb: 1 GB of XML in 1 MB", zip_bomb),
    "ratio": ("a zip bomb by ratio: 50 MB in 50 KB", zip_bomb_ratio),
    "row": ('one data row numbered 100,000,000, <dimension ref="A1:Q2">', row_100_000_000),
    "200k": ("200,000 rows without <dimension>", rows_200_000_without_dimension),
    "wide": ("values in A2 and XFD90000 (a dense range of 1.5e9 cells)", wide_range),
    "widest": ("the widest range allowed: 100,001 rows x 39 columns", widest),
    "bounds": ("10,000-character names, 2147483648 members, target 99999999999", out_of_bounds),
}


# --- measuring ------------------------------------------------------------------------------------------


def child(path: str, database: str) -> None:
    """In the grandchild: import ``path`` (dry run) and print what came of it as JSON."""
    setup_django(Path(database))
    from elections.importing import import_workbook

    started = time.perf_counter()
    result = import_workbook(path, dry_run=True)
    seconds = time.perf_counter() - started
    first = str(result.problems[0]) if result.problems else result.summary_line
    print(json.dumps({"seconds": seconds, "ok": result.ok, "refused": result.refused,
                      "problems": len(result.problems), "first": first}))


def measure(path: str, database: str) -> None:
    """In the intermediate process: run the import as its only child; print its result and peak memory."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", path, "--database", database],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        report = {"seconds": None, "ok": False, "refused": False, "problems": 0,
                  "first": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    print(json.dumps({**report, "wall": wall, "peak_mib": peak}))


def run(path: Path, database: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--measure", str(path), "--database", str(database)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the legitimate workbook")
    parser.add_argument("--only", nargs="*", help=f"some of: {', '.join(FILES)}, legit")
    parser.add_argument("--keep", type=Path, help="build the files in this directory and keep them")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child, options.database)
    if options.measure:
        return measure(options.measure, options.database)
    with tempfile.TemporaryDirectory(prefix="hostile-files-") as tmp:
        workdir = options.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        database = Path(tmp) / "benchmark.sqlite3"
        setup_django(database)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("load_admin_units", province=["Nghệ An"], stdout=io.StringIO())
        files = {**FILES, "legit": (f"a legitimate workbook of {options.rows:,} rows", legitimate(options.rows))}
        chosen = options.only or list(files)
        connection.close()
        print(f"{'file':<66} {'size':>9} {'to result':>10} {'process':>8} {'peak RSS':>9}  result")
        for key in chosen:
            label, build = files[key]
            path = workdir / f"{key}.xlsx"
            build(path)
            report = run(path, database)
            seconds = f"{report['seconds']:.2f} s" if report["seconds"] is not None else "-"
            outcome = "refused" if report["refused"] else ("ok" if report["ok"] else f"{report['problems']} problems")
            print(f"{label:<66} {_size(path.stat().st_size):>9} {seconds:>10} {report['wall']:>6.2f} s "
                  f"{report['peak_mib']:>5.0f} MiB  {outcome}: {report['first'][:160]}", flush=True)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


if __name__ == "__main__":
    main()
