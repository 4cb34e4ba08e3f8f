"""Scale-out on one PostgreSQL: two gunicorn app servers and two ``db_worker`` processes (docs/deployment.md).

Everything runs as real processes on this machine against one database of its own
(``jixiao_scaleout_<random>``, dropped at the end): ``migrate`` once, the demo data, app servers A and B
(``gunicorn jixiao.web.wsgi -w 2 -k gthread --threads 4``) and workers ``worker-a`` and ``worker-b``
(``db_worker --queue-name '*'``), all with the same secret key and one shared ``JIXIAO_HOME`` for stored files.

- A save through A (``PUT .../evaluation`` with ``If-Match``) is read back through B with the same version
  and data; a stale ``If-Match`` through B is refused; the PDF asked for through B is downloaded through A.
- A batch of 200 ``make_pdf`` jobs: 100 distinct evaluations (``text.other`` varied), each asked for with
  ``filing.ops.request_pdf`` (one job each, converted by LibreOffice), and one more job for each of them
  enqueued right behind the first, as a retry or a second click would, so that 100 jobs race for a row
  another job is converting: the idempotent claim (pending → running) must make them no-ops. Measured:
  every job has exactly one ``DBTaskResult`` row, ``SUCCESSFUL``, claimed once (one worker id); both workers
  ran jobs; every ``GeneratedFile`` ends ``done`` with its PDF in the shared store; and LibreOffice ran exactly
  once per distinct PDF — counted by a logging wrapper in front of the real ``soffice`` on the workers' PATH
  (it only logs, then execs LibreOffice). ``JIXIAO_SCALEOUT_PDFS=200`` makes all 200 jobs distinct PDFs.

Skipped when PostgreSQL at 127.0.0.1:5432 (``JIXIAO_SCALEOUT_PG`` to change) or ``soffice`` is missing.
Duration on 2 cores: 3 min 10 s with 100 PDFs under load (batch 171 s), 4 min 10 s with 200; LibreOffice
dominates (two workers: 1.4 PDF/s on a quiet machine, 0.6–0.8 under load). Leave it out with ``-m "not scaleout"``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import example_json

ADMIN_URL = os.environ.get("JIXIAO_SCALEOUT_PG", "postgres://postgres@127.0.0.1:5432/postgres")
BATCH = 200  # make_pdf jobs
DISTINCT = min(BATCH, int(os.environ.get("JIXIAO_SCALEOUT_PDFS", "100")))  # distinct PDFs among them
DUPLICATES = BATCH - DISTINCT  # jobs for a PDF another job is already making, spread evenly
EXTRA = [DUPLICATES // DISTINCT + (i < DUPLICATES % DISTINCT) for i in range(DISTINCT)]  # per PDF
WORKERS = ("worker-a", "worker-b")
BATCH_TIMEOUT = 480.0  # seconds for the whole batch to drain


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(
        shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None, reason="gunicorn is not installed"
    ),
    pytest.mark.skipif(not _postgres_reachable(), reason=f"PostgreSQL is not reachable at {ADMIN_URL}"),
]


# --------------------------------------------------------------------------- the cluster


@dataclass
class Cluster:
    """One database, a shared JIXIAO_HOME, two app servers, two workers; what the tests need of them."""

    db_url: str
    home: Path
    env: dict[str, str]
    soffice_log: Path
    servers: dict[str, str] = field(default_factory=dict)  # name → base URL
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    token: str = ""
    submission: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def manage(self, *args: str, timeout: float = 300) -> str:
        command = [sys.executable, "-m", "jixiao.web.manage", *args]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, f"{shlex.join(args[:2])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        return done.stdout

    def shell(self, code: str, timeout: float = 300) -> Any:
        """Run ``code`` in ``manage shell``; it prints one line ``RESULT <json>``, returned parsed."""
        out = self.manage("shell", "-c", code, timeout=timeout)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert lines, f"no RESULT line in:\n{out[-2000:]}"
        return json.loads(lines[-1].removeprefix("RESULT "))

    def start(self, name: str, command: list[str], extra_env: dict[str, str] | None = None) -> None:
        log = self.home.parent / f"{name}.log"
        handle = log.open("wb")
        self.processes[name] = subprocess.Popen(
            command, env={**self.env, **(extra_env or {})}, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        handle.close()
        self.logs[name] = log

    def tails(self) -> str:
        return "\n".join(f"--- {n} ---\n{p.read_text(errors='replace')[-1500:]}" for n, p in self.logs.items())

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.db_url) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _soffice_wrapper(folder: Path, log: Path) -> None:
    """A ``soffice`` first on PATH that logs which worker called it, then runs the real LibreOffice."""
    real = shutil.which("soffice")
    folder.mkdir()
    wrapper = folder / "soffice"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'echo "${{JIXIAO_SCALEOUT_WORKER:-?}} $$" >> {shlex.quote(str(log))}\n'
        f'exec {shlex.quote(str(real))} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)


def _environment(db_url: str, home: Path, bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="jixiao.web.settings",
        JIXIAO_DATABASE_URL=db_url,
        JIXIAO_HOME=str(home),
        JIXIAO_SECRET_KEY=secrets.token_urlsafe(50),
        JIXIAO_ALLOWED_HOSTS="127.0.0.1",
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_healthy(cluster: Cluster, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert cluster.processes[name].poll() is None, f"{name} exited:\n{cluster.tails()}"
        try:
            if _http(cluster.servers[name] + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{name} did not answer /healthz in {timeout:.0f} s:\n{cluster.tails()}")


SETUP = """
import json
from django.contrib.auth import get_user_model
from jixiao.web.accounts.models import ApiToken
from jixiao.web.demo import load_demo
from jixiao.web.filing.models import Submission
load_demo()
user = get_user_model().objects.get(username="lechang-filler")
sid = Submission.objects.get(unit__code="lechang").pk
print("RESULT " + json.dumps({"token": ApiToken.issue(user), "submission": sid}))
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    import psycopg

    name = f"jixiao_scaleout_{secrets.token_hex(4)}"
    root = tmp_path_factory.mktemp("scaleout")
    home = root / "home"
    home.mkdir()
    soffice_log = root / "soffice.log"
    _soffice_wrapper(root / "bin", soffice_log)
    db_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    cluster = Cluster(db_url=db_url, home=home, env=_environment(db_url, home, root / "bin"), soffice_log=soffice_log)
    try:
        started = time.monotonic()
        cluster.manage("migrate", "--no-input", "-v", "0")
        cluster.timings["migrate_s"] = time.monotonic() - started
        setup = cluster.shell(SETUP)
        cluster.token, cluster.submission = setup["token"], setup["submission"]
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        for server in ("A", "B"):
            port = _free_port()
            cluster.servers[server] = f"http://127.0.0.1:{port}"
            cluster.start(
                server,
                [gunicorn, "jixiao.web.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread", "--threads", "4"],
            )
        for worker in WORKERS:
            command = [sys.executable, "-m", "jixiao.web.manage", "db_worker", "--queue-name", "*", "--interval", "0.2"]
            cluster.start(worker, [*command, "--worker-id", worker], {"JIXIAO_SCALEOUT_WORKER": worker})
        for server in ("A", "B"):
            _wait_healthy(cluster, server)
        cluster.timings["start_s"] = time.monotonic() - started
        yield cluster
    finally:
        cluster.stop()
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        print("\nscale-out timings:", json.dumps({k: round(v, 1) for k, v in cluster.timings.items()}))


# --------------------------------------------------------------------------- HTTP


def _http(
    url: str, method: str = "GET", token: str = "", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _api(cluster: Cluster, server: str, path: str, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
    return _http(cluster.servers[server] + path, token=cluster.token, **kwargs)


def _json(answer: tuple[int, dict[str, str], bytes], status: int = 200) -> Any:
    code, _, body = answer
    assert code == status, f"HTTP {code}: {body[:1000]!r}"
    return json.loads(body)


def _wait(condition: Any, timeout: float, what: str, cluster: Cluster) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for name, process in cluster.processes.items():
            assert process.poll() is None, f"{name} exited while waiting for {what}:\n{cluster.tails()}"
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout:.0f} s\n{cluster.tails()}")


# --------------------------------------------------------------------------- (a) a save seen on both servers


def test_a_save_through_one_app_server_is_seen_through_the_other(cluster: Cluster) -> None:
    sid = cluster.submission
    before = _json(_api(cluster, "A", f"/api/submissions/{sid}"))
    doc = example_json("lechang-2023")
    doc["text"]["other"] = "经由应用服务器 A 保存"
    saved = _json(
        _api(
            cluster, "A", f"/api/submissions/{sid}/evaluation", method="PUT", body=doc,
            headers={"If-Match": str(before["version"])},
        )
    )  # fmt: skip
    assert saved["version"] == before["version"] + 1 and saved["score"]["total"] == 100.0

    on_a = _json(_api(cluster, "A", f"/api/submissions/{sid}"))
    on_b = _json(_api(cluster, "B", f"/api/submissions/{sid}"))
    assert on_b["version"] == on_a["version"] == saved["version"]
    assert on_b["evaluation"] == on_a["evaluation"]
    assert on_b["evaluation"]["text"]["other"] == "经由应用服务器 A 保存"
    assert on_b["status"] == "draft"
    assert _json(_api(cluster, "B", f"/api/submissions/{sid}/score"))["total"] == saved["score"]["total"]

    # B refuses a write based on the version A replaced (optimistic lock across servers).
    stale = _api(
        cluster, "B", f"/api/submissions/{sid}/evaluation", method="PUT", body=doc,
        headers={"If-Match": str(before["version"])},
    )  # fmt: skip
    assert stale[0] == 409, stale

    # The PDF asked for through B is made by a worker and downloaded through A (shared stored files).
    started = time.monotonic()
    first = _api(cluster, "B", f"/api/submissions/{sid}/files/report.pdf")
    assert first[0] in (200, 202), first
    got: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def downloaded() -> bool:
        got["A"] = _api(cluster, "A", f"/api/submissions/{sid}/files/report.pdf")
        assert got["A"][0] in (200, 202), got["A"]
        return got["A"][0] == 200

    _wait(downloaded, 120, "the PDF asked for through B", cluster)
    cluster.timings["first_pdf_s"] = time.monotonic() - started
    _, headers, body = got["A"]
    assert body.startswith(b"%PDF")
    assert headers["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()


# --------------------------------------------------------------------------- (b) 200 jobs, none twice, none lost

BATCH_CODE = """
import json
from jixiao.web.filing import ops
from jixiao.web.filing.jobs import make_pdf
from jixiao.web.filing.models import Submission
sub = Submission.objects.get(pk={sid})
base = ops.current_doc(sub)
files, extra = [], []
for i in range({distinct}):
    doc = dict(base, text=dict(base.get("text") or {{}}, other="扩展测试：第 %d 份报告" % i))
    stored = ops.request_pdf(sub, doc)
    files.append(stored.pk)
    extra += [str(make_pdf.enqueue(stored.pk).id) for _ in range({extra}[i])]
print("RESULT " + json.dumps({{"files": files, "extra": extra}}))
"""

TASKS = "django_tasks_database_dbtaskresult"
FILES = "filing_generatedfile"


def test_200_pdf_jobs_on_two_workers_none_run_twice_none_lost(cluster: Cluster) -> None:
    known = {r[0] for r in cluster.query(f"SELECT id::text FROM {TASKS}")}
    conversions_before = _conversions(cluster)
    started = time.monotonic()
    batch = cluster.shell(BATCH_CODE.format(sid=cluster.submission, distinct=DISTINCT, extra=EXTRA))
    cluster.timings["enqueue_s"] = time.monotonic() - started
    files: list[int] = batch["files"]
    assert len(set(files)) == DISTINCT and len(batch["extra"]) == DUPLICATES

    def drained() -> bool:
        waiting = cluster.query(f"SELECT count(*) FROM {TASKS} WHERE status IN ('READY', 'RUNNING')")[0][0]
        busy = cluster.query(f"SELECT count(*) FROM {FILES} WHERE status IN ('pending', 'running')")[0][0]
        return waiting == 0 and busy == 0

    _wait(drained, BATCH_TIMEOUT, f"{BATCH} jobs to finish", cluster)
    cluster.timings["batch_s"] = time.monotonic() - started

    rows = [
        r
        for r in cluster.query(f"SELECT id::text, status, worker_ids, args_kwargs, task_path FROM {TASKS}")
        if r[0] not in known
    ]
    # Nothing lost, nothing extra: one job per PDF and the duplicates, each finished successfully.
    assert len(rows) == BATCH, len(rows)
    assert {r[4] for r in rows} == {"jixiao.web.filing.jobs.make_pdf"}
    assert set(batch["extra"]) <= {r[0] for r in rows}
    per_file = Counter(r[3]["args"][0] for r in rows)
    assert per_file == {f: 1 + EXTRA[i] for i, f in enumerate(files)}
    assert Counter(r[1] for r in rows) == {"SUCCESSFUL": BATCH}
    # Nothing run twice: every job claimed by exactly one worker, once; both workers took jobs.
    assert all(len(r[2]) == 1 for r in rows), [r[2] for r in rows if len(r[2]) != 1]
    by_worker = Counter(r[2][0] for r in rows)
    assert set(by_worker) == set(WORKERS), by_worker

    # Every GeneratedFile done once, with its PDF in the shared store; none pending/running/failed anywhere.
    states = dict(cluster.query(f"SELECT status, count(*) FROM {FILES} GROUP BY status"))
    assert set(states) == {"done"}, states
    made = cluster.query(f"SELECT id, status, sha256, path, kind FROM {FILES} WHERE id = ANY(%s)", (files,))
    assert len(made) == DISTINCT and {m[1] for m in made} == {"done"} and {m[4] for m in made} == {"report.pdf"}
    assert len({m[2] for m in made}) == DISTINCT
    for _, _, sha, path, _ in made:
        stored = (cluster.home / "files" / path).read_bytes()
        assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == sha, path

    # LibreOffice ran exactly once per distinct PDF, and on both workers.
    conversions = _conversions(cluster)[len(conversions_before) :]
    assert len(conversions) == DISTINCT, Counter(conversions)
    converted_by = Counter(conversions)
    assert set(converted_by) == set(WORKERS), converted_by
    cluster.timings["pdf_per_s"] = DISTINCT / cluster.timings["batch_s"]
    print(
        f"\nscale-out batch: {BATCH} jobs ({DISTINCT} distinct PDFs + {DUPLICATES} duplicates) "
        f"in {cluster.timings['batch_s']:.1f} s; "
        f"jobs per worker {dict(by_worker)}; LibreOffice runs per worker {dict(converted_by)}"
    )


def _conversions(cluster: Cluster) -> list[str]:
    if not cluster.soffice_log.exists():
        return []
    return [line.split()[0] for line in cluster.soffice_log.read_text(encoding="utf-8").splitlines() if line]
