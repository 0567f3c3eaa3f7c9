"""RFC 9457 problem details: the one error format of every JSON endpoint (and, for a
browser asking for a page, the HTML error page of the same problem).

Each problem has a stable `code` (also the last segment of its `type` URI, which serves a
description of the problem). Handlers here turn service errors, HTTP errors (404, 405, 413,
…) and anything unexpected into problem details; an unexpected exception is logged with its
traceback and answered with a generic 500 that reveals nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from issuer.platform.errors import InvalidInputError, IssuerError
from issuer.platform.urls import problem_type_url
from keys.errors import BadgeError, KeyDecryptionError
from verifier.web import render_error_page, wants_html

__all__ = ["PROBLEMS", "ApiProblem", "install_problem_handlers", "problem_response"]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
# Machine endpoints answer problem+json to everyone, browsers included.
_API_PREFIXES: Final = ("/api/", "/oauth/", "/credentials/", "/presentations/")
_log = logging.getLogger(__name__)

PROBLEMS: Final[Mapping[str, tuple[int, str]]] = {
    # code: (HTTP status, title)
    "bad_request": (400, "The request is malformed"),
    "malformed_json": (400, "The request body is not valid JSON"),
    "unsupported_media_type": (415, "The request body has an unsupported media type"),
    "invalid_request": (422, "The request does not match the expected schema"),
    "invalid_input": (422, "A value in the request is not acceptable"),
    "invalid_credential": (422, "The credential cannot be issued as given"),
    "issuer_mismatch": (422, "The credential names another issuer than the client's provider"),
    "idempotency_key_reused": (422, "The Idempotency-Key was used for a different request"),
    "unknown_achievement": (422, "The provider has no such microbadge"),
    "unauthorized": (401, "A valid bearer token is required"),
    "invalid_token": (401, "The bearer token is invalid, expired or revoked"),
    "insufficient_scope": (403, "The token lacks the scope this action needs"),
    "forbidden": (403, "This client may not perform this action"),
    "not_found": (404, "No such resource"),
    "method_not_allowed": (405, "The method is not allowed on this resource"),
    "conflict": (409, "The resource exists already"),
    "rotation_unsupported": (409, "This issuer's key cannot be rotated"),
    "payload_too_large": (413, "The request body is too large"),
    "not_acceptable": (406, "No acceptable representation"),
    "too_many_requests": (429, "Too many requests"),
    "not_verified": (422, "The credential or presentation did not verify"),
    "internal_error": (500, "Internal server error"),
}

# Service errors whose code names no problem of its own: answered as `invalid_input` with
# this status (the bare IssuerError, database_unavailable of the operator's CLI).
_ERROR_STATUS: Final[Mapping[str, int]] = {"issuer_error": 400, "database_unavailable": 503,
                                           "server_error": 400}

_HTTP_CODES: Final = {400: "bad_request", 401: "unauthorized", 403: "forbidden",
                      404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
                      409: "conflict", 413: "payload_too_large",
                      415: "unsupported_media_type", 429: "too_many_requests"}


class ApiProblem(Exception):  # noqa: N818 (RFC 9457 calls it a problem)
    """Raise to answer with a problem detail; `extra` adds members (e.g. `errors`)."""

    def __init__(self, code: str, detail: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        if code not in PROBLEMS:
            raise ValueError(f"unregistered problem code {code!r}")
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status or PROBLEMS[code][0]
        self.headers = dict(headers or {})
        self.extra = extra


def problem_type(code: str) -> str:
    """The `type` URI of a problem: a page on this service describing it."""
    return problem_type_url(current_app.config["MICROBADGES_BASE_URL"], code)


def problem_response(problem: ApiProblem) -> Response:
    """The RFC 9457 response for a problem; for a browser asking for a page (not the API),
    the same as an HTML page."""
    negotiated = not request.path.startswith(_API_PREFIXES)
    if negotiated and wants_html():
        page = render_error_page(problem.status, PROBLEMS[problem.code][1], problem.detail)
        page.headers.update(problem.headers)
        page.headers["Vary"] = "Accept"
        return page
    body = {"type": problem_type(problem.code), "title": PROBLEMS[problem.code][1],
            "status": problem.status, "detail": problem.detail, "code": problem.code,
            **problem.extra}
    response = current_app.response_class(json.dumps(body), status=problem.status,
                                          mimetype=PROBLEM_MEDIA_TYPE)
    response.headers.update(problem.headers)
    if negotiated:
        response.headers["Vary"] = "Accept"
    return response


def from_badge_error(error: BadgeError) -> ApiProblem:
    """The problem for a service or library error."""
    if isinstance(error, IssuerError):
        code = error.code if error.code in PROBLEMS else "invalid_input"
        extra: dict[str, Any] = {}
        if isinstance(error, InvalidInputError) and error.errors is not None:
            extra["errors"] = error.errors
        elif isinstance(error, InvalidInputError) and error.pointer is not None:
            extra["errors"] = [{"pointer": error.pointer, "detail": error.message}]
        return ApiProblem(code, error.message, status=_ERROR_STATUS.get(error.code), **extra)
    return ApiProblem("invalid_input", error.message, error_code=error.code)


def install_problem_handlers(app: Flask) -> None:
    """Answer every error of `app` with a problem detail."""

    @app.errorhandler(ApiProblem)
    def _problem(problem: ApiProblem) -> Response:
        return problem_response(problem)

    @app.errorhandler(BadgeError)
    def _badge_error(error: BadgeError) -> Response:
        if isinstance(error, KeyDecryptionError):  # the service's secret, not the request
            _log.error("a stored signing key does not decrypt with MICROBADGES_SECRET_FILE's "
                       "secret (%s)", error.code)
            return problem_response(ApiProblem(
                "internal_error", "The server could not complete the request; the error has "
                "been logged."))
        return problem_response(from_badge_error(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        code = _HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")
        headers = {}
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        detail = error.description or PROBLEMS[code][1]
        return problem_response(ApiProblem(code, detail, status=status, headers=headers))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        _log.exception("unexpected error", exc_info=error)
        return problem_response(ApiProblem("internal_error", "The server could not complete "
                                           "the request; the error has been logged."))
