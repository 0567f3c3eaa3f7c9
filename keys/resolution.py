"""Resolve a proof's `verificationMethod` id to an Ed25519 public key and its controller.

Follows the "retrieve verification method" steps of Controlled Identifiers 1.0 §3.3. The
library never performs network I/O itself: documents come from an injected
`DocumentFetcher`. Errors split "could not decide" (ResolutionError: no fetcher, fetch
failed, unsupported DID method) from "bad" (InvalidVerificationMethodError and its
subclass VerificationMethodNotFoundError).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final, Protocol
from urllib.parse import SplitResult, urlsplit, urlunsplit

from keys.did_key import (
    DID_KEY_PREFIX,
    create_did_key,
    create_did_key_verification_method,
    parse_did_key,
)
from keys.did_web import DID_WEB_PREFIX, did_web_to_url
from keys.errors import (
    InvalidDidError,
    InvalidVerificationMethodError,
    KeyFormatError,
    ResolutionError,
    VerificationMethodNotFoundError,
)
from keys.public_key import PublicKey
from keys.verification_method import (
    VerificationMethod,
    VerificationMethodSource,
    absolute_id,
    read_verification_method,
)

__all__ = ["DocumentFetcher", "StaticDocumentFetcher", "resolve_verification_method"]

_LOOPBACK_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})
_KEY_MEMBERS: Final = ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58")


class DocumentFetcher(Protocol):
    """Gets the JSON document at a URL; raises ResolutionError when it cannot be had."""

    def fetch_json(self, url: str) -> object:
        """Return the parsed JSON document at `url` (no fragment)."""
        ...


@dataclass(frozen=True, slots=True)
class StaticDocumentFetcher:
    """A DocumentFetcher over a fixed URL → document mapping (CLI `--document`, tests)."""

    documents: Mapping[str, object] = field(default_factory=dict)

    def fetch_json(self, url: str) -> object:
        """Return a fresh copy of the document for `url`. Raises ResolutionError if absent."""
        if url not in self.documents:
            raise ResolutionError(f"no document available for {url}")
        return copy.deepcopy(self.documents[url])


def resolve_verification_method(
    verification_method_id: str,
    fetcher: DocumentFetcher | None,
    *,
    allow_loopback_http: bool = False,
) -> VerificationMethod:
    """Resolve a verification method id to its key, type and controller.

    Handles `did:key:…`, `did:web:…#frag`, `<https URL>#z6Mk…` (key read from the fragment,
    nothing fetched) and https URLs of a controller document or a verification method
    document. Plain http is refused unless `allow_loopback_http` and the host is loopback.
    Raises ResolutionError when the answer cannot be had, InvalidVerificationMethodError
    (or VerificationMethodNotFoundError) when what was found is unusable.
    """
    if not isinstance(verification_method_id, str) or not verification_method_id:
        raise InvalidVerificationMethodError("verification method id must be a non-empty string")
    if verification_method_id.startswith(DID_KEY_PREFIX):
        return _resolve_did_key(verification_method_id)
    if verification_method_id.startswith(DID_WEB_PREFIX):
        return _resolve_did_web(verification_method_id, fetcher)
    if verification_method_id.startswith("did:"):
        method = verification_method_id.split(":", 2)[1]
        raise ResolutionError(f"unsupported DID method 'did:{method}' in {verification_method_id}")
    return _resolve_url(verification_method_id, fetcher, allow_loopback_http)


def _resolve_did_key(method_id: str) -> VerificationMethod:
    try:
        public_key = parse_did_key(method_id)
    except InvalidDidError as error:
        raise InvalidVerificationMethodError(error.message) from error
    canonical_id = create_did_key_verification_method(public_key)
    return VerificationMethod(
        id=canonical_id,
        type="Multikey",
        controller=create_did_key(public_key),
        public_key=public_key,
        source=VerificationMethodSource.DID_KEY,
        assertion_method=(canonical_id,),
    )


def _resolve_did_web(method_id: str, fetcher: DocumentFetcher | None) -> VerificationMethod:
    did, _, fragment = method_id.partition("#")
    if not fragment:
        raise InvalidVerificationMethodError(
            f"a did:web verification method needs a #fragment: {method_id}"
        )
    try:
        url = did_web_to_url(did)
    except InvalidDidError as error:
        raise InvalidVerificationMethodError(error.message) from error
    document = _fetch_object(fetcher, url)
    if document.get("id") != did:
        raise InvalidVerificationMethodError(
            f"DID document at {url} has id {document.get('id')!r}, expected {did}"
        )
    return _method_from_controller_document(
        document, did, method_id, VerificationMethodSource.DID_DOCUMENT
    )


def _resolve_url(
    method_id: str, fetcher: DocumentFetcher | None, allow_loopback_http: bool
) -> VerificationMethod:
    parts = _checked_url(method_id, allow_loopback_http)
    document_url = urlunsplit(parts._replace(fragment=""))
    fragment_key = _multikey_fragment(parts.fragment)
    if fragment_key is not None:
        # The 1EdTech OB 3.0 form: the id carries the key, so nothing binds it to the
        # controller beyond the id itself; the source tells the verifier so. Where the
        # controller's document can be had and lists keys, it must authorise this one.
        return VerificationMethod(
            id=method_id,
            type="Multikey",
            controller=document_url,
            public_key=fragment_key,
            source=VerificationMethodSource.URL_FRAGMENT,
            assertion_method=_listed_assertion_methods(fetcher, document_url),
        )
    document = _fetch_object(fetcher, document_url)
    if "verificationMethod" in document:
        controller = document.get("id", document_url)
        if controller != document_url:
            raise InvalidVerificationMethodError(
                f"controller document at {document_url} has id {controller!r}"
            )
        return _method_from_controller_document(
            document, document_url, method_id, VerificationMethodSource.CONTROLLER_DOCUMENT
        )
    if any(member in document for member in _KEY_MEMBERS):
        method = read_verification_method(
            document,
            base=document_url,
            default_controller=None,
            source=VerificationMethodSource.METHOD_DOCUMENT,
            assertion_method=None,
        )
        if method.id != method_id:
            raise InvalidVerificationMethodError(
                f"verification method document at {document_url} has id {method.id!r}, "
                f"expected {method_id}"
            )
        # A key document can name any controller: only the controller's own document can
        # authorise the key (Controlled Identifiers 1.0 §3.3).
        return replace(method, assertion_method=_listed_assertion_methods(
            fetcher, method.controller))
    raise InvalidVerificationMethodError(
        f"document at {document_url} is neither a controller document nor a verification method"
    )


def _listed_assertion_methods(fetcher: DocumentFetcher | None,
                              controller: str) -> tuple[str, ...] | None:
    """The assertionMethod ids of the controller's document, or None when it cannot be had
    or lists no keys (an OB issuer profile need not)."""
    if fetcher is None or not controller.startswith("https://"):
        return None
    try:
        document = fetcher.fetch_json(controller.partition("#")[0])
    except ResolutionError:
        return None
    if not isinstance(document, Mapping) or document.get("id", controller) != controller or not (
            "assertionMethod" in document or "verificationMethod" in document):
        return None
    return tuple(_relationship_ids(document, "assertionMethod", controller))


def _method_from_controller_document(
    document: Mapping[str, object],
    controller: str,
    method_id: str,
    source: VerificationMethodSource,
) -> VerificationMethod:
    assertion_method = tuple(_relationship_ids(document, "assertionMethod", controller))
    candidates = [
        entry
        for entry in _method_entries(document)
        if isinstance(entry.get("id"), str)
        and absolute_id(str(entry["id"]), controller) == method_id
    ]
    if not candidates:
        raise VerificationMethodNotFoundError(
            f"controller document {controller} does not list verification method {method_id}"
        )
    method = read_verification_method(
        candidates[0],
        base=controller,
        default_controller=controller,
        source=source,
        assertion_method=assertion_method,
    )
    if method.controller != controller:
        raise InvalidVerificationMethodError(
            f"verification method {method_id} names controller {method.controller}, "
            f"but is published by {controller}"
        )
    return method


def _method_entries(document: Mapping[str, object]) -> list[Mapping[str, object]]:
    """The verification methods of a document, including ones embedded in assertionMethod."""
    entries: list[Mapping[str, object]] = []
    for name in ("verificationMethod", "assertionMethod"):
        value = document.get(name, [])
        if not isinstance(value, list):
            raise InvalidVerificationMethodError(f"'{name}' must be a list")
        entries.extend(entry for entry in value if isinstance(entry, Mapping))
    return entries


def _relationship_ids(document: Mapping[str, object], name: str, base: str) -> list[str]:
    value = document.get(name, [])
    if not isinstance(value, list):
        raise InvalidVerificationMethodError(f"'{name}' must be a list")
    ids: list[str] = []
    for item in value:
        reference = item.get("id") if isinstance(item, Mapping) else item
        if not isinstance(reference, str):
            raise InvalidVerificationMethodError(f"'{name}' holds an entry without a string id")
        ids.append(absolute_id(reference, base))
    return ids


def _checked_url(url: str, allow_loopback_http: bool) -> SplitResult:
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise InvalidVerificationMethodError(f"malformed verification method URL: {url}") from None
    if not hostname or parts.username is not None or parts.password is not None:
        raise InvalidVerificationMethodError(f"verification method URL needs a plain host: {url}")
    if parts.scheme == "https":
        return parts
    if parts.scheme == "http" and allow_loopback_http and hostname in _LOOPBACK_HOSTS:
        return parts
    raise InvalidVerificationMethodError(
        f"verification method URL must use https, did:key or did:web: {url}"
    )


def _multikey_fragment(fragment: str) -> PublicKey | None:
    if not fragment.startswith("z6Mk"):
        return None
    try:
        return PublicKey.from_multibase(fragment)
    except KeyFormatError:
        return None


def _fetch_object(fetcher: DocumentFetcher | None, url: str) -> Mapping[str, object]:
    if fetcher is None:
        raise ResolutionError(f"resolving {url} needs a document fetcher, and none was given")
    document = fetcher.fetch_json(url)
    if not isinstance(document, dict):
        raise InvalidVerificationMethodError(f"document at {url} is not a JSON object")
    return document
