"""The bulk case writer against the single-case services, on the same plan in the same run.

Run: `.venv/bin/python benchmarks/demo_year.py [--cases N]` (or `make bench`). In a throwaway SQLite
data directory it builds the `small` demo, then plays N cases from report to close (report, file,
dispatch, accept, handle with a photo, verify with a photo, close: 7 steps each, over working days)

1. through `case_report` and `case_transition`, one call and one transaction per step, as the
   workbench and the API do; the database is then put back as it was;
2. through `cases.batch.apply_steps`, one transaction per simulated day;

and prints the time per case of each, their ratio, and whether both left the same case states. The
demo year (`chengguan demo`) plays its 50,000 cases the second way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


class _Undo(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=500, help="cases per path (default 500)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chengguan-bench-") as data_dir:
        os.environ["DJANGO_SETTINGS_MODULE"] = "chengguan.settings"
        os.environ["CHENGGUAN_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite
        sys.path.insert(0, str(SRC))
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.MEDIA_ROOT = str(Path(data_dir) / "media")
        call_command("migrate", verbosity=0, interactive=False)
        return _run(args.cases)


def _plan(n: int) -> list:
    """N cases in the demo inspector's grids, one started every 20 minutes of office time."""
    from django.contrib.auth import get_user_model

    from chengguan.cases.batch import Step
    from chengguan.core import deadlines
    from chengguan.core.clock import SHANGHAI
    from chengguan.demo.cases_year import _photo
    from chengguan.taxonomy.models import Category

    users = {
        u.username: u
        for u in get_user_model()
        .objects.select_related("profile__organisation__bureau")
        .filter(username__in=["inspector", "operator", "dispatcher", "handler"])
    }
    grids = list(users["inspector"].grids.order_by("code"))
    category = Category.objects.get(code="200504")
    squad = users["handler"].profile.organisation
    after, verify = _photo("after", (60, 120, 90)), _photo("verify", (70, 90, 150))
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    steps = []
    for k in range(n):
        t = deadlines.add_working_hours(start, k / 3)
        grid = grids[k % len(grids)]
        label = f"c{k}"

        def at(minutes: int, t=t) -> dt.datetime:
            return deadlines.add_working_hours(t, minutes / 60)

        lon, lat = grid.centroid_lon, grid.centroid_lat
        report = {"source": "patrol", "category": category, "lon": lon, "lat": lat, "description": "店外经营"}
        steps += [
            Step(at(0), users["inspector"], "report", report, label=label),
            Step(at(10), users["operator"], "file", case=label),
            Step(at(20), users["dispatcher"], "dispatch", {"unit": squad}, case=label),
            Step(at(30), users["handler"], "accept", case=label),
            Step(at(90), users["handler"], "handle", {"result": "已劝导", "photos": [after]}, case=label),
            Step(
                at(150),
                users["inspector"],
                "verify",
                {"photo": verify, "photo_lon": lon, "photo_lat": lat, "photo_taken_at": at(149)},
                case=label,
            ),
            Step(at(160), users["operator"], "close", {"disposition": "service"}, case=label),
        ]
    return steps


def _one_by_one(steps: list) -> dict:
    from chengguan.cases.services import case_report, case_transition
    from chengguan.core import clock

    cases = {}
    for step in sorted(steps, key=lambda s: s.at):
        with clock.pinned(step.at):
            if step.action == "report":
                cases[step.label] = case_report(actor=step.actor, **step.payload).case
            else:
                cases[step.case] = case_transition(
                    actor=step.actor, case=cases[step.case], action=step.action, **step.payload
                )
    return cases


def _states(cases: dict) -> dict:
    from chengguan.cases.models import Case

    numbers = dict(Case.objects.filter(pk__in=[c.pk for c in cases.values()]).values_list("pk", "state"))
    return {label: numbers[case.pk] for label, case in cases.items()}


def _run(n: int) -> int:
    from django.db import transaction

    from chengguan.cases.batch import apply_steps
    from chengguan.core.audit import verify_chain
    from chengguan.demo.generator import build_demo

    build_demo(seed=1, size="small", cases=0)
    steps = _plan(n)

    started = time.perf_counter()
    try:
        with transaction.atomic():
            single_states = _states(_one_by_one(steps))
            raise _Undo
    except _Undo:
        pass
    single = time.perf_counter() - started

    started = time.perf_counter()
    result = apply_steps(steps, announce=False)
    batch = time.perf_counter() - started
    same = _states(result.cases) == single_states and not result.refused

    print(f"{n} cases, {len(steps)} steps each way")
    print(f"  single-case services: {single / n * 1000:6.2f} ms per case")
    print(f"  bulk writer:          {batch / n * 1000:6.2f} ms per case")
    print(
        f"  speed-up: {single / batch:.1f}×; same final states: {same}; audit chain ok: {verify_chain().ok}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
