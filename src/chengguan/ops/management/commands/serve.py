"""`chengguan serve [--bind HOST:PORT]`: the production app server (gunicorn, static files by
WhiteNoise), what `make demo` and the systemd unit run.

The command replaces itself with gunicorn (`exec`), so signals from systemd reach gunicorn's master
directly. Workers and threads come from CHENGGUAN_WEB_WORKERS (default 2) and CHENGGUAN_WEB_THREADS
(default 4); Prometheus' per-process metric files go to $CHENGGUAN_DATA_DIR/run/prometheus unless
PROMETHEUS_MULTIPROC_DIR says otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the app server (gunicorn + WhiteNoise); with the embedded scheduler unless Celery runs the jobs."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("CHENGGUAN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, help="default CHENGGUAN_WEB_WORKERS or 2")
        parser.add_argument("--threads", type=int, help="default CHENGGUAN_WEB_THREADS or 4")

    def handle(self, *args, bind: str, workers: int | None, threads: int | None, **options):
        env = dict(os.environ)
        env["CHENGGUAN_BIND"] = bind
        if ":" in bind and not bind.startswith("unix:") and not bind.startswith("0.0.0.0"):
            # The QR codes on letters point where this server answers unless the public address is set.
            env.setdefault("CHENGGUAN_PUBLIC_URL", f"http://{bind}")
        if workers:
            env["CHENGGUAN_WEB_WORKERS"] = str(workers)
        if threads:
            env["CHENGGUAN_WEB_THREADS"] = str(threads)
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(Path(settings.DATA_DIR) / "run" / "prometheus"))
        env.setdefault("CHENGGUAN_DATA_DIR", str(settings.DATA_DIR))
        argv = [sys.executable, "-m", "gunicorn", "-c", "python:chengguan.ops.gunicorn_conf"]
        self.stdout.write(
            f"Serving on http://{bind}/ (gunicorn, {env.get('CHENGGUAN_WEB_WORKERS', '2')} workers × "
            f"{env.get('CHENGGUAN_WEB_THREADS', '4')} threads, scheduler: {settings.CHENGGUAN_SCHEDULER})"
        )
        self.stdout.flush()
        os.execve(sys.executable, argv, env)
