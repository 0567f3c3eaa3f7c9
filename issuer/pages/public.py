"""Public documents anyone may read, no token: issuer profiles (controller documents),
did:web DID documents, JWKS, the known-issuer registry, microbadge definitions, images and
problem descriptions.

These URLs are what credentials point at; they must stay stable.
"""

from __future__ import annotations

from importlib import metadata
from typing import Final

from flask import Blueprint, Response, request
from sqlalchemy import select

from issuer.microbadges.models import AchievementRecord, ImageRecord
from issuer.microbadges.services import achievement_document
from issuer.platform import urls
from issuer.platform.errors import NotFoundError
from issuer.providers.models import IdentifierMethod, ProviderRecord
from issuer.providers.services import find_provider, published_keys
from issuer.publication import documents
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import PROBLEMS, ApiProblem
from issuer.web.responses import JSON_LD, json_response, page_response
from verifier.summary import safe_link
from verifier.web import wants_html

__all__ = ["public"]

public = Blueprint("public", __name__, template_folder="templates")

_JWKS: Final = "application/jwk-set+json"
CREDENTIAL_MEDIA_TYPE: Final = "application/vc+ld+json"
_IMAGE_CACHE: Final = "public, max-age=31536000, immutable"
# Uploaded SVGs are checked on the way in; this CSP is the second line of defence.
_IMAGE_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _provider(slug: str) -> ProviderRecord:
    try:
        return find_provider(db_session(), slug)
    except NotFoundError:
        raise ApiProblem("not_found", f"no issuer {slug!r}") from None


@public.get("/")
def index() -> Response:
    """What this service is, and where to start (a page for browsers)."""
    if wants_html():
        return page_response("home.html", title="microbadges")
    base = issuer_context().base_url
    return json_response({"name": "microbadges issuer service",
                  "version": metadata.version("microbadges"),
                  "links": {"openapi": urls.openapi_url(base),
                            "verify": urls.verify_url(base),
                            "token": urls.token_url(base),
                            "jwks": urls.service_jwks_url(base),
                            "registry": urls.registry_url(base)}},
                 cache="no-cache", negotiated=True)


@public.get("/issuers/<slug>")
def issuer_profile(slug: str) -> Response:
    """The issuer Profile as a JSON-LD controller document with every key; a page for
    browsers (the link a badge page gives its issuer)."""
    provider = _provider(slug)
    if wants_html():
        address = ", ".join(str(value) for key, value in (provider.address or {}).items()
                            if value and key != "address_country_code")
        did_document = (urls.did_document_url(issuer_context().base_url, slug)
                        if provider.identifier_method == IdentifierMethod.DID_WEB else None)
        return page_response("issuer.html", title=provider.name, provider=provider,
                     website=safe_link(provider.url), address=address,
                     keys=published_keys(provider), did_document=did_document)
    return json_response(documents.profile_document(provider), media_type=JSON_LD, negotiated=True)


@public.get("/issuers/<slug>/did.json")
def did_document(slug: str) -> Response:
    """The DID document of a did:web issuer (404 for other identifier methods)."""
    document = documents.did_document(_provider(slug))
    if document is None:
        raise ApiProblem("not_found", f"issuer {slug!r} does not use did:web")
    return json_response(document, media_type="application/did+json")


@public.get("/issuers/<slug>/jwks.json")
def issuer_jwks(slug: str) -> Response:
    """The issuer's public keys as a JWKS (`kid` = verification method id)."""
    return json_response(documents.issuer_jwks(_provider(slug)), media_type=_JWKS)


@public.get("/.well-known/jwks.json")
def service_jwks() -> Response:
    """Every issuer's public keys on this service as one JWKS."""
    return json_response(documents.service_jwks(db_session()), media_type=_JWKS)


@public.get("/registry.json")
def known_issuer_registry() -> Response:
    """Every provider as a known-issuer registry (the DCC's format), with an ETag. Served
    only from the service's own origin: a verifier trusts it as far as it trusts that
    origin's TLS certificate (README, "Known-issuer registry")."""
    context = issuer_context()
    return json_response(documents.known_issuer_registry(
        db_session(), name=context.settings.published_registry_name,
        base_url=context.base_url))


@public.get("/achievements/<public_id>")
def achievement(public_id: str) -> Response:
    """A microbadge definition (OB Achievement) at its id URL."""
    record = db_session().scalar(
        select(AchievementRecord).where(AchievementRecord.public_id == public_id))
    if record is None:
        raise ApiProblem("not_found", f"no microbadge {public_id!r}")
    return json_response(achievement_document(issuer_context().base_url, record),
                         media_type=JSON_LD)


@public.get("/images/<public_id>")
def image(public_id: str) -> Response:
    """An uploaded image, immutable (a new upload gets a new URL)."""
    record = db_session().scalar(select(ImageRecord).where(ImageRecord.public_id == public_id))
    if record is None:
        raise ApiProblem("not_found", f"no image {public_id!r}")
    response = Response(record.data, mimetype=record.media_type)
    response.headers["Cache-Control"] = _IMAGE_CACHE
    response.headers["Content-Security-Policy"] = _IMAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(record.sha256)
    return response


@public.get("/issuers/<slug>/status/<public_id>")
def status_list(slug: str, public_id: str) -> Response:
    """A signed BitstringStatusListCredential, re-signed first when half of its validity has
    passed; cacheable for a few minutes (MICROBADGES_STATUS_LIST_MAX_AGE), with an ETag."""
    context = issuer_context()
    signer = context.issuance()
    record = documents.current_status_list(db_session(), context.sessions, _provider(slug),
                                           public_id, signer)
    if record is None:
        raise ApiProblem("not_found", f"no status list {public_id!r} of issuer {slug!r}")
    if record.document is None or record.valid_until is None:  # refresh_status_list signs
        raise RuntimeError(f"status list {public_id} was not signed")
    remaining = int((record.valid_until - signer.clock()).total_seconds())
    max_age = max(0, min(context.settings.status_list_max_age, remaining))
    response = Response(record.document.encode("utf-8"), mimetype=CREDENTIAL_MEDIA_TYPE)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(record.etag or "")
    response.make_conditional(request)  # 304 for a matching If-None-Match
    return response


@public.get("/problems/<code>")
def problem_description(code: str) -> Response:
    """What a problem `type` URI names."""
    if code not in PROBLEMS:
        raise ApiProblem("not_found", f"no problem type {code!r}")
    status, title = PROBLEMS[code]
    return json_response({"code": code, "status": status, "title": title})
