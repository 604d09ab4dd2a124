"""Domain errors with stable English codes and Chinese messages, mapped to HTTP by one handler."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. `code` is stable English; `message` is for users (Chinese)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The object is not in a state that allows the action (HTTP 409)."""

    status = 409
    code = "conflict"
