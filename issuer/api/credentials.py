"""Credential routes: award a microbadge (safe to retry with an Idempotency-Key), list with
filters a page at a time, read, fetch the exact signed bytes, and re-issue.

Only microbadge awards are credentials of this API; what the VC-API issues is not listed.
Another provider's credential is "not found".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any, Final

from flask import Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import InvalidDocumentError
from badges.model import Evidence, Result
from issuer.api.blueprint import api
from issuer.api.representation import credential_view
from issuer.api.requests import (
    Query,
    idempotency_key,
    json_body,
    next_page_url,
    request_digest,
)
from issuer.api.tenancy import current_provider
from issuer.auth.clients import Scope
from issuer.awards.issuing import (
    AwardInput,
    Learner,
    award_credential,
    award_credentials,
    reissue_credential,
)
from issuer.awards.models import CredentialKind, CredentialRecord, CredentialState
from issuer.awards.queries import CredentialFilter, find_credential, list_credentials
from issuer.awards.sharing import renew_manage_link
from issuer.platform.errors import InvalidInputError, NotFoundError
from issuer.platform.urls import api_credential_path, parse_achievement_url
from issuer.providers.models import ProviderRecord
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem

__all__ = ["ISSUE", "READ", "achievement_reference", "award_input", "find_issued", "view"]

READ: Final = Scope.CREDENTIALS_READ
ISSUE: Final = Scope.CREDENTIALS_ISSUE
DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200
DOCUMENT_MEDIA_TYPE: Final = "application/vc+ld+json"
MAX_BULK_KEY: Final = 246  # + "bulk:" + "#499" fits credentials.idempotency_key (255)
_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                          re.IGNORECASE)
_STATES: Final = tuple(state.value for state in CredentialState)


def achievement_reference(value: str) -> str | None:
    """The microbadge uuid named by `value` (its uuid or its public id URL), or None."""
    candidate = parse_achievement_url(issuer_context().base_url, value) or value
    return candidate.lower() if _UUID.fullmatch(candidate) else None


def _evidence(index: int, item: dict[str, Any]) -> Evidence:
    try:
        return Evidence(id=item.get("id"), narrative=item.get("narrative"),
                        name=item.get("name"), description=item.get("description"),
                        genre=item.get("genre"), audience=item.get("audience"))
    except InvalidDocumentError as error:
        raise InvalidInputError(error.message, pointer=f"/evidence/{index}") from None


def _result(index: int, item: dict[str, Any]) -> Result:
    try:
        return Result(value=item.get("value"), status=item.get("status"),
                      achieved_level=item.get("achievedLevel"),
                      result_description=item.get("resultDescription"))
    except InvalidDocumentError as error:
        raise InvalidInputError(error.message, pointer=f"/result/{index}") from None


def award_input(body: dict[str, Any]) -> AwardInput:
    """The service input of a `CredentialCreate` body (already schema-checked).

    Raises ApiProblem 422 unknown_achievement, InvalidInputError.
    """
    achievement_id = achievement_reference(body["achievement"])
    if achievement_id is None:
        raise _unknown_achievement()
    learner = body["learner"]
    return AwardInput(
        achievement_id=achievement_id,
        learner=Learner(email=learner.get("email"), did=learner.get("did"),
                        name=learner.get("name")),
        evidence=tuple(_evidence(index, item)
                       for index, item in enumerate(body.get("evidence", []))),
        result=tuple(_result(index, item) for index, item in enumerate(body.get("result", []))),
    )


def _unknown_achievement(pointer: str = "/achievement") -> ApiProblem:
    return ApiProblem("unknown_achievement", "the provider has no such microbadge",
                      errors=[{"pointer": pointer,
                               "detail": "must be the id (uuid) or URL of one of your "
                                         "microbadges"}])


def _linked(session: Session, records: Iterable[CredentialRecord]) -> dict[int, str]:
    """Credential ids of the rows that `records` replace or are replaced by."""
    ids = {row_id for record in records
           for row_id in (record.replaces_id, record.replaced_by_id) if row_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(CredentialRecord.id, CredentialRecord.credential_id)
                           .where(CredentialRecord.id.in_(ids)))
    return {row_id: credential_id for row_id, credential_id in rows}


def view(record: CredentialRecord) -> dict[str, Any]:
    context = issuer_context()
    return credential_view(record, context.base_url, _linked(db_session(), [record]),
                           context.vault)


def _created(record: CredentialRecord, status: int = 201,
             ) -> tuple[Response, int, dict[str, str]]:
    location = issuer_context().base_url + api_credential_path(record.credential_id)
    return jsonify(view(record)), status, {"Location": location}


@api.post("/credentials")
def award_route() -> tuple[Response, int, dict[str, str]]:
    """Award a microbadge to a learner; a retry with the same Idempotency-Key and body
    answers 200 with the credential first issued (header `Idempotency-Replayed: true`)."""
    provider = current_provider(ISSUE)
    key = idempotency_key()
    body = json_body("CredentialCreate")
    data = award_input(body)
    context = issuer_context()
    try:
        record, created = award_credential(
            db_session(), provider, data, context.issuance(), idempotency_key=key,
            request_digest=request_digest(body) if key is not None else None)
    except NotFoundError:
        raise _unknown_achievement() from None
    if created:
        return _created(record)
    response, status, headers = _created(record, 200)
    return response, status, {**headers, "Idempotency-Replayed": "true"}


@api.post("/credentials/bulk")
def bulk_award_route() -> tuple[Response, int, dict[str, str]]:
    """Award up to MAX_BULK microbadges in one transaction (all or none): a cohort at the
    end of a course. With an Idempotency-Key a retry answers 200 with the credentials
    first issued."""
    provider = current_provider(ISSUE)
    key = idempotency_key()
    if key is not None and len(key) > MAX_BULK_KEY:  # stored as bulk:<key>#<n>, 255 at most
        raise ApiProblem("invalid_request", "the Idempotency-Key header is too long",
                         errors=[{"header": "Idempotency-Key", "detail": "has at most "
                                  f"{MAX_BULK_KEY} characters on a bulk request"}])
    body = json_body("BulkCredentialCreate")
    inputs = []
    for index, item in enumerate(body["awards"]):
        try:
            inputs.append(award_input(item))
        except InvalidInputError as error:
            raise InvalidInputError(error.message,
                                    pointer=f"/awards/{index}{error.pointer or ''}") from None
        except ApiProblem:  # the one problem award_input raises: an unknown microbadge
            raise _unknown_achievement(f"/awards/{index}/achievement") from None
    context = issuer_context()
    try:
        records, created = award_credentials(
            db_session(), provider, inputs, context.issuance(),
            idempotency_keys=None if key is None else [f"bulk:{key}#{n}"
                                                       for n in range(len(inputs))],
            request_digest=request_digest(body) if key is not None else None)
    except NotFoundError as error:
        raise _unknown_achievement(f"/awards/{error.index or 0}/achievement") from None
    session = db_session()
    linked = _linked(session, records)
    page = {"items": [credential_view(record, context.base_url, linked, context.vault)
                      for record in records]}
    if created:
        return jsonify(page), 201, {}
    return jsonify(page), 200, {"Idempotency-Replayed": "true"}


@api.get("/credentials")
def list_route() -> Response:
    """The provider's credentials, newest first, filtered, a page at a time."""
    provider = current_provider(READ)
    query = Query()
    achievement = query.text("achievement")
    achievement_id = achievement_reference(achievement) if achievement is not None else None
    if achievement is not None and achievement_id is None:
        query.fail("achievement", "must be a microbadge id (uuid) or its URL")
    where = CredentialFilter(
        achievement_id=achievement_id, learner=query.text("learner"),
        issued_after=query.timestamp("issuedAfter"),
        issued_before=query.timestamp("issuedBefore"),
        state=query.choice("status", _STATES), kind=CredentialKind.AWARD)
    limit = query.integer("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)
    after = query.cursor()
    query.finish()
    session = db_session()
    records = list_credentials(session, provider, where, limit=limit + 1, after=after)
    shown = records[:limit]
    linked = _linked(session, shown)
    context = issuer_context()
    page: dict[str, Any] = {"items": [credential_view(record, context.base_url, linked,
                                                      context.vault) for record in shown]}
    if len(records) > limit:
        page["next"] = next_page_url(shown[-1].id)
    return jsonify(page)


def find_issued(provider: ProviderRecord, credential_id: uuid.UUID) -> CredentialRecord:
    """One of the provider's credentials by the uuid of its urn:uuid id: a microbadge award
    or a VC-API credential (listing shows awards only). Raises NotFoundError."""
    return find_credential(db_session(), provider, f"urn:uuid:{credential_id}")


@api.get("/credentials/<credential:credential_id>")
def get_route(credential_id: uuid.UUID) -> Response:
    """One credential of the provider."""
    return jsonify(view(find_issued(current_provider(READ), credential_id)))


@api.get("/credentials/<credential:credential_id>/document")
def document_route(credential_id: uuid.UUID) -> Response:
    """The signed credential exactly as stored, byte for byte."""
    record = find_issued(current_provider(READ), credential_id)
    return Response(record.document.encode("utf-8"), mimetype=DOCUMENT_MEDIA_TYPE)


@api.post("/credentials/<credential:credential_id>/manage-link")
def renew_manage_link_route(credential_id: uuid.UUID) -> Response:
    """A new management link for the learner; the old one stops working."""
    provider = current_provider(ISSUE)
    record = find_issued(provider, credential_id)
    renew_manage_link(db_session(), record)
    return jsonify(view(record))


@api.post("/credentials/<credential:credential_id>/reissue")
def reissue_route(credential_id: uuid.UUID) -> tuple[Response, int, dict[str, str]]:
    """Issue a fresh credential for the same award; the old one becomes superseded."""
    provider = current_provider(ISSUE)
    record = find_issued(provider, credential_id)
    # Hold the row so that a concurrent re-issue sees it superseded (PostgreSQL; SQLite
    # writers are serialised already).
    db_session().refresh(record, with_for_update={"key_share": True})
    context = issuer_context()
    new_record = reissue_credential(db_session(), provider, record, context.issuance())
    return _created(new_record)
