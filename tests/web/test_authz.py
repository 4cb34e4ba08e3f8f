"""Authorization matrix: every route of the project x every role x own / other unit's object.

Roles: anonymous, lechang-filler, lechang-head, bureau (reviewer of every unit), admin, and a reviewer
whose scope is only lianjiang ("scoped"). Targets: "own" is lechang's object, "other" lianjiang's:
its submission (a clean draft, filled with its example), task, 填报说明 attachment; an audit batch and
an export belong to their creator instead ("own": bureau's, "other": scoped's). Expected: anonymous is
sent to /login/ (pages) or answered 401 (API) except on public routes; an object the role may not see
is 404 on every route that names it in its path, and no body ever names a unit the role may not see;
a role the workflow forbids gets 403 (the submission pages show the refusal as a message and change
nothing), a state the workflow forbids 409. The bureau's pages (/bureau/, /review/, /dashboard/) check
the role first: a filler or head gets 403 there even for an object it cannot see; only a task's
填报说明 and its attachments are open to the task's own units. The audit batches an admin sees are
everyone's; an export is seen by its creator only (an admin too). The operation log is admin-only.
Sessions (force_login) drive the pages, Bearer tokens the API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .conftest import example_json, submission_id

pytestmark = pytest.mark.django_db(transaction=False)

NAMES = {"lechang": "乐昌市人民政府办公室", "lianjiang": "廉江市人民政府办公室", "zhanjiang": "中共湛江市委办公室"}
EXAMPLES = {"lechang": "lechang-2023", "lianjiang": "lianjiang-2024"}
TARGETS = {"own": "lechang", "other": "lianjiang"}
SCOPED = "lianjiang-reviewer"
CREATORS = {"own": "bureau", "other": "scoped"}  # who made the target's audit batch and export
ROLES = {"anonymous": None, "lechang-filler": "filler", "lechang-head": "head", "bureau": "reviewer",
         "admin": "admin", "scoped": "reviewer"}
SEES = {"anonymous": set(), "lechang-filler": {"lechang"}, "lechang-head": {"lechang"},
        "bureau": set(NAMES), "admin": set(NAMES), "scoped": {"lianjiang"}}
REPORT = "乐昌市2023年度部门整体支出绩效自评报告"
PLACEHOLDER = re.compile(r"\{(sub|task|att|unit|batch|export)\}")


def every(status: int) -> dict[str, int]:
    return {"filler": status, "head": status, "reviewer": status, "admin": status}


def bureau(status: int) -> dict[str, int]:
    return {"filler": 403, "head": 403, "reviewer": status, "admin": status}


def admin_only(status: int) -> dict[str, int]:
    return {"filler": 403, "head": 403, "reviewer": 403, "admin": status}


FILLER_ONLY = {"filler": 200, "head": 403, "reviewer": 403, "admin": 403}
PUBLIC = {**every(200), "anonymous": 200}
BUREAU_MOVES = {"filler": False, "head": False, "reviewer": True, "admin": True}
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
    kind: str  # "page" (login), "bureau" (login, then role before object), "api" (token) or "open" (public)
    method: str
    path: str  # placeholders: {sub} {task} {att} {unit} {batch} {export} of the target
    status: dict[str, int]  # by role, when the target (if any) is visible
    changes: dict[str, bool] | None = None  # by role: whether the submission moves (mutating routes)
    data: dict[str, Any] | None = None  # "file": text sent as an upload; "{...}" placeholders as in path
    to: str = "/login/"  # where a 302 goes (anonymous always to /login/)
    hidden: int = 404  # the status when the target is named only in the body and hidden

    @property
    def text(self) -> str:
        return self.path + json.dumps(self.data or {})

    @property
    def owned(self) -> str:
        """What decides visibility: "batch" / "export" (creator), "unit" (lechang / lianjiang) or "" (none)."""
        found = set(PLACEHOLDER.findall(self.text))
        return next((k for k in ("batch", "export") if k in found), "unit" if found else "")


def task_form(unit: str) -> dict[str, Any]:
    return {"name": "抽查任务", "year": "2025", "framework_id": "lechang-2023", "units": unit,
            "deadline": "2099-12-31", "instructions": ""}


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
    "page-view": Route("page", "GET", "/s/{sub}/", every(200)),
    "page-save": Route("page", "POST", "/s/{sub}/save", every(200), {r: r == "filler" for r in FILLER_ONLY}),
    "page-import": Route("page", "POST", "/s/{sub}/import", every(302), to="/s/{sub}/"),
    "page-last-year": Route("page", "POST", "/s/{sub}/last-year", every(302), to="/s/{sub}/"),
    "page-xlsx": Route("page", "GET", "/s/{sub}/files/tables.xlsx", every(200)),
    "page-pdf": Route("page", "GET", "/s/{sub}/pdf", every(200)),
    "page-pdf-retry": Route("page", "POST", "/s/{sub}/pdf", every(200)),
    "page-preview": Route("page", "GET", "/s/{sub}/preview", every(200)),
    **{f"page-act-{a}": Route("page", "POST", "/s/{sub}/action", every(302), {r: s == 200 for r, s in m.items()},
                              {"action": a, "comment": "原因"}, to="/s/{sub}/") for a, m in ACTIONS.items()},
    # the bureau's pages
    "b-tasks": Route("bureau", "GET", "/bureau/tasks/", bureau(200)),
    "b-task-new": Route("bureau", "GET", "/bureau/tasks/new", bureau(200)),
    "b-task-create": Route("bureau", "POST", "/bureau/tasks/new", bureau(302), data=task_form("{unit}"),
                           to="/bureau/tasks/", hidden=200),
    "b-task": Route("bureau", "GET", "/bureau/tasks/{task}/", bureau(200)),
    "b-task-edit": Route("bureau", "GET", "/bureau/tasks/{task}/edit", bureau(200)),
    "b-task-save": Route("bureau", "POST", "/bureau/tasks/{task}/edit", bureau(200), data={"name": ""}),
    "b-task-info": Route("page", "GET", "/bureau/tasks/{task}/info", every(200)),
    "b-exempt": Route("bureau", "POST", "/bureau/tasks/{task}/s/{sub}/exempt", bureau(302), BUREAU_MOVES,
                      {"reason": "撤并"}, to="/bureau/tasks/{task}/"),
    "b-extend": Route("bureau", "POST", "/bureau/tasks/{task}/s/{sub}/extend", bureau(302),
                      data={"until": "2099-12-31", "reason": "因故"}, to="/bureau/tasks/{task}/"),
    "b-attachment": Route("page", "GET", "/bureau/attachments/{att}", every(200)),
    "b-tables": Route("bureau", "GET", "/bureau/tables/", bureau(200)),
    "b-table": Route("bureau", "GET", "/bureau/tables/mof-2013/", bureau(200)),
    "b-tables-upload": Route("bureau", "POST", "/bureau/tables/", bureau(200), data={"kind": "yaml"}),
    "b-units": Route("bureau", "GET", "/bureau/units/", bureau(200)),
    "b-units-import": Route("bureau", "POST", "/bureau/units/import", admin_only(200)),
    "b-users-import": Route("bureau", "POST", "/bureau/users/import", admin_only(200)),
    "b-scopes": Route("bureau", "GET", "/bureau/scopes/", admin_only(200)),
    "b-scopes-set": Route("bureau", "POST", "/bureau/scopes/", admin_only(302), data={"profile": "0"},
                          to="/bureau/scopes/"),
    "b-progress": Route("bureau", "GET", "/bureau/progress/", bureau(200)),
    "b-progress-task": Route("bureau", "GET", "/bureau/progress/?task={task}", bureau(200)),
    "b-remind": Route("bureau", "POST", "/bureau/progress/remind?task={task}", bureau(302),
                      to="/bureau/progress/?task={task}"),
    "b-progress-xlsx": Route("bureau", "GET", "/bureau/progress/export.xlsx?task={task}", bureau(200)),
    "r-queue": Route("bureau", "GET", "/review/", bureau(200)),
    "r-publish": Route("bureau", "POST", "/review/publish", bureau(200), data={"ids": "{sub}"}, hidden=200),
    "r-workspace": Route("bureau", "GET", "/review/{sub}/", bureau(200)),
    "r-act": Route("bureau", "POST", "/review/{sub}/act", bureau(302), data={"action": "start_review"},
                   to="/review/{sub}/"),
    "r-audits": Route("bureau", "GET", "/review/audits/", bureau(200)),
    "r-audit-upload": Route("bureau", "POST", "/review/audits/", bureau(302), data={"file": REPORT},
                            to="/review/audits/"),
    "r-audit": Route("bureau", "GET", "/review/audits/{batch}/", bureau(200)),
    "r-audit-progress": Route("bureau", "GET", "/review/audits/{batch}/progress", bureau(200)),
    "r-audit-retry": Route("bureau", "POST", "/review/audits/{batch}/retry", bureau(302),
                           to="/review/audits/{batch}/"),
    "r-audit-csv": Route("bureau", "GET", "/review/audits/{batch}/findings.csv", bureau(200)),
    "r-oplog": Route("bureau", "GET", "/review/oplog/", admin_only(200)),
    "r-oplog-xlsx": Route("bureau", "GET", "/review/oplog.xlsx", admin_only(200)),
    "d-index": Route("bureau", "GET", "/dashboard/", bureau(200)),
    "d-json": Route("bureau", "GET", "/dashboard/?format=json", bureau(200)),
    "d-exports": Route("bureau", "GET", "/dashboard/exports/", bureau(200)),
    "d-export-new": Route("bureau", "POST", "/dashboard/exports/", bureau(302), data={"kind": "summary"},
                          to="/dashboard/exports/"),
    "d-export-row": Route("bureau", "GET", "/dashboard/exports/{export}/row", bureau(200)),
    "d-export-retry": Route("bureau", "POST", "/dashboard/exports/{export}/retry", bureau(302),
                            to="/dashboard/exports/"),
    "d-export-file": Route("bureau", "GET", "/dashboard/exports/{export}/file", bureau(200)),
    # the API
    "api-root": Route("open", "GET", "/api/", {**every(404), "anonymous": 404}),
    "api-me": Route("api", "GET", "/api/me", every(200)),
    "api-list": Route("api", "GET", "/api/submissions", every(200)),
    "api-audits": Route("api", "POST", "/api/audits", bureau(200), data={"file": REPORT}),
    "api-openapi": Route("open", "GET", "/api/openapi.json", PUBLIC),
    "api-docs": Route("open", "GET", "/api/docs", PUBLIC),
    "api-public-reports": Route("open", "GET", "/api/public/reports", PUBLIC),
    "api-public-verify": Route("open", "POST", "/api/public/verify", PUBLIC, data={"sha256": "0" * 64}),
    "api-detail": Route("api", "GET", "/api/submissions/{sub}", every(200)),
    "api-score": Route("api", "GET", "/api/submissions/{sub}/score", every(200)),
    "api-xlsx": Route("api", "GET", "/api/submissions/{sub}/files/tables.xlsx", every(200)),
    "api-pdf": Route("api", "GET", "/api/submissions/{sub}/files/report.pdf", every(202)),
    "api-file-unknown": Route("api", "GET", "/api/submissions/{sub}/files/secret.txt", every(404)),
    "api-put": Route("api", "PUT", "/api/submissions/{sub}/evaluation", FILLER_ONLY,
                     {r: r == "filler" for r in FILLER_ONLY}),
    **{f"api-act-{a}": Route("api", "POST", "/api/submissions/{sub}/actions", m, {r: s == 200 for r, s in m.items()},
                             {"action": a, "comment": "原因"}) for a, m in ACTIONS.items()},
}


def sees(role: str, route: Route, target: str) -> bool:
    """Whether the role may see the target's object that the route names."""
    if route.owned == "batch":
        return role in (CREATORS[target], "admin")
    if route.owned == "export":
        return role == CREATORS[target]
    return TARGETS[target] in SEES[role]


@dataclass(frozen=True)
class Case:
    route: str
    role: str
    target: str | None  # "own", "other" or None for routes without an object

    @property
    def id(self) -> str:
        return f"{self.route}-{self.role}" + (f"-{self.target}" if self.target else "")

    def expected(self) -> tuple[int, bool]:
        """(status, whether the submission moves)."""
        route, kind = ROUTES[self.route], ROLES[self.role]
        if kind is None and route.kind != "open":
            return (401 if route.kind == "api" else 302), False
        status = route.status[kind or "anonymous"]
        if route.kind == "bureau" and status == 403:
            return 403, False
        if self.target and not sees(self.role, route, self.target):
            return (404 if PLACEHOLDER.search(route.path) else route.hidden), False
        return status, bool(route.changes and route.changes[kind])


CASES = [Case(name, role, target) for name, route in ROUTES.items() for role in ROLES
         for target in (("own", "other") if route.owned else (None,))]
KNOWN_BUGS: dict[str, str] = {}  # case id -> what is wrong (xfail, strict)


def params(cases: list[Case]) -> list[Any]:
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c.id])]
                         if c.id in KNOWN_BUGS else []) for c in cases]


def user_of(role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=SCOPED if role == "scoped" else role)


@pytest.fixture
def world(demo: Any) -> dict[str, dict[str, int]]:
    """The demo, a reviewer scoped to lianjiang, both submissions clean drafts, and each target's objects."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jixiao.web.accounts.models import Profile, Unit
    from jixiao.web.bureau.models import Attachment
    from jixiao.web.dashboard import exports
    from jixiao.web.filing import ops
    from jixiao.web.filing.models import Submission
    from jixiao.web.review import audits

    user = get_user_model().objects.create_user(SCOPED, password="x")
    Profile.objects.create(user=user, role="reviewer").scope.add(Unit.objects.get(code="lianjiang"))
    ids = {}
    for target, code in TARGETS.items():
        sub = Submission.objects.get(unit__code=code)
        filler = get_user_model().objects.get(username=f"{code}-filler")
        assert not ops.errors_of(ops.save(filler, sub, example_json(EXAMPLES[code]), 0).scored)
        pdf = b"%PDF-1.4\n%authz\n"
        att = Attachment.objects.create(task=sub.task, name=f"{code}.pdf", kind="pdf", size=len(pdf), sha256="0" * 64,
                                        path=default_storage.save(f"attachments/{code}.pdf", ContentFile(pdf)))
        creator = user_of(CREATORS[target])
        text = REPORT.replace("乐昌市", NAMES[code][:3]).encode()
        batch = audits.start(creator, "report.txt", BytesIO(text), len(text))
        export = exports.create_export(creator, "summary", None, None)
        exports.build_export(export.pk)  # a no-op when the immediate backend already built it
        ids[target] = {"sub": submission_id(code), "task": sub.task_id, "att": att.pk, "unit": sub.unit_id,
                       "batch": batch.pk, "export": export.pk}
    return ids


def version_of(sid: int) -> int:
    from jixiao.web.filing.models import Submission

    return Submission.objects.get(pk=sid).lock_version


def call(case: Case, world: dict[str, dict[str, int]]) -> Any:
    """Send the case's request as its role: a session for pages, a Bearer token for the API."""
    from jixiao.web.accounts.models import ApiToken

    route = ROUTES[case.route]
    client, headers = Client(raise_request_exception=False), {}
    ids = world[case.target or "own"]
    if case.role != "anonymous":
        if route.path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {ApiToken.issue(user_of(case.role))}"
        else:
            client.force_login(user_of(case.role))
    path = route.path.format(**ids)
    data = {k: PLACEHOLDER.sub(lambda m: str(ids[m[1]]), v) for k, v in (route.data or {}).items()}
    if "file" in data:
        data["file"] = SimpleUploadedFile("report.txt", data["file"].encode())
    if route.kind == "page" and route.method == "POST":
        data["_version"] = version_of(ids["sub"])
    if route.method == "GET":
        return client.get(path, headers=headers)
    if route.method == "PUT":
        doc = example_json(EXAMPLES[TARGETS[case.target or "own"]])
        return client.put(path, json.dumps(doc, ensure_ascii=False), content_type="application/json",
                          headers={**headers, "If-Match": str(version_of(ids["sub"]))})
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
def test_route_role_unit(world: dict[str, dict[str, int]], case: Case) -> None:
    status, moves = case.expected()
    subs = {t: ids["sub"] for t, ids in world.items()}
    before = {t: version_of(sid) for t, sid in subs.items()}
    response = call(case, world)
    assert response.status_code == status, response.content[:300]
    if status == 302:
        where = "/login/" if case.role == "anonymous" else ROUTES[case.route].to.format(**world[case.target or "own"])
        assert response["Location"].startswith(where)
    assert not leaks(case, response)
    moved = {t for t, sid in subs.items() if version_of(sid) != before[t]}
    assert moved == ({case.target} if moves else set()), f"moved: {moved}"


def test_no_leak_in_any_case(world: dict[str, dict[str, int]]) -> None:
    """One pass over every request a role makes on an object it may not see: zero leaks in total."""
    hidden = [c for c in CASES if c.target and c.role != "anonymous" and not sees(c.role, ROUTES[c.route], c.target)]
    assert len(hidden) >= 3 * sum(1 for r in ROUTES.values() if r.owned == "unit")
    found = [(c.id, leaks(c, call(c, world))) for c in hidden if c.id not in KNOWN_BUGS]
    assert sum(len(names) for _, names in found) == 0, [f for f in found if f[1]]
    control = call(Case("api-list", "bureau", None), world)  # the detector does see names where they are
    assert leaks(Case("api-list", "lechang-filler", None), control) == ["lianjiang", "zhanjiang"]


def test_hidden_and_missing_answer_alike(world: dict[str, dict[str, int]]) -> None:
    """An object that exists but is hidden answers exactly as an id that does not exist."""
    probes = {"lechang-filler": ("/s/{}/", "/api/submissions/{}", "/bureau/tasks/{}/info", "/bureau/attachments/{}"),
              "scoped": ("/review/{}/", "/bureau/tasks/{}/", "/review/audits/{}/", "/dashboard/exports/{}/row")}
    keys = {"s": "sub", "api": "sub", "bureau/tasks": "task", "bureau/att": "att", "review/a": "batch",
            "review": "sub", "dashboard": "export"}
    for role, paths in probes.items():
        client = Client()
        client.force_login(user_of(role))
        for path in paths:
            key = next(v for k, v in keys.items() if path[1:].startswith(k))
            target = "other" if role == "lechang-filler" else "own"
            hidden, missing = client.get(path.format(world[target][key])), client.get(path.format(999999))
            assert hidden.status_code == missing.status_code == 404, path
            pairs = ((hidden, world[target][key]), (missing, 999999))
            text = [re.sub(rf"\b{n}\b", "N", r.content.decode()) for r, n in pairs]
            assert text[0] == text[1], path


def test_no_get_answers_500(world: dict[str, dict[str, int]]) -> None:
    """Every GET a role may make on what it can see answers something other than 500."""
    gets = [c for c in CASES if ROUTES[c.route].method == "GET" and (not c.target or sees(c.role, ROUTES[c.route],
                                                                                           c.target))]
    errors = [(c.id, r.status_code) for c in gets if (r := call(c, world)).status_code >= 500]
    assert errors == []


def patterns(resolvers: list[Any], prefix: str = "") -> set[str]:
    """Every URL pattern below these, through the includes, as the route strings resolve() reports."""
    out = set()
    for entry in resolvers:
        if hasattr(entry, "url_patterns"):
            out |= patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            out.add(prefix + str(entry.pattern))
    return out


def test_every_route_is_in_the_matrix() -> None:
    """A new URL cannot be forgotten: each pattern of the project (but the admin) is hit by some route."""
    from django.urls import get_resolver, resolve

    every_pattern = {p for p in patterns(get_resolver().url_patterns) if not p.startswith("admin/")}
    ids = {k: 1 for k in ("sub", "task", "att", "unit", "batch", "export")}
    covered = {resolve(urlsplit(r.path.format(**ids)).path).route for r in ROUTES.values()}
    assert every_pattern - covered == set()
    assert len(every_pattern) >= 60
