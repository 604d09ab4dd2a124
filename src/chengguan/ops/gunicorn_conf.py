"""gunicorn's configuration for `chengguan serve` (read with `-c python:chengguan.ops.gunicorn_conf`).

Workers and threads come from the environment (CHENGGUAN_WEB_WORKERS, CHENGGUAN_WEB_THREADS); the
access log is off because the app writes its own JSON request lines (`ops/logs.py`) without client
addresses, which nginx logs. Hooks: each worker starts the embedded scheduler (when it is the one in
use), and Prometheus' per-process files are cleaned at start and when a worker exits.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

bind = os.environ.get("CHENGGUAN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CHENGGUAN_WEB_WORKERS", "2"))
threads = int(os.environ.get("CHENGGUAN_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("CHENGGUAN_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CHENGGUAN_WEB_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("CHENGGUAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "chengguan"
control_socket_disable = True  # systemd manages the server; no socket in the user's home
wsgi_app = "chengguan.wsgi:application"


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def post_worker_init(worker) -> None:
    from chengguan.ops.scheduler import start_embedded

    start_embedded()


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
