"""The HTML error page: what browsers get instead of problem+json."""

from __future__ import annotations

from flask import Response, render_template

from verifier.web.negotiation import HTML

__all__ = ["render_error_page"]


def render_error_page(status: int, title: str, detail: str) -> Response:
    """The HTML error page (what browsers get instead of problem+json)."""
    return Response(render_template("error.html", title=title, detail=detail, status=status),
                    status=status, mimetype=HTML)
