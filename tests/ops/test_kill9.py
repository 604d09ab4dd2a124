"""Nothing acknowledged is lost when the server dies (issue 11, "Done when"): `chengguan serve` is
killed with SIGKILL (master and workers at once) during concurrent intakes, started again, and every
report is retried with its idempotency key. Every report acknowledged before the kill is there with
the case number it was given, and no report became two cases. On the database the suite runs on."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.ops.test_backup import _admin_url, recreate_database
from tests.ops.test_serve import free_port, get

CLI = [sys.executable, "-m", "chengguan"]
REPORTS = 160
PASSWORD = "Chengguan@2026"


class Site:
    def __init__(self, data: Path, database_url: str | None):
        self.data = data
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
        self.env.update(
            CHENGGUAN_DATA_DIR=str(data),
            CHENGGUAN_SCHEDULER="off",
            CHENGGUAN_WEB_WORKERS="2",
            CHENGGUAN_WEB_THREADS="4",
            CHENGGUAN_REQUEST_LOG="0",
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.process: subprocess.Popen | None = None
        self.base = ""

    def run(self, *args: str) -> None:
        subprocess.run([*CLI, *args], env=self.env, check=True, timeout=600, capture_output=True)

    def start(self) -> None:
        port = free_port()
        log = (self.data / "serve.log").open("a")
        # Its own process group, so one SIGKILL takes the master and every worker at once.
        self.process = subprocess.Popen(
            [*CLI, "serve", "--bind", f"127.0.0.1:{port}"],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if get(f"{self.base}/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        pytest.fail("chengguan serve did not answer: " + (self.data / "serve.log").read_text())

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def case_count(self) -> int:
        if self.database_url is None:
            with sqlite3.connect(self.data / "chengguan.sqlite3") as db:
                return db.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0]
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0]


@pytest.fixture
def site(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    database_url = None
    if url.startswith("postgres"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        _, base_name = _admin_url(url)
        database_url = urlunparse(urlparse(url)._replace(path=f"/{base_name}_kill_{worker}"))
        recreate_database(database_url)
    data = tmp_path / "data"
    data.mkdir()
    site = Site(data, database_url)
    site.run("migrate", "-v0")
    site.run("demo", "--size", "small", "--cases", "0")
    yield site
    site.stop()
    if database_url:
        import psycopg

        admin, name = _admin_url(database_url)
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _post(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _token(site: Site) -> str:
    status, body = _post(
        f"{site.base}/api/v1/auth/token", {"username": "inspector", "password": PASSWORD}, {}
    )
    assert status == 200, body
    return body["token"]


def _report(i: int) -> dict:
    return {
        "category": "100101",
        "source": "patrol",
        "description": f"井盖破损，第{i}号",
        "address": f"建设路{i}号",
    }


def test_kill_9_during_concurrent_intakes_loses_nothing_acknowledged_and_duplicates_nothing(site):
    site.start()
    token = _token(site)
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def intake(i: int) -> None:
        key = f"kill9-{i:04d}"
        try:
            status, body = _post(
                f"{site.base}/api/v1/cases/",
                _report(i),
                {"Authorization": f"Token {token}", "Idempotency-Key": key},
            )
        # The server died under this request, before or while answering: not acknowledged.
        except (OSError, http.client.HTTPException):
            return
        if status in (200, 201):
            with lock:
                acknowledged[key] = body["number"]
                if len(acknowledged) >= REPORTS // 3 and not killed.is_set():
                    killed.set()
                    site.kill9()

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(intake, range(REPORTS)))
    assert killed.is_set() and REPORTS // 3 <= len(acknowledged) < REPORTS

    site.start()
    token = _token(site)
    numbers: dict[str, str] = {}
    for i in range(REPORTS):
        key = f"kill9-{i:04d}"
        status, body = _post(
            f"{site.base}/api/v1/cases/",
            _report(i),
            {"Authorization": f"Token {token}", "Idempotency-Key": key},
        )
        assert status in (200, 201), (key, status)
        numbers[key] = body["number"]
    lost = [key for key, number in acknowledged.items() if numbers[key] != number]
    assert lost == []  # every acknowledged report is there, under the number it was given
    assert len(set(numbers.values())) == REPORTS  # one case per report ...
    assert site.case_count() == REPORTS  # ... and not one more in the database
