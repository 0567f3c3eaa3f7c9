"""Revocation and suspension in the issuer: every credential carries a revocation entry, the
provider's signed status list is published with ETag and Cache-Control, revoke / suspend /
unsuspend / bulk revoke flip the bits and re-sign, the audit log says who, when, what and
why, and the verifier (library and VC-API) sees each change. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from badges.status_list import MIN_LIST_BITS, decode_status_list, get_status
from issuer.awards.models import StatusEntryRecord, StatusListRecord
from tests.issuer.api_setup import (
    Tenant,
    assert_problem,
    assert_schema,
    award,
    create_achievement,
)
from tests.issuer.support import BASE_URL, ServiceFetcher, TestClock, context_of, json_of
from verifier.report import CheckId, CheckStatus
from verifier.verify import VerifierOptions, verify_credential


def _path(credential: dict[str, Any], action: str = "") -> str:
    path = f"/api/v1/credentials/{credential['id'].removeprefix('urn:uuid:')}"
    return f"{path}/{action}" if action else path


def _status(client: FlaskClient, clock: TestClock, document: dict[str, Any]) -> tuple[Any, ...]:
    report = verify_credential(document, VerifierOptions(clock=clock,
                                                         fetcher=ServiceFetcher(client)))
    check = report.check(CheckId.STATUS)
    return check.status, check.code, report.verified


def _list(client: FlaskClient, url: str) -> Any:
    response = client.get(url.removeprefix(BASE_URL))
    assert response.status_code == 200
    return response


def test_a_credential_carries_a_revocation_entry_of_a_published_list(
        client: FlaskClient, tenant: Tenant, clock: TestClock) -> None:
    credential = award(client, tenant, create_achievement(client, tenant)["id"])["credential"]
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"].startswith(f"{BASE_URL}/issuers/alpha/status/")
    assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
    assert 0 <= int(entry["statusListIndex"]) < MIN_LIST_BITS
    response = _list(client, entry["statusListCredential"])
    assert response.mimetype == "application/vc+ld+json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    listed = json_of(response)
    assert listed["issuer"] == credential["issuer"]["id"]
    assert listed["validFrom"] == "2026-03-02T09:30:00Z"
    assert listed["validUntil"] == "2026-03-03T09:30:00Z"
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    assert len(decode_status_list(listed["credentialSubject"]["encodedList"])) * 8 == MIN_LIST_BITS
    # A conditional GET with the ETag is answered 304, without a body.
    again = client.get(entry["statusListCredential"].removeprefix(BASE_URL),
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert _status(client, clock, credential) == (CheckStatus.PASSED, None, True)


def test_revoke_is_seen_by_verifiers_and_the_reason_stays_private(
        client: FlaskClient, tenant: Tenant, clock: TestClock) -> None:
    achievement_id = create_achievement(client, tenant)["id"]
    view = award(client, tenant, achievement_id)
    other = award(client, tenant, achievement_id, email="grace@example.org")
    credential = view["credential"]
    list_url = credential["credentialStatus"]["statusListCredential"]
    etag = _list(client, list_url).headers["ETag"]
    clock.advance(minutes=5)
    revoked = client.post(_path(credential, "revoke"), headers=tenant.headers,
                          json={"reason": "assessment fraud (case 2026-17)"})
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    assert revoked.headers["Status-Changed"] == "true"
    assert_schema(json_of(revoked), "Credential")
    assert json_of(revoked)["status"] == "revoked"
    published = _list(client, list_url)
    assert published.headers["ETag"] != etag  # re-signed at once
    text = published.get_data(as_text=True)
    assert "fraud" not in text
    assert json.loads(text)["validFrom"] == "2026-03-02T09:35:00Z"
    bits = decode_status_list(json.loads(text)["credentialSubject"]["encodedList"])
    assert get_status(bits, int(credential["credentialStatus"]["statusListIndex"]))
    assert _status(client, clock, credential) == (CheckStatus.FAILED, "revoked", False)
    assert _status(client, clock, other["credential"]) == (CheckStatus.PASSED, None, True)
    # The stored credential is unchanged: the same bytes, only the list changed.
    document = client.get(_path(credential, "document"), headers=tenant.headers)
    assert json.loads(document.get_data()) == credential
    # Revoking again changes nothing and logs nothing; suspension cannot follow revocation.
    repeated = client.post(_path(credential, "revoke"), headers=tenant.headers,
                           json={"reason": "again"})
    assert repeated.headers["Status-Changed"] == "false"
    assert_problem(client.post(_path(credential, "suspend"), headers=tenant.headers),
                   422, "invalid_input")
    events = json_of(client.get("/api/v1/audit-events", headers=tenant.headers))
    assert_schema(events, "AuditEventList")
    [event] = events["items"]
    assert event["action"] == "revoke"
    assert event["credential"] == credential["id"]
    assert event["reason"] == "assessment fraud (case 2026-17)"
    assert event["occurredAt"] == "2026-03-02T09:35:00Z"
    assert event["actor"].startswith("client:mb_")
    # The VC-API verifier reads the service's own list from the database.
    verified = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 422
    checks = {check["id"]: check for check in json_of(verified)["checks"]}
    assert (checks["status"]["status"], checks["status"]["code"]) == ("failed", "revoked")


def test_a_revocation_needs_a_reason(client: FlaskClient, tenant: Tenant) -> None:
    credential = award(client, tenant, create_achievement(client, tenant)["id"])
    for body in ({}, {"reason": ""}, {"reason": 7}):
        assert_problem(client.post(_path(credential, "revoke"), headers=tenant.headers,
                                   json=body), 422, "invalid_request")
    assert json_of(client.get(_path(credential), headers=tenant.headers))["status"] == "active"


def test_suspend_and_unsuspend(client: FlaskClient, tenant: Tenant, clock: TestClock) -> None:
    achievement_id = create_achievement(client, tenant)["id"]
    before = award(client, tenant, achievement_id)  # issued without a suspension entry
    assert client.patch("/api/v1/provider", headers=tenant.headers,
                        json={"suspensionEnabled": True}).status_code == 200
    view = award(client, tenant, achievement_id, email="grace@example.org")
    credential = view["credential"]
    revocation, suspension = credential["credentialStatus"]
    assert (revocation["statusPurpose"], suspension["statusPurpose"]) == ("revocation",
                                                                          "suspension")
    assert revocation["statusListCredential"] != suspension["statusListCredential"]
    # Two entries are valid VC 2.0, but OB 3.0's JSON Schema allows one credentialStatus.
    report = verify_credential(credential, VerifierOptions(clock=clock,
                                                           fetcher=ServiceFetcher(client)))
    assert report.check(CheckId.SCHEMA).status is CheckStatus.FAILED
    assert report.check(CheckId.STATUS).status is CheckStatus.PASSED
    assert_problem(client.post(_path(before, "suspend"), headers=tenant.headers),
                   422, "invalid_input")
    suspended = client.post(_path(view, "suspend"), headers=tenant.headers,
                            json={"reason": "under investigation"})
    assert json_of(suspended)["status"] == "suspended"
    assert _status(client, clock, credential)[:2] == (CheckStatus.FAILED, "suspended")
    unsuspended = client.post(_path(view, "unsuspend"), headers=tenant.headers)
    assert json_of(unsuspended)["status"] == "active"
    assert _status(client, clock, credential)[:2] == (CheckStatus.PASSED, None)
    actions = [event["action"] for event in json_of(client.get(
        f"/api/v1/audit-events?credential={credential['id']}", headers=tenant.headers))["items"]]
    assert actions == ["unsuspend", "suspend"]


def test_bulk_revoke_by_microbadge_and_date(client: FlaskClient, tenant: Tenant,
                                            clock: TestClock) -> None:
    first = create_achievement(client, tenant)["id"]
    second = create_achievement(client, tenant, name="Teamwork")["id"]
    morning = [award(client, tenant, first, email=f"l{n}@example.org") for n in range(3)]
    kept = award(client, tenant, second)
    clock.advance(minutes=40)  # 10:10, within the token's lifetime
    later = award(client, tenant, first, email="late@example.org")
    response = client.post("/api/v1/credentials/bulk-revoke", headers=tenant.headers, json={
        "filter": {"achievement": first, "issuedAfter": "2026-03-02T09:00:00Z",
                   "issuedBefore": "2026-03-02T10:00:00+00:00"},
        "reason": "the assessment session of 2 March, 9:00 was void"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "BulkRevokeResult")
    assert body["revoked"] == 3
    assert sorted(body["credentials"]) == sorted(view["id"] for view in morning)
    for view in morning:
        assert _status(client, clock, view["credential"])[:2] == (CheckStatus.FAILED, "revoked")
    for view in (kept, later):
        assert _status(client, clock, view["credential"])[:2] == (CheckStatus.PASSED, None)
    events = json_of(client.get("/api/v1/audit-events", headers=tenant.headers))["items"]
    assert sorted(event["credential"] for event in events) == sorted(body["credentials"])
    assert {event["detail"]["bulk"]["count"] for event in events} == {3}
    # A credential's history shows the bulk revocation too.
    history = json_of(client.get(f"/api/v1/audit-events?credential={morning[0]['id']}",
                                 headers=tenant.headers))["items"]
    assert [event["action"] for event in history] == ["revoke"]
    # A filter is required: an empty one would revoke everything.
    assert_problem(client.post("/api/v1/credentials/bulk-revoke", headers=tenant.headers,
                               json={"filter": {}, "reason": "all"}), 422, "invalid_request")


def test_a_list_is_re_signed_when_half_of_its_validity_has_passed(
        client: FlaskClient, tenant: Tenant, clock: TestClock) -> None:
    credential = award(client, tenant, create_achievement(client, tenant)["id"])["credential"]
    url = credential["credentialStatus"]["statusListCredential"]
    first = _list(client, url)
    clock.advance(hours=11)
    assert _list(client, url).headers["ETag"] == first.headers["ETag"]
    clock.advance(hours=2)
    refreshed = _list(client, url)
    assert refreshed.headers["ETag"] != first.headers["ETag"]
    assert json_of(refreshed)["validUntil"] == "2026-03-03T22:30:00Z"
    assert _status(client, clock, credential)[:2] == (CheckStatus.PASSED, None)


def test_indexes_are_distinct_and_the_bookkeeping_adds_up(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    achievement_id = create_achievement(client, tenant)["id"]
    indexes = {int(award(client, tenant, achievement_id, email=f"l{n}@example.org")
                   ["credential"]["credentialStatus"]["statusListIndex"]) for n in range(40)}
    assert len(indexes) == 40
    with context_of(app).sessions() as session:
        [record] = session.scalars(select(StatusListRecord)).all()
        entries = session.scalar(select(func.count()).select_from(StatusEntryRecord))
        assert record.allocated == entries == 40
        assert record.size == MIN_LIST_BITS


def test_a_full_list_makes_the_next_award_start_a_new_one(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    achievement_id = create_achievement(client, tenant)["id"]
    first = award(client, tenant, achievement_id)["credential"]["credentialStatus"]
    with context_of(app).sessions() as session:
        record = session.scalars(select(StatusListRecord)).one()
        record.allocated = record.size  # as if 131,072 credentials had been issued
        session.commit()
    second = award(client, tenant, achievement_id, email="b@example.org")["credential"]
    assert (second["credentialStatus"]["statusListCredential"]
            != first["statusListCredential"])
    _list(client, second["credentialStatus"]["statusListCredential"])


def test_unknown_lists_and_credentials_are_problems(client: FlaskClient,
                                                    tenant: Tenant) -> None:
    assert_problem(client.get("/issuers/alpha/status/nope"), 404, "not_found")
    assert_problem(client.post("/api/v1/credentials/00000000-0000-4000-8000-000000000000/"
                               "revoke", headers=tenant.headers, json={"reason": "x"}),
                   404, "not_found")
