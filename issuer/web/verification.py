"""Verification inside the issuer service: the VC-API, the credential pages and the
verification page all verify with `verifier_options()`.

The documents this service publishes (issuer profiles, did.json of its did:web issuers,
status lists) come from the database, never fetched over the network; every other URL goes
through the verifier's HTTPS fetcher, which refuses internal addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from flask import current_app, json
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from issuer.awards.sharing import find_shared
from issuer.platform.errors import NotFoundError
from issuer.platform.urls import registry_url
from issuer.providers.models import ProviderRecord
from issuer.providers.services import find_provider
from issuer.publication.documents import (
    current_status_list,
    did_document,
    known_issuer_registry,
    profile_document,
)
from issuer.web.context import IssuerContext, issuer_context
from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher
from verifier.fetch import ChainedDocumentFetcher, HttpsDocumentFetcher, fetch_bytes
from verifier.issuers import IssuerRegistry
from verifier.registry import RegistrySource, fetched_registry, read_registry
from verifier.verify import VerifierOptions

__all__ = ["OwnDocumentFetcher", "fetch_credential", "verifier_options"]

# The routes of `issuer.pages.badges` that answer with the credential (or an image that
# carries it).
_CREDENTIAL_ROUTES: Final = frozenset({
    "credential_pages.page", "credential_pages.credential_file",
    "credential_pages.baked_png", "credential_pages.baked_svg"})


def _profile_document(session: Session, provider: ProviderRecord,
                      _arguments: Mapping[str, Any]) -> object:
    return profile_document(provider)


def _did_document(session: Session, provider: ProviderRecord,
                  _arguments: Mapping[str, Any]) -> object:
    document = did_document(provider)
    if document is None:
        raise ResolutionError(f"issuer {provider.slug!r} does not use did:web")
    return document


def _status_list(session: Session, provider: ProviderRecord,
                 arguments: Mapping[str, Any]) -> object:
    """The signed list as `public.status_list` serves it: re-signed first when half of its
    validity has passed (a list nobody fetched for a day would have expired)."""
    context = issuer_context()
    record = current_status_list(session, context.sessions, provider, arguments["public_id"],
                                 context.issuance())
    if record is None:
        raise ResolutionError(f"no status list {arguments['public_id']!r} of issuer "
                              f"{provider.slug!r} on this service")
    if record.document is None:  # refresh_status_list signs
        raise ResolutionError(f"status list {arguments['public_id']!r} is not signed")
    return json.loads(record.document)


# The routes of `issuer.pages.public` whose documents a verification may need.
_BUILDERS: Final[dict[str, Callable[[Session, ProviderRecord, Mapping[str, Any]], object]]] = {
    "public.issuer_profile": _profile_document,
    "public.did_document": _did_document,
    "public.status_list": _status_list,
}


@dataclass(frozen=True, slots=True)
class OwnDocumentFetcher:
    """Serves the issuer documents of this service from the database, exactly as its public
    routes build them; raises ResolutionError for any other URL."""

    session: Session
    base_url: str

    def owns(self, url: str) -> bool:
        """Whether `url` is on this service's origin (False for a malformed URL)."""
        try:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
        except ValueError:  # an unclosed IPv6 bracket, …
            return False
        return origin.lower() == self.base_url.lower()

    def route(self, url: str) -> tuple[str, Mapping[str, Any]]:
        """The endpoint and arguments of one of this service's URLs (the public routes
        define the URL shapes). Raises ResolutionError."""
        if not self.owns(url):
            raise ResolutionError(f"{url} is not on this service")
        try:
            endpoint, arguments = current_app.url_map.bind("").match(
                urlsplit(url).path, method="GET")
        except (HTTPException, RequestRedirect):
            raise ResolutionError(f"{url} is not a document of this service") from None
        return str(endpoint), arguments

    def fetch_json(self, url: str) -> object:
        """The document at `url`. Raises ResolutionError."""
        endpoint, arguments = self.route(url)
        builder = _BUILDERS.get(endpoint)
        if builder is None:
            raise ResolutionError(f"{url} is not an issuer document of this service")
        try:
            provider = find_provider(self.session, arguments["slug"])
        except NotFoundError:
            raise ResolutionError(f"{url}: no issuer {arguments['slug']!r} on this "
                                  "service") from None
        return builder(self.session, provider, arguments)


@dataclass(frozen=True, slots=True)
class _ForeignDocumentFetcher:
    """The network fetcher for every URL that is not this service's own."""

    own: OwnDocumentFetcher
    remote: DocumentFetcher

    def fetch_json(self, url: str) -> object:
        if self.own.owns(url):
            raise ResolutionError(f"{url} is not a published document of this service")
        return self.remote.fetch_json(url)


@contextmanager
def verifier_options() -> Iterator[VerifierOptions]:
    """Options for one verification, with a read-only session of its own (the request's
    session of a POST would take SQLite's write lock): the service's own documents from the
    database, and its own providers as the first known-issuer registry, then those of
    MICROBADGES_REGISTRIES."""
    context = issuer_context()
    with context.sessions() as session:
        own = OwnDocumentFetcher(session, context.base_url)
        remote = HttpsDocumentFetcher(cache=context.response_cache)
        fetcher = ChainedDocumentFetcher([own, _ForeignDocumentFetcher(own, remote)])
        registries = (_own_registry(session, context),
                      *(fetched_registry(url, remote) for url in context.settings.registries))
        yield VerifierOptions(clock=context.clock, fetcher=fetcher, registries=registries)


def _own_registry(session: Session, context: IssuerContext) -> RegistrySource:
    """This service's providers as a registry (what /registry.json publishes), always the
    most authoritative: the service knows its own issuers' keys. Read when a verification
    first needs it (`verify_credential` reads each registry once per verification)."""

    def read() -> IssuerRegistry:
        document = known_issuer_registry(session, name=context.settings.published_registry_name,
                                         base_url=context.base_url)
        return read_registry(document, source=registry_url(context.base_url))

    return read


def fetch_credential(url: str) -> bytes:
    """The credential at `url` for the verification page: a badge page of this service
    from the database (its owner may have hidden it), any other URL over the network with
    the fetcher's protections (public addresses only). Raises ResolutionError."""
    context = issuer_context()
    with context.sessions() as session:
        own = OwnDocumentFetcher(session, context.base_url)
        if not own.owns(url):
            return fetch_bytes(url)
        try:
            endpoint, arguments = own.route(url)
        except ResolutionError:
            endpoint, arguments = "", {}
        record = (find_shared(session, arguments["token"])
                  if endpoint in _CREDENTIAL_ROUTES else None)
        if record is None or record.hidden_at is not None:
            raise ResolutionError(f"there is no badge page at {url}, or its owner has hidden "
                                  "it")
        return record.document.encode("utf-8")
