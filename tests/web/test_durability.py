"""Durability of acknowledged saves: a server killed with SIGKILL keeps every save it answered 200.

The server runs as in production's embedded mode (``jixiao.web.server.serve``: SQLite under a
temporary ``JIXIAO_HOME``, waitress, a ``db_worker`` child) in its own process group. One client
streams ``PUT /api/submissions/{id}/evaluation`` saves, each with ``text.other`` set to a counter and
``If-Match`` set to the version the previous save returned, for about three seconds; then the whole
group gets SIGKILL (no shutdown, no checkpoint), the server is started again on the same data
folder, and ``GET /api/submissions/{id}`` must return the last acknowledged save: its ``text.other``
and its version. A save sent but not answered when the kill came may or may not have landed; the
version then tells which, and the test accepts exactly the last acknowledged one or that one plus
the single in-flight save (the kill comes at a random moment within about one save's time after it
is sent).

An external-process test: it does not use pytest-django's database (no ``db`` fixture).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lechang-2023.yaml"
HOST = "127.0.0.1"
STREAM_SECONDS = 3.0
READY_WITHIN = 25.0  # seconds for /healthz to answer after a start (migrations run on the first)
MAX_SAVES = 100_000  # a bound on the save loop besides the clock


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(home: Path) -> dict[str, str]:
    """The server's environment: the test run's, without its Django settings, data folder or inline jobs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_"))}
    env["JIXIAO_HOME"] = str(home)
    return env


def request(port: int, method: str, path: str, token: str = "", body: Any = None,
            headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=sent)
        answer = conn.getresponse()
        raw = answer.read()
        try:
            return answer.status, json.loads(raw)
        except ValueError:
            return answer.status, raw
    finally:
        conn.close()


class Server:
    """``serve('127.0.0.1:PORT', True)`` as a subprocess in a new session (its worker joins the group)."""

    def __init__(self, home: Path, port: int) -> None:
        self.home, self.port = home, port
        self.log = home / f"server-{time.monotonic_ns()}.log"
        code = f"from jixiao.web.server import serve; serve('{HOST}:{port}', True)"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-c", code], env=server_env(home), stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def wait_ready(self, within: float = READY_WITHIN) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the server stopped (exit {self.proc.returncode}):\n{self.output()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if request(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                    return
            time.sleep(0.1)
        pytest.fail(f"the server did not answer /healthz within {within:.0f} s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL to the whole process group (server and db_worker); safe to call twice."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def servers() -> Iterator[list[Server]]:
    """Every server started in the block is killed at its end, whatever happens."""
    started: list[Server] = []
    try:
        yield started
    finally:
        for server in started:
            server.kill()


def token_for(home: Path, username: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"from jixiao.web.server import token; print(token({username!r}))"],
        env=server_env(home), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def example_doc() -> dict[str, Any]:
    """examples/lechang-2023.yaml as the JSON a script sends (dates as strings, numbers as numbers)."""
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.loads(json.dumps(doc, default=str, ensure_ascii=False))


def test_acknowledged_saves_survive_sigkill(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    doc = example_doc()
    with servers() as started:
        started.append(Server(home, port))
        started[0].wait_ready()
        token = token_for(home, "lechang-filler")
        status, rows = request(port, "GET", "/api/submissions", token)
        assert status == 200, rows
        (sid,) = [row["id"] for row in rows if row["unit"] == "lechang"]
        status, current = request(port, "GET", f"/api/submissions/{sid}", token)
        assert status == 200, current
        version = int(current["version"])

        acknowledged: tuple[int, str] | None = None  # (version, text.other) of the last 200
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        began = time.monotonic()
        stop_at = began + STREAM_SECONDS
        for counter in range(1, MAX_SAVES + 1):
            if time.monotonic() >= stop_at:
                break
            other = f"durability {counter}"
            body = json.dumps({**doc, "text": {**doc["text"], "other": other}}, ensure_ascii=False).encode()
            conn.request("PUT", f"/api/submissions/{sid}/evaluation", body=body, headers={
                "Authorization": f"Bearer {token}", "If-Match": str(version), "Content-Type": "application/json"})
            answer = conn.getresponse()
            raw = answer.read()
            assert answer.status == 200, (answer.status, raw[:500])
            version = int(json.loads(raw)["version"])
            acknowledged = (version, other)
        # one more save sent but not waited for: the kill lands at a random point of its handling
        mean_save = (time.monotonic() - began) / max(1, counter - 1)
        in_flight = f"durability {counter}"
        body = json.dumps({**doc, "text": {**doc["text"], "other": in_flight}}, ensure_ascii=False).encode()
        conn.request("PUT", f"/api/submissions/{sid}/evaluation", body=body, headers={
            "Authorization": f"Bearer {token}", "If-Match": str(version), "Content-Type": "application/json"})
        time.sleep(random.uniform(0, 1.5 * mean_save))
        started[0].kill()
        conn.close()
        assert acknowledged is not None and acknowledged[0] >= 10, f"too few saves acknowledged: {acknowledged}"

        started.append(Server(home, port))
        started[1].wait_ready()
        status, after = request(port, "GET", f"/api/submissions/{sid}", token)
        assert status == 200, after
        got = (int(after["version"]), (after["evaluation"].get("text") or {}).get("other"))
        assert got in (acknowledged, (acknowledged[0] + 1, in_flight)), (
            f"after SIGKILL and restart the submission is at {got}; the last acknowledged save was {acknowledged}"
        )
