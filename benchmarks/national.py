"""Benchmark: every figure of issue 11 against its floor, on a national-size PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_nat_10k \\
        python -m benchmarks.national [--hamlets 10000] [--members N] [--runs 5] [--json OUT] [--only NAME ...]

Generates the data with ``generate_national`` when the database does not
hold exactly ``--hamlets`` generated hamlets (never over hamlets it did not
generate). Then builds, outside any timing, one flat per-hamlet table per
period, a temporary table of the connection (``bench_flat_early``: 2022-2025 as of 2022-12-31; ``bench_flat_late``:
2025-2027 as of 2026-06-30) from the figures engine's own facts (chief in
office and whether a member, cell, congress, members, special area,
Project 01, each unit of both lists, the chief's election day), with indexes
on its unit columns: the floor is what a flat ``GROUP BY ... FILTER`` (or a
``LIMIT/OFFSET``) over such a table costs. In one run, interleaved (engine,
floor, engine, floor...), it times each case, takes medians, counts queries,
checks that every count equals the floor's, and prints the ratios against the
issue's targets. Pages go through the Django test client (server time: the
request in process, templates rendered as a server renders them, without the
client's instrumentation; the counts are read from one more request outside
the timing); exports run in a subprocess each (time and peak RSS);
the meeting report is compared with openpyxl write-only of the same cells;
the import of 5,000 rows (rolled back) with calamine parse + COPY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks._setup import setup_django

EARLY = ("2022-2025", dt.date(2022, 12, 31), "bench_flat_early")
LATE = ("2025-2027", dt.date(2026, 6, 30), "bench_flat_late")
ADMIN = "bench-national-admin"
GROUPS = {"province": "g_province", "district": "g_district", "commune": "g_commune",
          "new_province": "g_new_province", "new_commune": "g_new_commune"}


@dataclass
class Case:
    """One thing timed against its floor; ``run``/``floor`` return what ``check`` compares."""

    name: str
    target: str
    run: Callable[[], Any]
    floor: Callable[[], Any]
    check: Callable[[Any, Any], bool] | None = None
    limit: float | None = None  # the target as a ratio to the floor (None: an absolute target in ms)
    limit_ms: float | None = None
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    floor_times: list[float] = field(default_factory=list)
    queries: int = 0
    floor_queries: int = 0
    equal: bool | None = None
    note: str = ""


@dataclass
class Outcome:
    name: str
    ms: float
    floor_ms: float
    ratio: float
    queries: int
    floor_queries: int
    counts_equal: bool | None
    target: str
    met: bool | None
    note: str = ""
    sql_ms: float | None = None  # of ``ms``, the time spent in SQL (Django's per-query clock)


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    """(seconds, queries, result); the seconds spent in SQL are kept in ``LAST_SQL_SECONDS``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    LAST_SQL_SECONDS[0] = sum(float(q.get("time") or 0) for q in queries.captured_queries)
    return elapsed, len(queries.captured_queries), result


LAST_SQL_SECONDS = [0.0]
TIMEOUT = [0]  # seconds of --statement-timeout (0: none)


def set_statement_timeout(seconds: int) -> None:
    from django.db import connection

    TIMEOUT[0] = seconds
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(seconds) * 1000}")


def run_cases(cases: list[Case], runs: int) -> list[Outcome]:
    """Interleaved: each round runs every case's engine then its floor."""
    for round_ in range(runs):
        for case in cases:
            if case.note.startswith("stopped"):
                continue
            try:
                seconds, queries, result = timed(case.run)
            except Exception as error:  # noqa: BLE001 - a statement timeout (--statement-timeout)
                if "statement timeout" not in str(error):
                    raise
                case.note = f"stopped by the statement timeout ({TIMEOUT[0]} s): no time measured"
                case.times, case.sql_times, case.equal = [math.inf], [math.inf], None
                floor_seconds, case.floor_queries, _floor = timed(case.floor)
                case.floor_times.append(floor_seconds)
                continue
            case.sql_times.append(LAST_SQL_SECONDS[0])
            floor_seconds, floor_queries, floor = timed(case.floor)
            case.times.append(seconds)
            case.floor_times.append(floor_seconds)
            case.queries, case.floor_queries = queries, floor_queries
            if round_ == 0 and case.check is not None:
                case.equal = bool(case.check(result, floor))
        print(f"  round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)
    return [outcome(case) for case in cases]


def outcome(case: Case) -> Outcome:
    ms, floor_ms = statistics.median(case.times) * 1000, statistics.median(case.floor_times) * 1000
    ratio = ms / floor_ms if floor_ms else math.inf
    met = None
    if case.limit is not None:
        met = ratio <= case.limit
    if case.limit_ms is not None:
        met = ms <= case.limit_ms and (met is None or met)
    return Outcome(case.name, ms, floor_ms, ratio, case.queries, case.floor_queries, case.equal, case.target, met,
                   case.note, statistics.median(case.sql_times) * 1000)


# -- data ------------------------------------------------------------------------------------------
def ensure_data(hamlets: int, members: int) -> str:
    from django.core.management import call_command

    from elections.national_data.generate import MARK, foreign_hamlets
    from hamlets.models import Hamlet

    if foreign_hamlets():
        raise SystemExit("the database holds hamlets generate_national did not write: use a database of its own")
    have = Hamlet.objects.filter(updated_at=MARK).count()
    if have == hamlets:
        return f"{have:,} generated hamlets already there"
    started = time.perf_counter()
    call_command("generate_national", hamlets=hamlets, members=members)
    return f"generated {hamlets:,} hamlets and {members:,} members in {time.perf_counter() - started:.0f} s"


def build_flat(term_name: str, as_of: dt.date, table: str) -> int:
    """The flat per-hamlet table of one period's facts (outside any timing), recounted from the tables they
    come from (``Figures.live_facts``), not read from the facts rows the engine reads: every count the
    engine shows is then checked against an independent recount."""
    from django.db import connection
    from django.db.models import F, OuterRef, Subquery

    from elections.figures import Figures
    from elections.models import Congress, Term
    from elections.results import elections_until
    from hamlets.models import Hamlet

    term = Term.objects.parse(term_name)
    congresses = Congress.objects.filter(cell__hamlet=OuterRef("pk"), term=term, held_on__lte=as_of)
    facts = Figures(Hamlet.objects.all(), term, as_of).live_facts(None).annotate(
        hid=F("pk"), g_province=F("commune__district__province_id"), g_district=F("commune__district_id"),
        g_commune=F("commune_id"), g_new_province=F("province_id"), g_new_commune=F("new_commune_id"),
        chief_elected_on=Subquery(elections_until(term, as_of).values("held_on")[:1]),
        # the list's and exports' other cells, so that the floor reads the same facts
        chief_name=Subquery(elections_until(term, as_of).values("chief")[:1]),
        chief_since=Subquery(elections_until(term, as_of).values("chief_member_since")[:1]),
        chief_role=Subquery(elections_until(term, as_of).values("chief_party_role")[:1]),
        congress_on=Subquery(congresses.values("held_on")[:1]),
        secretary=Subquery(congresses.values("secretary")[:1]),
        deputy=Subquery(congresses.values("deputy_secretary")[:1]))
    sql, params = facts.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(f"CREATE TEMP TABLE {table} AS {sql}", params)
        for column in ("hid", *GROUPS.values()):
            cursor.execute(f"CREATE INDEX ON {table} ({column})")
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


# -- figures ---------------------------------------------------------------------------------------
def flat_counts(table: str, group: str | None, where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
    """The engine's counts (``n_*`` columns) from the flat table: ``COUNT(*) FILTER (WHERE ...)``."""
    from django.db import connection

    from elections.figures import FIGURES, Figures

    counts = Figures._counts(None, FIGURES, True)  # type: ignore[arg-type]  # no state used
    columns = ", ".join("COUNT(*) AS " + name if condition is None else f"COUNT(*) FILTER (WHERE {condition}) AS {name}"
                        for name, condition in counts.items())
    select = f"SELECT {GROUPS[group]} AS f_group, {columns}" if group else f"SELECT {columns}"
    sql = f"{select} FROM {table} {'WHERE ' + where if where else ''} {'GROUP BY 1' if group else ''}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def ratios_of(rows: list[dict[str, Any]], grouped: bool) -> Any:
    from elections.figures import FIGURES, Counts, Figures

    names = list(rows[0]) if rows else []
    counts = Counts(names, [tuple(row.values()) for row in rows])
    pairs = Figures._pairs(list(FIGURES), True)
    return counts.by_group(pairs) if grouped else counts.total(pairs)


def same_ratios(engine: dict[int, Any], rows: list[dict[str, Any]]) -> bool:
    """The engine's ratios equal the floor's counts (converted here, outside the floor's timing)."""
    return engine == ratios_of(rows, True)


def figure_cases(periods: dict[str, Any], provinces: dict[str, Any]) -> list[Case]:
    from elections.figures import Figures
    from hamlets.models import Hamlet

    cases = []
    for key, levels in (("early", ("province", "district", "commune")), ("late", ("new_province", "new_commune"))):
        term, as_of, table = periods[key]
        for level in levels:
            def run(level=level, term=term, as_of=as_of) -> Any:
                return Figures(Hamlet.objects.all(), term, as_of).by(level)

            def floor(level=level, table=table) -> Any:
                return flat_counts(table, level)

            cases.append(Case(f"figures, whole country by {level} ({term})", "≤ 3× floor", run, floor,
                              same_ratios, limit=3))
    for key, province, level, column in (("early", provinces["early"], "district", "g_province"),
                                         ("late", provinces["late"], "new_commune", "g_new_province")):
        term, as_of, table = periods[key]

        def run(province=province, level=level, term=term, as_of=as_of) -> Any:
            return Figures(Hamlet.objects.in_province(province), term, as_of).by(level)

        def floor(province=province, level=level, table=table, column=column) -> Any:
            return flat_counts(table, level, f"{column} = %s", (province.pk,))

        cases.append(Case(f"figures, one province by {level} ({province.name}, {provinces[key + '_n']:,} hamlets)",
                          "≤ 3× floor", run, floor, same_ratios, limit=3))
    return cases


# -- pages -----------------------------------------------------------------------------------------
def client() -> Any:
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.filter(username=ADMIN).first() or User.objects.create_superuser(ADMIN, "", None)
    browser = Client(HTTP_HOST="127.0.0.1")  # an allowed host without setup_test_environment (export children)
    browser.force_login(user)
    return browser


def get(browser: Any, url: str) -> Any:
    response = browser.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response


def served(browser: Any, url: str) -> Any:
    """A page as a server renders it: without the test client's template instrumentation, which copies
    every template's context for ``response.context`` (~30 ms of the national dashboard's page); the
    counts are read from an instrumented request outside the timing (``checked``)."""
    from django.template import Template
    from django.test.utils import _TestState

    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    try:
        return get(browser, url)
    finally:
        Template._render = instrumented


def checked(browser: Any, url: str, check: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """``check`` of a page timed by ``served``, on the same page requested again with the instrumentation."""
    return lambda _response, floor: check(get(browser, url), floor)


def total_equal(response: Any, floor_rows: list[dict[str, Any]]) -> bool:
    floor_total = ratios_of(floor_rows, False)
    total = response.context["total"].ratios
    return all(total[code] == floor_total[code] for code in total if code in floor_total)


def page_cases(periods: dict[str, Any], provinces: dict[str, Any], browser: Any, per_page: int = 50) -> list[Case]:
    from django.db import connection

    term, as_of, table = periods["late"]
    period = f"term={term.name}&as_of={as_of.isoformat()}"
    province = provinces["late"]

    def flat_total(where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
        return flat_counts(table, None, where, params)

    def province_floor() -> Any:
        flat_counts(table, "new_commune", "g_new_province = %s", (province.pk,))
        return flat_total("g_new_province = %s", (province.pk,))

    def national_floor() -> Any:
        flat_counts(table, "new_province")
        return flat_total()

    dashboards = f"/?province={province.code}&{period}", f"/?{period}"
    cases = [
        Case(f"province dashboard page ({province.name})", "≤ 100 ms", lambda: served(browser, dashboards[0]),
             province_floor, checked(browser, dashboards[0], total_equal), limit_ms=100),
        Case("national dashboard page", "≤ 300 ms", lambda: served(browser, dashboards[1]), national_floor,
             checked(browser, dashboards[1], total_equal), limit_ms=300),
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        count = cursor.fetchone()[0]
    last = max(1, math.ceil(count / per_page))
    orders = {"": "nc.code, h.name_sort, c.code, h.id", "chief_elected_on": "f.chief_elected_on, h.id"}
    for sort, order in orders.items():
        for page in (1, last):
            def floor(order=order, page=page) -> int:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    total = cursor.fetchone()[0]
                    cursor.execute(f"SELECT h.id, h.name, c.name, nc.name, f.* FROM {table} f "
                                   "JOIN hamlets_hamlet h ON h.id = f.hid "
                                   "LEFT JOIN hamlets_commune c ON c.id = h.commune_id "
                                   "LEFT JOIN hamlets_commune nc ON nc.id = h.new_commune_id "
                                   f"ORDER BY {order} LIMIT %s OFFSET %s", [per_page, (page - 1) * per_page])
                    cursor.fetchall()
                return total

            url = f"/hamlets/?{period}&page={page}" + (f"&sort={sort}" if sort else "")
            label = "default order" if not sort else f"sorted by {sort}"
            cases.append(Case(f"hamlet list, page {page:,} of {last:,}, {label}", "≤ 50 ms" if not sort else "≤ 300 ms",
                              lambda url=url: served(browser, url), floor,
                              checked(browser, url, lambda response, total: (
                                  response.context["table"].page.paginator.count == total)),
                              limit_ms=50 if not sort else 300))
    return cases


# -- main ------------------------------------------------------------------------------------------
def print_table(outcomes: list[Outcome]) -> None:
    print("\n| what | now | of which SQL | floor | ratio | queries (floor) | counts equal | target | met |")
    print(f"| {' | '.join(['---'] * 9)} |")
    for o in outcomes:
        equal = {True: "yes", False: "**NO**", None: "n/a"}[o.counts_equal]
        met = {True: "yes", False: "no", None: "-"}[o.met]
        note = f" ({o.note})" if o.note else ""
        sql = "-" if o.sql_ms is None else f"{o.sql_ms:,.1f} ms"
        print(f"| {o.name}{note} | {o.ms:,.1f} ms | {sql} | {o.floor_ms:,.1f} ms | ×{o.ratio:,.1f} "
              f"| {o.queries} ({o.floor_queries}) | {equal} | {o.target} | {met} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hamlets", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=None, help="default: 55 per hamlet")
    parser.add_argument("--runs", type=int, default=5, help="rounds for figures and pages (files: --file-runs)")
    parser.add_argument("--file-runs", type=int, default=3)
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--only", nargs="*", default=["figures", "pages", "exports", "report", "import"])
    parser.add_argument("--statement-timeout", type=int, default=0, metavar="SECONDS",
                        help="stop any statement of the app after this long and report the case as stopped")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)  # an export in a process of its own
    args = parser.parse_args()
    setup_django(require_postgres=True)
    if args.statement_timeout:
        os.environ["NAT_STATEMENT_TIMEOUT"] = str(args.statement_timeout)  # export children too
    if os.environ.get("NAT_STATEMENT_TIMEOUT"):
        set_statement_timeout(int(os.environ["NAT_STATEMENT_TIMEOUT"]))
    if args.child:
        from benchmarks.national_files import child

        child(args.child)
        return
    from django.db import connection
    from django.test.utils import setup_test_environment

    from elections.models import Term
    from hamlets.models import Hamlet, Province, UnitList

    setup_test_environment()  # the test client's response.context
    load_start = os.getloadavg()
    print(ensure_data(args.hamlets, args.members if args.members is not None else 55 * args.hamlets), flush=True)
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load (the units' tables too;
        cursor.execute("SET statement_timeout = 0")  # VACUUM marks the pages all-visible: index-only scans)
        cursor.execute("VACUUM ANALYZE")
    periods = {}
    for key, (term_name, as_of, table) in (("early", EARLY), ("late", LATE)):
        started = time.perf_counter()
        rows = build_flat(term_name, as_of, table)
        periods[key] = (Term.objects.parse(term_name), as_of, table)
        print(f"flat table {table}: {rows:,} hamlets counted, built in {time.perf_counter() - started:.1f} s")
        set_statement_timeout(TIMEOUT[0])
    from django.db.models import Count

    early = Province.objects.filter(unit_list=UnitList.EARLIER).annotate(
        n=Count("districts__communes__hamlets")).order_by("-n", "code").first()
    late = Province.objects.filter(unit_list=UnitList.NEW).annotate(n=Count("hamlets")).order_by("-n", "code").first()
    provinces = {"early": early, "late": late, "early_n": early.n, "late_n": late.n}
    outcomes: list[Outcome] = []
    sections = set(args.only)
    from benchmarks import national_files

    steps = {
        "figures": lambda: run_cases(figure_cases(periods, provinces), args.runs),
        "pages": lambda: run_cases(page_cases(periods, provinces, client()), args.runs),
        "exports": lambda: national_files.export_outcomes(periods, args.file_runs),
        "report": lambda: run_cases(national_files.report_cases(periods, provinces), args.file_runs),
        "import": lambda: national_files.import_outcomes(args.file_runs),
    }
    for name, step in steps.items():
        if name in sections:
            try:
                done = step()
            except (Exception, SystemExit) as error:  # noqa: BLE001 - report the rest all the same
                print(f"{name}: stopped: {str(error)[:300]}", flush=True)
                done = [Outcome(name, math.inf, math.inf, math.inf, 0, 0, None, "-", False,
                                f"stopped: {str(error)[:200]}")]
            print_table(done)  # as it goes: a long run shows what it has
            outcomes += done
    load = os.getloadavg()
    print(f"\n{Hamlet.objects.count():,} hamlets; medians of {args.runs} interleaved rounds "
          f"({args.file_runs} for files); load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"on {os.cpu_count()} CPUs (at the start {load_start[0]:.1f})")
    print_table(outcomes)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"hamlets": Hamlet.objects.count(), "runs": args.runs, "file_runs": args.file_runs,
                       "load_average_start": load_start, "load_average_end": load,
                       "outcomes": [asdict(o) for o in outcomes]}, out, ensure_ascii=False, indent=1, default=str)


if __name__ == "__main__":
    main()
