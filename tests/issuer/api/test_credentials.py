"""Credential API: award, read, exact document bytes, filters, pagination, re-issue and
idempotent retries. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from issuer.awards.models import CredentialKind, CredentialRecord, CredentialState
from issuer.providers.models import ProviderRecord
from tests.issuer.api_setup import (
    Tenant,
    assert_problem,
    assert_schema,
    award,
    create_achievement,
    create_tenant,
    operator_token,
    row_counts,
)
from tests.issuer.support import BASE_URL, TestClock, context_of, json_of


@pytest.fixture
def achievement(client: FlaskClient, tenant: Tenant) -> dict[str, Any]:
    return create_achievement(client, tenant, validityDays=365)


def _stored_document(app: Flask, credential_id: str) -> str:
    with context_of(app).sessions() as session:
        record = session.scalar(select(CredentialRecord).where(
            CredentialRecord.credential_id == credential_id))
        assert record is not None
        return record.document


def test_award_and_read(app: Flask, client: FlaskClient, tenant: Tenant,
                        achievement: dict[str, Any]) -> None:
    response = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": achievement["id"],
        "learner": {"email": "Ada@Example.org", "did": "did:example:ada", "name": "Ada"},
        "evidence": [{"id": "https://lms.example/submissions/1", "name": "Practical",
                      "genre": "Assessment"}],
        "result": [{"status": "Completed"}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    view = json_of(response)
    assert_schema(view, "Credential")
    uuid_part = view["id"].removeprefix("urn:uuid:")
    assert str(uuid.UUID(uuid_part)) == uuid_part
    assert response.headers["Location"] == f"{BASE_URL}/api/v1/credentials/{uuid_part}"
    keys = json_of(client.get("/api/v1/provider/keys", headers=tenant.headers))["items"]
    assert {key: view[key] for key in ("achievementId", "learner", "status", "issuedAt",
                                       "validUntil", "verificationMethod", "documentUrl")} == {
        "achievementId": achievement["id"],
        "learner": {"email": "ada@example.org", "did": "did:example:ada", "name": "Ada"},
        "status": "active", "issuedAt": "2026-03-02T09:30:00Z",
        "validUntil": "2027-03-02T09:30:00Z",
        "verificationMethod": keys[0]["verificationMethod"],
        "documentUrl": f"{BASE_URL}/api/v1/credentials/{uuid_part}/document"}
    assert "replaces" not in view
    assert "replacedBy" not in view
    credential = view["credential"]
    assert credential == json.loads(_stored_document(app, view["id"]))
    assert credential["id"] == view["id"]
    assert credential["issuer"]["id"] == tenant.provider["issuerId"]
    subject = credential["credentialSubject"]
    assert subject["id"] == "did:example:ada"
    assert subject["achievement"]["id"] == achievement["url"]
    assert subject["result"] == [{"type": ["Result"], "status": "Completed"}]
    assert credential["evidence"][0]["id"] == "https://lms.example/submissions/1"
    assert "ada@example.org" not in json.dumps(credential)  # only a salted hash
    assert json_of(client.get(f"/api/v1/credentials/{uuid_part}",
                              headers=tenant.headers)) == view


def test_document_is_the_exact_stored_bytes(app: Flask, client: FlaskClient, tenant: Tenant,
                                            achievement: dict[str, Any]) -> None:
    view = award(client, tenant, achievement["id"], email="zoë@example.org")
    response = client.get(urlsplit(view["documentUrl"]).path, headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vc+ld+json"
    assert response.get_data() == _stored_document(app, view["id"]).encode("utf-8")


def test_award_by_the_achievement_url(client: FlaskClient, tenant: Tenant,
                                      achievement: dict[str, Any]) -> None:
    view = award(client, tenant, achievement["url"])
    assert view["achievementId"] == achievement["id"]


@pytest.mark.parametrize("reference", [
    str(uuid.UUID(int=7)), "https://elsewhere.example/achievements/{id}", "{id}x",
    "not-a-uuid", "urn:uuid:{id}"])
def test_unknown_achievement(app: Flask, client: FlaskClient, tenant: Tenant,
                             achievement: dict[str, Any], reference: str) -> None:
    before = row_counts(app)
    response = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": reference.format(id=achievement["id"]),
        "learner": {"email": "ada@example.org"}})
    body = assert_problem(response, 422, "unknown_achievement")
    assert body["errors"] == [{"pointer": "/achievement", "detail": body["errors"][0]["detail"]}]
    assert row_counts(app) == before


def test_filters(client: FlaskClient, tenant: Tenant, clock: TestClock,
                 achievement: dict[str, Any]) -> None:
    other = create_achievement(client, tenant, name="Teamwork")
    first = award(client, tenant, achievement["id"], email="ada@example.org")
    clock.advance(minutes=10)
    second = award(client, tenant, other["id"], email="grace@example.org")
    clock.advance(minutes=10)
    third = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": achievement["id"], "learner": {"did": "did:example:grace"}})
    assert third.status_code == 201
    third_id = json_of(third)["id"]

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/v1/credentials?{query}", headers=tenant.headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = json_of(response)
        assert_schema(page, "CredentialList")
        return [item["id"] for item in page["items"]]

    assert ids("") == [third_id, second["id"], first["id"]]
    assert ids(f"achievement={achievement['id']}") == [third_id, first["id"]]
    assert ids(f"achievement={quote(other['url'])}") == [second["id"]]
    assert ids(f"achievement={uuid.UUID(int=1)}") == []
    assert ids("learner=ADA@example.org") == [first["id"]]
    assert ids("learner=did:example:grace") == [third_id]
    assert ids(f"issuedAfter={quote('2026-03-02T09:40:00Z')}") == [third_id, second["id"]]
    assert ids(f"issuedAfter={quote('2026-03-02T10:40:00+01:00')}") == [third_id,
                                                                         second["id"]]
    assert ids("issuedBefore=2026-03-02T09:40:00Z") == [first["id"]]
    assert ids("issuedAfter=2026-03-03") == []
    assert ids("issuedBefore=2026-03-03&issuedAfter=2026-03-02") == [third_id, second["id"],
                                                                      first["id"]]
    assert ids("status=superseded") == []
    client.post(f"/api/v1/credentials/{first['id'].removeprefix('urn:uuid:')}/reissue",
                headers=tenant.headers)
    assert ids("status=superseded") == [first["id"]]
    assert len(ids("status=active")) == 3


@pytest.mark.parametrize("query", [
    "achievement=nope", "issuedAfter=yesterday", "issuedAfter=2026-02-30",
    "issuedBefore=2026-03-02T10:00:00", "status=expired", "limit=500", "cursor=%00",
    "learner=%00", "sort=name", "learner=a&learner=b"])
def test_bad_filters_are_refused(client: FlaskClient, tenant: Tenant, query: str) -> None:
    body = assert_problem(client.get(f"/api/v1/credentials?{query}", headers=tenant.headers),
                          422, "invalid_request")
    assert body["errors"][0]["parameter"] == query.split("=")[0]


def test_pagination_is_stable_while_credentials_are_issued(
        client: FlaskClient, tenant: Tenant, achievement: dict[str, Any]) -> None:
    issued = [award(client, tenant, achievement["id"], email=f"learner{index}@example.org")
              for index in range(5)]
    first_page = json_of(client.get(
        f"/api/v1/credentials?limit=2&achievement={achievement['id']}", headers=tenant.headers))
    seen = [item["id"] for item in first_page["items"]]
    award(client, tenant, achievement["id"], email="late@example.org")  # newer: not in pages
    url = first_page["next"]
    assert url.startswith(f"{BASE_URL}/api/v1/credentials?limit=2&achievement=")
    while url:
        page = json_of(client.get(url, headers=tenant.headers))
        assert_schema(page, "CredentialList")
        assert len(page["items"]) <= 2
        seen.extend(item["id"] for item in page["items"])
        url = page.get("next")
    assert seen == [view["id"] for view in reversed(issued)]


def test_reissue_supersedes(app: Flask, client: FlaskClient, tenant: Tenant,
                            clock: TestClock, achievement: dict[str, Any]) -> None:
    old = award(client, tenant, achievement["id"])
    rotated = json_of(client.post("/api/v1/provider/keys", headers=tenant.headers))
    clock.advance(minutes=1)
    path = f"/api/v1/credentials/{old['id'].removeprefix('urn:uuid:')}"
    response = client.post(f"{path}/reissue", headers=tenant.headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    new = json_of(response)
    assert_schema(new, "Credential")
    assert new["id"] != old["id"]
    assert new["replaces"] == old["id"]
    assert new["verificationMethod"] == rotated["verificationMethod"]
    assert new["issuedAt"] == "2026-03-02T09:31:00Z"
    assert response.headers["Location"].endswith(new["id"].removeprefix("urn:uuid:"))
    old_now = json_of(client.get(path, headers=tenant.headers))
    assert (old_now["status"], old_now["replacedBy"]) == ("superseded", new["id"])
    before = row_counts(app)
    assert_problem(client.post(f"{path}/reissue", headers=tenant.headers), 422,
                   "invalid_input")
    assert row_counts(app) == before


def test_idempotent_retries(app: Flask, client: FlaskClient, tenant: Tenant,
                            achievement: dict[str, Any]) -> None:
    body = {"achievement": achievement["id"], "learner": {"email": "ada@example.org",
                                                          "name": "Ada"}}
    headers = {**tenant.headers, "Idempotency-Key": "enrolment-42 / attempt"}
    first = client.post("/api/v1/credentials", headers=headers, json=body)
    assert first.status_code == 201
    assert "Idempotency-Replayed" not in first.headers
    counts = row_counts(app)
    # The same request again, members in another order: the same credential, no new row.
    reordered = {"learner": {"name": "Ada", "email": "ada@example.org"},
                 "achievement": achievement["id"]}
    replay = client.post("/api/v1/credentials", headers=headers, json=reordered)
    assert replay.status_code == 200
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert json_of(replay) == json_of(first)
    assert replay.headers["Location"] == first.headers["Location"]
    # The same key with another body is refused.
    changed = {**body, "learner": {"email": "grace@example.org"}}
    assert_problem(client.post("/api/v1/credentials", headers=headers, json=changed), 422,
                   "idempotency_key_reused")
    assert row_counts(app) == counts
    # Another key is another credential.
    again = client.post("/api/v1/credentials", json=body,
                        headers={**tenant.headers, "Idempotency-Key": "enrolment-43"})
    assert again.status_code == 201
    assert json_of(again)["id"] != json_of(first)["id"]


def test_idempotency_keys_belong_to_one_provider(app: Flask, client: FlaskClient) -> None:
    operator = operator_token(app, client)
    tenants = [create_tenant(client, operator, slug) for slug in ("alpha", "beta")]
    ids = set()
    for tenant in tenants:
        achievement_id = create_achievement(client, tenant)["id"]
        response = client.post("/api/v1/credentials", json={
            "achievement": achievement_id, "learner": {"email": "ada@example.org"}},
            headers={**tenant.headers, "Idempotency-Key": "same-key"})
        assert response.status_code == 201
        ids.add(json_of(response)["id"])
    assert len(ids) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
def test_malformed_idempotency_keys_are_refused(app: Flask, client: FlaskClient,
                                                tenant: Tenant, achievement: dict[str, Any],
                                                key: str) -> None:
    before = row_counts(app)
    response = client.post("/api/v1/credentials", json={
        "achievement": achievement["id"], "learner": {"email": "ada@example.org"}},
        headers={**tenant.headers, "Idempotency-Key": key.encode("utf-8").decode("latin-1")})
    body = assert_problem(response, 422, "invalid_request")
    assert body["errors"][0]["header"] == "Idempotency-Key"
    assert row_counts(app) == before


def test_only_microbadge_awards_are_listed(app: Flask, client: FlaskClient, tenant: Tenant,
                                          clock: TestClock,
                                          achievement: dict[str, Any]) -> None:
    awarded = award(client, tenant, achievement["id"])
    vc_api_id = uuid.uuid4()
    context = context_of(app)
    with context.sessions() as session:
        provider = session.scalar(select(ProviderRecord).where(ProviderRecord.slug == "alpha"))
        assert provider is not None
        session.add(CredentialRecord(
            credential_id=f"urn:uuid:{vc_api_id}", provider_id=provider.id,
            kind=CredentialKind.VC_API.value, state=CredentialState.ACTIVE.value,
            issued_at=clock(), verification_method=awarded["verificationMethod"],
            document='{"issued": "through the VC-API"}'))
        session.commit()
    items = json_of(client.get("/api/v1/credentials", headers=tenant.headers))["items"]
    assert [item["id"] for item in items] == [awarded["id"]]
    # ... but a VC-API credential can be read (and revoked) by its id.
    own = client.get(f"/api/v1/credentials/{vc_api_id}", headers=tenant.headers)
    assert own.status_code == 200
    assert json_of(own)["id"] == f"urn:uuid:{vc_api_id}"
    assert "achievementId" not in json_of(own)
