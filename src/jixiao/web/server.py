"""``jixiao serve``: migrate, load the demo data when asked, start a job worker, serve with waitress.

Embedded defaults: SQLite under JIXIAO_HOME, one background worker process for PDF jobs, waitress
(pure Python, also on Windows). Production runs gunicorn and ``db_worker`` units instead
(docs/deployment.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable


def setup(allowed_host: str = "") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    if allowed_host and "JIXIAO_ALLOWED_HOSTS" not in os.environ:
        hosts = {"localhost", "127.0.0.1", "[::1]", allowed_host}
        os.environ["JIXIAO_ALLOWED_HOSTS"] = ",".join(sorted(hosts)) if allowed_host not in ("0.0.0.0", "::") else "*"
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def parse_addr(addr: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8000`` for IPv6); ValueError with a Chinese message otherwise."""
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"地址“{addr}”应为 主机:端口，如 127.0.0.1:8000")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def start_worker() -> subprocess.Popen[bytes]:
    """One ``db_worker`` for all queues, in its own process (LibreOffice conversions run there)."""
    command = [sys.executable, "-m", "jixiao.web.manage", "db_worker", "--queue-name", "*", "--interval", "0.5"]
    return subprocess.Popen(command, env=os.environ.copy())


def serve(addr: str, demo: bool, say: Callable[[str], None] = print) -> None:
    host, port = parse_addr(addr)
    setup(host)
    migrate()
    from django.conf import settings

    if demo:
        from .demo import DEMO_PASSWORD, load_demo

        accounts = load_demo()
        say("演示账户（密码均为 " + DEMO_PASSWORD + "）：")
        for username, role in accounts:
            say(f"  {username:<20} {role}")
    from datetime import timedelta

    from .filing.ops import reap_stalled

    reap_stalled(timedelta(0))  # this process starts the only worker: whatever was running was interrupted
    worker = start_worker()
    shown = f"[{host}]" if ":" in host else host
    say(f"数据目录：{settings.HOME}")
    say(f"数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    say(f"jixiao 已启动：http://{shown}:{port}/   （按 Ctrl+C 停止）")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        from waitress import serve as waitress_serve

        from .wsgi import application

        waitress_serve(application, host=host, port=port, threads=8, ident="jixiao", _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def token(username: str) -> str:
    """A new API token for ``username``; LookupError with a Chinese message when there is no such user."""
    setup()
    migrate()
    from django.contrib.auth import get_user_model

    from .accounts.models import ApiToken

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"没有名为“{username}”的用户")
    return ApiToken.issue(user, "命令行生成")
