"""What every microbadges page shares besides its templates: the security headers, the site
navigation and the `date` template filter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from flask import Flask, Response, request

__all__ = ["CONTENT_SECURITY_POLICY", "install_page_defaults"]

# Every asset is this service's own; images may also be data: URIs or https badge images
# of other issuers (shown on the verification page). No inline script or style anywhere.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def _date(value: datetime | None) -> str:
    """A date people read: 2 December 2026."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def install_page_defaults(app: Flask, links: Sequence[tuple[str, str]], *,
                          https: bool | None = None) -> None:
    """Give `app` the shared page setup: the security headers on every response (the
    Content-Security-Policy on those without one of their own; HSTS when the public origin
    is `https`, or, when that is not given, when the request came over TLS), the site
    navigation (`links`: label, endpoint) and the `date` filter of the templates."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if https or (https is None and request.is_secure):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.context_processor
    def _site() -> dict[str, object]:
        return {"site_links": links}

    app.add_template_filter(_date, "date")
