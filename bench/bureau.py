"""Benchmark: the bureau's pages and the 汇总表 export over 5,000 units in PostgreSQL.

Steps (each timed and printed):

1. ``psql``: create the database ``--pg-db`` (default ``jixiao_bench5k``; dropped again at the end
   unless ``--keep``); migrate and load the demo data (``jixiao.web.server``'s ``setup``/``migrate``,
   ``demo.load_demo``), and give the demo reviewer ``bureau`` ``scope_all``.
2. Seed ``--units`` units (default 5,000) under ``--departments`` 主管部门 (default 50) and, for
   two yearly tasks on the table ``lechang-2023`` (2022 and 2023), one submission per unit. The
   2023 statuses are mixed (about 80 % accepted or published, the rest submitted, under review,
   returned, draft, not started or exempt); 2022 is all accepted or published. Every submission
   that has been submitted carries a ``SubmissionVersion`` whose score JSON (formats §4) is the
   score of ``examples/lechang-2023.yaml``, computed once, with the leaves' scores varied at random
   (parents, base, total and grade recomputed from them, as the table's grades say) and whose
   evaluation is the example with its figures varied (支出执行率 around 92 %, some far below 80 %);
   about 3 % of versions carry an error-severity auditor finding. Everything by ``bulk_create``.
3. The dashboard's first computation (its per-version digests made once) and a recomputation
   with the digests present and the cache empty, in a separate process.
4. The server: ``jixiao serve`` (``jixiao.web.server.serve``: waitress, 8 threads, and its
   ``db_worker``) or ``--server gunicorn`` (``--workers`` gthread processes plus one ``db_worker``),
   with ``JIXIAO_DB_POOL=1``. The clients log in as ``bureau`` through the login form and send the
   session cookie.
5. Loads, one after the other: ``--clients`` threads (50) on keep-alive ``http.client`` connections,
   back to back (``--pace 0``) or one request per ``--pace`` seconds each, ``--warmup`` seconds not
   counted then ``--seconds`` counted: ``GET /healthz`` (the baseline), ``GET /dashboard/?year=2023``
   (every chart and table of the 5,000 units), and ``GET /bureau/progress/?year=2023`` when that page exists
   (``bureau:progress``; skipped with a note when it answers 404). Goal (issue 9): p95 < 200 ms.
6. The 汇总表 of 2023 (every accepted or published unit) through the page: POST to
   ``/dashboard/exports/``, poll its row until done, download it; the worker's own build time is
   read from the export row. Goal: < 30 s.

Figures are the last lines, ``bench: <name> <value> <unit>``. Run:
``.venv/bin/python bench/bureau.py [--units 5000] [--clients 50] [--seconds 20] [--warmup 5] [--pace 0]
[--server serve|gunicorn] [--workers 3] [--keep]``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GOAL_PAGE_P95_MS = 200.0
GOAL_EXPORT_S = 30.0
YEAR = 2023  # the dashboard's year (the demo's own tasks are 2020, 2023 and 2024)
DASHBOARD = f"/dashboard/?year={YEAR}"
PROGRESS = f"/bureau/progress/?year={YEAR}"  # bureau:progress, when it exists
MAX_REQUESTS_PER_CLIENT = 1_000_000
DEPARTMENTS = (
    "教育局", "卫生健康局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
    "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局",
    "商务局", "文化广电旅游体育局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
    "统计局", "医疗保障局", "林业局", "城市管理和综合执法局", "发展和改革局", "工业和信息化局",
    "科学技术局", "民族宗教事务局", "信访局", "机关事务管理局", "政务服务数据管理局", "档案馆",
    "供销合作联社", "总工会", "共青团委员会", "妇女联合会", "残疾人联合会", "科学技术协会",
    "文学艺术界联合会", "红十字会", "工商业联合会", "人民法院", "人民检察院", "人民政府办公室",
    "党委办公室", "人大常委会办公室", "政协办公室", "纪律检查委员会", "组织部", "宣传部",
    "统战部",
)


# =========================================================================== seeding (runs inside Django)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def base_score() -> tuple[dict[str, Any], dict[str, Any]]:
    """The example's evaluation (as JSON) and its score JSON, computed once."""
    import yaml

    from jixiao.services import evaluations as ev
    from jixiao.services.scoring import score_json
    from jixiao.web.filing.tables import TABLES

    doc = yaml.safe_load((ROOT / "examples" / "lechang-2023.yaml").read_text(encoding="utf-8"))
    doc = json.loads(json.dumps(doc, default=str, ensure_ascii=False))
    scored = score_json(ev.score_document(doc, TABLES, file=""))
    assert scored["total"] is not None, scored["issues"]
    return doc, scored


def varied(rng: random.Random, doc: dict[str, Any], score: dict[str, Any], grades: list[tuple[str, Decimal]],
           unit: str, year: int) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """A unit's evaluation, score JSON and findings: the example's, with its numbers varied."""
    rows = [dict(r) for r in score["indicators"]]
    ids = [r["id"] for r in rows]
    parents = {i.rsplit(".", 1)[0] for i in ids if "." in i}
    care = rng.betavariate(2, 5)  # how often this unit loses points
    for r in rows:
        if r["id"] in parents or not r["applicable"]:
            continue
        weight = Decimal(str(r["effective_weight"]))
        got = weight
        if rng.random() < care:
            got = q2(weight * Decimal(str(round(rng.uniform(0.2, 0.95), 2))))
        r["score"] = float(got)
    by_id = {r["id"]: r for r in rows}
    children: dict[str, list[dict[str, Any]]] = {}
    for i in ids:
        if "." in i:
            children.setdefault(i.rsplit(".", 1)[0], []).append(by_id[i])
    for r in reversed(rows):  # children come after their parent: sum bottom-up
        if r["id"] in children:
            r["score"] = float(sum((Decimal(str(c["score"])) for c in children[r["id"]]), Decimal(0)))
    base = sum((Decimal(str(r["score"])) for r in rows if "." not in r["id"]), Decimal(0))
    bonus = Decimal(rng.choice(["0", "0", "0.5", "1", "2", "3"]))
    total = min(Decimal(100), base + bonus)
    grade = next(g for g, low in grades if total >= low)
    new_score = dict(score, unit=unit, year=year, indicators=rows, base=float(base), bonus=float(bonus),
                     total=float(q2(total)), grade=grade)
    budget = Decimal(rng.randrange(30_000, 900_000)) / 100
    rate = Decimal(str(round(min(125.0, max(35.0, rng.gauss(92, 11))), 2)))
    new_doc = json.loads(json.dumps(doc))
    new_doc["year"] = year
    new_doc["unit"] = dict(new_doc.get("unit") or {}, name=unit)
    new_doc["data"].update(expenditure_budget=float(budget), expenditure_final=float(q2(budget * rate / 100)),
                           income_budget=float(budget), income_final=float(q2(budget * rate / 100)))
    findings = []
    if rng.random() < 0.03:
        findings.append({"severity": "error", "code": "sum-mismatch", "message": "支出合计与明细之和不符",
                         "quote": "合计", "line": rng.randrange(10, 200)})
    if rng.random() < 0.2:
        findings.append({"severity": "warning", "code": "numbering-gap", "message": "标题编号不连续",
                         "quote": "（三）", "line": rng.randrange(10, 200)})
    return new_doc, new_score, findings


STATUS_MIX_2023 = [("accepted", 70), ("published", 10), ("under_review", 5), ("submitted", 5), ("draft", 4),
                   ("returned", 3), ("not_started", 2), ("exempted", 1)]
STATUS_MIX_2022 = [("accepted", 85), ("published", 15)]
WITH_VERSION = {"submitted", "under_review", "returned", "accepted", "published"}


def seed(units: int, departments: int, seed_value: int = 2025) -> dict[str, Any]:
    """Units, tasks, submissions and versions in the configured database; returns counts and timings."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from jixiao.services import evaluations as ev
    from jixiao.web.accounts.models import Unit
    from jixiao.web.demo import load_demo
    from jixiao.web.filing.models import Submission, SubmissionVersion, Task
    from jixiao.web.filing.ops import framework_for
    from jixiao.web.server import migrate

    started = time.perf_counter()
    migrate()
    load_demo()
    profile = get_user_model().objects.get(username="bureau").profile
    profile.scope_all = True
    profile.save(update_fields=["scope_all"])
    rng = random.Random(seed_value)
    framework = framework_for("lechang-2023")
    grades = sorted(((g.grade, g.min) for g in framework.grades), key=lambda g: -g[1])
    doc, score = base_score()
    now = timezone.now()
    with transaction.atomic():
        heads = Unit.objects.bulk_create(
            [Unit(code=f"D{i + 1:03d}", name=f"乐昌市{DEPARTMENTS[i % len(DEPARTMENTS)]}"
                  + (f"（{i // len(DEPARTMENTS) + 1}）" if i >= len(DEPARTMENTS) else ""), level="县级")
             for i in range(departments)]
        )
        subunits = Unit.objects.bulk_create(
            [Unit(code=f"{heads[i % departments].code}-{i // departments + 1:03d}",
                  name=f"{heads[i % departments].name}所属单位{i // departments + 1:03d}", level="县级",
                  department=heads[i % departments])
             for i in range(units - departments)]
        )
        every = heads + subunits
        tasks = {}
        for year in (2022, 2023):
            tasks[year] = Task.objects.create(
                name=f"{year}年度部门整体支出绩效自评（压测）", year=year, framework_id=framework.id,
                framework_version=framework.version, framework_sha256=framework.sha256,
                deadline=now + timedelta(days=30 if year == 2023 else -300), head_step=True,
            )
            Task.units.through.objects.bulk_create([Task.units.through(task=tasks[year], unit=u) for u in every])
    made = time.perf_counter()
    counts: dict[str, int] = {}
    for year, mix in ((2022, STATUS_MIX_2022), (2023, STATUS_MIX_2023)):
        statuses = [s for s, w in mix for _ in range(w)]
        with transaction.atomic():
            plan = []
            for unit in every:
                status = rng.choice(statuses)
                counts[f"{year}:{status}"] = counts.get(f"{year}:{status}", 0) + 1
                new_doc = new_score = findings = None
                if status != "not_started" and status != "exempted":
                    new_doc, new_score, findings = varied(rng, doc, score, grades, unit.name, year)
                plan.append((unit, status, new_doc, new_score, findings))
            subs = Submission.objects.bulk_create(
                [Submission(task=tasks[year], unit=u, status="not_started" if s in WITH_VERSION else s,
                            lock_version=3 if d else 0, evaluation=d,
                            evaluation_sha256=ev.evaluation_sha256(d) if d else "",
                            total=Decimal(str(sc["total"])) if sc else None, grade=sc["grade"] if sc else "",
                            updated_at=now)
                 for u, s, d, sc, _ in plan],
                batch_size=1000,
            )
            versions = SubmissionVersion.objects.bulk_create(
                [SubmissionVersion(submission=sub, number=1, lock_version=3, evaluation=d,
                                   evaluation_sha256=sub.evaluation_sha256, score=sc, framework_id=framework.id,
                                   framework_sha256=framework.sha256,
                                   files={"report.docx": "0" * 64, "tables.xlsx": "0" * 64}, findings=f)
                 for sub, (_, s, d, sc, f) in zip(subs, plan, strict=True) if s in WITH_VERSION],
                batch_size=500,
            )
            by_sub = {v.submission_id: v for v in versions}
            for sub, (_, status, *_rest) in zip(subs, plan, strict=True):
                if status in WITH_VERSION:
                    sub.status = status
                    sub.accepted_version = by_sub[sub.pk] if status in ("accepted", "published") else None
                    sub.published_at = now if status == "published" else None
            Submission.objects.bulk_update(
                [s for s in subs if s.pk in by_sub], ["status", "accepted_version", "published_at"], batch_size=1000
            )
    return {"units": len(every), "departments": departments, "seconds_units_tasks": made - started,
            "seconds_total": time.perf_counter() - started, "counts": counts,
            "versions": SubmissionVersion.objects.count()}


def dashboard_timings() -> dict[str, float]:
    """First dashboard computation (digests made) and a recomputation with an empty cache."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from jixiao.web.dashboard import ops

    bureau = get_user_model().objects.get(username="bureau")
    out = {}
    for name in ("first_ms", "cold_cache_ms", "cached_ms"):
        if name != "cached_ms":
            cache.clear()
        start = time.perf_counter()
        board = ops.dashboard(bureau, YEAR)
        out[name] = (time.perf_counter() - start) * 1000
    out["units"] = board.units
    out["official"] = board.official
    out["flagged"] = board.chart("execution").extra["flagged"]
    return out


def inside(command: str, units: int, departments: int) -> None:
    """The parts that run in a Django process (``python bench/bureau.py _seed|_timings``)."""
    sys.path.insert(0, str(ROOT / "src"))
    from jixiao.web.server import setup

    setup()
    result: dict[str, Any] = seed(units, departments) if command == "_seed" else dashboard_timings()
    print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False))


# =========================================================================== the server and the clients


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def psql(url: str, sql: str) -> None:
    host = re.sub(r"^postgres(ql)?://", "", url).split("/")[0]
    user, _, hostport = host.rpartition("@")
    hostname, _, port = hostport.partition(":")
    command = ["psql", "-h", hostname, "-p", port or "5432", "-U", user or "postgres", "-v", "ON_ERROR_STOP=1",
               "-qc", sql]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode:
        sys.exit(f"psql {sql!r}: {done.stderr.strip()}")


def run_inside(env: dict[str, str], command: str, args: argparse.Namespace) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, command, "--units", str(args.units), "--departments",
                           str(args.departments)], env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        sys.exit(f"{command} failed:\n{done.stderr[-4000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH-RESULT "))
    return json.loads(line.removeprefix("BENCH-RESULT "))


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None,
            timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def cookies_of(headers: list[tuple[str, str]]) -> dict[str, str]:
    out = {}
    for key, value in headers:
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            out[name.strip()] = rest.split(";")[0]
    return out


def login(port: int, username: str, password: str) -> dict[str, str]:
    """Log in through the form; the cookies (sessionid, csrftoken)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/login/")
        answer = conn.getresponse()
        page = answer.read().decode()
        cookies = cookies_of(answer.getheaders())
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)})
        conn.request("POST", "/login/", body=body.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://{HOST}:{port}/login/"})
        answer = conn.getresponse()
        answer.read()
        cookies.update(cookies_of(answer.getheaders()))
        if answer.status != 302 or "sessionid" not in cookies:
            sys.exit(f"login as {username} failed: {answer.status}")
        return cookies
    finally:
        conn.close()


@contextlib.contextmanager
def server(env: dict[str, str], kind: str, workers: int, log: Path) -> Iterator[int]:
    port = free_port()
    procs = []
    with log.open("wb") as out:
        if kind == "gunicorn":
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "jixiao.web.wsgi:application", "-b", f"{HOST}:{port}", "-w",
                 str(workers), "-k", "gthread", "--threads", "4", "--log-level", "warning"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "jixiao.web.manage", "db_worker", "--queue-name", "*", "--interval", "0.5"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        else:
            code = f"from jixiao.web.server import serve; serve('{HOST}:{port}', True)"
            procs.append(subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True))
    try:
        deadline = time.monotonic() + 90
        while True:
            if any(p.poll() is not None for p in procs):
                sys.exit(f"the server stopped:\n{log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(OSError):
                if request(port, "GET", "/healthz", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                sys.exit("the server did not answer /healthz within 90 s")
            time.sleep(0.3)
        yield port
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@dataclass
class Run:
    name: str
    times: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    size: int = 0

    def pct(self, p: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    def rate(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def load(port: int, name: str, path: str, headers: dict[str, str], clients: int, warmup: float, seconds: float,
         pace: float) -> Run:
    """``clients`` threads GET ``path`` back to back (or every ``pace`` s); times of the counted part."""
    run = Run(name)
    lock = threading.Lock()
    gate = threading.Barrier(clients + 1)
    bounds: dict[str, float] = {}

    def worker(offset: float) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        mine: list[float] = []
        errors: dict[str, int] = {}
        gate.wait()
        time.sleep(offset)
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            now = time.perf_counter()
            if now >= bounds["end"]:
                break
            try:
                conn.request("GET", path, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                ms = (time.perf_counter() - now) * 1000
                if answer.status != 200:
                    errors[str(answer.status)] = errors.get(str(answer.status), 0) + 1
                elif now >= bounds["counted"]:
                    mine.append(ms)
                    run.size = len(data)
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            if pace:
                time.sleep(max(0.0, pace - (time.perf_counter() - now)))
        conn.close()
        with lock:
            run.times.extend(mine)
            for k, v in errors.items():
                run.errors[k] = run.errors.get(k, 0) + v

    threads = [threading.Thread(target=worker, args=(pace * i / clients,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    bounds.update(counted=start + warmup, end=start + warmup + seconds)
    gate.wait()
    for t in threads:
        t.join(timeout=warmup + seconds + 120)
    run.seconds = time.perf_counter() - bounds["counted"]
    print(f"  {name:10} {len(run.times):6d} in {run.seconds:5.1f} s = {run.rate():6.1f}/s  p50 {run.pct(50):7.1f} ms  "
          f"p95 {run.pct(95):7.1f} ms  p99 {run.pct(99):7.1f} ms  {run.size / 1024:6.1f} KiB  errors {run.errors or 0}")
    return run


def export_summary(port: int, cookies: dict[str, str], year: int) -> tuple[float, int, int]:
    """POST the 汇总表, poll its row until done; (seconds on the client, rows, bytes)."""
    headers = {"Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
               "X-CSRFToken": cookies["csrftoken"], "Referer": f"http://{HOST}:{port}/dashboard/exports/",
               "Content-Type": "application/x-www-form-urlencoded"}
    start = time.perf_counter()
    status, _, _ = request(port, "POST", "/dashboard/exports/", headers,
                                urlencode({"kind": "summary", "year": year}).encode())
    if status != 302:
        sys.exit(f"POST /dashboard/exports/: {status}")
    _, _, page = request(port, "GET", "/dashboard/exports/", headers)
    export_id = int(re.search(rb'id="export-(\d+)"', page).group(1))  # type: ignore[union-attr]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        _, _, row = request(port, "GET", f"/dashboard/exports/{export_id}/row", headers)
        state = re.search(rb'data-status="(\w+)"', row).group(1).decode()  # type: ignore[union-attr]
        if state == "done":
            break
        if state == "failed":
            sys.exit(f"the export failed: {row.decode()[:2000]}")
        time.sleep(0.2)
    else:
        sys.exit("the export did not finish within 300 s")
    seconds = time.perf_counter() - start
    status, _, data = request(port, "GET", f"/dashboard/exports/{export_id}/file", headers, timeout=120)
    if status != 200:
        sys.exit(f"download of the export: {status}")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(data), read_only=True).worksheets[0]
    rows = sum(1 for _ in sheet.iter_rows(min_row=5, values_only=True))
    return seconds, rows, len(data)


def build_seconds(env: dict[str, str]) -> float:
    code = ("from jixiao.web.server import setup; setup(); from jixiao.web.dashboard.models import Export; "
            "e = Export.objects.latest('id'); print('BENCH-RESULT', (e.finished_at - e.started_at).total_seconds())")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return float(done.stdout.split("BENCH-RESULT")[-1].strip())


# =========================================================================== main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="bureau pages and 汇总表 over 5,000 units (PostgreSQL)")
    parser.add_argument("command", nargs="?", default="run", choices=["run", "_seed", "_timings"])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--pace", type=float, default=0.0,
                        help="seconds between one client's requests; 0 = back to back")
    parser.add_argument("--server", choices=["serve", "gunicorn"], default="serve")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default="jixiao_bench5k")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it when seeded)")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is (no seeding)")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600 or not 50 <= args.units <= 100_000:
        parser.error("--clients 1..500, --seconds up to 600, --units 50..100000")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command != "run":
        inside(args.command, args.units, args.departments)
        return 0
    pace = f"one request per {args.pace:g} s each" if args.pace else "back to back"
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {args.units} units, {args.clients} clients "
          f"({pace}), {args.warmup:g} s warm-up + {args.seconds:g} s counted, server {args.server}"
          + (f" ({args.workers} workers)" if args.server == "gunicorn" else ""))
    url = f"{args.pg_url.rstrip('/')}/{args.pg_db}"
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-bureau-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_"))}
        env.update(JIXIAO_HOME=tmp, JIXIAO_DATABASE_URL=url, JIXIAO_DB_POOL="1", PYTHONPATH=str(ROOT / "src"))
        if not args.reuse:
            psql(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_db}")
            psql(args.pg_url, f"CREATE DATABASE {args.pg_db}")
        try:
            if not args.reuse:
                seeded = run_inside(env, "_seed", args)
                print(f"seeded {seeded['units']} units under {seeded['departments']} 主管部门, "
                      f"{seeded['versions']} versions in {seeded['seconds_total']:.1f} s; statuses {seeded['counts']}")
                figures["seed_s"] = seeded["seconds_total"]
            timings = run_inside(env, "_timings", args)
            print(f"dashboard (in process): first {timings['first_ms']:.0f} ms (digests made), empty cache "
                  f"{timings['cold_cache_ms']:.0f} ms, cached {timings['cached_ms']:.1f} ms; "
                  f"{timings['units']} units, {timings['official']} accepted/published, {timings['flagged']} flagged")
            figures.update(dash_first_ms=timings["first_ms"], dash_cold_ms=timings["cold_cache_ms"],
                           dash_cached_ms=timings["cached_ms"])
            with server(env, args.server, args.workers, Path(tmp) / "server.log") as port:
                cookies = login(port, "bureau", "demo-pass-2025")
                headers = {"Cookie": f"sessionid={cookies['sessionid']}"}
                status, _, page = request(port, "GET", DASHBOARD, headers, timeout=120)
                assert status == 200 and "统计驾驶舱" in page.decode(), status
                runs = {"healthz": load(port, "healthz", "/healthz", {}, args.clients, args.warmup, args.seconds,
                                        args.pace)}
                runs["dashboard"] = load(port, "dashboard", DASHBOARD, headers, args.clients, args.warmup,
                                         args.seconds, args.pace)
                progress_status = request(port, "GET", PROGRESS, headers, timeout=120)[0]
                if progress_status == 200:
                    runs["progress"] = load(port, "progress", PROGRESS, headers, args.clients,
                                            args.warmup, args.seconds, args.pace)
                else:
                    print(f"  progress   not measured: GET {PROGRESS} answered {progress_status} "
                          "(bureau:progress does not exist yet)")
                seconds, rows, size = export_summary(port, cookies, YEAR)
                worker_seconds = build_seconds(env)
                print(f"  汇总表 2023: {rows} units, {size / 1024:.0f} KiB, {seconds:.1f} s from POST to done "
                      f"(worker build {worker_seconds:.1f} s)")
        finally:
            if not args.keep:
                psql(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_db}")
    base = runs["healthz"].pct(95)
    for name, run in runs.items():
        figures[f"{name}_p50_ms"] = run.pct(50)
        figures[f"{name}_p95_ms"] = run.pct(95)
        figures[f"{name}_per_s"] = run.rate()
        figures[f"{name}_errors"] = sum(run.errors.values())
        if name != "healthz":
            verdict = "met" if run.pct(95) < GOAL_PAGE_P95_MS else "NOT met"
            print(f"{name}: p95 {run.pct(95):.1f} ms, {run.pct(95) / base:.1f}× healthz; goal p95 < "
                  f"{GOAL_PAGE_P95_MS:g} ms {verdict}")
            figures[f"{name}_vs_healthz_p95"] = run.pct(95) / base
    figures.update(export_s=seconds, export_worker_s=worker_seconds, export_rows=rows)
    print(f"汇总表: {seconds:.1f} s; goal < {GOAL_EXPORT_S:g} s {'met' if seconds < GOAL_EXPORT_S else 'NOT met'}")
    units = {"_ms": "ms", "_s": "s", "_per_s": "requests/s", "_errors": "errors", "_rows": "rows", "_p95": "×"}
    for name, value in figures.items():
        unit = next((u for suffix, u in sorted(units.items(), key=lambda x: -len(x[0])) if name.endswith(suffix)), "")
        print(f"bench: bureau_{name} {value:.1f} {unit}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
