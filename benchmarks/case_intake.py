"""Case intake: the service layer (`case_report`) against bare ORM inserts of the same rows.

Run: `.venv/bin/python benchmarks/case_intake.py` (or `make bench`). It works in a throwaway SQLite
data directory: migrates, builds the `small` demo (without its year of cases), then

1. reports N cases through `case_report`, each call its own transaction as one API request would be
   (idempotency key, grid lookup, gapless number, due times, audit event);
2. inserts N rows with the same field values through `Case.objects.create(...)` in autocommit, so
   each insert is its own transaction too: the same commit discipline;
3. prints both rates (cases per second, wall and CPU) and the ratio service / bare.

The issue asks for the service-layer rate to be at least a third of the bare-insert rate; the exit
status is 1 when it is not. `--profile` prints where the service path spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
TARGET_RATIO = 1 / 3
COPIED = [
    *("source", "category_id", "description", "address", "lon", "lat", "input_crs"),
    *("grid_id", "community_id", "subdistrict_id", "squad_id", "bureau_id"),
    *("state", "reporter_id", "reported_at", "stage_due_at", "stage_warning_at"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000, help="cases per path (default 1,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile the service path and print the top")
    parser.add_argument("--data-dir", help="use this directory instead of a throwaway one (must be empty)")
    return parser.parse_args()


def setup_django(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chengguan.settings"
    os.environ["CHENGGUAN_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite, never a real database
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The demo accounts' password hashes are not what is measured here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0, interactive=False)


def build_inputs(n: int, seed: int) -> tuple[object, list[dict]]:
    """The small demo, its inspector and N reports spread over the inspector's grids."""
    import random

    from django.contrib.auth import get_user_model

    from chengguan.demo.generator import build_demo
    from chengguan.grids.models import Grid
    from chengguan.taxonomy.models import Category

    build_demo(seed=seed, size="small", cases=0)
    inspector = (
        get_user_model().objects.select_related("profile__organisation__bureau").get(username="inspector")
    )
    grids = list(Grid.objects.order_by("code"))
    categories = list(Category.objects.filter(code__in=["200504", "200501", "200507", "200102", "200201"]))
    rng = random.Random(seed)
    reports = []
    for k in range(n):
        grid = rng.choice(grids)
        reports.append(
            {
                "category": rng.choice(categories),
                "description": f"建设路{k % 300 + 1}号门前店外经营，占用人行道",
                "lon": grid.min_lon + (0.1 + 0.8 * rng.random()) * (grid.max_lon - grid.min_lon),
                "lat": grid.min_lat + (0.1 + 0.8 * rng.random()) * (grid.max_lat - grid.min_lat),
                "idempotency_key": f"bench-{seed}-{k}",
            }
        )
    return inspector, reports


def through_services(inspector, reports: list[dict]) -> tuple[float, float, list]:
    from chengguan.cases.services import case_report

    made = []
    wall, cpu = time.perf_counter(), time.process_time()
    for report in reports:
        made.append(case_report(actor=inspector, source="patrol", **report).case)
    return time.perf_counter() - wall, time.process_time() - cpu, made


def bare_inserts(made: list) -> tuple[float, float]:
    """The same rows (a new number and key each), one autocommit INSERT apiece."""
    from chengguan.cases.models import Case

    rows = [{name: getattr(case, name) for name in COPIED} for case in made]
    wall, cpu = time.perf_counter(), time.process_time()
    for k, row in enumerate(rows):
        Case.objects.create(number=f"B{k:012d}", idempotency_key=f"bare-{k}", **row)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    args = parse_args()
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="chengguan-intake-"))
    try:
        setup_django(data_dir)
        inspector, reports = build_inputs(args.cases, args.seed)
        from chengguan.core.models import AuditEvent

        audit_before = AuditEvent.objects.count()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        s_wall, s_cpu, made = through_services(inspector, reports)
        if profiler:
            profiler.disable()
        audit_written = AuditEvent.objects.count() - audit_before
        b_wall, b_cpu = bare_inserts(made)
        n = len(made)
        print(
            f"cases per path: {n} (SQLite, each its own transaction); audit events written: {audit_written}"
        )
        print(f"service layer (case_report): {n / s_wall:8.0f} cases/s wall, {n / s_cpu:8.0f} cases/s CPU")
        print(f"bare ORM insert:             {n / b_wall:8.0f} cases/s wall, {n / b_cpu:8.0f} cases/s CPU")
        ratio = (n / s_wall) / (n / b_wall)
        print(
            f"ratio service/bare (wall): {ratio:.2f} (CPU: {b_cpu / s_cpu:.2f}; target ≥ {TARGET_RATIO:.2f})"
        )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())
        return 0 if ratio >= TARGET_RATIO else 1
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
