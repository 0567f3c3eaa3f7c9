"""The answers of public URLs: JSON documents and their pages for browsers, conditional on
an ETag of their bytes (304 for a matching If-None-Match), with CORS open to every origin
for the documents that credentials point at."""

from __future__ import annotations

import hashlib
from typing import Any, Final

from flask import Response, json, render_template, request

__all__ = ["JSON_LD", "json_response", "page_response"]

JSON_LD: Final = "application/ld+json"
# Issuer documents change when keys rotate: caches revalidate (ETag, 304) on every use, so
# a credential signed with a new key never meets a stale did.json.
_REVALIDATE: Final = "no-cache"


def _conditional(response: Response, body: bytes, cache: str) -> Response:
    response.headers["Cache-Control"] = cache
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.make_conditional(request)  # 304 for a matching If-None-Match
    return response


def json_response(document: Any, *, media_type: str = "application/json",
                  cache: str = _REVALIDATE, negotiated: bool = False) -> Response:
    """The JSON answer, conditional on its ETag; `negotiated` when the URL also answers
    browsers with a page (`page_response`)."""
    body = json.dumps(document).encode("utf-8")
    response = Response(body, mimetype=media_type)
    if negotiated:
        response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _conditional(response, body, cache)


def page_response(template: str, *, conditional: bool = False, **values: Any) -> Response:
    """The page for browsers of a URL that answers machines with JSON; `conditional` adds
    an ETag (and revalidation) for pages that only change with their data."""
    body = render_template(template, **values).encode("utf-8")
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return _conditional(response, body, _REVALIDATE) if conditional else response
