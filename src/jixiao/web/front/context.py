"""Template context shared by every page: the user's role in Chinese and the product name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ...core.workflow import ROLE_ZH

# The bureau's menu: (label, url name); entries whose page does not exist (yet) are left out.
BUREAU_MENU = (
    ("年度任务", "bureau:tasks"),
    ("填报进度", "bureau:progress"),
    ("审核", "review:queue"),
    ("驾驶舱", "dashboard:index"),
    ("导出", "dashboard:exports"),
    ("报告审核", "review:audits"),
    ("单位与用户", "bureau:units"),
    ("操作日志", "review:oplog"),
)


def _menu() -> list[tuple[str, str]]:
    from django.urls import NoReverseMatch, reverse

    out = []
    for label, name in BUREAU_MENU:
        try:
            out.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return out


def site(request: HttpRequest) -> dict[str, Any]:
    from ..filing import ops

    role = ops.role_of(request.user) if hasattr(request, "user") else None
    profile = ops.profile_of(request.user) if hasattr(request, "user") else None
    return {
        "site_name": "部门整体支出绩效自评系统",
        "role_zh": ROLE_ZH[role] if role else "",
        "user_unit": profile.unit if profile and profile.unit_id else None,
        "is_bureau": role is not None and role.value in ("reviewer", "admin"),
        "bureau_menu": _menu() if role is not None and role.value in ("reviewer", "admin") else [],
    }
