"""Reading provider API requests: JSON bodies (media type, size, syntax, schema), query
parameters, the Idempotency-Key header and pagination cursors.

Everything wrong becomes a 4xx problem detail before any service function runs, so a bad
request never writes. Bodies over MAX_CONTENT_LENGTH are refused by Werkzeug while they are
read (413, also for chunked bodies); the problem handlers turn that into a problem detail.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from datetime import UTC, date, datetime
from typing import Any, Final, NoReturn
from urllib.parse import urlencode

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from badges.datatypes import check_text, parse_datetime
from badges.errors import InvalidDocumentError
from badges.json_document import JsonDocumentError, unique_members
from issuer.api.openapi import json_pointer, schema_errors
from issuer.web.context import issuer_context
from issuer.web.problems import ApiProblem

__all__ = [
    "TIMESTAMP_HINT",
    "Query",
    "check_body",
    "idempotency_key",
    "json_body",
    "next_page_url",
    "parse_timestamp",
    "read_body",
    "read_json",
    "request_digest",
]

_JSON_MEDIA_TYPE: Final = re.compile(r"application/(?:[a-z0-9.+-]+\+)?json")
_IDEMPOTENCY_KEY: Final = re.compile(r"[\x20-\x7e]{1,255}")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_CURSOR: Final = re.compile(r"after:([1-9][0-9]{0,17})")
_MAX_QUERY_VALUE: Final = 2000
TIMESTAMP_HINT: Final = ("must be an RFC 3339 date (2026-03-01, meaning 00:00 UTC) or date-time "
                         "with an offset (2026-03-01T12:00:00Z)")


def json_body(schema_name: str) -> dict[str, Any]:
    """The request's JSON object, checked against the component schema `schema_name`.

    Raises ApiProblem: 415 unsupported_media_type, 400 malformed_json, 422 invalid_request
    (with `errors`); Werkzeug raises 413 for a body over the size limit.
    """
    return check_body(schema_name, read_json())


def read_json() -> Any:
    """The request's JSON body, parsed but not yet checked against a schema.

    Raises ApiProblem: 415 unsupported_media_type, 400 malformed_json, 422 invalid_request
    (strings with control characters, numbers too large to be finite).
    """
    if _JSON_MEDIA_TYPE.fullmatch(request.mimetype) is None:
        raise ApiProblem("unsupported_media_type",
                         "send the body as JSON (Content-Type: application/json)")
    data = read_body()
    try:
        body = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant,
                          object_pairs_hook=unique_members)
    except UnicodeDecodeError:
        raise ApiProblem("malformed_json", "the body is not UTF-8 encoded") from None
    except json.JSONDecodeError as error:
        raise ApiProblem("malformed_json", f"the body is not valid JSON: {error.msg} at "
                         f"line {error.lineno} column {error.colno}") from None
    except JsonDocumentError as error:  # a member name twice
        raise ApiProblem("malformed_json", f"the body is not acceptable JSON: {error.message}"
                         ) from None
    except RecursionError:
        raise ApiProblem("malformed_json", "the body nests arrays or objects too deeply"
                         ) from None
    except ValueError as error:
        raise ApiProblem("malformed_json", f"the body is not valid JSON: {error}") from None
    errors = _value_errors(body)
    if errors:
        raise ApiProblem("invalid_request", "the body contains values this service cannot "
                         "store", errors=errors)
    return body


def check_body(schema_name: str, body: Any) -> dict[str, Any]:
    """`body`, if it matches the component schema `schema_name`.

    Raises ApiProblem 422 invalid_request listing every mismatch.
    """
    errors = schema_errors(schema_name, body)
    if errors:
        raise ApiProblem("invalid_request", f"the body does not match the {schema_name} "
                         "schema of the OpenAPI document", errors=errors)
    if not isinstance(body, dict):  # every request schema is an object; for the type checker
        raise ApiProblem("invalid_request", "the body must be a JSON object")
    return body


def read_body() -> bytes:
    """The request body, whole. Raises RequestEntityTooLarge (413) over MAX_CONTENT_LENGTH.

    Werkzeug refuses a Content-Length over the limit, but a body without one (chunked, from
    a server that sets `wsgi.input_terminated`) is cut at the limit without an error; the
    byte after the cut tells a body of exactly the limit from a longer one.
    """
    data = request.get_data(cache=True)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if (request.content_length is None and limit is not None and len(data) >= limit
            and request.environ["wsgi.input"].read(1)):
        raise RequestEntityTooLarge()
    return data


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _value_errors(body: Any) -> list[dict[str, str]]:
    """Strings the database or a signature cannot carry (control characters, lone
    surrogates) and numbers too large to be finite; walked without recursion."""
    errors: list[dict[str, str]] = []
    stack: list[tuple[list[str | int], Any]] = [([], body)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            _check_string(value, path, errors)
        elif isinstance(value, float) and not math.isfinite(value):
            errors.append({"pointer": json_pointer(path), "detail": "must be a finite number"})
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, [*path, key], errors)
                stack.append(([*path, key], item))
        elif isinstance(value, list):
            stack.extend(([*path, index], item) for index, item in enumerate(value))
    return sorted(errors, key=lambda error: error["pointer"])


def _check_string(value: str, path: list[str | int], errors: list[dict[str, str]]) -> None:
    try:
        check_text(value, "the value")
    except InvalidDocumentError as error:
        errors.append({"pointer": json_pointer(path), "detail": error.message})


def request_digest(body: dict[str, Any]) -> str:
    """SHA-256 of the body's canonical JSON (sorted keys, compact): what an Idempotency-Key
    is bound to."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def idempotency_key() -> str | None:
    """The Idempotency-Key header (1-255 printable ASCII characters), if sent.

    Raises ApiProblem 422 invalid_request for a malformed key.
    """
    value = request.headers.get("Idempotency-Key")
    if value is None:
        return None
    if _IDEMPOTENCY_KEY.fullmatch(value) is None:
        raise ApiProblem("invalid_request", "the Idempotency-Key header is malformed",
                         errors=[{"header": "Idempotency-Key",
                                  "detail": "must be 1-255 printable ASCII characters"}])
    return value


class Query:
    """The request's query parameters, read one by one; `finish()` raises one problem
    listing every bad or unknown parameter."""

    def __init__(self) -> None:
        self._errors: list[dict[str, str]] = []
        self._read: set[str] = set()

    def _fail(self, name: str, detail: str) -> None:
        self._errors.append({"parameter": name, "detail": detail})

    def text(self, name: str) -> str | None:
        """A parameter given at most once, without control characters."""
        self._read.add(name)
        values = request.args.getlist(name)
        if not values:
            return None
        if len(values) > 1:
            self._fail(name, "is given more than once")
            return None
        value = values[0]
        if not value or len(value) > _MAX_QUERY_VALUE:
            self._fail(name, f"must have 1 to {_MAX_QUERY_VALUE} characters")
            return None
        try:
            check_text(value, name)
        except InvalidDocumentError as error:
            self._fail(name, error.message)
            return None
        return value

    def integer(self, name: str, *, low: int, high: int, default: int) -> int:
        """An integer parameter between `low` and `high`."""
        value = self.text(name)
        if value is None:
            return default
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            self._fail(name, f"must be an integer from {low} to {high}")
            return default
        return int(value)

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        """One of `choices`."""
        value = self.text(name)
        if value is not None and value not in choices:
            self._fail(name, "must be one of: " + ", ".join(choices))
            return None
        return value

    def timestamp(self, name: str) -> datetime | None:
        """An RFC 3339 date (00:00 UTC of that day) or date-time with an offset."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return parse_timestamp(value)
        except ValueError as error:
            self._fail(name, str(error))
            return None

    def cursor(self) -> int | None:
        """The row id a page continues after, from an opaque `cursor` made by `next_page_url`."""
        value = self.text("cursor")
        if value is None:
            return None
        try:
            decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
        except (binascii.Error, ValueError):
            decoded = ""
        match = _CURSOR.fullmatch(decoded)
        if match is None:
            self._fail("cursor", "is not a cursor this service handed out (use `next` as is)")
            return None
        return int(match.group(1))

    def fail(self, name: str, detail: str) -> None:
        """Report a parameter whose value the caller found unacceptable."""
        self._fail(name, detail)

    def finish(self) -> None:
        """Raise ApiProblem 422 invalid_request if any parameter was bad or unknown."""
        for name in request.args:
            if name not in self._read:
                self._fail(name, "is not a parameter of this resource")
        if self._errors:
            raise ApiProblem("invalid_request", "the query parameters are not acceptable",
                             errors=self._errors)


def parse_timestamp(value: str) -> datetime:
    """A filter's bound: an RFC 3339 date-time with an offset, or a date, which means 00:00
    UTC of that day (so `issuedBefore` 2026-12-01 excludes that day; `issuedAfter` includes
    it). Raises ValueError with the words for the client."""
    try:
        if _DATE.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        return parse_datetime(value)
    except (ValueError, InvalidDocumentError):
        raise ValueError(TIMESTAMP_HINT) from None


def next_page_url(after: int) -> str:
    """The absolute URL of the next page: this request's parameters with a new cursor."""
    cursor = base64.urlsafe_b64encode(f"after:{after}".encode("ascii")).decode("ascii")
    params = [(name, value) for name, value in request.args.items(multi=True)
              if name != "cursor"]
    params.append(("cursor", cursor.rstrip("=")))
    return f"{issuer_context().base_url}{request.path}?{urlencode(params)}"
