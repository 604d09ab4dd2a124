"""All evaluation indicators at every level for a year, from the rollup, against a hand-written SQL
GROUP BY of the same counts in the same run.

Run: `.venv/bin/python benchmarks/stats.py [--district-cases 50000] [--city-cases 5000000]
[--skip-city]` (or `make bench`). Three runs, each in a child process on a throwaway database:

1. the district year on SQLite: the `district` demo without cases, then N cases loaded in bulk (the
   loader of `benchmarks/city_scale.py`: a year of cases over the district's grids, categories and
   squads in realistic states, reported, verified, filed and dispatched by the district's staff;
   case rows only, no audit records);
2. the same on PostgreSQL (`DATABASE_URL`'s server, default postgres://postgres@127.0.0.1:5432);
3. the city year (the `city` demo, ~21,500 grids, five bureaus) on PostgreSQL, loaded by COPY.

Each run builds the rollup (`stats.rollup.refresh`, timed), then times `indicators.compute` over the
year (1 December – 30 November) at every level, warm (median of 5), the direct count without the
rollup (`rollup=False`, median of 3; one run for the city), a read right after one case changed
(the read recounts that case's grid's months first), and the raw SQL baseline: one hand-written
`GROUP BY` per level and cohort (filed, reported; the people levels by reporter, verifier, the
grid's inspector, filer, first dispatcher) with the same conditional counts, through the driver
(median of 3). It prints the ratio to the baseline first.

Goals (issue 13): every level of the district year ≤ 300 ms warm; of the city year ≤ 2 s on
PostgreSQL. The exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
GOALS_MS = {"district": 300.0, "city": 2000.0}
LEVELS = ("bureau", "subdistrict", "community", "grid", "unit", "staff", "operator", "dispatcher")
AREA_COLUMN = {
    "bureau": "bureau_id",
    "subdistrict": "subdistrict_id",
    "community": "community_id",
    "grid": "grid_id",
    "unit": "handling_unit_id",
}
START = dt.date(2025, 12, 1)  # the loader's year: 365 days from here
END = START + dt.timedelta(days=364)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--district-cases", type=int, default=50_000)
    parser.add_argument("--city-cases", type=int, default=5_000_000)
    parser.add_argument("--skip-city", action="store_true", help="only the district year")
    parser.add_argument("--only", choices=("sqlite", "pg", "city"), help="one run only")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to make the throwaway databases on",
    )
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "LAYOUT", "CASES"), help=argparse.SUPPRESS)
    return parser.parse_args()


def _median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --- the load ------------------------------------------------------------------------------------


def _sqlite_value(text: str):
    if text == "\\N":
        return None
    if text in ("t", "f"):
        return text == "t"
    if text.endswith("+00") and text[4:5] == "-" and text[10:11] == " ":
        return text[:-3]  # Django keeps aware times on SQLite as naive UTC text
    return text


def load(backend: str, n: int) -> float:
    """N cases of a year, the seconds it took (COPY on PostgreSQL, executemany on SQLite)."""
    sys.path.insert(0, str(HERE))
    import city_scale
    from django.db import connection

    from chengguan.stats.models import GridAssignment

    started = time.perf_counter()
    # The demo put its inspectors on their grids today; the loaded year lies before, so their spells
    # start with it (漏报率 counts a case against the inspector of its grid when it was reported).
    GridAssignment.objects.update(since=dt.datetime.combine(START, dt.time(0), dt.UTC))
    if backend == "pg":
        city_scale.load_cases(n, 1)
        return time.perf_counter() - started
    places = city_scale._places()
    begin = dt.datetime.combine(START, dt.time(0), dt.UTC)
    sql = (
        f"INSERT INTO cases_case ({', '.join(city_scale.COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(city_scale.COLUMNS))})"
    )
    batch = []
    with connection.cursor() as cursor:
        for line in city_scale.case_lines(n, 1, places, begin):
            batch.append([_sqlite_value(v) for v in line.rstrip("\n").split("\t")])
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --- the baseline: the same counts, hand-written ---------------------------------------------------


def _baseline_sql(level: str, backend: str) -> list[tuple[str, list]]:
    """One GROUP BY per cohort over the cases (the filed and the reported cohort) with every count
    of the level's indicators as a conditional sum; the people levels group by reporter, verifier
    and the grid's inspector at the report time, by filer, by first dispatcher."""
    from chengguan.cases.public import PUBLIC_SOURCES
    from chengguan.core import clock

    start, end = clock.period_bounds(START, END)
    if backend == "sqlite":  # the text Django stores on SQLite
        start, end = (t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") for t in (start, end))
    now = clock.now() if backend == "pg" else clock.now().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")

    def n(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    filed_cohort = (
        "c.filed_at >= %s AND c.filed_at < %s AND NOT c.is_spam AND c.state NOT IN ('cancelled', 'merged')"
    )
    if level in AREA_COLUMN:
        column = AREA_COLUMN[level]
        d = "c.dispatched_at IS NOT NULL"
        closed = "c.state = 'closed'"
        counts = [
            d,
            f"{d} AND c.handled_at IS NOT NULL",
            f"{d} AND c.handled_at IS NOT NULL AND NOT c.handled_late",
            closed,
            f"{d} AND c.rework_count > 0",
            f"{d} AND c.extension_count > 0",
            f"{d} AND c.state IN ('dispatched', 'in_handling', 'rework') AND c.handling_due_at < %s",
            f"{d} AND c.redispatch_count > 0",
            "c.is_supervised",
            f"{closed} AND c.disposition <> ''",
            f"{closed} AND c.disposition = 'service'",
            f"{closed} AND c.disposition = 'management'",
            f"{closed} AND c.disposition = 'enforcement'",
        ]
        filed = (
            f"SELECT c.{column}, COUNT(*), {', '.join(n(c) for c in counts)} "
            f"FROM cases_case c WHERE {filed_cohort} GROUP BY c.{column}"
        )
        reported = (
            f"SELECT c.{column}, COUNT(*), {n('c.filed_at IS NOT NULL')} FROM cases_case c "
            f"WHERE c.reported_at >= %s AND c.reported_at < %s AND NOT c.is_spam GROUP BY c.{column}"
        )
        return [(filed, [now, start, end]), (reported, [start, end])]
    if level == "operator":
        accurate = "NOT c.is_spam AND c.state <> 'cancelled'"
        filings = (
            f"SELECT c.filed_by_id, COUNT(*), {n('NOT c.filed_late')}, {n(accurate)} FROM cases_case c "
            "WHERE c.filed_at >= %s AND c.filed_at < %s AND c.state <> 'merged' "
            "AND c.filed_by_id IS NOT NULL GROUP BY c.filed_by_id"
        )
        return [(filings, [start, end])]
    if level == "dispatcher":
        d = "c.dispatched_at IS NOT NULL"
        accurate = f"{d} AND c.return_count = 0 AND c.redispatch_count = 0"
        dispatches = (
            f"SELECT c.first_dispatcher_id, COUNT(*), {n(f'{d} AND NOT c.dispatched_late')}, {n(accurate)} "
            f"FROM cases_case c WHERE {filed_cohort} AND c.first_dispatcher_id IS NOT NULL "
            "GROUP BY c.first_dispatcher_id"
        )
        return [(dispatches, [start, end])]
    public = ", ".join(f"'{source}'" for source in PUBLIC_SOURCES)
    reports = (
        f"SELECT c.reporter_id, COUNT(*), {n('c.filed_at IS NOT NULL')} FROM cases_case c "
        "WHERE c.reported_at >= %s AND c.reported_at < %s AND NOT c.is_spam GROUP BY c.reporter_id"
    )
    verified = (
        f"SELECT c.verifier_id, COUNT(*), {n('NOT c.verified_late')} FROM cases_case c "
        "WHERE c.verified_at >= %s AND c.verified_at < %s AND NOT c.is_spam GROUP BY c.verifier_id"
    )
    in_grid = (
        f"SELECT a.inspector_id, COUNT(*), {n(f'c.source IN ({public})')} FROM cases_case c "
        "JOIN stats_gridassignment a ON a.grid_id = c.grid_id AND a.since <= c.reported_at "
        f"AND (a.until IS NULL OR a.until > c.reported_at) WHERE {filed_cohort} GROUP BY a.inspector_id"
    )
    return [(reports, [start, end]), (verified, [start, end]), (in_grid, [start, end])]


def _raw(level: str, backend: str):
    from django.db import connection

    queries = _baseline_sql(level, backend)

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


# --- one run -------------------------------------------------------------------------------------


def _setup(backend: str, data_dir: Path, url: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chengguan.settings"
    os.environ["CHENGGUAN_DATA_DIR"] = str(data_dir)
    os.environ["CHENGGUAN_SCHEDULER"] = "off"
    os.environ["CHENGGUAN_REQUEST_LOG"] = "0"
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _admin(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def child(backend: str, layout: str, n: int, server_url: str) -> int:
    import psycopg

    work = Path(tempfile.mkdtemp(prefix="chengguan-stats-"))
    url = None
    if backend == "pg":
        name = f"bench_stats_{os.getpid()}"
        url = urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
        with psycopg.connect(_admin(server_url), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
    _setup(backend, work, url)
    try:
        return _measure(backend, layout, n)
    finally:
        if url:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(_admin(server_url), autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}" WITH (FORCE)')


def _measure(backend: str, layout: str, n: int) -> int:
    from django.core.management import call_command

    from chengguan.cases.models import Case
    from chengguan.core.clock import SHANGHAI, pinned
    from chengguan.stats import indicators, rollup, rules
    from chengguan.stats.models import CaseRollup, DueRollup, LevelRollup

    label = f"{layout} year, {n:,} cases, {'PostgreSQL' if backend == 'pg' else 'SQLite'}"
    print(f"== {label}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", size=layout, cases=0, merchants=0, verbosity=0)
    loaded = load(backend, n)
    ruleset = rules.default_rules()
    started = time.perf_counter()
    rollup.refresh(ruleset)
    built = time.perf_counter() - started
    print(
        f"loaded in {loaded:.0f} s; rollup built in {built:.1f} s "
        f"({CaseRollup.objects.count():,} grid-and-unit rows, {LevelRollup.objects.count():,} level rows, "
        f"{DueRollup.objects.count():,} due-day rows for {Case.objects.count():,} cases)",
        flush=True,
    )
    now = dt.datetime.combine(END + dt.timedelta(days=1), dt.time(10), SHANGHAI)
    goal = GOALS_MS[layout]
    failures = []
    total = total_raw = 0.0
    with pinned(now):

        def compute(level: str, use_rollup: bool = True):
            return indicators.compute(ruleset, level, START, END, rollup=use_rollup)

        for level in LEVELS:
            rows = compute(level)  # warm: plans, caches, the first refresh check
            warm = _median_ms(lambda level=level: compute(level), 5)
            direct_ms = _median_ms(
                lambda level=level: compute(level, False), 3 if layout == "district" else 1
            )
            raw = _median_ms(_raw(level, backend), 3)
            total, total_raw = total + warm, total_raw + raw
            print(
                f"{level:<11} rollup / raw SQL {warm / raw:.2f} — rollup {warm:.0f} ms, "
                f"direct count {direct_ms:.0f} ms, raw SQL {raw:.0f} ms ({len(rows)} rows)",
                flush=True,
            )
            if warm > goal:
                failures.append(f"{layout} {level} {warm:.0f} ms > {goal:.0f} ms")
        # One case changes: the next read refreshes its days first.
        case = Case.objects.filter(state="closed").order_by("pk").first()
        case.is_supervised = True
        case.save(update_fields=["is_supervised", "updated_at"])
        started = time.perf_counter()
        compute("grid")
        after_change = (time.perf_counter() - started) * 1000
    print(
        f"all levels: rollup / raw SQL {total / total_raw:.2f} — rollup {total:.0f} ms, raw SQL "
        f"{total_raw:.0f} ms; the grid level read right after a case changed: {after_change:.0f} ms",
        flush=True,
    )
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


def main() -> int:
    args = parse_args()
    if args.child:
        backend, layout, cases = args.child
        return child(backend, layout, int(cases), args.database_url)
    runs = {
        "sqlite": ("sqlite", "district", args.district_cases),
        "pg": ("pg", "district", args.district_cases),
        "city": ("pg", "city", args.city_cases),
    }
    if args.skip_city:
        runs.pop("city")
    chosen = [runs[args.only]] if args.only else list(runs.values())
    status = 0
    for backend, layout, cases in chosen:
        command = [sys.executable, __file__, "--database-url", args.database_url, "--child", backend, layout]
        status |= subprocess.call([*command, str(cases)])
    return status


if __name__ == "__main__":
    sys.exit(main())
