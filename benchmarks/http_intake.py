"""HTTP intake: case reports posted to `chengguan serve` against a bare authenticated DRF endpoint
on the same server.

Run: `.venv/bin/python benchmarks/http_intake.py` (or `make bench`). It creates a throwaway
PostgreSQL database (`DATABASE_URL`'s server, default postgres://postgres@127.0.0.1:5432), migrates
it, loads the `small` demo without its cases, starts `chengguan serve` with 2 workers, and drives it
with `wrk` (Debian's, a C load generator) from the same two cores:

1. `POST /api/v1/cases/` by an inspector (a patrol report, token auth), each request with its own
   Idempotency-Key — a grid lookup, a gapless number, due times and an audit event per case;
2. `GET /api/v1/me` with the same token: authentication and a serializer, nothing else (the
   baseline, measured in the same run);

and prints the ratio first, then requests/s and p50/p99 of each. It also checks that every POST
answered 201 and that the database holds exactly one case per request. Goals (issue 12): intake at
≥ 50 % of the bare endpoint's rate and p99 ≤ 200 ms; the exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "chengguan"]
PASSWORD = "Chengguan@2026"
TARGET_RATIO = 0.5
TARGET_P99_MS = 200.0

# Each wrk thread numbers its own requests, so every Idempotency-Key is new.
POST_SCRIPT = """
local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("id", tostring(math.random(1, 1e9)))
end
init = function(args)
  thread_id = id
end
request = function()
  counter = counter + 1
  local key = "bench-" .. thread_id .. "-" .. counter
  local body = '{"category":"100101","source":"patrol","description":"井盖破损，压测' .. counter ..
    '","address":"建设路' .. counter .. '号"}'
  return wrk.format("POST", "/api/v1/cases/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Token %(token)s",
    ["Idempotency-Key"] = key,
  }, body)
end
"""

GET_SCRIPT = """
wrk.method = "GET"
wrk.headers["Authorization"] = "Token %(token)s"
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="each run's length (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to make the throwaway database on",
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throwaway_database(server_url: str) -> tuple[str, str]:
    """A fresh database on the server of `server_url`; returns (its URL, the admin URL)."""
    import psycopg

    parsed = urlparse(server_url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    name = f"bench_http_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path=f"/{name}")), admin


def drop_database(url: str, admin: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}" WITH (FORCE)')


def wait_for(base: str, log: Path) -> None:
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    sys.exit("chengguan serve did not answer:\n" + log.read_text())


def token_for(base: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNIT_MS[unit]


def run_wrk(url: str, script: str, *, seconds: int, clients: int, work: Path, name: str) -> dict:
    path = work / f"{name}.lua"
    path.write_text(script)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(path), url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    if set(latency) != {"50", "99"}:
        sys.exit(f"wrk gave no latency distribution for {name}:\n{out}\n{result.stderr}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": "Socket errors" in out,
    }


def case_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0]


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="chengguan-http-"))
    url, admin = throwaway_database(args.database_url)
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env.update(
        DATABASE_URL=url,
        CHENGGUAN_DATA_DIR=str(work / "data"),
        CHENGGUAN_SCHEDULER="off",
        CHENGGUAN_WEB_WORKERS=str(args.workers),
        CHENGGUAN_REQUEST_LOG="0",
        PYTHONPATH=str(ROOT / "src"),
    )
    server = None
    try:
        print(f"== setting up a throwaway database ({urlparse(url).path[1:]}) and the small demo")
        for command in (["migrate", "-v0"], ["demo", "--size", "small", "--cases", "0", "-v0"]):
            subprocess.run([*CLI, *command], env=env, check=True, capture_output=True, timeout=900)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = work / "serve.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [*CLI, "serve", "--bind", f"127.0.0.1:{port}"],
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        wait_for(base, log)
        token = token_for(base, "inspector")
        common = {"seconds": args.seconds, "clients": args.clients, "work": work}
        before = case_count(url)
        print(f"== {args.clients} clients, {args.seconds} s each, {args.workers} gunicorn workers")
        bare = run_wrk(f"{base}/api/v1/me", GET_SCRIPT % {"token": token}, name="bare", **common)
        intake = run_wrk(f"{base}/api/v1/cases/", POST_SCRIPT % {"token": token}, name="intake", **common)
        made = case_count(url) - before
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        drop_database(url, admin)
        shutil.rmtree(work, ignore_errors=True)

    ratio = intake["rate"] / bare["rate"]
    print(f"ratio intake / bare endpoint: {ratio:.2f} (goal ≥ {TARGET_RATIO:.2f})")
    for name, figures in (("intake POST /api/v1/cases/", intake), ("bare   GET /api/v1/me", bare)):
        print(
            f"{name}: {figures['rate']:.1f} requests/s, p50 {figures['p50']:.1f} ms, "
            f"p99 {figures['p99']:.1f} ms, {figures['requests']} requests, {figures['errors']} not 2xx"
        )
    print(f"cases written: {made} for {intake['requests']} intake requests")
    failures = []
    if ratio < TARGET_RATIO:
        failures.append(f"ratio {ratio:.2f} < {TARGET_RATIO}")
    if intake["p99"] > TARGET_P99_MS:
        failures.append(f"intake p99 {intake['p99']:.0f} ms > {TARGET_P99_MS:.0f} ms")
    if intake["errors"] or bare["errors"]:
        failures.append("some requests were not answered 2xx")
    # The requests in flight when wrk stops are written but not counted by wrk: at most one a client.
    if not 0 <= made - intake["requests"] <= args.clients:
        failures.append(f"{made} cases for {intake['requests']} requests")
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
