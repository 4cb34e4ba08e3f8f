"""One table from the failure vocabulary (``core.errors``) to HTTP statuses, and the error body.

Bodies follow formats §6: ``{"detail": "中文说明", "issues": [...]}`` with §4's issue shape.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import Conflict, Forbidden, JixiaoError, NotFound, UnusableInput
from ..services.scoring import issue_json


class Invalid(JixiaoError):
    """The request lacks something it must carry (a comment, a reason, a well-formed body): 422."""


STATUS: tuple[tuple[type[JixiaoError], int], ...] = (
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Invalid, 422),
    (UnusableInput, 400),
)


def status_of(error: JixiaoError) -> int:
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 400


def body_of(error: JixiaoError) -> dict[str, Any]:
    return {"detail": error.message, "issues": [issue_json(i) for i in getattr(error, "issues", ())]}
