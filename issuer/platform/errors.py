"""Errors of the issuer's service layer, each with a stable code and its HTTP status.

The API turns them into RFC 9457 problem details (`issuer.web.problems`); the service layer
never builds HTTP responses itself.
"""

from __future__ import annotations

from typing import Any

from keys.errors import BadgeError

__all__ = [
    "ConflictError",
    "ForbiddenError",
    "IdempotencyConflictError",
    "InvalidInputError",
    "IssuerError",
    "NotFoundError",
    "RotationUnsupportedError",
]


class IssuerError(BadgeError):
    """Root of service-layer errors."""

    code = "issuer_error"


class InvalidInputError(IssuerError):
    """The request is well-formed JSON but its values are unacceptable."""

    code = "invalid_input"

    def __init__(self, message: str, *, pointer: str | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.pointer = pointer
        # Several problems at once (an import's validation report): each names where it is
        # (`pointer`, or `row` and `field`) and has a `detail`.
        self.errors = errors


class NotFoundError(IssuerError):
    """No such resource for this provider (another provider's resources are 'not found');
    `index` names the item of a batch that named it, when there is one."""

    code = "not_found"
    index: int | None = None


class ConflictError(IssuerError):
    """The resource exists already (e.g. a provider slug is taken)."""

    code = "conflict"


class IdempotencyConflictError(IssuerError):
    """An Idempotency-Key was reused with a different request body."""

    code = "idempotency_key_reused"


class RotationUnsupportedError(IssuerError):
    """A did:key issuer cannot rotate: its key is its identifier."""

    code = "rotation_unsupported"


class ForbiddenError(IssuerError):
    """The token is valid but lacks the right to this action."""

    code = "forbidden"
