"""`chengguan serve` is a real gunicorn with several workers: it answers `/healthz` and the pages
(static files by WhiteNoise), writes one JSON line per request, and its embedded scheduler runs the
jobs — each slot once although every worker ticks."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(
        CHENGGUAN_DATA_DIR=str(tmp_path / "data"),
        CHENGGUAN_SCHEDULER_TICK_SECONDS="2",
        CHENGGUAN_WEB_WORKERS="2",
        CHENGGUAN_WEB_THREADS="2",
    )
    cli = [sys.executable, "-m", "chengguan"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=300)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("chengguan serve did not answer: " + (tmp_path / "serve.log").read_text())
        yield base, tmp_path / "data", tmp_path / "serve.log", process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_serve_answers_through_gunicorn_and_runs_the_jobs_once(server):
    base, data, log, process = server
    status, body = get(f"{base}/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, page = get(f"{base}/")
    assert status == 200 and "城市管理" in page.decode()
    assert get(f"{base}/static/chengguan/app.css")[0] == 200
    assert get(f"{base}/metrics")[0] == 401

    # The embedded scheduler of two workers: every job runs once in its slot.
    db = data / "chengguan.sqlite3"
    deadline = time.time() + 60
    while time.time() < deadline:
        with sqlite3.connect(db) as conn:
            done = {job for (job,) in conn.execute("SELECT job FROM ops_scheduledrun WHERE status = 'done'")}
        if {"cases.deadlines", "sms.retry", "ops.backup"} <= done:
            break
        time.sleep(1)
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT job, slot, status FROM ops_scheduledrun ORDER BY job").fetchall()
    assert {"cases.deadlines", "sms.retry", "ops.backup"} <= {job for job, _, _ in runs}, runs
    assert all(status == "done" for _, _, status in runs), runs
    slots = [(job, slot) for job, slot, _ in runs]
    assert len(slots) == len(set(slots))

    # One JSON line per request (static files excepted), with the user's id and a request id.
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "chengguan.request"]
    assert {(line["route"], line["status"]) for line in requests} >= {
        ("/healthz", 200),
        ("/", 200),
        ("/metrics", 401),
    }
    assert all(line["user_id"] is None and len(line["request_id"]) == 32 for line in requests)
    assert not [line for line in requests if "static" in line["route"]]
    # Static files come from the package through WhiteNoise: no collectstatic needed.
    assert not any(Path(data, "static").rglob("*.css"))
    assert process.poll() is None
