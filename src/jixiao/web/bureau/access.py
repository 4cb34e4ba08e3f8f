"""Who may use the bureau's pages, and which units and tasks a bureau user sees.

Bureau pages are for reviewers and admins (others 403, anonymous users go to the login page);
the units a reviewer sees are those of the 主管部门 in their scope, as ``filing.ops.visible`` says.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from ...core.workflow import Role
from ..accounts.models import Unit
from ..filing import ops as filing
from ..filing.models import Task

BUREAU_ROLES = (Role.REVIEWER, Role.ADMIN)
View = Callable[..., HttpResponse]


def bureau_required(view: View) -> View:
    """Reviewers and admins only: others are refused (403); anonymous users are sent to log in."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if filing.role_of(request.user) not in BUREAU_ROLES:
            raise PermissionDenied("仅限财政局审核人员和管理员")
        return view(request, *args, **kwargs)

    return wrapped


def admin_required(view: View) -> View:
    """Admins only (user import, reviewer scopes)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if filing.role_of(request.user) is not Role.ADMIN:
            raise PermissionDenied("仅限管理员")
        return view(request, *args, **kwargs)

    return wrapped


def is_admin(user: Any) -> bool:
    return filing.role_of(user) is Role.ADMIN


def sees_all(user: Any) -> bool:
    """Whether the user's scope is every unit (admin, or a reviewer with 审核全部单位)."""
    role, profile = filing.role_of(user), filing.profile_of(user)
    return role is Role.ADMIN or (role is Role.REVIEWER and profile is not None and profile.scope_all)


def visible_units(user: Any) -> QuerySet[Unit]:
    """The units a bureau user sees: all for an admin, the 主管部门 in scope and their units for a reviewer."""
    units = Unit.objects.all()
    if sees_all(user):
        return units
    profile = filing.profile_of(user)
    if profile is None or filing.role_of(user) is not Role.REVIEWER:
        return units.none()
    scope = list(profile.scope.values_list("id", flat=True))
    return units.filter(Q(id__in=scope) | Q(department_id__in=scope))


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Tasks with at least one submission the user sees."""
    if sees_all(user):
        return Task.objects.all()
    return filing.tasks_of(user)


def get_task(user: Any, task_id: int) -> Task:
    try:
        return visible_tasks(user).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("没有该任务，或您无权查看") from None


def sees_whole_task(user: Any, task: Task) -> bool:
    """Whether every unit of the task is visible to the user (needed to change the task itself)."""
    if sees_all(user):
        return True
    return not task.submissions.exclude(pk__in=filing.visible(user).values("pk")).exists()
