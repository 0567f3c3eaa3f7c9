"""W3C VC-API endpoints (SPEC-NOTES §7): issue a credential as the client's provider, and
verify credentials and presentations for anyone.

Verification runs the verifier library with the app's clock and the service's own documents
(`issuer.web.verification.verifier_options`).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, json
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.canonicalization import CanonicalizationError
from badges.document_loader import UnknownContextError
from badges.json_document import as_list
from issuer.api.requests import read_json
from issuer.api.tenancy import current_provider
from issuer.api.vc_requests import read_issue_request, read_verify_request
from issuer.awards.issuing import store_signed_credential
from issuer.awards.models import CredentialKind, CredentialRecord
from issuer.awards.status_lists import Allocation, allocate_status_entries
from issuer.microbadges.models import AchievementRecord
from issuer.platform.urls import parse_achievement_url
from issuer.providers.models import ProviderRecord
from issuer.providers.signer import active_signer
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem
from issuer.web.verification import verifier_options
from verifier.presentation import verify_presentation
from verifier.proofs import check_proofs
from verifier.report import CheckStatus
from verifier.verify import verify_credential

__all__ = ["vc_api"]

vc_api = Blueprint("vc_api", __name__)


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
        [allocations] = allocate_status_entries(session, provider, context.issuance())
        entries = [entry for _, _, entry in allocations]
        credential = {**credential,
                      "credentialStatus": entries[0] if len(entries) == 1 else entries}
    key = active_signer(provider, context.vault)
    try:
        signed = key.sign(credential, created=now)
    except (CanonicalizationError, UnknownContextError) as error:
        session.rollback()  # releases the status indexes
        raise ApiProblem("invalid_credential", f"the credential cannot be signed as JSON-LD: "
                         f"{error.message}", error_code=error.code) from None
    try:
        record = store_signed_credential(session, provider, signed, method=key.verification_method,
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
    base_url = issuer_context().base_url
    errors = []
    for index, subject in enumerate(as_list(credential.get("credentialSubject"))):
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        achievement_id = achievement.get("id") if isinstance(achievement, dict) else None
        public_id = (parse_achievement_url(base_url, achievement_id)
                     if isinstance(achievement_id, str) else None)
        if public_id is None:
            continue
        owned = session.scalar(select(AchievementRecord.id).where(
            AchievementRecord.public_id == public_id,
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
    with verifier_options() as options:
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
    with verifier_options() as options:
        report = verify_credential(credential, options)
    return _report(report.to_json(), report.verified)


@vc_api.post("/presentations/verify")
def verify_presentation_route() -> Response:
    """Verify a presentation with the challenge/domain the caller asked the holder to sign:
    200 with the report when verified, 422 with it otherwise."""
    presentation, challenge, domain = read_verify_request(read_json(),
                                                          "verifiablePresentation")
    with verifier_options() as options:
        report = verify_presentation(presentation, options, challenge=challenge, domain=domain)
    return _report(report.to_json(), report.verified)
