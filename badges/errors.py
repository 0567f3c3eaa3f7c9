"""The errors of the `badges` package: OB 3.0 documents, schema validation (and, later, proofs).

Every error derives from `BadgeError` (defined in `keys.errors`, re-exported here) and carries
a stable machine-readable `code`. "The document is bad" errors are kept apart from "could not
decide" errors (`UnknownSchemaError`), so the verifier can report a failed check differently
from a check that could not run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from keys.errors import BadgeError

if TYPE_CHECKING:
    from badges.schema import SchemaIssue

__all__ = [
    "BadgeError",
    "InvalidDateTimeError",
    "InvalidDocumentError",
    "SchemaValidationError",
    "UnknownSchemaError",
]


# --- documents -----------------------------------------------------------------------------


class InvalidDocumentError(BadgeError):
    """A value object or document violates the OB 3.0 data model (raised at construction)."""

    code = "invalid_document"


class InvalidDateTimeError(InvalidDocumentError):
    """A timestamp is naive, malformed or not an XSD dateTime with a timezone offset."""

    code = "invalid_datetime"


# --- JSON Schema ---------------------------------------------------------------------------


class SchemaValidationError(BadgeError):
    """A document does not conform to an OB 3.0 JSON Schema; `issues` says where and why."""

    code = "schema_invalid"

    def __init__(self, message: str, issues: Sequence[SchemaIssue] = ()) -> None:
        super().__init__(message)
        self.issues: tuple[SchemaIssue, ...] = tuple(issues)


class UnknownSchemaError(BadgeError):
    """A credential cites a JSON Schema we do not ship: it could not be checked (not passed)."""

    code = "schema_unknown"
