"""The registry of scheduled jobs: what runs on its own, how often, and the one function it calls.

Each app registers its jobs in a `scheduled.py` its AppConfig imports in `ready()`:

    @schedule.job("cases.deadlines", label=_("案件与督办时限提醒"), every=dt.timedelta(minutes=5))
    def deadlines(now): ...

The same function runs under Celery beat (production, `chengguan.ops.tasks`) and under the
scheduler inside `chengguan serve` (the embedded default); `chengguan.ops.scheduler` decides when a
run is due and makes sure one process runs it. A job takes the moment it runs for (`now`) and returns
a small JSON-able dict that is kept with the run. It must be idempotent: running it twice for the
same moment changes nothing the second time, so a retry or a catch-up never repeats its effects.

Slots: a job is due once per slot — the latest scheduled moment at or before now (every N minutes
counted from midnight, Asia/Shanghai, or daily at a time). A server that was down for three days
runs a daily job once for today's slot, not three times: the missed slots are never run one by one,
which is why each job works on everything that is due up to `now`, not on its slot alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from chengguan.core.clock import SHANGHAI

JobFunc = Callable[[dt.datetime], dict | None]
_JOBS: dict[str, ScheduledJob] = {}


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: JobFunc
    label: str
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    # Longer than this and the run is presumed dead: its lease expires and another process may start.
    timeout: dt.timedelta = dt.timedelta(minutes=30)

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The scheduled moment this run belongs to: the latest one at or before `now`."""
        local = now.astimezone(SHANGHAI)
        midnight = dt.datetime.combine(local.date(), dt.time(0), SHANGHAI)
        if self.every is not None:
            periods = (local - midnight) // self.every
            return midnight + periods * self.every
        at = dt.datetime.combine(local.date(), self.daily_at, SHANGHAI)
        return at if at <= local else at - dt.timedelta(days=1)

    @property
    def schedule_label(self) -> str:
        if self.every is not None:
            minutes = int(self.every.total_seconds() // 60)
            return f"every {minutes} min" if minutes < 60 else f"every {minutes // 60} h"
        return f"daily {self.daily_at:%H:%M}"


def job(
    name: str,
    *,
    label,
    every: dt.timedelta | None = None,
    daily_at: dt.time | str | None = None,
    timeout: dt.timedelta = dt.timedelta(minutes=30),
) -> Callable[[JobFunc], JobFunc]:
    """Register `func` as the scheduled job `name`, run `every` interval or `daily_at` HH:MM."""
    if (every is None) == (daily_at is None):
        raise ValueError(f"job {name}: give exactly one of every= or daily_at=")
    if every is not None and (every <= dt.timedelta(0) or dt.timedelta(days=1) % every):
        raise ValueError(f"job {name}: every= must divide a day")
    if isinstance(daily_at, str):
        daily_at = dt.time.fromisoformat(daily_at)

    def register(func: JobFunc) -> JobFunc:
        _JOBS[name] = ScheduledJob(name, func, label, every, daily_at, timeout)
        return func

    return register


def registered() -> list[ScheduledJob]:
    """Every registered job, by name."""
    return [_JOBS[name] for name in sorted(_JOBS)]


def get(name: str) -> ScheduledJob:
    try:
        return _JOBS[name]
    except KeyError:
        raise KeyError(f"no scheduled job named {name!r}; known: {', '.join(sorted(_JOBS))}") from None
