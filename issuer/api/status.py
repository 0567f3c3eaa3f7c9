"""Credential status routes: revoke, suspend, unsuspend, bulk revoke by filter, and the
audit log of those actions. Another provider's credential is "not found"."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from flask import Response, jsonify
from sqlalchemy import select

from issuer.api.blueprint import api
from issuer.api.credentials import READ, achievement_reference, find_issued, view
from issuer.api.representation import rfc3339
from issuer.api.requests import Query, json_body, next_page_url, parse_timestamp, read_body
from issuer.api.tenancy import current_provider
from issuer.auth.clients import REVOKE_SCOPE as REVOKE
from issuer.auth.oauth import current_client
from issuer.awards.models import AuditEventRecord, CredentialKind, CredentialRecord
from issuer.awards.queries import CredentialFilter
from issuer.awards.revocation import (
    StatusAction,
    StatusChange,
    change_status,
    list_audit_events,
    revoke_matching,
)
from issuer.microbadges.services import find_achievement
from issuer.platform.errors import InvalidInputError, NotFoundError
from issuer.providers.models import ProviderRecord
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem

__all__: list[str] = []

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200


def _actor() -> str:
    client = current_client()  # authenticated by current_provider
    if client is None:
        raise RuntimeError("a status change without an authenticated client")
    return f"client:{client.client_id}"


def _change(provider: ProviderRecord, credential_id: uuid.UUID, action: StatusAction,
            reason: str | None) -> tuple[Response, int]:
    record = find_issued(provider, credential_id)
    changed = change_status(db_session(), provider, record,
                            StatusChange(action=action, actor=_actor(), reason=reason),
                            issuer_context().issuance())
    response = jsonify(view(record))
    response.headers["Status-Changed"] = "true" if changed else "false"
    return response, 200


@api.post("/credentials/<credential:credential_id>/revoke")
def revoke_route(credential_id: uuid.UUID) -> tuple[Response, int]:
    """Revoke a credential (final). The reason is kept privately, never published."""
    provider = current_provider(REVOKE)  # before the body is read
    body = json_body("RevokeRequest")
    return _change(provider, credential_id, StatusAction.REVOKE, body["reason"])


@api.post("/credentials/<credential:credential_id>/suspend")
def suspend_route(credential_id: uuid.UUID) -> tuple[Response, int]:
    """Suspend a credential issued with a suspension entry."""
    provider = current_provider(REVOKE)
    body = _optional_body("SuspendRequest")
    return _change(provider, credential_id, StatusAction.SUSPEND, body.get("reason"))


@api.post("/credentials/<credential:credential_id>/unsuspend")
def unsuspend_route(credential_id: uuid.UUID) -> tuple[Response, int]:
    """Lift a suspension: the credential verifies again."""
    provider = current_provider(REVOKE)
    body = _optional_body("SuspendRequest")
    return _change(provider, credential_id, StatusAction.UNSUSPEND, body.get("reason"))


def _optional_body(schema_name: str) -> dict[str, Any]:
    """The JSON body, or `{}` when the request has none."""
    if not read_body():
        return {}
    return json_body(schema_name)


def _timestamp(body: dict[str, Any], name: str) -> datetime | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as error:
        raise InvalidInputError(str(error), pointer=f"/filter/{name}") from None


@api.post("/credentials/bulk-revoke")
def bulk_revoke_route() -> tuple[Response, int]:
    """Revoke every not yet revoked credential that matches the filter, in one transaction,
    with an audit event for each."""
    provider = current_provider(REVOKE)
    body = json_body("BulkRevokeRequest")
    given = body["filter"]
    achievement_id = None
    if "achievement" in given:
        achievement_id = achievement_reference(given["achievement"])
        try:
            if achievement_id is None:
                raise NotFoundError("not a microbadge id")
            find_achievement(db_session(), provider, achievement_id)
        except NotFoundError:
            raise ApiProblem("unknown_achievement", "the provider has no such microbadge",
                             errors=[{"pointer": "/filter/achievement",
                                      "detail": "must be the id (uuid) or URL of one of "
                                                "your microbadges"}]) from None
    where = CredentialFilter(achievement_id=achievement_id, learner=given.get("learner"),
                             issued_after=_timestamp(given, "issuedAfter"),
                             issued_before=_timestamp(given, "issuedBefore"),
                             kind=CredentialKind.AWARD)
    revoked = revoke_matching(
        db_session(), provider, where,
        StatusChange(action=StatusAction.REVOKE, actor=_actor(), reason=body["reason"]),
        issuer_context().issuance(), filter_description=given)
    return jsonify({"revoked": len(revoked),
                    "credentials": [record.credential_id for record in revoked]}), 200


def _event_view(event: AuditEventRecord, credential_ids: dict[int, str]) -> dict[str, Any]:
    view_: dict[str, Any] = {"id": event.id, "occurredAt": rfc3339(event.occurred_at),
                             "actor": event.actor, "action": event.action,
                             "detail": event.detail}
    if event.credential_id is not None:
        view_["credential"] = credential_ids[event.credential_id]
    if event.reason is not None:
        view_["reason"] = event.reason
    return view_


@api.get("/audit-events")
def audit_events_route() -> Response:
    """The provider's audit log, newest first, a page at a time."""
    provider = current_provider(READ)
    query = Query()
    credential = query.text("credential")
    limit = query.integer("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)
    after = query.cursor()
    record: CredentialRecord | None = None
    if credential is not None:
        try:
            record = find_issued(provider, uuid.UUID(credential.removeprefix("urn:uuid:")))
        except ValueError:
            query.fail("credential", "must be a credential id (urn:uuid:… or its uuid)")
    query.finish()
    session = db_session()
    events = list_audit_events(session, provider, limit=limit + 1, after=after,
                               credential=record)
    shown = events[:limit]
    wanted = {event.credential_id for event in shown if event.credential_id is not None}
    ids: dict[int, str] = {row_id: credential_id for row_id, credential_id in session.execute(
        select(CredentialRecord.id, CredentialRecord.credential_id)
        .where(CredentialRecord.id.in_(wanted)))}
    page: dict[str, Any] = {"items": [_event_view(event, ids) for event in shown]}
    if len(events) > limit:
        page["next"] = next_page_url(shown[-1].id)
    return jsonify(page)

