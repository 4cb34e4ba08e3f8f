"""Fixtures for the web tests: the demo database, API clients per account, the examples as JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from jixiao.web.accounts.models import ApiToken
from jixiao.web.demo import DEMO_PASSWORD, load_demo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CODES = {"lechang": "lechang-2023", "lianjiang": "lianjiang-2024", "zhanjiang": "zhanjiang-2020"}


def example_json(name: str) -> dict[str, Any]:
    """An example evaluation as the JSON a script would send (dates as strings)."""
    doc = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return json.loads(json.dumps(doc, default=str, ensure_ascii=False))


@pytest.fixture
def demo(db: Any) -> list[tuple[str, str]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    accounts = load_demo()
    get_user_model().objects.update(password=make_password(DEMO_PASSWORD))
    return accounts


class Api:
    """A bearer-token client for one account."""

    def __init__(self, username: str) -> None:
        from django.contrib.auth import get_user_model

        self.username = username
        self.token = ApiToken.issue(get_user_model().objects.get(username=username))
        self.client = Client()

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def put(self, path: str, body: Any, version: int | None) -> Any:
        headers = self._headers({"If-Match": str(version)} if version is not None else {})
        data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
        return self.client.put(path, data, content_type="application/json", headers=headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            path, json.dumps(body, ensure_ascii=False), content_type="application/json", headers=self._headers()
        )

    def act(self, sid: int, action: str, comment: str = "", comments: list[dict[str, str]] | None = None) -> Any:
        return self.post(
            f"/api/submissions/{sid}/actions", {"action": action, "comment": comment, "comments": comments or []}
        )


@pytest.fixture
def api(demo: Any) -> Any:
    cache: dict[str, Api] = {}

    def get(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(username)
        return cache[username]

    return get


def submission_id(code: str) -> int:
    from jixiao.web.filing.models import Submission

    return Submission.objects.get(unit__code=code).pk


# --------------------------------------------------------------------------- browser tests (Playwright)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"],
    }


@pytest.fixture
def site(live_server: Any, transactional_db: Any) -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from jixiao.web.demo import DEMO_PASSWORD, load_demo

    load_demo()
    get_user_model().objects.update(password=make_password(DEMO_PASSWORD))
    return str(live_server.url)
