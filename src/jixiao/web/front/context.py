"""Template context shared by every page: the user's role in Chinese and the product name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ...core.workflow import ROLE_ZH


def site(request: HttpRequest) -> dict[str, Any]:
    from ..filing import ops

    role = ops.role_of(request.user) if hasattr(request, "user") else None
    profile = ops.profile_of(request.user) if hasattr(request, "user") else None
    return {
        "site_name": "部门整体支出绩效自评系统",
        "role_zh": ROLE_ZH[role] if role else "",
        "user_unit": profile.unit if profile and profile.unit_id else None,
        "is_bureau": role is not None and role.value in ("reviewer", "admin"),
    }
