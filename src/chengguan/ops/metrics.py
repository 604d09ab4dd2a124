"""What `/metrics` shows: django-prometheus' request metrics (summed over every gunicorn worker when
`PROMETHEUS_MULTIPROC_DIR` is set, as `chengguan serve` does) and, read from the database at each
scrape, the state of every scheduled job, so an alert can say "no backup for 26 hours"."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from chengguan.core import schedule
from chengguan.ops.models import RunStatus, ScheduledRun


class JobsCollector:
    """Per scheduled job: the last success, the last run's failure flag and how long it took."""

    def collect(self):
        success = GaugeMetricFamily(
            "chengguan_job_last_success_timestamp_seconds",
            "When each scheduled job last finished successfully (Unix time).",
            labels=["job"],
        )
        failed = GaugeMetricFamily(
            "chengguan_job_last_run_failed", "1 when the newest run of the job failed.", labels=["job"]
        )
        seconds = GaugeMetricFamily(
            "chengguan_job_last_duration_seconds", "How long the newest finished run took.", labels=["job"]
        )
        for job in schedule.registered():
            last_ok = (
                ScheduledRun.objects.filter(job=job.name, status=RunStatus.DONE)
                .order_by("-finished_at")
                .first()
            )
            newest = ScheduledRun.objects.filter(job=job.name).order_by("-started_at", "-id").first()
            if last_ok is not None:
                success.add_metric([job.name], last_ok.finished_at.timestamp())
            if newest is not None:
                failed.add_metric([job.name], 1.0 if newest.status == RunStatus.FAILED else 0.0)
                if newest.duration is not None:
                    seconds.add_metric([job.name], newest.duration)
        yield from (success, failed, seconds)


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    jobs = CollectorRegistry()
    jobs.register(JobsCollector())
    return generate_latest(requests) + generate_latest(jobs), CONTENT_TYPE_LATEST
