"""Runs the scheduled jobs of `core.schedule`: once per slot, in one process, each run recorded.

Two drivers call `tick()`: Celery beat (production: a `chengguan.ops.tick` task every minute, see
`ops/tasks.py`) and, in the embedded default, a thread inside each `chengguan serve` worker
(`EmbeddedScheduler`). Why a thread rather than Celery on a broker that needs no server: Celery's
database and file-system transports are marked experimental, would still need a worker and a beat
process started beside the web server, and would add a dependency; the thread calls the very same job
functions, and the database lease below makes it safe with any number of workers and servers.

One process runs each job: `run_scheduled()` first takes the job's lease (`JobLease`, one
conditional UPDATE: free or expired) and only the holder looks at the slot, creates its
`ScheduledRun` row (unique per job and slot) and calls the job. A slot that ran is never run again; a
failed one is retried in the same row after `RETRY_DELAY`, at most `MAX_ATTEMPTS` times; a run whose
process died keeps the lease until `job.timeout` and is then retried.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection
from django.db.models import Q

from chengguan.core import clock, schedule
from chengguan.core.schedule import ScheduledJob
from chengguan.ops.models import JobLease, RunStatus, RunTrigger, ScheduledRun

log = logging.getLogger("chengguan.jobs")
RETRY_DELAY = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 3

# Called with (job, run) after a run failed for the first time in its slot (admins are told).
failure_listeners: list[Callable[[ScheduledJob, ScheduledRun], None]] = []


@dataclass(frozen=True)
class Outcome:
    job: str
    ran: bool
    reason: str  # "done", "failed", "not_due", "busy", "gave_up"
    run: ScheduledRun | None = None


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(name: str, ttl: dt.timedelta, now: dt.datetime | None = None) -> str | None:
    """Take the lease of job `name` for `ttl`; returns the holder token, or None if someone has it."""
    now = now or clock.now()
    with contextlib.suppress(IntegrityError):  # another process created it at the same moment
        JobLease.objects.get_or_create(job=name)
    token = _holder()
    free = Q(expires_at__isnull=True) | Q(expires_at__lt=now)
    taken = JobLease.objects.filter(free, job=name).update(holder=token, expires_at=now + ttl)
    return token if taken else None


def release(name: str, token: str) -> None:
    JobLease.objects.filter(job=name, holder=token).update(holder="", expires_at=None)


def _retry_due(run: ScheduledRun, now: dt.datetime) -> bool:
    last = run.finished_at or run.started_at
    return run.attempts < MAX_ATTEMPTS and last + RETRY_DELAY <= now


def is_due(job: ScheduledJob, now: dt.datetime | None = None) -> bool:
    """Whether the job's current slot still needs a run (no lock: `run_scheduled` checks again)."""
    now = now or clock.now()
    run = ScheduledRun.objects.filter(job=job.name, slot=job.slot(now)).first()
    if run is None:
        return True
    if run.status == RunStatus.FAILED:
        return _retry_due(run, now)
    if run.status == RunStatus.RUNNING:  # maybe its process died: the lease tells
        return not JobLease.objects.filter(job=job.name, expires_at__gte=now).exists()
    return False


def run_scheduled(name: str, *, now: dt.datetime | None = None) -> Outcome:
    """Run the current slot of job `name` if it is due and no other process is running the job."""
    job = schedule.get(name)
    now = now or clock.now()
    if not is_due(job, now):
        return Outcome(name, False, "not_due")
    token = acquire(name, job.timeout, now)
    if token is None:
        return Outcome(name, False, "busy")
    try:
        slot = job.slot(now)
        run = ScheduledRun.objects.filter(job=name, slot=slot).first()
        if run is None:
            run = ScheduledRun.objects.create(
                job=name,
                slot=slot,
                trigger=RunTrigger.SCHEDULE,
                status=RunStatus.RUNNING,
                started_at=now,
                host=token,
            )
        elif run.status == RunStatus.DONE:
            return Outcome(name, False, "not_due", run)
        else:
            # Failed, or "running" under a lease that expired: its process is gone.
            if run.status == RunStatus.RUNNING:
                run.error = run.error or "interrupted: the process running it stopped"
                run.finished_at = run.finished_at or now - RETRY_DELAY
            if not _retry_due(run, now):
                return Outcome(name, False, "gave_up" if run.attempts >= MAX_ATTEMPTS else "not_due", run)
            run.attempts += 1
            run.status, run.started_at, run.finished_at, run.host = RunStatus.RUNNING, now, None, token
            run.save(update_fields=["attempts", "status", "started_at", "finished_at", "host", "error"])
        return _execute(job, run, now)
    finally:
        release(name, token)


def run_now(name: str, *, now: dt.datetime | None = None) -> Outcome:
    """Run job `name` at once, outside its schedule (`chengguan jobs run`); still one process at a time."""
    job = schedule.get(name)
    now = now or clock.now()
    token = acquire(name, job.timeout, now)
    if token is None:
        return Outcome(name, False, "busy")
    try:
        run = ScheduledRun.objects.create(
            job=name,
            slot=None,
            trigger=RunTrigger.MANUAL,
            status=RunStatus.RUNNING,
            started_at=now,
            host=token,
        )
        return _execute(job, run, now)
    finally:
        release(name, token)


def _execute(job: ScheduledJob, run: ScheduledRun, now: dt.datetime) -> Outcome:
    try:
        result = job.func(now) or {}
    except Exception as exc:  # a job's failure is recorded and reported; the scheduler carries on
        log.error("scheduled job %s failed\n%s", job.name, traceback.format_exc())
        run.status, run.finished_at = RunStatus.FAILED, clock.now()
        run.error = f"{type(exc).__name__}: {exc}"[:4000]
        run.save(update_fields=["status", "finished_at", "error"])
        if run.attempts == 1:
            for listener in failure_listeners:
                listener(job, run)
        return Outcome(job.name, True, "failed", run)
    run.status, run.finished_at, run.result, run.error = RunStatus.DONE, clock.now(), result, ""
    run.save(update_fields=["status", "finished_at", "result", "error"])
    log.info("scheduled job done", extra={"job": job.name, "result": result, "slot": str(run.slot or "")})
    return Outcome(job.name, True, "done", run)


def tick(*, now: dt.datetime | None = None, dispatch: Callable[[str], object] | None = None) -> list[str]:
    """Hand every job whose slot is due to `dispatch` (default: run it here); returns their names."""
    now = now or clock.now()
    due = [job.name for job in schedule.registered() if is_due(job, now)]
    for name in due:
        if dispatch is None:
            run_scheduled(name, now=now)
        else:
            dispatch(name)
    return due


def last_runs() -> dict[str, ScheduledRun]:
    """The newest run of each job (for `chengguan jobs list`, the admin and the metrics)."""
    newest: dict[str, ScheduledRun] = {}
    for job in schedule.registered():
        run = ScheduledRun.objects.filter(job=job.name).order_by("-started_at", "-id").first()
        if run is not None:
            newest[job.name] = run
    return newest


class EmbeddedScheduler(threading.Thread):
    """The scheduler inside a `chengguan serve` worker: ticks every 15–30 s (CHENGGUAN_SCHEDULER_TICK_SECONDS
    is the upper bound), one thread per due job."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="chengguan-scheduler", daemon=True)
        self.interval = interval or settings.CHENGGUAN_SCHEDULER_TICK_SECONDS
        self.stopping = threading.Event()
        self._running: dict[str, threading.Thread] = {}

    def run(self) -> None:
        # Workers started together would tick together: spread them over the interval.
        while not self.stopping.wait(self.interval * random.uniform(0.5, 1.0)):
            try:
                tick(dispatch=self._spawn)
            except Exception:  # a database hiccup must not end the scheduler
                log.exception("scheduler tick failed")
            finally:
                close_old_connections()

    def _spawn(self, name: str) -> None:
        current = self._running.get(name)
        if current is not None and current.is_alive():
            return
        thread = threading.Thread(target=_run_in_thread, args=(name,), name=f"job-{name}", daemon=True)
        self._running[name] = thread
        thread.start()


def _run_in_thread(name: str) -> None:
    try:
        run_scheduled(name)
    except Exception:
        log.exception("scheduled job %s could not run", name)
    finally:
        connection.close()


def start_embedded() -> EmbeddedScheduler | None:
    """Start the in-process scheduler unless Celery beat (or nobody) runs the jobs."""
    if settings.CHENGGUAN_SCHEDULER != "embedded":
        return None
    scheduler = EmbeddedScheduler()
    scheduler.start()
    return scheduler
