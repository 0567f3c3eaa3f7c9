"""The errors of the `badges` package: OB 3.0 documents, schema validation (and, later, proofs).

Every error derives from `BadgeError` (defined in `keys.errors`, re-exported here) and carries
a stable machine-readable `code`. "The document is bad" errors are kept apart from "could not
decide" errors (`UnknownSchemaError`), so the verifier can report a failed check differently
from a check that could not run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from keys.errors import BadgeError

__all__ = [
    "BadgeError",
    "InvalidDateTimeError",
    "InvalidDocumentError",
    "SchemaIssue",
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


@dataclass(frozen=True, slots=True, order=True)
class SchemaIssue:
    """One schema violation: a JSON Pointer into the document, the failing keyword, a message.

    For `required` and `additionalProperties` the path names the offending property itself
    (`/issuer`), not the object that lacks or carries it. It lives beside the error that
    carries it (and `badges.schema` re-exports it), so the two modules do not import each other.
    """

    path: str
    keyword: str
    message: str


class SchemaValidationError(BadgeError):
    """A document does not conform to an OB 3.0 JSON Schema; `issues` says where and why."""

    code = "schema_invalid"

    def __init__(self, message: str, issues: Sequence[SchemaIssue] = ()) -> None:
        super().__init__(message)
        self.issues: tuple[SchemaIssue, ...] = tuple(issues)


class UnknownSchemaError(BadgeError):
    """A credential cites a JSON Schema we do not ship: it could not be checked (not passed)."""

    code = "schema_unknown"
