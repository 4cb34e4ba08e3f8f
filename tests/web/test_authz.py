"""Authorization matrix: every page and API route x every role x own / other unit's submission.

Roles: anonymous, lechang-filler, lechang-head, bureau (reviewer of every unit), admin, and a reviewer
whose scope is only lianjiang ("scoped"). Targets: "own" is lechang's submission, "other" lianjiang's,
both filled with their example (a clean draft). Expected: anonymous is sent to /login/ (pages) or
answered 401 (API) except on public routes; a submission the role may not see is 404 on every route,
and no body ever names a unit the role may not see; a role the workflow forbids gets 403 (pages show
the refusal as a message and change nothing), a state the workflow forbids 409. Sessions
(force_login) drive the pages, Bearer tokens the API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .conftest import example_json, submission_id

pytestmark = pytest.mark.django_db(transaction=False)

NAMES = {"lechang": "乐昌市人民政府办公室", "lianjiang": "廉江市人民政府办公室", "zhanjiang": "中共湛江市委办公室"}
EXAMPLES = {"lechang": "lechang-2023", "lianjiang": "lianjiang-2024"}
TARGETS = {"own": "lechang", "other": "lianjiang"}
ROLES = {"anonymous": None, "lechang-filler": "filler", "lechang-head": "head", "bureau": "reviewer",
         "admin": "admin", "scoped": "reviewer"}
SEES = {"anonymous": set(), "lechang-filler": {"lechang"}, "lechang-head": {"lechang"},
        "bureau": set(NAMES), "admin": set(NAMES), "scoped": {"lianjiang"}}
SCOPED = "lianjiang-reviewer"


def every(status: int) -> dict[str, int]:
    return {"filler": status, "head": status, "reviewer": status, "admin": status}


FILLER_ONLY = {"filler": 200, "head": 403, "reviewer": 403, "admin": 403}
BUREAU_ONLY = {"filler": 403, "head": 403, "reviewer": 200, "admin": 200}
PUBLIC = {**every(200), "anonymous": 200}
# On a clean draft: what each role's action answers through the API.
ACTIONS = {
    "submit": {"filler": 200, "head": 403, "reviewer": 403, "admin": 403},
    "approve": {"filler": 403, "head": 409, "reviewer": 403, "admin": 403},
    "withdraw": {"filler": 409, "head": 409, "reviewer": 403, "admin": 403},
    "start_review": {"filler": 403, "head": 403, "reviewer": 409, "admin": 409},
    "reopen": {"filler": 403, "head": 403, "reviewer": 403, "admin": 409},
}


@dataclass(frozen=True)
class Route:
    kind: str  # "page" (login required), "api" (token required) or "open" (public page or API)
    method: str
    path: str
    status: dict[str, int]  # by role, when the target (if any) is visible
    changes: dict[str, bool] | None = None  # by role: whether the submission moves (mutating routes)
    data: dict[str, Any] | None = None


ROUTES: dict[str, Route] = {
    "home": Route("page", "GET", "/", every(200)),
    "profile": Route("page", "GET", "/me/", every(200)),
    "profile-token": Route("page", "POST", "/me/", every(200), data={"label": "t"}),
    "logout": Route("open", "POST", "/logout/", {**every(302), "anonymous": 302}),
    "healthz": Route("open", "GET", "/healthz", PUBLIC),
    "login": Route("open", "GET", "/login/", PUBLIC),
    "public": Route("open", "GET", "/public/", PUBLIC),
    "public-verify": Route("open", "GET", "/public/verify", PUBLIC),
    "public-verify-post": Route("open", "POST", "/public/verify", PUBLIC, data={"sha256": "0" * 64}),
    "public-file-missing": Route("open", "GET", "/public/files/999999/x.docx", {**every(404), "anonymous": 404}),
    "page-view": Route("page", "GET", "/s/{id}/", every(200)),
    "page-save": Route("page", "POST", "/s/{id}/save", every(200), {r: r == "filler" for r in FILLER_ONLY}),
    "page-xlsx": Route("page", "GET", "/s/{id}/files/tables.xlsx", every(200)),
    "page-pdf": Route("page", "GET", "/s/{id}/pdf", every(200)),
    "page-pdf-retry": Route("page", "POST", "/s/{id}/pdf", every(200)),
    "page-preview": Route("page", "GET", "/s/{id}/preview", every(200)),
    **{f"page-act-{a}": Route("page", "POST", "/s/{id}/action", every(302), {r: s == 200 for r, s in m.items()},
                              {"action": a, "comment": "原因"}) for a, m in ACTIONS.items()},
    "api-me": Route("api", "GET", "/api/me", every(200)),
    "api-list": Route("api", "GET", "/api/submissions", every(200)),
    "api-audits": Route("api", "POST", "/api/audits", BUREAU_ONLY),
    "api-openapi": Route("open", "GET", "/api/openapi.json", PUBLIC),
    "api-docs": Route("open", "GET", "/api/docs", PUBLIC),
    "api-public-reports": Route("open", "GET", "/api/public/reports", PUBLIC),
    "api-public-verify": Route("open", "POST", "/api/public/verify", PUBLIC, data={"sha256": "0" * 64}),
    "api-detail": Route("api", "GET", "/api/submissions/{id}", every(200)),
    "api-score": Route("api", "GET", "/api/submissions/{id}/score", every(200)),
    "api-xlsx": Route("api", "GET", "/api/submissions/{id}/files/tables.xlsx", every(200)),
    "api-pdf": Route("api", "GET", "/api/submissions/{id}/files/report.pdf", every(202)),
    "api-file-unknown": Route("api", "GET", "/api/submissions/{id}/files/secret.txt", every(404)),
    "api-put": Route("api", "PUT", "/api/submissions/{id}/evaluation", FILLER_ONLY,
                     {r: r == "filler" for r in FILLER_ONLY}),
    **{f"api-act-{a}": Route("api", "POST", "/api/submissions/{id}/actions", m, {r: s == 200 for r, s in m.items()},
                             {"action": a, "comment": "原因"}) for a, m in ACTIONS.items()},
}


@dataclass(frozen=True)
class Case:
    route: str
    role: str
    target: str | None  # "own", "other" or None for routes without a submission

    @property
    def id(self) -> str:
        return f"{self.route}-{self.role}" + (f"-{self.target}" if self.target else "")

    def expected(self) -> tuple[int, bool]:
        """(status, whether the submission moves)."""
        route, kind = ROUTES[self.route], ROLES[self.role]
        if kind is None and route.kind != "open":
            return (302 if route.kind == "page" else 401), False
        if self.target and TARGETS[self.target] not in SEES[self.role]:
            return 404, False
        status = route.status[kind or "anonymous"]
        return status, bool(route.changes and route.changes[kind])


CASES = [Case(name, role, target) for name, route in ROUTES.items() for role in ROLES
         for target in (("own", "other") if "{id}" in route.path else (None,))]
KNOWN_BUGS: dict[str, str] = {}  # case id -> what is wrong (xfail, strict)


def params(cases: list[Case]) -> list[Any]:
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c.id])]
                         if c.id in KNOWN_BUGS else []) for c in cases]


@pytest.fixture
def world(demo: Any) -> dict[str, int]:
    """The demo, a reviewer scoped to lianjiang only, and both submissions filled as clean drafts."""
    from django.contrib.auth import get_user_model

    from jixiao.web.accounts.models import Profile, Unit
    from jixiao.web.filing import ops
    from jixiao.web.filing.models import Submission

    user = get_user_model().objects.create_user(SCOPED, password="x")
    Profile.objects.create(user=user, role="reviewer").scope.add(Unit.objects.get(code="lianjiang"))
    ids = {}
    for target, code in TARGETS.items():
        sub = Submission.objects.get(unit__code=code)
        filler = get_user_model().objects.get(username=f"{code}-filler")
        assert not ops.errors_of(ops.save(filler, sub, example_json(EXAMPLES[code]), 0).scored)
        ids[target] = submission_id(code)
    return ids


def version_of(sid: int) -> int:
    from jixiao.web.filing.models import Submission

    return Submission.objects.get(pk=sid).lock_version


def call(case: Case, ids: dict[str, int]) -> Any:
    """Send the case's request as its role: a session for pages, a Bearer token for the API."""
    from django.contrib.auth import get_user_model

    from jixiao.web.accounts.models import ApiToken

    route = ROUTES[case.route]
    client, headers = Client(raise_request_exception=False), {}
    if case.role != "anonymous":
        user = get_user_model().objects.get(username=SCOPED if case.role == "scoped" else case.role)
        if route.path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {ApiToken.issue(user)}"
        else:
            client.force_login(user)
    sid = ids[case.target] if case.target else 0
    path, data = route.path.format(id=sid), dict(route.data or {})
    if case.route == "page-save" or case.route.startswith("page-act-"):
        data["_version"] = version_of(sid)
    if case.route == "api-audits":
        data["file"] = SimpleUploadedFile("report.txt", "乐昌市2023年度部门整体支出绩效自评报告".encode())
    if route.method == "GET":
        return client.get(path, headers=headers)
    if route.method == "PUT":
        doc = example_json(EXAMPLES[TARGETS[case.target or "own"]])
        return client.put(path, json.dumps(doc, ensure_ascii=False), content_type="application/json",
                          headers={**headers, "If-Match": str(version_of(sid))})
    if case.route.startswith("api-act-"):
        return client.post(path, json.dumps(data, ensure_ascii=False), content_type="application/json",
                           headers=headers)
    return client.post(path, data, headers=headers)


def leaks(case: Case, response: Any) -> list[str]:
    """Names of units the role may not see that the response body carries."""
    if getattr(response, "streaming", False):
        return []
    body = response.content.decode("utf-8", "replace")
    return [code for code, name in NAMES.items()
            if code not in SEES[case.role] and (name in body or json.dumps(name)[1:-1] in body)]


@pytest.mark.parametrize("case", params(CASES))
def test_route_role_unit(world: dict[str, int], case: Case) -> None:
    status, moves = case.expected()
    before = {t: version_of(sid) for t, sid in world.items()}
    response = call(case, world)
    assert response.status_code == status, response.content[:300]
    if status == 302:
        where = "/login/" if case.role == "anonymous" or case.route == "logout" else f"/s/{world[case.target]}/"
        assert response["Location"].startswith(where)
    assert not leaks(case, response)
    after = {t: version_of(sid) for t, sid in world.items()}
    moved = {t for t in before if after[t] != before[t]}
    assert moved == ({case.target} if moves else set()), f"moved: {moved}"


def test_no_leak_in_any_case(world: dict[str, int]) -> None:
    """One pass over every request a role makes on a submission it may not see: zero leaks in total."""
    hidden = [c for c in CASES if c.target and c.role != "anonymous" and TARGETS[c.target] not in SEES[c.role]]
    assert len(hidden) == 3 * sum(1 for r in ROUTES.values() if "{id}" in r.path)
    found = [(c.id, leaks(c, call(c, world))) for c in hidden]
    assert sum(len(names) for _, names in found) == 0, [f for f in found if f[1]]
    control = call(Case("api-list", "bureau", None), world)  # the detector does see names where they are
    assert leaks(Case("api-list", "lechang-filler", None), control) == ["lianjiang", "zhanjiang"]


def test_hidden_and_missing_answer_alike(world: dict[str, int]) -> None:
    """A submission that exists but is hidden answers exactly as an id that does not exist."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="lechang-filler"))
    for path in ("/s/{}/", "/api/submissions/{}"):
        hidden, missing = client.get(path.format(world["other"])), client.get(path.format(999999))
        assert hidden.status_code == missing.status_code == 404
        pairs = ((hidden, world["other"]), (missing, 999999))
        text = [re.sub(rf"\b{n}\b", "N", r.content.decode()) for r, n in pairs]
        assert text[0] == text[1]


def test_no_get_answers_500(world: dict[str, int]) -> None:
    """Every GET a role may make on what it can see answers something other than 500."""
    gets = [c for c in CASES if ROUTES[c.route].method == "GET" and (not c.target or TARGETS[c.target] in SEES[c.role])]
    errors = [(c.id, r.status_code) for c in gets if (r := call(c, world)).status_code >= 500]
    assert errors == []
