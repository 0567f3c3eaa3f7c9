"""OAuth 2.0 client credentials: token endpoint, bearer tokens, expiry, scopes, storage."""

from __future__ import annotations

import base64

import pytest
from flask import Flask, Response, jsonify
from sqlalchemy import select

from issuer.models import AccessTokenRecord, ApiClientRecord
from issuer.oauth import require_token
from issuer.providers import ProviderInput, create_provider
from tests.issuer.support import (
    BASE_URL,
    ApiClient,
    TestClock,
    bearer,
    context_of,
    fetch_token,
    json_of,
    register_client,
)


@pytest.fixture
def oauth_app(app: Flask) -> Flask:
    """The app with one extra route that shows the authenticated client."""

    @app.get("/_test/whoami")
    def whoami() -> Response:
        client = require_token("credentials:read")
        return jsonify(client_id=client.client_id, provider_id=client.provider_id,
                       scope=list(client.scope))

    context = context_of(app)
    with context.sessions() as session:
        create_provider(session, ProviderInput(slug="alpha", name="Alpha Academy"),
                        vault=context.vault, base_url=BASE_URL, clock=context.clock)
        session.commit()
    return app


@pytest.fixture
def provider_client(oauth_app: Flask) -> ApiClient:
    return register_client(oauth_app, provider_slug="alpha")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_token_endpoint_accepts_both_client_authentication_methods(
        oauth_app: Flask, provider_client: ApiClient, method: str) -> None:
    client = oauth_app.test_client()
    form = {"grant_type": "client_credentials"}
    headers = {}
    if method == "client_secret_basic":
        headers = _basic(provider_client)
    else:
        form.update(client_id=provider_client.client_id, client_secret=provider_client.secret)
    response = client.post("/oauth/token", data=form, headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = json_of(response)
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "provider achievements credentials:read credentials:issue"
    whoami = client.get("/_test/whoami", headers=bearer(body["access_token"]))
    assert whoami.status_code == 200
    assert json_of(whoami)["client_id"] == provider_client.client_id


def _basic(api_client: ApiClient) -> dict[str, str]:
    pair = f"{api_client.client_id}:{api_client.secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


@pytest.mark.parametrize(("form", "error"), [
    ({"grant_type": "client_credentials", "client_id": "mb_nobody", "client_secret": "x"},
     "invalid_client"),
    ({"grant_type": "password", "username": "a", "password": "b"}, "unsupported_grant_type"),
    ({"grant_type": "client_credentials"}, "invalid_client"),
])
def test_token_endpoint_refuses_bad_requests_with_oauth_errors(
        oauth_app: Flask, form: dict[str, str], error: str) -> None:
    response = oauth_app.test_client().post("/oauth/token", data=form)
    assert response.status_code in (400, 401)
    assert json_of(response)["error"] == error
    assert "access_token" not in json_of(response)


def test_wrong_secret_is_refused(oauth_app: Flask, provider_client: ApiClient) -> None:
    response = oauth_app.test_client().post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": provider_client.client_id,
        "client_secret": provider_client.secret + "x"})
    assert response.status_code == 401
    assert json_of(response)["error"] == "invalid_client"


def test_requested_scope_narrows_the_token(oauth_app: Flask,
                                           provider_client: ApiClient) -> None:
    client = oauth_app.test_client()
    token = fetch_token(client, provider_client, scope="achievements")
    response = client.get("/_test/whoami", headers=bearer(token))
    assert response.status_code == 403
    assert json_of(response)["code"] == "insufficient_scope"
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize(("headers", "code"), [
    ({}, "unauthorized"),
    ({"Authorization": "Bearer not-a-token"}, "invalid_token"),
    ({"Authorization": "Basic Zm9vOmJhcg=="}, "unauthorized"),
])
def test_missing_or_unknown_token_is_a_401_problem(oauth_app: Flask, headers: dict[str, str],
                                                   code: str) -> None:
    response = oauth_app.test_client().get("/_test/whoami", headers=headers)
    assert response.status_code == 401
    body = json_of(response)
    assert (body["code"], body["status"], body["type"]) == (
        code, 401, f"{BASE_URL}/problems/{code}")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_expires(oauth_app: Flask, provider_client: ApiClient, clock: TestClock) -> None:
    client = oauth_app.test_client()
    token = fetch_token(client, provider_client)
    clock.advance(seconds=3599)
    assert client.get("/_test/whoami", headers=bearer(token)).status_code == 200
    clock.advance(seconds=1)
    response = client.get("/_test/whoami", headers=bearer(token))
    assert response.status_code == 401
    assert json_of(response)["code"] == "invalid_token"


def test_revoked_client_loses_its_tokens(oauth_app: Flask, provider_client: ApiClient,
                                         clock: TestClock) -> None:
    client = oauth_app.test_client()
    token = fetch_token(client, provider_client)
    context = context_of(oauth_app)
    with context.sessions() as session:
        record = session.scalar(select(ApiClientRecord).where(
            ApiClientRecord.client_id == provider_client.client_id))
        assert record is not None
        record.revoked_at = clock()
        session.commit()
    assert client.get("/_test/whoami", headers=bearer(token)).status_code == 401
    refused = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                          headers=_basic(provider_client))
    assert json_of(refused)["error"] == "invalid_client"


def test_secrets_and_tokens_are_stored_only_as_hashes(oauth_app: Flask,
                                                      provider_client: ApiClient) -> None:
    token = fetch_token(oauth_app.test_client(), provider_client)
    context = context_of(oauth_app)
    with context.sessions() as session:
        client_record = session.scalar(select(ApiClientRecord).where(
            ApiClientRecord.client_id == provider_client.client_id))
        tokens = session.scalars(select(AccessTokenRecord)).all()
    assert client_record is not None
    assert provider_client.secret not in client_record.secret_hash
    assert client_record.secret_hash.startswith("scrypt$")
    assert len(tokens) == 1
    assert token not in tokens[0].token_hash


def test_operator_client_has_only_the_providers_scope(oauth_app: Flask) -> None:
    operator = register_client(oauth_app)
    client = oauth_app.test_client()
    token = fetch_token(client, operator)
    response = client.get("/_test/whoami", headers=bearer(token))
    assert response.status_code == 403
    assert json_of(response)["code"] == "insufficient_scope"
