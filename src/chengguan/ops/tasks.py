"""Celery's side of the scheduler (production): beat sends `chengguan.ops.tick` every minute
(`CELERY_BEAT_SCHEDULE` in settings); the tick hands each due job to a worker as its own task, so a
long backup never holds up the deadline notices. The lease in `ops.scheduler` keeps a second beat, or
a task delivered twice, from running a job twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="chengguan.ops.tick", ignore_result=True)
def tick_task() -> list[str]:
    from chengguan.ops import scheduler

    return scheduler.tick(dispatch=lambda name: run_scheduled_task.delay(name))


@shared_task(name="chengguan.ops.run_scheduled", ignore_result=True)
def run_scheduled_task(name: str) -> str:
    from chengguan.ops import scheduler

    return scheduler.run_scheduled(name).reason
