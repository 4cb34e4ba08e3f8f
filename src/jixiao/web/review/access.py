"""Who may open the bureau's review pages: reviewers and admins; the operation log admins only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from ...core.errors import Forbidden, NotFound
from ...core.workflow import Role
from ..filing.ops import User, role_of

BUREAU = (Role.REVIEWER, Role.ADMIN)


def require(user: User, roles: tuple[Role, ...] = BUREAU) -> Role:
    role = role_of(user)
    if role not in roles:
        names = "管理员" if roles == (Role.ADMIN,) else "财政局审核人员和管理员"
        raise Forbidden(f"本页面仅限{names}使用")
    return role  # type: ignore[return-value]


View = Callable[..., HttpResponse]


def page(roles: tuple[Role, ...] = BUREAU) -> Callable[[View], View]:
    """A bureau page: anonymous → login, another role → 403, an object out of sight → 404."""

    def wrap(view: View) -> View:
        @login_required
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                require(request.user, roles)
            except Forbidden as error:
                raise PermissionDenied(error.message) from None
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from None

        return inner

    return wrap
