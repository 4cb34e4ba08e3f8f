"""JIXIAO_HTTPS=1 (behind nginx with TLS): redirect to HTTPS, secure cookies, HSTS, the proxy's headers trusted.

Settings are read once per process, so each case runs the application in a fresh ``manage shell``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PROBE = """
import json
from django.conf import settings
from django.test import Client, RequestFactory
from axes.helpers import get_client_ip_address
c = Client()
plain = c.get("/login/")
proxied = c.get("/login/", headers={"X-Forwarded-Proto": "https"})
health = c.get("/healthz")
request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
print("RESULT " + json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location", "")],
    "proxied": proxied.status_code,
    "hsts": proxied.headers.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(proxied.cookies["csrftoken"]["secure"]) if "csrftoken" in proxied.cookies else None,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "health": health.status_code,
    "ip": get_client_ip_address(request),
}))
"""


def _probe(tmp_path: Path, https: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="jixiao.web.settings",
        JIXIAO_HOME=str(tmp_path / ("https" if https else "http")),
        JIXIAO_ALLOWED_HOSTS="testserver",
        JIXIAO_SECRET_KEY="x" * 50,
        **({"JIXIAO_HTTPS": "1"} if https else {}),
    )
    command = [sys.executable, "-m", "jixiao.web.manage", "shell", "-c", PROBE]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def test_https_switch_turns_on_redirect_secure_cookies_hsts_and_proxy_headers(tmp_path: Path) -> None:
    on = _probe(tmp_path, https=True)
    assert on["plain"] == [301, "https://testserver/login/"]
    assert on["proxied"] == 200
    assert on["hsts"] == "max-age=3600"
    assert on["csrf_cookie_secure"] is True and on["session_cookie_secure"] is True
    assert on["health"] == 200  # load-balancer probes stay on plain HTTP
    assert on["ip"] == "203.0.113.7"  # the entry nginx added, not one the client forged


def test_without_the_switch_nothing_changes(tmp_path: Path) -> None:
    off = _probe(tmp_path, https=False)
    assert off["plain"] == [200, ""]
    assert off["hsts"] == "" and off["session_cookie_secure"] is False
    assert off["ip"] == "127.0.0.1"
