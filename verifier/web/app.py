"""`create_app()`: the stand-alone verification page, without an issuer. A leaf that only
composes the blueprint, the page defaults and the error page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from badges.clock import Clock, system_clock
from keys.resolution import DocumentFetcher
from verifier.fetch import HttpsDocumentFetcher, fetch_bytes
from verifier.http_cache import ResponseCache
from verifier.verify import VerifierOptions
from verifier.web.error_page import render_error_page
from verifier.web.page_defaults import install_page_defaults
from verifier.web.pages import verification_pages
from verifier.web.submission import MAX_FORM_BYTES

__all__ = ["create_app"]

# The application keeps the package's name (its logger's name and its root path,
# verifier/web/), as when create_app was defined in the package's __init__.
_PACKAGE: Final = __name__.rpartition(".")[0]


def create_app(*, allow_private_network: bool = False,
               fetcher: DocumentFetcher | None = None, clock: Clock = system_clock) -> Flask:
    """A stand-alone verification page (no issuer): credentials and the documents they name
    are fetched with the HTTPS fetcher's protections (its responses cached as allowed),
    unless `fetcher` supplies the documents."""
    app = Flask(_PACKAGE, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_FORM_BYTES
    documents = fetcher or HttpsDocumentFetcher(allow_private_network=allow_private_network,
                                                cache=ResponseCache())

    @contextmanager
    def options() -> Iterator[VerifierOptions]:
        yield VerifierOptions(fetcher=documents, clock=clock)

    def fetch(url: str) -> bytes:
        return fetch_bytes(url, allow_private_network=allow_private_network)

    app.register_blueprint(verification_pages(options, fetch))
    install_page_defaults(app, [("Verify a badge", "web.verify_form")])

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        return render_error_page(error.code or 500, error.name, error.description or "")

    @app.get("/")
    def _home() -> Response:
        return Response(status=303, headers={"Location": "/verify"})

    return app
