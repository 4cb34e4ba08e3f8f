"""The one failure vocabulary: exceptions for input that cannot be used at all, with Chinese messages.

Problems a user can mend inside a usable document are ``Issue`` values, not exceptions. These are
for the rest, each mapped once to an exit status (``cli.py``) and once to an HTTP status (the web):

    UnusableInput  exit 2 / HTTP 400   a file or document that cannot be read or used
    NotFound       HTTP 404            (for the web) no such table, submission, …
    Conflict       HTTP 409            (for the web) the request does not fit the current state
    Forbidden      HTTP 403            (for the web) the user may not do this
"""

from __future__ import annotations

from .model import Issue


class JixiaoError(Exception):
    """Base of jixiao's expected failures; ``message`` is for users, ``issues`` what was found."""

    def __init__(self, message: str, issues: tuple[Issue, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.issues = issues


class UnusableInput(JixiaoError):
    """A file, document or argument that cannot be used at all (exit status 2, HTTP 400)."""


class NotFound(JixiaoError):
    """What was asked for does not exist."""


class Conflict(JixiaoError):
    """The request does not fit the current state of what it acts on."""


class Forbidden(JixiaoError):
    """The user may not do this."""
