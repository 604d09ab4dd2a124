"""Celery app: Redis in production, eager in-process execution when no broker is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
app = Celery("chengguan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
