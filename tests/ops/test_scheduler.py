"""The scheduler runs each job once per slot, in one process, records every run, retries a failure
a few times, catches up once after downtime and tells the administrators when a job fails."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.notifications.models import Notification
from chengguan.ops import scheduler
from chengguan.ops.models import JobLease, RunStatus, ScheduledRun
from chengguan.ops.tasks import tick_task
from chengguan.org.roles import RoleCode
from tests import factories

MONDAY_9 = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour, minute, tzinfo=SHANGHAI)


def test_slots_every_interval_and_daily(only_jobs):
    only_jobs.job("t.every", label="x", every=dt.timedelta(minutes=5))(lambda now: {})
    only_jobs.job("t.daily", label="x", daily_at="02:00")(lambda now: {})
    every, daily = only_jobs.get("t.every"), only_jobs.get("t.daily")
    assert every.slot(at(14, 9, 7)) == at(14, 9, 5)
    assert every.slot(at(14, 9, 5)) == at(14, 9, 5)
    assert daily.slot(at(14, 1, 59)) == at(13, 2, 0)
    assert daily.slot(at(14, 2, 0)) == at(14, 2, 0)
    with pytest.raises(ValueError):
        only_jobs.job("t.bad", label="x", every=dt.timedelta(minutes=7))


def test_a_slot_runs_once_and_its_run_is_recorded(db, only_jobs):
    calls = []
    only_jobs.job("t.count", label="x", every=dt.timedelta(minutes=5))(
        lambda now: calls.append(now) or {"n": 1}
    )
    with pinned(at(14, 9, 1)):
        first = scheduler.run_scheduled("t.count")
        again = scheduler.run_scheduled("t.count")
    assert (first.reason, again.reason) == ("done", "not_due")
    run = ScheduledRun.objects.get()
    assert run.status == RunStatus.DONE and run.slot == at(14, 9, 0) and run.result == {"n": 1}
    assert run.started_at == at(14, 9, 1) and run.finished_at is not None and run.attempts == 1
    with pinned(at(14, 9, 6)):
        assert scheduler.run_scheduled("t.count").reason == "done"
    assert len(calls) == 2 and ScheduledRun.objects.count() == 2


def test_a_missed_run_catches_up_once_not_once_per_missed_slot(db, only_jobs):
    calls = []
    only_jobs.job("t.nightly", label="x", daily_at="02:00")(lambda now: calls.append(now) or {})
    with pinned(at(14, 2, 0)):
        assert scheduler.tick() == ["t.nightly"]
    # The server is down from Monday night to Friday morning: four slots pass.
    with pinned(at(18, 10, 30)):
        assert scheduler.tick() == ["t.nightly"]
        assert scheduler.tick() == []
    with pinned(at(18, 23, 0)):
        assert scheduler.tick() == []
    assert [r.slot for r in ScheduledRun.objects.order_by("started_at")] == [at(14, 2), at(18, 2)]
    assert len(calls) == 2


def test_a_failure_is_recorded_retried_and_reported_to_the_administrators(db, only_jobs):
    bureau = factories.bureau()
    admin = factories.staff(bureau, RoleCode.ADMIN, username="admin").user
    handler = factories.staff(bureau, RoleCode.HANDLER, username="handler").user
    attempts = []

    def flaky(now):
        attempts.append(now)
        if len(attempts) < 3:
            raise ConnectionError("gateway down")
        return {"ok": True}

    only_jobs.job("t.flaky", label="短信重发", every=dt.timedelta(hours=1))(flaky)
    with pinned(at(14, 9, 0)):
        assert scheduler.run_scheduled("t.flaky").reason == "failed"
    run = ScheduledRun.objects.get()
    assert run.status == RunStatus.FAILED and "ConnectionError: gateway down" in run.error
    with pinned(at(14, 9, 2)):  # too early to retry
        assert scheduler.run_scheduled("t.flaky").reason == "not_due"
    with pinned(at(14, 9, 6)):
        assert scheduler.run_scheduled("t.flaky").reason == "failed"
    with pinned(at(14, 9, 12)):
        assert scheduler.run_scheduled("t.flaky").reason == "done"
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (RunStatus.DONE, 3, "")
    assert ScheduledRun.objects.count() == 1
    told = Notification.objects.filter(message="job.failed")
    assert [n.recipient for n in told] == [admin] and handler.notifications.count() == 0
    assert "短信重发" in told.get().text and "gateway down" in told.get().text


def test_a_job_that_keeps_failing_gives_up_after_the_last_attempt(db, only_jobs):
    only_jobs.job("t.broken", label="x", every=dt.timedelta(hours=1))(lambda now: 1 / 0)
    for minute in (0, 6, 12, 18, 24):
        with pinned(at(14, 9, minute)):
            scheduler.run_scheduled("t.broken")
    run = ScheduledRun.objects.get()
    assert run.attempts == scheduler.MAX_ATTEMPTS and run.status == RunStatus.FAILED
    with pinned(at(14, 10, 0)):  # the next slot starts afresh
        assert scheduler.run_scheduled("t.broken").reason == "failed"
    assert ScheduledRun.objects.count() == 2


def test_a_held_lease_keeps_others_out_until_it_expires(db, only_jobs):
    only_jobs.job("t.long", label="x", every=dt.timedelta(hours=1), timeout=dt.timedelta(minutes=20))(
        lambda now: {}
    )
    with pinned(at(14, 9, 0)):
        other = scheduler.acquire("t.long", dt.timedelta(minutes=20))
        assert other is not None
        assert scheduler.run_scheduled("t.long").reason == "busy"
    assert not ScheduledRun.objects.exists()
    with pinned(at(14, 9, 21)):  # the other process died: its lease ran out
        assert scheduler.run_scheduled("t.long").reason == "done"
    assert JobLease.objects.get(job="t.long").holder == ""


def test_a_run_whose_process_died_is_retried_in_its_slot(db, only_jobs):
    only_jobs.job("t.crash", label="x", every=dt.timedelta(hours=1), timeout=dt.timedelta(minutes=10))(
        lambda now: {"ok": 1}
    )
    with pinned(at(14, 9, 0)):
        ScheduledRun.objects.create(
            job="t.crash", slot=at(14, 9), trigger="schedule", status=RunStatus.RUNNING, started_at=at(14, 9)
        )
        JobLease.objects.create(job="t.crash", holder="dead:1", expires_at=at(14, 9, 10))
        assert scheduler.run_scheduled("t.crash").reason == "not_due"  # it is still running
    with pinned(at(14, 9, 11)):
        assert scheduler.run_scheduled("t.crash").reason == "done"
    run = ScheduledRun.objects.get()
    assert (run.status, run.attempts) == (RunStatus.DONE, 2)


@pytest.mark.django_db(transaction=True)
def test_workers_that_tick_together_run_the_job_once(only_jobs):
    """Four threads (four gunicorn workers, or servers) on their own connections, at the same time."""
    calls = []

    def slow(now):
        calls.append(now)
        time.sleep(0.3)
        return {}

    only_jobs.job("t.shared", label="x", every=dt.timedelta(minutes=5))(slow)
    barrier = threading.Barrier(4)
    outcomes = []

    def worker():
        barrier.wait()
        try:
            outcomes.append(scheduler.run_scheduled("t.shared").reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and ScheduledRun.objects.count() == 1
    assert sorted(outcomes).count("done") == 1


def test_celery_beat_tick_hands_each_due_job_to_a_task(db, only_jobs, settings):
    """What beat sends every minute, run eagerly here: each due job runs once."""
    calls = []
    only_jobs.job("t.a", label="x", every=dt.timedelta(minutes=5))(lambda now: calls.append("a"))
    only_jobs.job("t.b", label="x", daily_at="02:00")(lambda now: calls.append("b"))
    assert settings.CELERY_TASK_ALWAYS_EAGER
    with pinned(MONDAY_9):
        tick_task.delay()
        tick_task.delay()
    assert sorted(calls) == ["a", "b"]


def test_the_embedded_scheduler_starts_only_when_it_is_the_one_in_use(settings):
    settings.CHENGGUAN_SCHEDULER = "celery"
    assert scheduler.start_embedded() is None
    settings.CHENGGUAN_SCHEDULER = "embedded"
    thread = scheduler.start_embedded()
    try:
        assert thread is not None and thread.is_alive() and thread.daemon
    finally:
        thread.stopping.set()
        thread.join(timeout=5)


def test_manual_runs_are_recorded_apart_from_the_schedule(db, only_jobs):
    only_jobs.job("t.manual", label="x", daily_at="02:00")(lambda now: {"done": True})
    with pinned(MONDAY_9):
        assert scheduler.run_now("t.manual").reason == "done"
        assert scheduler.is_due(only_jobs.get("t.manual"))  # the night's slot still runs
    run = ScheduledRun.objects.get()
    assert run.trigger == "manual" and run.slot is None
