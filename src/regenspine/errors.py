"""One error hierarchy for every face: the CLI, the web pages and the JSON API render these.

RegenspineError                 base; `status` is the HTTP status a web face uses
 ├── InvalidInput (422)         a field has a bad value; names the field and allowed values
 ├── NotFound (404)             a record or topic that does not exist
 ├── Forbidden (403)            the user's role does not allow this
 ├── Conflict (409)             the write clashes with what is stored
 └── Gone (410)                 a one-time link that was used or has expired
"""

from __future__ import annotations

from collections.abc import Iterable


class RegenspineError(Exception):
    """Base of every expected error; carries a message fit to show to the user."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description of the error."""
        return {"error": type(self).__name__, "detail": self.message}


class InvalidInput(RegenspineError):
    """A field has a value outside what is allowed."""

    status = 422

    def __init__(
        self, field: str, problem: str, allowed: Iterable[object] | str | None = None
    ) -> None:
        self.field = field
        self.problem = problem
        if allowed is None or isinstance(allowed, str):
            self.allowed: list[str] | str | None = allowed
        else:
            self.allowed = [str(value) for value in allowed]
        super().__init__(self._compose())

    def _compose(self) -> str:
        text = f"{self.field}: {self.problem}"
        if isinstance(self.allowed, list):
            text += f" (allowed: {', '.join(self.allowed)})"
        elif self.allowed:
            text += f" (allowed: {self.allowed})"
        return text

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description naming the field and the allowed values."""
        return {
            "error": type(self).__name__,
            "detail": self.message,
            "field": self.field,
            "allowed": self.allowed,
        }


class NotFound(RegenspineError):
    """The thing asked for does not exist."""

    status = 404


class Forbidden(RegenspineError):
    """The user's role does not allow this action."""

    status = 403


class Conflict(RegenspineError):
    """The write clashes with what is already stored."""

    status = 409


class Gone(RegenspineError):
    """A one-time link that has been used or has expired."""

    status = 410

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class KnowledgeBaseError(RegenspineError):
    """The curated knowledge files break their schema (a developer error, caught by tests)."""

    status = 500


def shown(value: object, limit: int = 40) -> str:
    """A value as an error repeats it: its repr, cut short so one line stays readable."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
