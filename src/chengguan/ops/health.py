"""The checks behind `/healthz`: can this app server do its work right now?

A load balancer takes a server out of the pool when any check fails (HTTP 503). Each check is quick
(a query, a cache round trip, a broker connection with a 2 s timeout, a tiny file written and
deleted, the free disk space) and answers only ok / not ok with a short reason: nothing an outsider
could use.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str = ""
    ms: float = 0.0


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    cache = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("value not read back")
    cache.delete(key)
    return type(cache).__name__


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "embedded (no broker)"
    from kombu import Connection

    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "connected"


def _storage() -> str:
    default_storage = storages["default"]
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as fh:
            if fh.read() != b"ok":
                raise RuntimeError("file not read back")
    finally:
        default_storage.delete(name)
    return type(default_storage).__name__


def _disk() -> str:
    minimum = settings.CHENGGUAN_HEALTH_MIN_FREE_MB * 1024 * 1024
    lowest = None
    for path in {Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)}:
        path.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(path).free
        lowest = free if lowest is None else min(lowest, free)
        if free < minimum:
            raise RuntimeError(f"{free // 2**20} MB free, below {minimum // 2**20} MB")
    return f"{(lowest or 0) // 2**20} MB free"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
    "disk": _disk,
}


def run_checks() -> dict[str, Check]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            ok = True
        except Exception as exc:  # any failure is the answer, not a server error
            detail, ok = f"{type(exc).__name__}: {exc}"[:200], False
        results[name] = Check(ok, detail, round((time.perf_counter() - started) * 1000, 1))
    return results
