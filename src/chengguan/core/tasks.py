"""Celery entry point for background jobs (used only when CELERY_BROKER_URL is set)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="chengguan.core.run_job")
def run_job_task(job_id: int) -> str:
    from chengguan.core.jobs import run_job

    return run_job(job_id).status
