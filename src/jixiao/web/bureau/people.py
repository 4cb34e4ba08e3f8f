"""Units and users: the 主管部门 → 单位 tree, bulk import from .xlsx, reviewer scopes.

Imports check every row first and write nothing when any row is wrong (one transaction); each
error names its Excel row. Passwords are checked with Django's password validators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from ...core.model import Issue
from ...core.workflow import Role
from ..accounts.models import LEVEL_CHOICES, Profile, Unit
from ..errors import Invalid
from . import access
from .ops import _row_issue
from .sheets import Row, read_rows

UNIT_COLUMNS = {
    "code": ("单位编码", "预算单位编码", "编码"),
    "name": ("单位名称", "预算单位名称", "名称"),
    "dept_code": ("主管部门编码",),
    "dept_name": ("主管部门名称", "主管部门"),
    "level": ("级次", "单位级次"),
}
USER_COLUMNS = {
    "username": ("用户名", "账号", "登录名"),
    "full_name": ("姓名",),
    "role": ("角色",),
    "unit": ("单位编码", "审核范围", "主管部门编码"),
    "password": ("初始密码", "密码"),
}
ROLE_BY_ZH = {
    "填报人": Role.FILLER,
    "单位负责人": Role.HEAD,
    "审核人员": Role.REVIEWER,
    "财政局审核人员": Role.REVIEWER,
    "管理员": Role.ADMIN,
}
LEVELS = {v for v, _ in LEVEL_CHOICES}
CODE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


# --------------------------------------------------------------------------- the tree


@dataclass
class Department:
    unit: Unit
    units: list[Unit]
    users: int
    reviewers: list[str]


def tree(user: Any) -> list[Department]:
    """The 主管部门 the user sees, each with its units, its users' count and its reviewers."""
    units = list(access.visible_units(user).annotate(users=Count("profile", distinct=True)).order_by("code"))
    top = [u for u in units if u.department_id is None]
    below: dict[int, list[Unit]] = {}
    for unit in units:
        if unit.department_id is not None:
            below.setdefault(unit.department_id, []).append(unit)
    known = {u.pk for u in top}
    orphans = [u for dept, us in below.items() if dept not in known for u in us]  # department outside scope
    reviewers = _reviewers()
    out = [
        Department(d, below.get(d.pk, []), d.users + sum(u.users for u in below.get(d.pk, [])), reviewers.get(d.pk, []))
        for d in top
    ]
    if orphans:
        out.extend(Department(u, [], u.users, []) for u in orphans)
    return out


def _reviewers() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for profile in Profile.objects.filter(role=Role.REVIEWER.value).select_related("user").prefetch_related("scope"):
        for unit in profile.scope.all():
            out.setdefault(unit.pk, []).append(profile.user.get_username())
    return out


def departments() -> list[Unit]:
    return list(Unit.objects.filter(department__isnull=True).order_by("code"))


# --------------------------------------------------------------------------- unit import


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int


def import_units(data: bytes) -> Imported:
    """Units from .xlsx (单位编码, 单位名称, 主管部门编码/名称, 级次); new codes created, known ones updated."""
    rows = read_rows(data, UNIT_COLUMNS, ("code", "name"))
    existing = {u.code: u for u in Unit.objects.all()}
    in_file = {r.get("code"): r for r in rows}
    issues = [i for r in rows for i in _unit_issues(r, rows, existing, in_file)]
    if issues:
        raise Invalid(f"单位名单有{len(issues)}处错误，未导入任何单位；请改正后重新上传", tuple(issues))
    created = updated = 0
    with transaction.atomic():
        for row in _departments_first(rows):
            made, was_known = _write_unit(row, existing)
            created, updated = created + made, updated + was_known
    return Imported(created, updated)


def _unit_issues(row: Row, rows: list[Row], existing: dict[str, Unit], in_file: dict[str, Row]) -> list[Issue]:
    code, dept = row.get("code"), row.get("dept_code")
    problems = []
    if not CODE.match(code):
        problems.append(f"单位编码“{code}”只能由字母、数字、点、连字符和下划线组成（最多64位）")
    if not row.get("name"):
        problems.append("缺少单位名称")
    if sum(1 for r in rows if r.get("code") == code) > 1:
        problems.append(f"单位编码“{code}”在表中重复")
    if row.get("level") and row.get("level") not in LEVELS:
        problems.append(f"级次“{row.get('level')}”应为{'、'.join(sorted(LEVELS))}之一")
    if dept and dept != code:
        parent_row, parent = in_file.get(dept), existing.get(dept)
        if parent_row is None and parent is None and not row.get("dept_name"):
            problems.append(f"主管部门“{dept}”不存在，且未给出主管部门名称")
        if (parent_row is not None and parent_row.get("dept_code") not in ("", dept)) or (
            parent_row is None and parent is not None and parent.department_id is not None
        ):
            problems.append(f"“{dept}”本身是下属单位，不能作为主管部门")
        if code in existing and existing[code].subunits.exists():
            problems.append(f"“{code}”是主管部门（有下属单位），不能再归属其他主管部门")
    return [_row_issue(row.number, p) for p in problems]


def _departments_first(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: bool(r.get("dept_code")) and r.get("dept_code") != r.get("code"))


def _write_unit(row: Row, existing: dict[str, Unit]) -> tuple[int, bool]:
    """Write one row: (units created, including a 主管部门 named only in it; whether the unit existed)."""
    code, dept_code = row.get("code"), row.get("dept_code")
    department, created = None, 0
    if dept_code and dept_code != code:
        department = existing.get(dept_code)
        if department is None:
            department = Unit.objects.create(code=dept_code, name=row.get("dept_name"))
            existing[dept_code], created = department, 1
    unit = existing.get(code)
    if unit is None:
        existing[code] = Unit.objects.create(
            code=code, name=row.get("name"), level=row.get("level"), department=department
        )
        return created + 1, False
    unit.name, unit.department = row.get("name"), department
    unit.level = row.get("level") or unit.level
    unit.save()
    return created, True


# --------------------------------------------------------------------------- user import


def import_users(data: bytes) -> int:
    """Users from .xlsx (用户名, 姓名, 角色, 单位编码, 初始密码); all rows valid or none imported."""
    rows = read_rows(data, USER_COLUMNS, ("username", "role", "password"))
    units = {u.code: u for u in Unit.objects.all()}
    taken = set(get_user_model().objects.values_list("username", flat=True))
    issues = [i for r in rows for i in _user_issues(r, rows, units, taken)]
    if issues:
        raise Invalid(f"用户名单有{len(issues)}处错误，未导入任何用户；请改正后重新上传", tuple(issues))
    with transaction.atomic():
        for row in rows:
            _write_user(row, units)
    return len(rows)


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、;；]+", text) if c]


def _user_issues(row: Row, rows: list[Row], units: dict[str, Unit], taken: set[str]) -> list[Issue]:
    username, role = row.get("username"), ROLE_BY_ZH.get(row.get("role"))
    problems = []
    if not username:
        problems.append("缺少用户名")
    elif username in taken:
        problems.append(f"用户名“{username}”已存在")
    elif sum(1 for r in rows if r.get("username") == username) > 1:
        problems.append(f"用户名“{username}”在表中重复")
    if role is None:
        problems.append(f"角色“{row.get('role')}”应为填报人、单位负责人、审核人员或管理员")
    problems += _unit_problems(role, _codes(row.get("unit")), units)
    problems += _password_problems(row)
    return [_row_issue(row.number, p) for p in problems]


def _unit_problems(role: Role | None, codes: list[str], units: dict[str, Unit]) -> list[str]:
    if role in (Role.FILLER, Role.HEAD):
        if len(codes) != 1:
            return ["填报人和单位负责人须填写一个单位编码"]
        return [] if codes[0] in units else [f"单位编码“{codes[0]}”不存在，请先导入单位"]
    if role is Role.REVIEWER:
        problems = [f"主管部门编码“{c}”不存在" for c in codes if c not in units]
        problems += [f"“{c}”不是主管部门" for c in codes if c in units and units[c].department_id is not None]
        return problems
    return []


def _password_problems(row: Row) -> list[str]:
    password = row.get("password")
    if not password:
        return ["缺少初始密码"]
    probe = get_user_model()(username=row.get("username"), first_name=row.get("full_name"))
    try:
        validate_password(password, probe)
    except ValidationError as error:
        return [f"初始密码不符合要求：{'；'.join(_password_message(e) for e in error.error_list)}"]
    return []


def _password_message(error: ValidationError) -> str:
    """Django's message, except the length rule whose zh-hans translation is missing (it comes out in English)."""
    if error.code == "password_too_short" and error.params:
        return f"密码太短，至少需要{error.params['min_length']}个字符"
    return " ".join(error.messages).rstrip("。")


def _write_user(row: Row, units: dict[str, Unit]) -> None:
    role = ROLE_BY_ZH[row.get("role")]
    codes = _codes(row.get("unit"))
    user = get_user_model().objects.create_user(row.get("username"), password=row.get("password"))
    user.first_name = row.get("full_name")[:150]
    user.is_staff = user.is_superuser = role is Role.ADMIN  # an admin also manages the system (Django admin)
    user.save(update_fields=["first_name", "is_staff", "is_superuser"])
    unit = units[codes[0]] if role in (Role.FILLER, Role.HEAD) else None
    profile = Profile.objects.create(user=user, role=role.value, unit=unit)
    if role is Role.REVIEWER and codes:
        profile.scope.set([units[c] for c in codes])


# --------------------------------------------------------------------------- reviewer scopes


def reviewers() -> list[Profile]:
    return list(
        Profile.objects.filter(role=Role.REVIEWER.value)
        .select_related("user")
        .prefetch_related("scope")
        .order_by("user__username")
    )


def set_scope(profile_id: int, department_ids: list[int], scope_all: bool) -> Profile:
    """Assign 主管部门 to a reviewer (or every unit); only 主管部门 may be assigned."""
    profile = Profile.objects.filter(pk=profile_id, role=Role.REVIEWER.value).first()
    if profile is None:
        raise Invalid("没有该审核人员")
    chosen = list(Unit.objects.filter(pk__in=department_ids))
    if len(chosen) != len(set(department_ids)) or any(u.department_id is not None for u in chosen):
        raise Invalid("审核范围只能选择主管部门")
    with transaction.atomic():
        profile.scope_all = scope_all
        profile.save(update_fields=["scope_all"])
        profile.scope.set(chosen)
    return profile


def unit_count(user: Any) -> dict[str, int]:
    units = access.visible_units(user)
    return {
        "departments": units.filter(department__isnull=True).count(),
        "units": units.filter(~Q(department__isnull=True)).count(),
    }
