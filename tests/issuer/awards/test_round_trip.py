"""Round trip over HTTP: create a provider and a microbadge, award it, fetch the credential,
verify it with the verifier library and with the JS reference verifier; after a key
rotation the old credential still verifies. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.interop.js_reference import js_verify, node_available
from tests.issuer.support import ApiClient as RegisteredClient
from tests.issuer.support import (
    ServiceFetcher,
    TestClock,
    bearer,
    fetch_token,
    js_documents,
    json_of,
    register_client,
)
from verifier.report import CheckId, CheckStatus
from verifier.verify import VerifierOptions, verify_credential

needs_node = pytest.mark.skipif(not node_available() and not os.environ.get("CI"),
                                reason="Node.js is not installed (CI always runs these)")


def _provider_token(client: FlaskClient, app: Flask, method: str) -> tuple[str, dict[str, Any]]:
    operator_token = fetch_token(client, register_client(app))
    created = client.post("/api/v1/providers", headers=bearer(operator_token), json={
        "slug": "asa-academy", "name": "ASA Automotive Academy",
        "url": "https://asa-academy.example", "email": "badges@asa-academy.example",
        "address": {"addressLocality": "Stuttgart", "addressCountryCode": "DE"},
        "identifierMethod": method})
    assert created.status_code == 201, created.get_data(as_text=True)
    provider = json_of(created)
    own = provider["client"]
    token = fetch_token(client, RegisteredClient(own["clientId"], own["clientSecret"]))
    return token, provider


def _award(client: FlaskClient, token: str, achievement_id: str, email: str) -> bytes:
    awarded = client.post("/api/v1/credentials", headers=bearer(token), json={
        "achievement": achievement_id, "learner": {"email": email, "name": "Ada Lovelace"}})
    assert awarded.status_code == 201, awarded.get_data(as_text=True)
    document = client.get(urlsplit(json_of(awarded)["documentUrl"]).path,
                          headers=bearer(token))
    assert document.status_code == 200
    return document.get_data()


def _verify(client: FlaskClient, data: bytes, clock: TestClock) -> dict[CheckId, CheckStatus]:
    report = verify_credential(data, VerifierOptions(
        clock=clock, fetcher=ServiceFetcher(client), require_issuer=True))
    statuses = {check.id: check.status for check in report.checks}
    assert report.verified, report.to_json()
    return statuses


@pytest.mark.parametrize("method", ["did:web", "https"])
def test_award_fetch_verify_rotate_verify(app: Flask, client: FlaskClient, clock: TestClock,
                                          method: str) -> None:
    token, provider = _provider_token(client, app, method)
    assert provider["identifierMethod"] == method
    achievement = client.post("/api/v1/achievements", headers=bearer(token), json={
        "name": "High-voltage battery safety (Practitioner)",
        "description": "Works safely on high-voltage traction batteries.",
        "criteria": {"narrative": "Passed the practical assessment."},
        "achievementType": "MicroCredential", "creditsAvailable": 1.5, "eqfLevel": 4,
        "learningOutcomes": ["Works safely on high-voltage traction batteries."],
        "assessment": "practical-test", "participation": "onsite",
        "qualityAssurance": "internal"})
    assert achievement.status_code == 201, achievement.get_data(as_text=True)
    achievement_id = json_of(achievement)["id"]

    first = _award(client, token, achievement_id, "ada@example.org")
    statuses = _verify(client, first, clock)
    assert statuses[CheckId.ISSUER] is CheckStatus.PASSED

    rotated = client.post("/api/v1/provider/keys", headers=bearer(token))
    assert rotated.status_code == 201, rotated.get_data(as_text=True)
    clock.advance(minutes=10)  # within the token's lifetime
    second = _award(client, token, achievement_id, "grace@example.org")
    first_method = json.loads(first)["proof"][0]["verificationMethod"]
    second_method = json.loads(second)["proof"][0]["verificationMethod"]
    assert first_method != second_method == json_of(rotated)["verificationMethod"]
    for data in (first, second):  # the old credential still verifies after the rotation
        assert _verify(client, data, clock)[CheckId.ISSUER] is CheckStatus.PASSED


@needs_node
@pytest.mark.interop
@pytest.mark.parametrize("method", ["did:web", "https"])
def test_the_js_reference_verifies_before_and_after_rotation(
        app: Flask, client: FlaskClient, method: str) -> None:
    token, provider = _provider_token(client, app, method)
    achievement = client.post("/api/v1/achievements", headers=bearer(token), json={
        "name": "Teamwork in vehicle workshops", "description": "Works in a team.",
        "criteria": {"narrative": "Observed during a two-week workshop placement."}})
    assert achievement.status_code == 201
    achievement_id = json_of(achievement)["id"]
    first = json.loads(_award(client, token, achievement_id, "ada@example.org"))
    assert client.post("/api/v1/provider/keys", headers=bearer(token)).status_code == 201
    second = json.loads(_award(client, token, achievement_id, "grace@example.org"))
    for credential in (first, second):
        result = js_verify(credential, documents=js_documents(client, provider, credential),
                           now="2026-06-01T00:00:00Z")
        assert result.verified, result.errors
