"""W3C VC-API endpoints (SPEC-NOTES §7): issue a credential as the client's provider, and
verify credentials and presentations for anyone.

Verification runs the verifier library with the app's clock. The documents this service
publishes (issuer profiles, did.json of its did:web issuers, status lists) come from the database,
never fetched over the network; every other URL goes through the verifier's HTTPS fetcher,
which refuses internal addresses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, json
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from badges.canonicalization import CanonicalizationError
from badges.data_integrity import add_proof
from badges.document_loader import UnknownContextError
from badges.json_document import as_list
from issuer.api.requests import read_json
from issuer.api.tenancy import current_provider
from issuer.app import db_session, issuer_context
from issuer.awarding import store_signed_credential
from issuer.errors import NotFoundError
from issuer.identity import build_did_document, build_profile_document
from issuer.models import (
    AchievementRecord,
    CredentialKind,
    CredentialRecord,
    IdentifierMethod,
    ProviderRecord,
)
from issuer.problems import ApiProblem
from issuer.providers import active_signing_key, find_provider, provider_profile, published_keys
from issuer.status_lists import (
    Allocation,
    allocate_status_entries,
    find_status_list,
    needs_refresh,
    refresh_status_list,
)
from issuer.vc_request import read_issue_request, read_verify_request
from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher
from verifier.fetch import ChainedDocumentFetcher, HttpsDocumentFetcher
from verifier.presentation import verify_presentation
from verifier.proofs import check_proofs
from verifier.report import CheckStatus
from verifier.verify import VerifierOptions, verify_credential

__all__ = ["OwnDocumentFetcher", "vc_api"]

vc_api = Blueprint("vc_api", __name__)


def _profile_document(session: Session, provider: ProviderRecord,
                      _arguments: Mapping[str, Any]) -> object:
    return build_profile_document(provider_profile(provider), published_keys(provider))


def _did_document(session: Session, provider: ProviderRecord,
                  _arguments: Mapping[str, Any]) -> object:
    if provider.identifier_method != IdentifierMethod.DID_WEB:
        raise ResolutionError(f"issuer {provider.slug!r} does not use did:web")
    return build_did_document(provider.issuer_id, published_keys(provider))


def _status_list(session: Session, provider: ProviderRecord,
                 arguments: Mapping[str, Any]) -> object:
    """The signed list as `public.status_list` serves it: re-signed first when half of its
    validity has passed (a list nobody fetched for a day would have expired)."""
    record = find_status_list(session, provider, arguments["public_id"])
    if record is None:
        raise ResolutionError(f"no status list {arguments['public_id']!r} of issuer "
                              f"{provider.slug!r} on this service")
    context = issuer_context()
    signer = context.list_signer()
    if needs_refresh(record, signer):
        record = refresh_status_list(context.sessions, record.id, signer)
    if record.document is None:  # refresh_status_list signs
        raise ResolutionError(f"status list {arguments['public_id']!r} is not signed")
    return json.loads(record.document)


# The routes of `issuer.public` whose documents a verification may need.
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
        """Whether `url` is on this service's origin."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower() == self.base_url.lower()

    def fetch_json(self, url: str) -> object:
        """The document at `url`. Raises ResolutionError."""
        if not self.owns(url):
            raise ResolutionError(f"{url} is not on this service")
        try:
            # The public routes define the URL shapes: match the path against them.
            endpoint, arguments = current_app.url_map.bind("").match(
                urlsplit(url).path, method="GET")
        except (HTTPException, RequestRedirect):
            raise ResolutionError(f"{url} is not a document of this service") from None
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
def _verifier_options() -> Iterator[VerifierOptions]:
    """Options for one verification, with a read-only session of its own (the request's
    session of a POST would take SQLite's write lock)."""
    context = issuer_context()
    with context.sessions() as session:
        own = OwnDocumentFetcher(session, context.base_url)
        remote = HttpsDocumentFetcher(cache=context.response_cache)
        fetcher = ChainedDocumentFetcher([own, _ForeignDocumentFetcher(own, remote)])
        yield VerifierOptions(clock=context.clock, fetcher=fetcher)


def _report(body: dict[str, Any], verified: bool) -> Response:
    return Response(json.dumps(body), status=200 if verified else 422,
                    mimetype="application/json")


@vc_api.post("/credentials/issue")
def issue_credential() -> Response:
    """Sign a credential as the client's provider (eddsa-rdfc-2022) and store it: 201
    `{"verifiableCredential": …}`, the stored bytes."""
    provider = current_provider("credentials:issue")
    issue = read_issue_request(read_json(), issuer_id=provider.issuer_id)
    credential = issue.credential
    if "id" not in credential:
        credential = {"@context": credential["@context"], "id": f"urn:uuid:{uuid.uuid4()}",
                      **credential}
    session = db_session()
    conflict = ApiProblem("conflict", f"a credential with id {credential['id']} exists already")
    if session.scalar(select(CredentialRecord.id).where(
            CredentialRecord.credential_id == credential["id"])) is not None:
        raise conflict
    context = issuer_context()
    now = context.clock()
    _check_own_achievements(session, provider, credential)
    if "proof" in credential:
        _check_existing_proofs(credential)
    allocations: list[Allocation] = []
    if "credentialStatus" not in credential and "proof" not in credential:
        # Like every credential of this service, it can be revoked (a credential that
        # brings its own status, or is signed already, is left as it is).
        [allocations] = allocate_status_entries(session, provider, context.list_signer())
        entries = [entry for _, _, entry in allocations]
        credential = {**credential,
                      "credentialStatus": entries[0] if len(entries) == 1 else entries}
    method, key_pair = active_signing_key(provider, context.vault)
    try:
        signed = add_proof(credential, key_pair, verification_method=method, created=now)
    except (CanonicalizationError, UnknownContextError) as error:
        session.rollback()  # releases the status indexes
        raise ApiProblem("invalid_credential", f"the credential cannot be signed as JSON-LD: "
                         f"{error.message}", error_code=error.code) from None
    try:
        record = store_signed_credential(session, provider, signed, method=method,
                                         issued_at=now, valid_until=issue.valid_until,
                                         kind=CredentialKind.VC_API, allocations=allocations)
    except IntegrityError:  # the same id, stored by a concurrent request
        session.rollback()
        raise conflict from None
    return Response('{"verifiableCredential":' + record.document + "}", status=201,
                    mimetype="application/json")


def _check_own_achievements(session: Session, provider: ProviderRecord,
                            credential: dict[str, Any]) -> None:
    """An achievement id on this service's origin must be one of the caller's microbadges:
    a provider may not issue another provider's badge under its own name. Raises
    ApiProblem 422 invalid_credential."""
    prefix = f"{issuer_context().base_url}/achievements/"
    errors = []
    for index, subject in enumerate(as_list(credential.get("credentialSubject"))):
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        achievement_id = achievement.get("id") if isinstance(achievement, dict) else None
        if not isinstance(achievement_id, str) or not achievement_id.startswith(prefix):
            continue
        owned = session.scalar(select(AchievementRecord.id).where(
            AchievementRecord.public_id == achievement_id.removeprefix(prefix),
            AchievementRecord.provider_id == provider.id))
        if owned is None:
            pointer = "/credential/credentialSubject" + (
                f"/{index}" if isinstance(credential.get("credentialSubject"), list) else "")
            errors.append({"pointer": f"{pointer}/achievement/id",
                           "detail": "is not one of your microbadges on this service"})
    if errors:
        raise ApiProblem("invalid_credential", "the credential names a microbadge of this "
                         "service that is not yours", errors=errors)


def _check_existing_proofs(credential: dict[str, Any]) -> None:
    """A credential signed already gets one more proof (a proof set) only when the proofs
    it has verify: co-signing a document whose signature is broken would publish a
    credential that fails everywhere. Raises ApiProblem 422 invalid_credential."""
    with _verifier_options() as options:
        outcome = check_proofs(credential, options.resolver, options.fetcher,
                               now=options.clock())
    if outcome.check.status is not CheckStatus.PASSED:
        raise ApiProblem("invalid_credential", "the credential has a proof that does not "
                         f"verify ({outcome.check.message}); send it unsigned, or with "
                         "proofs that verify", error_code=outcome.check.code,
                         errors=[{"pointer": "/credential/proof",
                                  "detail": "does not verify"}])


@vc_api.post("/credentials/verify")
def verify_credential_route() -> Response:
    """Verify a credential: 200 with the report when verified, 422 with it otherwise."""
    credential, _, _ = read_verify_request(read_json(), "verifiableCredential")
    with _verifier_options() as options:
        report = verify_credential(credential, options)
    return _report(report.to_json(), report.verified)


@vc_api.post("/presentations/verify")
def verify_presentation_route() -> Response:
    """Verify a presentation with the challenge/domain the caller asked the holder to sign:
    200 with the report when verified, 422 with it otherwise."""
    presentation, challenge, domain = read_verify_request(read_json(),
                                                          "verifiablePresentation")
    with _verifier_options() as options:
        report = verify_presentation(presentation, options, challenge=challenge, domain=domain)
    return _report(report.to_json(), report.verified)
