"""Benchmark: save + live score of one evaluation through the web API, under concurrent clients.

For each database (SQLite in a temporary ``JIXIAO_HOME``, then PostgreSQL in a fresh database) the
script starts ``jixiao.web.server.serve`` on a free loopback port (waitress, 8 threads, plus its
``db_worker`` process), gives every client a submission of its own on the demo task ``lechang-2023``
(the demo ``lechang`` submission for ``lechang-filler``, whose token comes from
``jixiao.web.server.token``; for the others, units ``bench-NNN`` with a filler each, made by a
``jixiao.web.manage shell -c`` snippet), and then runs two loads of the same shape, one after the
other: ``--clients`` threads (50 by default), each on its own keep-alive ``http.client`` connection,
sending requests back to back for ``--seconds`` (20 by default) after ``--warmup`` seconds whose
requests are not counted:

* ``healthz`` — ``GET /healthz`` (one ``SELECT 1``): the baseline, the cost of the HTTP round trip,
  waitress, Django's middleware and a database connection under this load;
* ``save`` — ``PUT /api/submissions/{id}/evaluation`` with ``If-Match`` set to the version the
  previous answer of the same client returned, the body ``examples/lechang-2023.yaml`` as JSON
  (dates as strings, numbers as numbers) with ``text.other`` set to a counter, so every save
  changes the document; the answer holds the new version and the live score (formats §6).

A round trip is timed on the client from sending the request to having read the whole answer.
Figures (the last lines of the output, ``bench: <name> <value> <unit>``), per database
(``sqlite``, ``postgres``): ``web_save_p50_ms_<db>``, ``web_save_p95_ms_<db>``,
``web_save_p99_ms_<db>``, ``web_save_per_s_<db>``, ``web_save_errors_<db>``,
``web_healthz_p95_ms_<db>``, ``web_healthz_per_s_<db>`` and ``web_save_vs_healthz_p95_<db>``
(save p95 / healthz p95). Goal: save p95 ≤ 50 ms.

Checks (after timing): every counted save answered 200 with a version one above the previous one
and the same total and grade as the first save; an error is any other status or a broken
connection. The clients run in this process, on the same machine as the server: with 50 threads
they take CPU from the server, which is why the healthz baseline runs under the same load.

Run: ``.venv/bin/python bench/web.py [--clients 50] [--seconds 20] [--warmup 3] [--db sqlite,postgres]
[--pg-url postgres://postgres@127.0.0.1:5432] [--pg-db jixiao_bench] [--pg-pool]``; ``--pg-pool`` sets
``JIXIAO_DB_POOL=1`` (psycopg's connection pool; by default Django opens a connection per request).
PostgreSQL is skipped with a note when it does not answer; its database is dropped and created again
at the start (and dropped at the end).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lechang-2023.yaml"
HOST = "127.0.0.1"
GOAL_P95_MS = 50.0
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a bound on every loop besides the clock

# Run inside ``python -m jixiao.web.manage shell -c``: one unit, filler, submission and token per
# extra client on the lechang demo task; prints the pairs as one JSON line.
PREPARE = """
import json
from django.contrib.auth import get_user_model
from jixiao.web.accounts.models import ApiToken, Profile, Unit
from jixiao.web.filing.models import Submission
task = Submission.objects.get(unit__code="lechang").task
pairs = []
for i in range(1, {count}):
    code = f"bench-{{i:03d}}"
    unit, _ = Unit.objects.get_or_create(code=code, defaults={{"name": f"压测单位{{i:03d}}", "level": "县级"}})
    task.units.add(unit)
    sub, _ = Submission.objects.get_or_create(task=task, unit=unit)
    user = get_user_model().objects.filter(username=code + "-filler").first()
    if user is None:
        user = get_user_model().objects.create_user(code + "-filler", password=None)
        Profile.objects.create(user=user, role="filler", unit=unit)
    pairs.append([sub.pk, ApiToken.issue(user, "bench")])
print("BENCH-PAIRS " + json.dumps(pairs))
"""


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(home: Path, database_url: str, pool: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_"))}
    env["JIXIAO_HOME"] = str(home)
    if database_url:
        env["JIXIAO_DATABASE_URL"] = database_url
        env["JIXIAO_DB_POOL"] = "1" if pool else "0"
    return env


def python(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run the venv's Python with ``args``; its stdout, or exit with its stderr."""
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def get(port: int, path: str, token: str = "", timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


@contextlib.contextmanager
def running_server(env: dict[str, str], log: Path, ready_within: float = 90) -> Iterator[int]:
    """``serve('127.0.0.1:PORT', True)`` in its own process group; the port once /healthz answers."""
    port = free_port()
    code = f"from jixiao.web.server import serve; serve('{HOST}:{port}', True)"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if proc.poll() is not None:
                sys.exit(f"the server stopped (exit {proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(OSError):
                if get(port, "/healthz", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                sys.exit(f"the server did not answer /healthz within {ready_within:.0f} s")
            time.sleep(0.2)
        yield port
        if proc.poll() is not None:
            print(f"SERVER DIED during the run (exit {proc.returncode}); its output ends with:\n"
                  f"{log.read_text(errors='replace')[-4000:]}")
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the server then stops its worker), SIGKILL to the group after 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def clients_for(env: dict[str, str], port: int, count: int) -> list[tuple[int, str]]:
    """(submission id, token) per client: lechang-filler's own, then one bench unit each."""
    out = python(env, "-c", "from jixiao.web.server import token; print(token('lechang-filler'))")
    lechang_token = out.strip().splitlines()[-1]
    out = python(env, "-m", "jixiao.web.manage", "shell", "-c", PREPARE.format(count=count))
    line = next(line for line in out.splitlines() if line.startswith("BENCH-PAIRS "))
    pairs = [(int(sid), token) for sid, token in json.loads(line.removeprefix("BENCH-PAIRS "))]
    status, body = get(port, "/api/submissions", lechang_token)
    if status != 200:
        sys.exit(f"GET /api/submissions as lechang-filler: {status} {body[:300]!r}")
    (own,) = [row["id"] for row in json.loads(body) if row["unit"] == "lechang"]
    return [(own, lechang_token), *pairs]


# --------------------------------------------------------------------------- the load


def example_doc() -> dict[str, Any]:
    """examples/lechang-2023.yaml as the JSON a script sends: dates as strings, numbers as numbers."""
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.loads(json.dumps(doc, default=str, ensure_ascii=False))


@dataclass
class Client:
    """One thread's connection, submission and results."""

    port: int
    submission: int = 0
    token: str = ""
    version: int = 0
    counter: int = 0
    times: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    scores: set[tuple[Any, Any]] = field(default_factory=set)
    conn: http.client.HTTPConnection | None = None

    def connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes, float]:
        conn = self.connection()
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        return answer.status, data, (time.perf_counter() - start) * 1e3

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def healthz_once(client: Client, doc: dict[str, Any], counted: bool) -> None:
    status, _, ms = client.call("GET", "/healthz", None, {})
    if status != 200:
        client.error(str(status))
    elif counted:
        client.times.append(ms)


def save_once(client: Client, doc: dict[str, Any], counted: bool) -> None:
    client.counter += 1
    body = dict(doc, text={**doc.get("text", {}), "other": f"bench {client.counter}"})
    headers = {"Authorization": f"Bearer {client.token}", "If-Match": str(client.version),
               "Content-Type": "application/json"}
    status, data, ms = client.call("PUT", f"/api/submissions/{client.submission}/evaluation",
                                   json.dumps(body, ensure_ascii=False).encode("utf-8"), headers)
    if status != 200:
        client.error(str(status))
        if status == 409:  # not expected: every client has its own submission; catch up and go on
            _, fresh, _ = client.call("GET", f"/api/submissions/{client.submission}", None,
                                      {"Authorization": f"Bearer {client.token}"})
            client.version = int(json.loads(fresh)["version"])
        return
    answer = json.loads(data)
    if answer["version"] != client.version + 1:
        client.checks.append(f"submission {client.submission}: version {answer['version']} after {client.version}")
    client.version = int(answer["version"])
    if counted:
        client.times.append(ms)
        score = answer.get("score") or {}
        client.scores.add((score.get("total"), score.get("grade")))


@dataclass(frozen=True)
class Run:
    name: str
    times: list[float]
    seconds: float
    errors: dict[str, int]
    checks: list[str]
    scores: set[tuple[Any, Any]]

    def pct(self, p: float) -> float:
        """Nearest-rank percentile of the round trips, in ms."""
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    def rate(self) -> float:
        return len(self.times) / self.seconds

    def error_count(self) -> int:
        return sum(self.errors.values())


def load(name: str, clients: list[Client], doc: dict[str, Any], warmup: float, seconds: float, pace: float = 0) -> Run:
    """Every client sends back to back (``pace`` 0) or one request every ``pace`` seconds, as a person typing
    triggers an autosave after each pause: ``warmup`` seconds not counted, then ``seconds`` counted."""
    step = healthz_once if name == "healthz" else save_once
    gate = threading.Barrier(len(clients) + 1)
    bounds: dict[str, float] = {}

    def worker(client: Client, offset: float) -> None:
        gate.wait()
        time.sleep(offset)
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            now = time.perf_counter()
            if now >= bounds["end"]:
                break
            try:
                step(client, doc, now >= bounds["counted"])
            except (OSError, http.client.HTTPException, ValueError, KeyError) as error:
                client.error(type(error).__name__)
                client.close()
            if pace:
                time.sleep(max(0.0, pace - (time.perf_counter() - now)))
        client.close()

    offsets = [pace * i / len(clients) for i in range(len(clients))]  # spread, as people do not type in step
    threads = [threading.Thread(target=worker, args=(c, o), daemon=True) for c, o in zip(clients, offsets, strict=True)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    bounds.update(counted=start + warmup, end=start + warmup + seconds)
    gate.wait()
    for t in threads:
        t.join(timeout=warmup + seconds + 60)
    elapsed = time.perf_counter() - bounds["counted"]
    errors: dict[str, int] = {}
    for c in clients:
        for what, n in c.errors.items():
            errors[what] = errors.get(what, 0) + n
    return Run(name, [t for c in clients for t in c.times], elapsed, errors,
               [m for c in clients for m in c.checks], set().union(*(c.scores for c in clients)))


def measure(db: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Run]:
    home = Path(env["JIXIAO_HOME"])
    with running_server(env, home / "server.log") as port:
        pairs = clients_for(env, port, args.clients)
        print(f"{db}: server on {HOST}:{port}, {len(pairs)} clients with a submission each")
        doc = example_doc()
        runs: dict[str, Run] = {}
        for name in ("healthz", "save"):
            clients = [Client(port) for _ in pairs]
            for client, (sid, token) in zip(clients, pairs, strict=True):
                client.submission, client.token = sid, token
                status, body = get(port, f"/api/submissions/{sid}", token)
                if status != 200:
                    sys.exit(f"GET /api/submissions/{sid}: {status} {body[:300]!r}")
                client.version = int(json.loads(body)["version"])
            runs[name] = load(name, clients, doc, args.warmup, args.seconds, args.pace)
            run = runs[name]
            print(f"  {name:8} {len(run.times):6d} in {run.seconds:5.1f} s = {run.rate():6.1f}/s  "
                  f"p50 {run.pct(50):6.1f} ms  p95 {run.pct(95):6.1f} ms  p99 {run.pct(99):6.1f} ms  "
                  f"max {max(run.times, default=float('nan')):6.1f} ms  errors {run.error_count()} {run.errors or ''}")
        return runs


# --------------------------------------------------------------------------- PostgreSQL


def psql(url: str, sql: str) -> bool:
    """Run one statement on the server's ``postgres`` database; False when psql fails."""
    if shutil.which("psql") is None:
        return False
    done = subprocess.run(["psql", f"{url.rstrip('/')}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
                          capture_output=True, text=True, timeout=60)
    if done.returncode:
        print(f"psql: {done.stderr.strip()}")
    return done.returncode == 0


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="counted seconds per load")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds sent but not counted, per load")
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default="jixiao_bench")
    parser.add_argument("--no-pg-pool", dest="pg_pool", action="store_false",
                        help="JIXIAO_DB_POOL=0 (no psycopg connection pool; it is on by default)")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="seconds between one client's saves (an autosave per pause in typing); 0 = back to back")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600 or not 0 <= args.warmup <= 60:
        parser.error("--clients 1..500, --seconds up to 600, --warmup up to 60")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pace = f"one save per {args.pace:g} s each" if args.pace else "back to back"
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {args.clients} clients ({pace}), "
          f"{args.warmup:g} s warm-up + {args.seconds:g} s counted per load, loopback {HOST}")
    results: dict[str, dict[str, Run]] = {}
    for db in [d.strip() for d in args.db.split(",") if d.strip()]:
        with tempfile.TemporaryDirectory(prefix=f"jixiao-bench-web-{db}-") as tmp:
            if db == "sqlite":
                results[db] = measure(db, server_env(Path(tmp), ""), args)
            elif db == "postgres":
                if not psql(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_db}") or not psql(
                    args.pg_url, f"CREATE DATABASE {args.pg_db}"
                ):
                    print(f"postgres: skipped (no database {args.pg_db} at {args.pg_url})")
                    continue
                try:
                    url = f"{args.pg_url.rstrip('/')}/{args.pg_db}"
                    results[db] = measure(db, server_env(Path(tmp), url, args.pg_pool), args)
                finally:
                    psql(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_db}")
            else:
                sys.exit(f"unknown database {db!r}: sqlite or postgres")
    failed = False
    for db, runs in results.items():
        save, health = runs["save"], runs["healthz"]
        if len(save.scores) != 1:
            print(f"CHECK FAILED: {db}: saves answered different scores {sorted(map(str, save.scores))[:5]}")
            failed = True
        for message in save.checks[:5]:
            print(f"CHECK FAILED: {db}: {message}")
            failed = True
        total, grade = next(iter(save.scores), (None, None))
        verdict = "met" if save.pct(95) <= GOAL_P95_MS else "NOT met"
        print(f"{db}: every save scored total {total} grade {grade}; goal p95 ≤ {GOAL_P95_MS:g} ms {verdict}")
    for db, runs in results.items():
        save, health = runs["save"], runs["healthz"]
        print(f"bench: web_save_p50_ms_{db} {save.pct(50):.1f} ms")
        print(f"bench: web_save_p95_ms_{db} {save.pct(95):.1f} ms")
        print(f"bench: web_save_p99_ms_{db} {save.pct(99):.1f} ms")
        print(f"bench: web_save_per_s_{db} {save.rate():.1f} requests/s")
        print(f"bench: web_save_errors_{db} {save.error_count()} requests")
        print(f"bench: web_healthz_p95_ms_{db} {health.pct(95):.1f} ms")
        print(f"bench: web_healthz_per_s_{db} {health.rate():.1f} requests/s")
        print(f"bench: web_save_vs_healthz_p95_{db} {save.pct(95) / health.pct(95):.2f} ratio")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
