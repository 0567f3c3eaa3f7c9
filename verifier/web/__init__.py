"""The verification page and what every microbadges page shares: the layout, the
stylesheet, the security headers and the HTML error page.

`verification_pages(options, fetch)` is a Flask blueprint (name `web`): `/verify` (paste
JSON or a JWT, upload a JSON file or a baked PNG/SVG, or give a credential URL) and the
shared assets under `/static`. The host application supplies how to verify (`options`: a
context manager giving VerifierOptions) and how to fetch a credential URL (`fetch`), so the
issuer service can answer its own URLs from its database while `create_app()` here is a
stand-alone verifier that fetches with the HTTPS fetcher's protections. The page works
without JavaScript.

The blueprint never imports the issuer.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from flask import Blueprint, Flask, Response, render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from badges.baking import is_png, is_svg
from badges.json_document import MAX_DOCUMENT_BYTES
from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher
from verifier.fetch import HttpsDocumentFetcher, RefusedAddressError, fetch_bytes
from verifier.http_cache import ResponseCache
from verifier.summary import (
    STATUS_WORDS,
    check_label,
    recipient_matches,
    summarize,
    verdict,
)
from verifier.verify import Clock, VerifierOptions, system_clock, verify_credential

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CredentialFetcher",
    "OptionsFactory",
    "create_app",
    "install_page_defaults",
    "preferred",
    "render_error_page",
    "verification_pages",
    "wants_html",
]

OptionsFactory = Callable[[], AbstractContextManager[VerifierOptions]]
CredentialFetcher = Callable[[str], bytes]  # raises ResolutionError

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
_HTML: Final = "text/html"
_MAX_FORM_BYTES: Final = MAX_DOCUMENT_BYTES + 64 * 1024  # the credential and the form's own


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


def _quality(offer: str) -> float:
    """The quality the request's Accept gives `offer`: that of its most specific matching
    range (`type/subtype`, then `type/*`, then `*/*`), media-type parameters ignored."""
    kind = offer.split("/", 1)[0]
    found: dict[int, float] = {}
    for value, quality in request.accept_mimetypes:
        media = value.split(";", 1)[0].strip().lower()
        specificity = {offer: 3, f"{kind}/*": 2, "*/*": 1}.get(media)
        if specificity is not None:
            found[specificity] = max(quality, found.get(specificity, 0.0))
    return found[max(found)] if found else 0.0


def preferred(offers: Sequence[str]) -> str | None:
    """The offer the request's Accept ranks highest (ties: the earlier offer; no Accept
    header: the first), or None when it accepts none of them."""
    if not request.accept_mimetypes:
        return offers[0] if offers else None
    best, best_quality = None, 0.0
    for offer in offers:
        quality = _quality(offer)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def wants_html() -> bool:
    """Whether the client prefers an HTML page to a JSON document (browsers; `*/*` alone
    gets JSON)."""
    return preferred(["application/problem+json", "application/json", _HTML]) == _HTML


def render_error_page(status: int, title: str, detail: str) -> Response:
    """The HTML error page (what browsers get instead of problem+json)."""
    return Response(render_template("error.html", title=title, detail=detail, status=status),
                    status=status, mimetype=_HTML)


class _InputError(ValueError):
    """The form was not filled in usably; the message says how."""


def _uploaded(upload: FileStorage | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data: bytes = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _InputError(f"The file is larger than {MAX_DOCUMENT_BYTES // 1024} KiB.")
    if not data:
        raise _InputError("The file is empty.")
    return data


@dataclass(frozen=True, slots=True)
class _Submission:
    """What the form gave: the credential, how it came (for people), and the uploaded
    image to show when it is a badge image."""

    data: bytes | str
    source: str
    image: str | None = None


def _image_uri(data: bytes) -> str | None:
    """The uploaded badge image as a data: URI (shown in an <img>, where SVG runs no
    script), or None when it is not an image."""
    if is_png(data):
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    if is_svg(data):
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return None


def _submitted(fetch: CredentialFetcher) -> _Submission:
    """The credential the form gives. Raises _InputError."""
    pasted = request.form.get("credential", "").strip()
    url = request.form.get("url", "").strip()
    if pasted.lower().startswith(("https://", "http://")) and not url and " " not in pasted:
        pasted, url = "", pasted  # a link pasted into the text box
    file = request.files.get("file")
    upload = _uploaded(file)
    given = [name for name, value in (("pasted", pasted), ("file", upload), ("url", url))
             if value]
    if not given:
        raise _InputError("Paste a credential, choose a file or enter a URL.")
    if len(given) > 1:
        raise _InputError("Give one credential at a time: paste it, choose a file or enter "
                          "a URL.")
    if upload is not None and file is not None:
        return _Submission(upload, f"the file {file.filename}", _image_uri(upload))
    if pasted:
        return _Submission(pasted, "the pasted text")
    if not url.lower().startswith(("https://", "http://")):
        raise _InputError("The URL must start with https://.")
    try:
        return _Submission(fetch(url), f"the credential at {url}")
    except RefusedAddressError:  # the message would name internal addresses
        raise _InputError("Could not fetch the credential: only public internet addresses "
                          "are fetched.") from None
    except ResolutionError as error:
        raise _InputError(f"Could not fetch the credential: {error}") from None


def verification_pages(options: OptionsFactory, fetch: CredentialFetcher) -> Blueprint:
    """The `/verify` page and the shared templates and static files."""
    pages = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static")

    @pages.before_request
    def _room_for_a_credential() -> None:
        # A credential may be as large as the verifier reads (MAX_DOCUMENT_BYTES), pasted
        # or uploaded, whatever the host app allows other requests.
        if request.endpoint == "web.verify_submitted":
            request.max_content_length = _MAX_FORM_BYTES
            request.max_form_memory_size = _MAX_FORM_BYTES

    @pages.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        return render_template("verify.html", title="Verify a badge", error=(
            f"The credential is larger than {MAX_DOCUMENT_BYTES // 1024} KiB, more than "
            "any verifier reads.")), 413

    @pages.get("/verify")
    def verify_form() -> str:
        return render_template("verify.html", title="Verify a badge")

    @pages.post("/verify")
    def verify_submitted() -> tuple[str, int]:
        try:
            submission = _submitted(fetch)
        except _InputError as error:
            return render_template("verify.html", title="Verify a badge",
                                   error=str(error), form=request.form), 400
        with options() as verifier_options:
            report = verify_credential(submission.data, verifier_options)
        email = request.form.get("email", "").strip()[:320]
        recipient = (recipient_matches(report.credential, email)
                     if email and report.credential is not None else None)
        return render_template(
            "verify.html", title="Verification result", report=report,
            summary=summarize(report.credential) if report.credential is not None else None,
            verdict=verdict(report), source=submission.source, check_label=check_label,
            status_words=STATUS_WORDS, badge_image=submission.image, email=email,
            recipient=recipient), 200

    return pages


def create_app(*, allow_private_network: bool = False,
               fetcher: DocumentFetcher | None = None, clock: Clock = system_clock) -> Flask:
    """A stand-alone verification page (no issuer): credentials and the documents they name
    are fetched with the HTTPS fetcher's protections (its responses cached as allowed),
    unless `fetcher` supplies the documents."""
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = _MAX_FORM_BYTES
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
