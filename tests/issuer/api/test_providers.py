"""Provider API: operators create and list providers; a provider reads and patches its
profile and rotates its keys. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from badges.canonicalization import canonicalize
from issuer.app import create_app
from issuer.auth.clients import PROVIDER_SCOPES
from issuer.platform.settings import Settings
from tests.issuer.api_setup import (
    achievement_body,
    assert_problem,
    assert_schema,
    create_tenant,
    operator_token,
    row_counts,
)
from tests.issuer.support import (
    BASE_URL,
    ApiClient,
    TestClock,
    bearer,
    fetch_token,
    json_of,
    register_client,
)

FULL_PROFILE = {
    "url": "https://asa-academy.example", "email": "badges@asa-academy.example",
    "description": "Automotive skills training.", "image": "https://asa-academy.example/logo.png",
    "address": {"streetAddress": "Hauptstraße 1", "postalCode": "70173",
                "addressLocality": "Stuttgart", "addressRegion": "Baden-Württemberg",
                "addressCountry": "Germany", "addressCountryCode": "DE"},
    "linkedinOrganizationId": "1234567",
}


def test_operator_creates_a_provider_with_its_first_client(app: Flask,
                                                           client: FlaskClient) -> None:
    operator = operator_token(app, client)
    response = client.post("/api/v1/providers", headers=bearer(operator),
                           json={"slug": "asa", "name": "ASA Academy", **FULL_PROFILE})
    assert response.status_code == 201
    assert response.headers["Location"] == f"{BASE_URL}/issuers/asa"
    assert response.headers["Cache-Control"] == "no-store"
    body = json_of(response)
    assert_schema(body, "ProviderCreated")
    own = body.pop("client")
    assert own["scope"] == " ".join(PROVIDER_SCOPES)
    assert body == {
        "slug": "asa", "issuerId": "did:web:badges.test:issuers:asa",
        "identifierMethod": "did:web", "name": "ASA Academy", **FULL_PROFILE,
        "suspensionEnabled": False, "profileUrl": f"{BASE_URL}/issuers/asa",
        "didDocumentUrl": f"{BASE_URL}/issuers/asa/did.json",
        "jwksUrl": f"{BASE_URL}/issuers/asa/jwks.json", "createdAt": "2026-03-02T09:30:00Z"}
    # The client works, and the provider sees exactly that view (the secret never again).
    token = fetch_token(client, ApiClient(own["clientId"], own["clientSecret"]))
    own_view = client.get("/api/v1/provider", headers=bearer(token))
    assert own_view.status_code == 200
    assert json_of(own_view) == body
    listed = client.get("/api/v1/providers", headers=bearer(operator))
    assert listed.status_code == 200
    assert_schema(json_of(listed), "ProviderList")
    assert json_of(listed) == {"items": [body]}
    assert own["clientSecret"] not in listed.get_data(as_text=True)


@pytest.mark.parametrize("method", ["did:web", "https", "did:key"])
def test_identifier_methods(app: Flask, client: FlaskClient, method: str) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha",
                           identifierMethod=method)
    provider = tenant.provider
    assert provider["identifierMethod"] == method
    expected_id = {"did:web": "did:web:badges.test:issuers:alpha",
                   "https": f"{BASE_URL}/issuers/alpha"}.get(method)
    if expected_id is not None:
        assert provider["issuerId"] == expected_id
    else:
        assert provider["issuerId"].startswith("did:key:z6Mk")
    assert ("didDocumentUrl" in provider) == (method == "did:web")


@pytest.mark.parametrize("method", ["did:web", "https", "did:key"])
def test_public_documents_are_safe_json_ld(app: Flask, client: FlaskClient,
                                           method: str) -> None:
    # Safe-mode canonicalisation refuses any term the contexts leave undefined, as a JSON-LD
    # verifier framing the controller document would (the JS reference does, in safe mode).
    provider = create_tenant(client, operator_token(app, client), "alpha",
                             identifierMethod=method, **FULL_PROFILE).provider
    urls = [provider["profileUrl"], *([provider["didDocumentUrl"]]
                                      if method == "did:web" else [])]
    for url in urls:
        response = client.get(url.removeprefix(BASE_URL))
        assert response.status_code == 200, url
        # Keys rotate: caches revalidate every use, cheaply (ETag, 304).
        assert response.headers["Cache-Control"] == "no-cache"
        again = client.get(url.removeprefix(BASE_URL),
                           headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        document = json_of(response)
        nquads = canonicalize(document)
        for method_document in document["verificationMethod"]:
            key = method_document["publicKeyMultibase"]
            assert f'<https://w3id.org/security#publicKeyMultibase> "{key}"' in nquads


@pytest.fixture
def http_app(settings: Settings, clock: TestClock) -> Iterator[Flask]:
    """The app on a plain-http loopback origin (a developer's laptop)."""
    app = create_app(dataclasses.replace(settings, base_url="http://127.0.0.1:8000"),
                     clock=clock, migrate=False)
    yield app
    app.extensions["microbadges"].engine.dispose()


@pytest.mark.parametrize("method", ["did:web", "https"])
def test_plain_http_origin_defaults_to_did_key_and_refuses_web_identifiers(
        http_app: Flask, method: str) -> None:
    # Verifiers fetch did:web documents and keys named by an issuer URL over https only:
    # such an issuer on a plain-http origin would sign credentials nobody can verify.
    client = http_app.test_client()
    operator = operator_token(http_app, client)
    tenant = create_tenant(client, operator, "laptop")
    assert tenant.provider["identifierMethod"] == "did:key"
    before = row_counts(http_app)
    response = client.post("/api/v1/providers", headers=bearer(operator), json={
        "slug": "web", "name": "Web", "identifierMethod": method})
    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"][0]["pointer"] == "/identifierMethod"
    assert row_counts(http_app) == before


def test_slug_taken_is_a_conflict(app: Flask, client: FlaskClient) -> None:
    operator = operator_token(app, client)
    create_tenant(client, operator, "alpha")
    before = row_counts(app)
    response = client.post("/api/v1/providers", headers=bearer(operator),
                           json={"slug": "alpha", "name": "Another"})
    assert_problem(response, 409, "conflict")
    assert row_counts(app) == before


def test_provider_routes_need_the_right_kind_of_client(app: Flask, client: FlaskClient) -> None:
    operator = operator_token(app, client)
    tenant = create_tenant(client, operator, "alpha")
    # A provider's token cannot manage providers ...
    assert_problem(client.get("/api/v1/providers", headers=tenant.headers), 403,
                   "insufficient_scope")
    assert_problem(client.post("/api/v1/providers", headers=tenant.headers,
                               json={"slug": "beta", "name": "Beta"}), 403,
                   "insufficient_scope")
    # ... an operator's token reads no provider's data ...
    assert_problem(client.get("/api/v1/provider", headers=bearer(operator)), 403, "forbidden")
    # ... and a provider token narrowed to one scope gets only that.
    narrow = fetch_token(client, register_client(app, provider_slug="alpha"),
                         scope="credentials:read")
    assert_problem(client.get("/api/v1/provider", headers=bearer(narrow)), 403,
                   "insufficient_scope")
    assert client.get("/api/v1/credentials", headers=bearer(narrow)).status_code == 200


def test_patch_is_a_json_merge_patch(app: Flask, client: FlaskClient) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha", **FULL_PROFILE)
    response = client.patch("/api/v1/provider", headers=tenant.headers,
                            content_type="application/merge-patch+json", json={
                                "name": "Alpha Training", "description": None,
                                "address": {"streetAddress": None, "postalCode": "70174"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "Provider")
    assert body["name"] == "Alpha Training"
    assert "description" not in body
    assert body["address"] == {"postalCode": "70174", "addressLocality": "Stuttgart",
                               "addressRegion": "Baden-Württemberg",
                               "addressCountry": "Germany", "addressCountryCode": "DE"}
    assert json_of(client.get("/api/v1/provider", headers=tenant.headers)) == body
    # The public profile shows the change: it is what credentials point at.
    profile = json_of(client.get("/issuers/alpha"))
    assert profile["name"] == "Alpha Training"
    assert profile["address"]["postalCode"] == "70174"


NO_COUNTRY = [{"pointer": "/address/addressCountryCode", "detail": (
    "no country: a MicroCredential states its issuer's country (EU micro-credential "
    "element), so the provider can define other badges but no MicroCredential until "
    "addressCountryCode is set")}]
MICRO_CREDENTIAL = {
    "achievementType": "MicroCredential", "creditsAvailable": 2,
    "learningOutcomes": ["Isolates a high-voltage system."], "eqfLevel": 5,
    "assessment": "practical-test", "participation": "onsite",
    "qualityAssurance": "accredited", "supervision": "supervised-id"}


def test_a_provider_without_a_country_is_created_with_a_warning(app: Flask,
                                                                client: FlaskClient) -> None:
    # Issue 21: a provider without a country learnt only later that it could not define a
    # MicroCredential. Other badges need no country (OB 3.0 does not ask for an address),
    # so the provider is created, and told.
    operator = operator_token(app, client)
    response = client.post("/api/v1/providers", headers=bearer(operator), json={
        "slug": "nowhere", "name": "Nowhere Academy",
        "address": {"addressLocality": "Stuttgart"}})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "ProviderCreated")
    assert body["warnings"] == NO_COUNTRY
    with_country = client.post("/api/v1/providers", headers=bearer(operator), json={
        "slug": "somewhere", "name": "Somewhere Academy", **FULL_PROFILE})
    assert "warnings" not in json_of(with_country)


def test_the_country_cannot_be_removed_while_micro_credentials_need_it(
        app: Flask, client: FlaskClient) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha", **FULL_PROFILE)
    removal = {"address": {"addressCountryCode": None}}
    # No MicroCredential yet: the country may go, with the warning.
    removed = client.patch("/api/v1/provider", headers=tenant.headers, json=removal)
    assert removed.status_code == 200, removed.get_data(as_text=True)
    assert_schema(json_of(removed), "Provider")
    assert json_of(removed)["warnings"] == NO_COUNTRY
    restored = client.patch("/api/v1/provider", headers=tenant.headers,
                            json={"address": {"addressCountryCode": "DE"}})
    assert "warnings" not in json_of(restored)
    defined = client.post("/api/v1/achievements", headers=tenant.headers,
                          json=achievement_body(**MICRO_CREDENTIAL))
    assert defined.status_code == 201, defined.get_data(as_text=True)
    before = json_of(client.get("/api/v1/provider", headers=tenant.headers))
    for patch in (removal, {"address": None}):
        body = assert_problem(client.patch("/api/v1/provider", headers=tenant.headers,
                                           json=patch), 422, "invalid_input")
        assert body["errors"] == [{
            "pointer": "/address/addressCountryCode",
            "detail": "the provider has 1 MicroCredential microbadge; each credential of one "
                      "states the issuer's country, so it cannot be removed"}]
    assert json_of(client.get("/api/v1/provider", headers=tenant.headers)) == before


@pytest.mark.parametrize(("patch", "pointer"), [
    ({"slug": "other"}, "/slug"),
    ({"issuerId": "did:web:evil.example"}, "/issuerId"),
    ({"identifierMethod": "did:key"}, "/identifierMethod"),
    ({"name": None}, "/name"),
    ({"email": "not an address"}, "/email"),
    ({"address": {"addressCountryCode": "Germany"}}, "/address/addressCountryCode"),
    ({"linkedinOrganizationId": "acme"}, "/linkedinOrganizationId"),
    ({"unknown": 1}, "/unknown"),
])
def test_patch_refuses_fixed_and_invalid_members(app: Flask, client: FlaskClient,
                                                 patch: dict[str, object],
                                                 pointer: str) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha", **FULL_PROFILE)
    before = json_of(client.get("/api/v1/provider", headers=tenant.headers))
    body = assert_problem(client.patch("/api/v1/provider", headers=tenant.headers, json=patch),
                          422, "invalid_request")
    assert pointer in [error["pointer"] for error in body["errors"]]
    assert json_of(client.get("/api/v1/provider", headers=tenant.headers)) == before


def test_keys_rotate_and_stay_listed(app: Flask, client: FlaskClient,
                                     clock: TestClock) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha")
    listed = json_of(client.get("/api/v1/provider/keys", headers=tenant.headers))
    assert_schema(listed, "SigningKeyList")
    [first] = listed["items"]
    assert first["state"] == "active"
    assert first["verificationMethod"] == (f"{tenant.provider['issuerId']}#"
                                           f"{first['publicKeyMultibase']}")
    clock.advance(minutes=30)
    rotated = client.post("/api/v1/provider/keys", headers=tenant.headers)
    assert rotated.status_code == 201
    new = json_of(rotated)
    assert_schema(new, "SigningKey")
    assert new["state"] == "active"
    assert new["createdAt"] == "2026-03-02T10:00:00Z"
    items = json_of(client.get("/api/v1/provider/keys", headers=tenant.headers))["items"]
    assert items == [{**first, "state": "retired", "retiredAt": "2026-03-02T10:00:00Z"}, new]
    did_document = json_of(client.get("/issuers/alpha/did.json"))
    assert [m["id"] for m in did_document["verificationMethod"]] == [
        first["verificationMethod"], new["verificationMethod"]]


def test_did_key_issuers_cannot_rotate(app: Flask, client: FlaskClient) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha",
                           identifierMethod="did:key")
    before = row_counts(app)
    assert_problem(client.post("/api/v1/provider/keys", headers=tenant.headers), 409,
                   "rotation_unsupported")
    assert row_counts(app) == before


def test_the_operator_sets_the_registry_entry(app: Flask, client: FlaskClient) -> None:
    operator = operator_token(app, client)
    tenant = create_tenant(client, operator, "alpha", legalName="Alpha Academy GmbH")
    assert tenant.provider["legalName"] == "Alpha Academy GmbH"
    assert "membership" not in tenant.provider
    response = client.patch("/api/v1/providers/alpha", headers=bearer(operator),
                            content_type="application/merge-patch+json",
                            json={"membership": "  ASA\npartner "})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "Provider")
    assert (body["legalName"], body["membership"]) == ("Alpha Academy GmbH", "ASA partner")
    # The provider reads its entry but cannot change it.
    assert json_of(client.get("/api/v1/provider", headers=tenant.headers)) == body
    removed = json_of(client.patch("/api/v1/providers/alpha", headers=bearer(operator),
                                   json={"legalName": None}))
    assert "legalName" not in removed
    assert removed["membership"] == "ASA partner"


@pytest.mark.parametrize("patch", [{"membership": "ASA partner"}, {"legalName": "Alpha AG"},
                                   {"name": "Alpha", "membership": None}])
def test_a_provider_cannot_set_its_registry_entry(app: Flask, client: FlaskClient,
                                                  patch: dict[str, object]) -> None:
    tenant = create_tenant(client, operator_token(app, client), "alpha")
    before = row_counts(app), json_of(client.get("/api/v1/provider", headers=tenant.headers))
    assert_problem(client.patch("/api/v1/providers/alpha", json=patch), 401, "unauthorized")
    assert_problem(client.patch("/api/v1/providers/alpha", headers=tenant.headers,
                                json=patch), 403, "insufficient_scope")
    assert_problem(client.patch("/api/v1/provider", headers=tenant.headers, json=patch),
                   403, "forbidden")
    assert (row_counts(app), json_of(client.get("/api/v1/provider",
                                                headers=tenant.headers))) == before


@pytest.mark.parametrize(("slug", "patch", "status", "code"), [
    ("nobody", {"membership": "ASA partner"}, 404, "not_found"),
    ("alpha", {"membership": " \t"}, 422, "invalid_input"),
    ("alpha", {"membership": ""}, 422, "invalid_request"),
    ("alpha", {"legalName": "x" * 201}, 422, "invalid_request"),
    ("alpha", {"name": "Renamed"}, 422, "invalid_request"),
])
def test_the_registry_entry_refuses_what_it_cannot_publish(
        app: Flask, client: FlaskClient, slug: str, patch: dict[str, object], status: int,
        code: str) -> None:
    operator = operator_token(app, client)
    create_tenant(client, operator, "alpha", membership="ASA partner")
    before = row_counts(app), json_of(client.get("/api/v1/providers", headers=bearer(operator)))
    assert_problem(client.patch(f"/api/v1/providers/{slug}", headers=bearer(operator),
                                json=patch), status, code)
    assert (row_counts(app), json_of(client.get("/api/v1/providers",
                                                headers=bearer(operator)))) == before
