"""The checks of `make replica-check` (scripts/replica-check.sh starts the replica first): under a
real streaming replica, exports and figures read from the standby, case reads and writes from the
primary, and a case written on the primary reaches the replica's reports within seconds."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
import django

django.setup()

from django.db import connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from chengguan.cases import export  # noqa: E402
from chengguan.cases.models import Case  # noqa: E402
from chengguan.core import clock  # noqa: E402
from chengguan.core.replica import REPLICA  # noqa: E402
from chengguan.stats import figures  # noqa: E402


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def main() -> None:
    check(REPLICA in connections.settings, "DATABASE_REPLICA_URL gives the replica alias")
    check(in_recovery(REPLICA) and not in_recovery("default"), "the replica is a standby of the primary")

    primary_count = Case.objects.count()
    deadline = time.monotonic() + 30
    while True:
        exported = sum(1 for _ in export.export_rows(Case.objects.all()))
        if exported == primary_count or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check(exported == primary_count, f"the export read {exported} of the primary's {primary_count} cases")

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as standby,
    ):
        sum(1 for _ in export.export_rows(Case.objects.all()[:500]))
        year = clock.period_bounds(dt.date(clock.now().year, 1, 1), dt.date(clock.now().year, 12, 31))
        shown = figures.all_figures(*year)
    check(
        bool(standby.captured_queries) and not primary.captured_queries,
        f"export and {len(shown)} figures: {len(standby.captured_queries)} queries on the replica, "
        f"{len(primary.captured_queries)} on the primary",
    )

    case = Case.objects.order_by("pk").first()
    marker = f"replica-check {time.time():.0f}"
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as standby,
    ):
        Case.objects.filter(pk=case.pk).update(address=marker)
        Case.objects.get(pk=case.pk)
    check(
        len(primary.captured_queries) == 2 and not standby.captured_queries,
        "a case write and the case page's read go to the primary",
    )

    started = time.monotonic()
    while time.monotonic() - started < 30:
        rows = export.export_rows(Case.objects.filter(pk=case.pk))
        if any(marker in str(cell) for row in rows for cell in row):
            break
        time.sleep(0.05)
    lag = time.monotonic() - started
    check(lag < 30, f"the write reached the replica's export after {lag * 1000:.0f} ms")


if __name__ == "__main__":
    main()
