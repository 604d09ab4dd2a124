"""A city's five million cases on PostgreSQL: what staff wait for, against the raw SQL that answers it.

Run: `.venv/bin/python benchmarks/city_scale.py [--cases 5000000]` (or `make bench`, which runs it at
its default size: budget about half an hour and 6 GB of disk on 2 cores). It creates a throwaway
database on `DATABASE_URL`'s server (default postgres://postgres@127.0.0.1:5432), builds the `city`
demo without cases (5 bureaus, ~21,500 unit grids), then

1. loads N cases by COPY with their secondary indexes dropped and rebuilt after — a year of cases
   across the five bureaus' grids, categories and squads in realistic states. Only the case rows are
   loaded: no audit events, evidence or feedback (so the feedback and satisfaction figures count
   over zero callbacks — the scans are the same);
2. times, in the server process (Django's test client: routing, permissions, the ORM, serializers
   and the response, but no network), the dispatcher's inbox, the bureau leader's case list with
   filters, the map data, the year's KPI figures, and a streaming CSV export of about a million
   rows (the leader's bureau's year);
3. times the same SQL that each one sent, run raw through the database driver: the baseline of the
   same run. It prints the ratio first, then both times, and for the export the memory it grew.

Goals (issue 12): pages ≤ 300 ms, the year's KPIs ≤ 2 s, export memory flat (≤ 64 MB growth);
the exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

SRC = Path(__file__).resolve().parent.parent / "src"
PAGE_GOAL_MS = 300.0
KPI_GOAL_MS = 2000.0
EXPORT_GROWTH_GOAL_MB = 64.0
RUNS = 5
BUREAUS = 5

# The share of a year's cases in each state: most closed, the rest on their way.
STATES = [
    ("closed", 0.86),
    ("handled", 0.02),
    ("in_handling", 0.04),
    ("dispatched", 0.02),
    ("filed", 0.01),
    ("reported", 0.01),
    ("returned", 0.005),
    ("rework", 0.005),
    ("suspended", 0.005),
    ("cancelled", 0.015),
    ("verified", 0.01),
]
SOURCES = ["patrol", "hotline", "citizen", "open311", "leader", "deputy", "video"]
COLUMNS = [
    *("number", "source", "description", "address", "lon", "lat", "input_crs", "state"),
    *("state_before_suspension", "reporter_name", "reporter_phone", "reported_at", "filed_at"),
    *("dispatched_at", "accepted_at", "handled_at", "verified_at", "closed_at", "stage_due_at"),
    *("stage_warning_at", "handling_limit_unit", "handled_late", "result", "reason", "disposition"),
    *("penalty_case_ref", "rework_count", "return_count", "verify_flags", "evaluation_comment"),
    *("is_supervised", "updated_at", "bureau_id", "category_id", "community_id", "grid_id"),
    *("handling_unit_id", "squad_id", "subdistrict_id", "is_spam", "spam_reason", "priority"),
    *("check_finding", "handling_due_at", "reporter_id", "verifier_id", "filed_by_id"),
    *("first_dispatcher_id", "redispatch_count", "extension_count", "filed_late", "dispatched_late"),
    *("verified_late",),
]
DISPOSITIONS = ["service"] * 7 + ["management"] * 2 + ["enforcement"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5_000_000, help="cases to load (default 5,000,000)")
    parser.add_argument("--export-rows", type=int, default=1_000_000, help="rows to export (about)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to make the throwaway database on",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it next run)")
    return parser.parse_args()


def _admin(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def make_database(server_url: str, keep: bool) -> tuple[str, bool]:
    """The database to work in and whether it already holds a loaded city (with --keep)."""
    import psycopg

    name = "bench_city" if keep else f"bench_city_{os.getpid()}"
    url = urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    with psycopg.connect(_admin(server_url), autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            return url, True
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return url, False


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_admin(url), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}" WITH (FORCE)')


def setup_django(url: str, data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chengguan.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["CHENGGUAN_DATA_DIR"] = str(data_dir)
    os.environ["CHENGGUAN_SCHEDULER"] = "off"
    os.environ["CHENGGUAN_REQUEST_LOG"] = "0"
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]


# --- the load ------------------------------------------------------------------------------------


def _places() -> tuple[list[tuple], list[tuple], dict]:
    """(grid rows, category rows, staff) the cases are spread over: the staff of each bureau by
    role, and each grid's inspectors (who report and verify its patrol cases)."""
    from chengguan.grids.models import Grid
    from chengguan.org.models import StaffProfile
    from chengguan.taxonomy.models import Category

    grids = list(
        Grid.objects.filter(squad__isnull=False).values_list(
            "id",
            "community_id",
            "subdistrict_id",
            "squad_id",
            "subdistrict__bureau_id",
            "centroid_lon",
            "centroid_lat",
            "code",
        )
    )
    categories = list(Category.objects.filter(is_active=True).values_list("id", "time_limit_unit"))
    staff: dict = {}
    rows = StaffProfile.objects.filter(user__is_active=True).values_list(
        "user_id", "organisation__bureau_id", "organisation_id", "roles__code"
    )
    for user, bureau, own, role in rows.order_by("user_id"):
        staff.setdefault((bureau or own, role), []).append(user)
    for grid, user in Grid.inspectors.through.objects.values_list("grid_id", "user_id").order_by("id"):
        staff.setdefault(("grid", grid), []).append(user)
    return grids, categories, staff


def _one(staff: dict, key: tuple, i: int) -> str:
    pool = staff.get(key)
    return str(pool[i % len(pool)]) if pool else "\\N"


class _Clock:
    """Timestamps as seconds after `start`, written as COPY text without building datetimes: the
    load's time goes into PostgreSQL, not into formatting."""

    def __init__(self, start: dt.datetime, days: int):
        self.days = [(start + dt.timedelta(days=d)).strftime("%Y-%m-%d ") for d in range(days + 2)]

    def text(self, seconds: int | None) -> str:
        if seconds is None:
            return "\\N"
        day, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        return f"{self.days[day]}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}+00"


# After a report: filed in 20 minutes, dispatched 30 later, accepted in an hour, handled in 20
# hours, closed 4 hours after that; open cases are due 3 days after the report.
_FILED, _DISPATCHED, _ACCEPTED, _HANDLED, _CLOSED = 1200, 3000, 6600, 78600, 93000
_NOT_FILED = frozenset({"reported", "cancelled"})
_NOT_ACCEPTED = frozenset({"filed", "dispatched", "returned"})
_HANDLED_STATES = frozenset({"handled", "verified", "closed"})


def case_lines(n: int, seed: int, places: tuple, start: dt.datetime):
    """COPY text lines for n cases reported evenly over the 365 days from `start`: patrol cases
    reported and verified by an inspector of their grid, filed by an operator, dispatched by a
    dispatcher; a few of them filed, dispatched or verified late, redispatched, extended, reworked."""
    grids, categories, staff = places
    rng = random.Random(seed)
    clock = _Clock(start, 366)
    text = clock.text
    year_seconds = 365 * 86400
    states = [state for state, share in STATES for _ in range(int(share * 1000))]
    for i in range(n):
        grid_id, community, subdistrict, squad, bureau, lon, lat, code = grids[rng.randrange(len(grids))]
        category_id, unit = categories[rng.randrange(len(categories))]
        state = states[rng.randrange(len(states))]
        reported = i * year_seconds // n
        filed = state not in _NOT_FILED
        dispatched = filed and state != "filed"
        accepted = dispatched and state not in _NOT_ACCEPTED
        handled = accepted and state in _HANDLED_STATES
        closed = state == "closed"
        verified = closed  # verified_at is the closing time below
        source = SOURCES[i % len(SOURCES)]
        due = None if closed else reported + 3 * 86400
        closed_at = text(reported + _CLOSED) if closed else "\\N"
        row = (
            f"C{bureau % 100:02d}{i:010d}",
            source,
            f"第{i}号问题：{code}网格内发现的情况",
            f"{code}网格",
            f"{lon + (rng.random() - 0.5) * 0.0008:.6f}",
            f"{lat + (rng.random() - 0.5) * 0.0008:.6f}",
            "wgs84",
            state,
            "",
            "",
            "",
            text(reported),
            text(reported + _FILED) if filed else "\\N",
            text(reported + _DISPATCHED) if dispatched else "\\N",
            text(reported + _ACCEPTED) if accepted else "\\N",
            text(reported + _HANDLED) if handled else "\\N",
            closed_at,
            closed_at,
            text(due),
            text(due - 8 * 3600) if due else "\\N",
            unit or "",
            "t" if handled and i % 11 == 4 else "f",
            "已处置" if handled else "",
            "",
            DISPOSITIONS[i % len(DISPOSITIONS)] if closed else "",
            "",
            "1" if handled and i % 30 == 2 else "0",
            "1" if dispatched and i % 60 == 9 else "0",
            "[]",
            "",
            "t" if i % 40 == 0 else "f",
            closed_at if closed else text(reported),
            str(bureau),
            str(category_id),
            str(community),
            str(grid_id),
            str(squad) if dispatched else "\\N",
            str(squad),
            str(subdistrict),
            "f",
            "",
            "urgent" if i % 20 == 0 else "normal",
            "",
            text(due) if dispatched else "\\N",
            _one(staff, ("grid", grid_id), i) if source == "patrol" else "\\N",
            _one(staff, ("grid", grid_id), i + 1) if verified else "\\N",
            _one(staff, (bureau, "operator"), i) if filed else "\\N",
            _one(staff, (bureau, "dispatcher"), i) if dispatched else "\\N",
            "1" if dispatched and i % 50 == 7 else "0",
            "1" if dispatched and i % 25 == 3 else "0",
            "t" if filed and i % 17 == 5 else "f",
            "t" if dispatched and i % 19 == 6 else "f",
            "t" if verified and i % 23 == 8 else "f",
        )
        yield "\t".join(row) + "\n"


def load_cases(n: int, seed: int) -> dict:
    from django.db import connection

    places = _places()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
            "AND indexname NOT LIKE '%%_pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Deferred foreign-key checks would queue one trigger event per row and key (40 million for
        # 5 million cases) and fire them at commit; re-adding each key checks all rows in one join.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'cases_case'::regclass AND contype = 'f'"
        )
        keys = cursor.fetchall()
        for name, _ in keys:
            cursor.execute(f'ALTER TABLE cases_case DROP CONSTRAINT "{name}"')
    start = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    started = time.perf_counter()
    raw = connection.connection  # the psycopg connection under Django's
    with raw.cursor() as cursor, cursor.copy(f"COPY cases_case ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for k, line in enumerate(case_lines(n, seed, places, start), 1):
            buffer.write(line)
            if k % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
                _progress("loading", k, n, started)
        copy.write(buffer.getvalue())
    raw.commit()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in keys:
            cursor.execute(f'ALTER TABLE cases_case ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("ANALYZE cases_case")
        cursor.execute("SELECT pg_database_size(current_database()), pg_total_relation_size('cases_case')")
        database_bytes, table_bytes = cursor.fetchone()
    print()
    return {
        "load_s": loaded,
        "index_s": time.perf_counter() - started,
        "indexes": len(indexes),
        "keys": len(keys),
        "database_gb": database_bytes / 2**30,
        "table_gb": table_bytes / 2**30,
        "start": start,
    }


def _progress(what: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    bar = "#" * int(30 * done / total)
    print(f"\r{what} [{bar:<30}] {done:,}/{total:,} ({rate:,.0f}/s)", end="", flush=True)


# --- the measurements ----------------------------------------------------------------------------


def _median_ms(function, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _raw(queries: list[dict]):
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for query in queries:
                cursor.execute(query["sql"])
                if cursor.description:
                    cursor.fetchall()

    return run


def measure_page(client, path: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm: caches, plans, the first connection
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = [q for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    server = _median_ms(lambda: client.get(path))
    raw = _median_ms(_raw(queries))
    return {"server_ms": server, "raw_ms": raw, "queries": len(queries)}


def measure_kpis(year: tuple[dt.datetime, dt.datetime]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chengguan.stats import figures

    figures.all_figures(*year)
    with CaptureQueriesContext(connection) as captured:
        figures.all_figures(*year)
    server = _median_ms(lambda: figures.all_figures(*year), runs=3)
    raw = _median_ms(_raw(captured.captured_queries), runs=3)
    return {"server_ms": server, "raw_ms": raw, "queries": len(captured.captured_queries)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_export(client, path: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    peak = [_rss_mb()]
    before = peak[0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    server = (time.perf_counter() - started) * 1000
    done.set()
    sampler.join()
    data_query = max(captured.captured_queries, key=lambda q: len(q["sql"]))["sql"]
    # The export reads through a server-side cursor: COPY takes the query inside the DECLARE.
    data_query = re.sub(r"^DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", data_query, flags=re.S)
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({data_query}) TO STDOUT") as copy:
        for _ in copy:
            pass
    raw_ms = (time.perf_counter() - started) * 1000
    return {"server_ms": server, "raw_ms": raw_ms, "rows": lines - 1, "growth_mb": peak[0] - before}


def main() -> int:
    args = parse_args()
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="chengguan-city-"))
    url, loaded = make_database(args.database_url, args.keep)
    setup_django(url, work / "data")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from chengguan.core import clock

    try:
        load = None
        if not loaded:
            print(f"== the city demo without cases, in {urlparse(url).path[1:]}")
            call_command("migrate", verbosity=0, interactive=False)
            call_command("demo", size="city", cases=0, merchants=0, verbosity=0)
            print(f"== {args.cases:,} cases by COPY")
            load = load_cases(args.cases, args.seed)
            start = load["start"]
        else:
            start = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
        users = get_user_model().objects
        # The first bureau's dispatcher and leader: a fifth of the city's cases are theirs.
        dispatcher, city = Client(), Client()
        dispatcher.force_login(users.get(username="dispatcher"))
        city.force_login(users.get(username="leader"))
        end = start + dt.timedelta(days=365)
        month = start + dt.timedelta(days=200)
        month_end = month + dt.timedelta(days=30)
        pages = {
            "inbox (dispatcher)": (dispatcher, "/api/v1/cases/inbox/"),
            "case list, filtered": (
                city,
                f"/api/v1/cases/?state=in_handling&source=hotline&reported_from={month.date()}"
                f"&reported_to={month_end.date()}",
            ),
            "case list, first page": (city, "/api/v1/cases/"),
            "map data, a month": (
                city,
                f"/api/v1/cases/map/?reported_from={month.date()}&reported_to={month_end.date()}",
            ),
        }
        results = {name: measure_page(client, path) for name, (client, path) in pages.items()}
        year = clock.period_bounds(start.date(), (end - dt.timedelta(days=1)).date())
        kpis = measure_kpis(year)
        share = min(1.0, args.export_rows * BUREAUS / max(args.cases, 1))
        export_end = start + dt.timedelta(days=int(365 * share))
        export = measure_export(
            city, f"/api/v1/cases/export.csv?reported_from={start.date()}&reported_to={export_end.date()}"
        )
    finally:
        if not args.keep:
            drop_database(url)

    failures = []
    if load:
        print(
            f"load: {args.cases:,} cases by COPY in {load['load_s']:.0f} s "
            f"({args.cases / load['load_s']:,.0f}/s), {load['indexes']} indexes and "
            f"{load['keys']} foreign keys rebuilt in "
            f"{load['index_s']:.0f} s; disk {load['database_gb']:.2f} GB "
            f"(cases table {load['table_gb']:.2f} GB)"
        )
    for name, r in results.items():
        print(
            f"{name}: server / raw SQL {r['server_ms'] / r['raw_ms']:.2f} — server {r['server_ms']:.0f} ms, "
            f"raw {r['raw_ms']:.0f} ms ({r['queries']} queries)"
        )
        if r["server_ms"] > PAGE_GOAL_MS:
            failures.append(f"{name} {r['server_ms']:.0f} ms > {PAGE_GOAL_MS:.0f} ms")
    print(
        f"KPI figures of the year: server / raw SQL {kpis['server_ms'] / kpis['raw_ms']:.2f} — "
        f"server {kpis['server_ms']:.0f} ms, raw {kpis['raw_ms']:.0f} ms ({kpis['queries']} queries)"
    )
    if kpis["server_ms"] > KPI_GOAL_MS:
        failures.append(f"KPIs {kpis['server_ms']:.0f} ms > {KPI_GOAL_MS:.0f} ms")
    print(
        f"CSV export: server / raw COPY {export['server_ms'] / export['raw_ms']:.2f} — "
        f"{export['rows']:,} rows in {export['server_ms'] / 1000:.1f} s, raw COPY "
        f"{export['raw_ms'] / 1000:.1f} s; memory grew {export['growth_mb']:.0f} MB"
    )
    if export["growth_mb"] > EXPORT_GROWTH_GOAL_MB:
        failures.append(f"export memory grew {export['growth_mb']:.0f} MB")
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
