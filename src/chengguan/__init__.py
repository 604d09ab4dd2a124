"""Chengguan: the platform a district city-management law-enforcement bureau runs on."""

# The Celery app is configured from the Django settings when the package loads, so `task.delay()` in
# the web process uses CELERY_BROKER_URL (and eager execution without one), as the workers do.
from chengguan.celery import app as celery_app

__all__ = ("celery_app",)
