"""Background jobs: long work (imports, 20,000 letters) that must not hold a web request open.

`job_start()` writes a queued `Job` and, once the transaction commits, hands it to Celery when
`CELERY_BROKER_URL` is set, or else to a daemon thread in this process (the embedded install has no
worker to start). Handlers report progress and a resume cursor through `JobRun`; a job that stopped
half-way (a restart, a crash) can be resumed from its cursor with `job_resume()`.

Apps register a handler per kind with `@handler("merchants.import")` in a module their AppConfig
imports in `ready()`, so both the web process and a Celery worker know it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection, transaction

from chengguan.core import audit, clock
from chengguan.core.errors import Conflict, DomainError, JobError
from chengguan.core.models import Job, JobStatus

log = logging.getLogger(__name__)

Listener = Callable[[int, int], None]
_HANDLERS: dict[str, Callable[[JobRun], dict]] = {}
# Progress is written at most this often (seconds), so 20,000 small steps are not 20,000 UPDATEs.
PROGRESS_INTERVAL = 0.5


def handler(kind: str) -> Callable:
    """Register the function that runs jobs of `kind`. It takes a `JobRun` and returns the result."""

    def register(func: Callable[[JobRun], dict]) -> Callable[[JobRun], dict]:
        _HANDLERS[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


class JobRun:
    """What a handler sees of its job: params, cursor, progress reporting and the result file."""

    def __init__(self, job: Job, listener: Listener | None = None):
        self.job = job
        self.listener = listener
        self._last_write = 0.0

    @property
    def params(self) -> dict:
        return self.job.params

    @property
    def cursor(self) -> Any:
        return self.job.cursor

    def set_total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total)
        if self.listener:
            self.listener(self.job.done, total)

    def progress(self, done: int, *, cursor: Any = None, force: bool = False) -> None:
        """Record `done` items (and the point to resume from). Cheap to call for every item."""
        self.job.done = done
        if cursor is not None:
            self.job.cursor = cursor
        if self.listener:
            self.listener(done, self.job.total)
        now = time.monotonic()
        if (
            force
            or cursor is not None
            or now - self._last_write >= PROGRESS_INTERVAL
            or done >= self.job.total
        ):
            self._last_write = now
            Job.objects.filter(pk=self.job.pk).update(done=done, cursor=self.job.cursor)

    @contextmanager
    def uploaded_file(self) -> Iterator[str]:
        """The upload named by `params["file"]` (in storage, maybe remote) as a local path for readers
        that need one (openpyxl, csv); copied in chunks and removed afterwards."""
        name = self.params["file"]
        with (
            default_storage.open(name, "rb") as src,
            tempfile.NamedTemporaryFile(suffix=Path(name).suffix, dir=settings.DATA_DIR) as tmp,
        ):
            shutil.copyfileobj(src, tmp)
            tmp.flush()
            yield tmp.name

    def save_file(self, name: str, content: bytes | File) -> None:
        """Store the job's output (a PDF, a ZIP, a report) through Django's storage."""
        if isinstance(content, bytes):
            content = ContentFile(content)
        if self.job.result_file:
            self.job.result_file.delete(save=False)
        self.job.result_file.save(name, content, save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)


def job_start(*, actor, kind: str, params: dict, total: int = 0, run: bool = True) -> Job:
    """Queue a job; it starts after this transaction commits (never inside the request)."""
    if kind not in _HANDLERS:
        raise DomainError(f"未知的任务类型：{kind}", code=JobError.UNKNOWN_KIND)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params,
            total=total,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=clock.now(),
        )
        audit.record(actor=actor, action="job.start", obj=job, after={"kind": kind, "params": params})
        if run:
            transaction.on_commit(lambda: dispatch(job.pk))
    return job


def job_resume(*, actor, job: Job) -> Job:
    """Start a failed or interrupted job again; its handler continues from the saved cursor."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.DONE:
            raise Conflict("任务已完成，无需继续。", code=JobError.ALREADY_DONE)
        before = {"status": job.status, "done": job.done}
        job.status = JobStatus.QUEUED
        job.error = ""
        job.save(update_fields=["status", "error"])
        audit.record(actor=actor, action="job.resume", obj=job, before=before, after={"status": job.status})
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    """Send the job to Celery, or run it in a background thread of this process."""
    if settings.CELERY_BROKER_URL:
        from chengguan.core.tasks import run_job_task

        run_job_task.delay(job_id)
        return
    thread = threading.Thread(target=_thread_main, args=(job_id,), name=f"job-{job_id}", daemon=True)
    thread.start()


def _thread_main(job_id: int) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        connection.close()


def run_job(job_id: int, *, listener: Listener | None = None) -> Job:
    """Run a job here and now (threads, Celery workers and the CLI all end up here)."""
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    job.status = JobStatus.RUNNING
    job.started_at = job.started_at or clock.now()
    job.save(update_fields=["status", "started_at"])
    run = JobRun(job, listener)
    try:
        result = _HANDLERS[job.kind](run) or {}
    except Exception as exc:  # the job records every failure; the process carries on
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DomainError):
            log.error("job %s failed\n%s", job_id, traceback.format_exc())
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=message[:4000], finished_at=clock.now(), done=run.job.done
        )
        job.refresh_from_db()
        return job
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, result=result, finished_at=clock.now(), done=max(run.job.done, run.job.total)
    )
    job.refresh_from_db()
    return job
