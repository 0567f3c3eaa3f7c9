"""Strict parsing of JSON documents from outside (credentials, DID documents, status lists),
and the one JSON text form in which microbadges stores and serves the documents it signs.

One JSON object, UTF-8 (a leading BOM tolerated), bounded in size; duplicate keys, NaN and
Infinity, over-long integers and excessive nesting are refused, each with a one-line reason.
"""

from __future__ import annotations

import json
from typing import Any, Final

from keys.errors import BadgeError

MAX_DOCUMENT_BYTES: Final = 2 * 1024 * 1024
_IMAGE_SIGNATURES: Final = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8")


class JsonDocumentError(BadgeError):
    """The input is not one well-formed JSON object."""

    code = "malformed_json"


class NotAnObjectError(JsonDocumentError):
    """The input is JSON, but not an object."""

    code = "not_an_object"


class DocumentTooLargeError(JsonDocumentError):
    """The input exceeds the size bound."""

    code = "too_large"


class UnsupportedFormatError(JsonDocumentError):
    """The input is another format (an image, SVG/XML)."""

    code = "unsupported_format"


def parse_json_object(data: str | bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> dict[str, Any]:
    """Parse one JSON object strictly.

    Raises:
        JsonDocumentError (or a subclass): the input is not one well-formed JSON object.
    """
    if len(data) > max_bytes:
        raise DocumentTooLargeError(f"input is larger than {max_bytes} bytes")
    if isinstance(data, bytes):
        if data.startswith(_IMAGE_SIGNATURES):
            raise UnsupportedFormatError("input is an image, not JSON (the verifier reads "
                                         "credentials baked into PNG and SVG badges)")
        try:
            data = data.decode("utf-8-sig")  # a leading BOM is tolerated (RFC 8259 §8.1)
        except UnicodeDecodeError as error:
            raise JsonDocumentError(f"input is not UTF-8 text: {error}") from None
    if not data.strip():
        raise JsonDocumentError("input is empty")
    if data.lstrip().startswith("<"):
        raise UnsupportedFormatError("input looks like XML or SVG, not JSON (the verifier "
                                     "reads credentials baked into SVG badges)")
    try:
        value = json.loads(data, object_pairs_hook=unique_members, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise JsonDocumentError(f"malformed JSON: {error}") from None
    except RecursionError:
        raise JsonDocumentError("JSON nests too deeply") from None
    except ValueError as error:  # e.g. an integer longer than Python's 4,300-digit limit
        raise JsonDocumentError(f"malformed JSON: {error}") from None
    if not isinstance(value, dict):
        kind = {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
            type(value), "number")
        raise NotAnObjectError(f"expected a JSON object, not a JSON {kind}")
    return value


def dump_json_object(document: dict[str, Any]) -> str:
    """The JSON text of a signed document as it is stored and served: UTF-8 characters
    kept as they are, no insignificant white space, members in their order."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def as_list(value: object) -> list[Any]:
    """A JSON-LD value as a list: a single value counts as one, an absent one as none."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads` object hook: one JSON object whose member names are unique (RFC 8259
    §4 says SHOULD; a repeated name means different things to different parsers).

    Raises JsonDocumentError naming the repeated member.
    """
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonDocumentError(f"duplicate JSON key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> None:
    raise JsonDocumentError(f"{name} is not valid JSON")
