"""`chengguan jobs list|run NAME|tick`: the scheduled jobs, their last runs, and running one now."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from chengguan.core import clock, schedule
from chengguan.ops import scheduler


def _when(moment) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


class Command(BaseCommand):
    help = "定时任务：list 列出任务与最近一次运行；run NAME 立即运行；tick 运行所有到期任务一次。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("list", help="every job, its schedule and its last run")
        run = sub.add_parser("run", help="run one job now (outside its schedule)")
        run.add_argument("name")
        sub.add_parser("tick", help="run every job whose slot is due, once (e.g. from cron)")

    def handle(self, *args, verb: str, **options):
        if verb == "list":
            runs = scheduler.last_runs()
            for job in schedule.registered():
                run = runs.get(job.name)
                last = f"{run.status} {_when(run.started_at)}" if run else "never"
                self.stdout.write(f"{job.name:34} {job.schedule_label:14} {last}  {job.label}")
            return
        if verb == "tick":
            for name in scheduler.tick():
                self.stdout.write(name)
            return
        try:
            outcome = scheduler.run_now(options["name"])
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        if outcome.reason == "busy":
            raise CommandError(f"{outcome.job} is running in another process")
        run = outcome.run
        self.stdout.write(f"{outcome.job}: {run.status}")
        self.stdout.write(json.dumps(run.result or {"error": run.error}, ensure_ascii=False, default=str))
        if run.status != "done":
            raise CommandError(run.error)
