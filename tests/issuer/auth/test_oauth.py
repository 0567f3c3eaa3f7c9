"""OAuth 2.0 client credentials: token endpoint, bearer tokens, expiry, scopes, storage."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any, Final

import pytest
from flask import Flask, Response, jsonify
from sqlalchemy import select

from issuer.auth.clients import PROVIDER_SCOPES
from issuer.auth.models import AccessTokenRecord, ApiClientRecord
from issuer.auth.oauth import require_token
from issuer.providers.services import ProviderInput, create_provider
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
    assert body["scope"] == " ".join(PROVIDER_SCOPES)
    whoami = client.get("/_test/whoami", headers=bearer(body["access_token"]))
    assert whoami.status_code == 200
    assert json_of(whoami)["client_id"] == provider_client.client_id


def _basic(api_client: ApiClient) -> dict[str, str]:
    pair = f"{api_client.client_id}:{api_client.secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _basic_raw(pair: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


_GRANT: Final = {"grant_type": "client_credentials"}
_BASIC_CHALLENGE: Final = 'Basic realm="microbadges", charset="UTF-8"'
_FORM: Final = "application/x-www-form-urlencoded"

Request = Callable[[ApiClient], dict[str, Any]]  # ApiClient -> keyword arguments of post()


def _post(**form: str) -> Request:
    """client_secret_post with the client's credentials and `form`."""
    return lambda c: {"data": {**_GRANT, "client_id": c.client_id, "client_secret": c.secret,
                               **form}}


# (client kind, request, HTTP status, RFC 6749 §5.2 error): every refusal of the token endpoint.
REFUSALS: Final = [
    # Client authentication (§2.3.1): invalid_client, 401 with a Basic challenge.
    pytest.param("provider", lambda c: {"data": _GRANT, "headers": _basic_raw(b"\xff\xfe:\xff")},
                 401, "invalid_client", id="basic-not-utf-8"),
    pytest.param("provider", lambda c: {"data": _GRANT, "headers": {"Authorization": "Basic %%"}},
                 401, "invalid_client", id="basic-not-base64"),
    pytest.param("provider", lambda c: {"data": _GRANT,
                                        "headers": _basic_raw(c.client_id.encode())},
                 401, "invalid_client", id="basic-without-colon"),
    pytest.param("provider", lambda c: {"data": _GRANT,
                                        "headers": _basic_raw(f"mb\x00:{c.secret}".encode())},
                 401, "invalid_client", id="basic-nul-in-client-id"),
    pytest.param("provider", _post(client_id="mb\x00"), 401, "invalid_client",
                 id="post-nul-in-client-id"),
    pytest.param("provider", _post(client_id="mb\x1b[2J"), 401, "invalid_client",
                 id="post-control-character-in-client-id"),
    pytest.param("provider", _post(client_id="mb_" + "a" * 62), 401, "invalid_client",
                 id="post-client-id-too-long"),
    pytest.param("provider", _post(client_id="mb_\u00e9"), 401, "invalid_client",
                 id="post-non-ascii-client-id"),
    pytest.param("provider", _post(client_id="mb_nobody"), 401, "invalid_client",
                 id="unknown-client"),
    pytest.param("provider", lambda c: {"data": _GRANT}, 401, "invalid_client",
                 id="no-client-authentication"),
    pytest.param("provider", _post(client_secret=""), 401, "invalid_client",
                 id="post-empty-secret"),
    pytest.param("provider", lambda c: {"data": {**_GRANT, "client_id": c.client_id}},
                 401, "invalid_client", id="post-without-secret"),
    pytest.param("provider", lambda c: {"data": _GRANT, "headers": _basic_raw(
        f"{c.client_id}:{c.secret}x".encode())}, 401, "invalid_client", id="basic-wrong-secret"),
    pytest.param("provider", lambda c: {"data": _GRANT, "headers": _basic_raw(
        f"{c.client_id}:".encode())}, 401, "invalid_client", id="basic-empty-secret"),
    # More than one authentication method (§2.3).
    pytest.param("provider", lambda c: {**_post()(c), "headers": _basic(c)},
                 400, "invalid_request", id="basic-and-post"),
    pytest.param("provider", lambda c: {"data": {**_GRANT, "client_secret": c.secret},
                                        "headers": _basic(c)},
                 400, "invalid_request", id="basic-and-post-secret"),
    pytest.param("provider", lambda c: {"data": {**_GRANT, "client_id": "mb_other"},
                                        "headers": _basic(c)},
                 400, "invalid_request", id="basic-and-another-client-id"),
    # Scope (§3.3): only scopes the client holds.
    pytest.param("provider", _post(scope="providers"), 400, "invalid_scope",
                 id="provider-asks-providers"),
    pytest.param("provider", _post(scope="achievements providers"), 400, "invalid_scope",
                 id="provider-asks-one-more"),
    pytest.param("provider", _post(scope="admin"), 400, "invalid_scope", id="unknown-scope"),
    pytest.param("operator", _post(scope="credentials:issue"), 400, "invalid_scope",
                 id="operator-asks-credentials-issue"),
    # The request itself (§4.4.2, §3.2): a form body, each parameter once.
    pytest.param("provider", lambda c: {"data": {}, "headers": _basic(c)},
                 400, "invalid_request", id="no-body"),
    pytest.param("provider", lambda c: {"data": {"scope": "achievements"}, "headers": _basic(c)},
                 400, "invalid_request", id="missing-grant-type"),
    pytest.param("provider", lambda c: {"json": _GRANT, "headers": _basic(c)},
                 400, "invalid_request", id="json-body"),
    pytest.param("provider", lambda c: {**_post()(c), "content_type": "multipart/form-data"},
                 400, "invalid_request", id="multipart-body"),
    pytest.param("provider", lambda c: {"query_string": _GRANT,
                                        "data": {"client_id": c.client_id,
                                                 "client_secret": c.secret}},
                 400, "invalid_request", id="grant-type-in-query"),
    pytest.param("provider", lambda c: {"data": {**_GRANT, "client_secret": [c.secret, "x"],
                                                 "client_id": c.client_id}},
                 400, "invalid_request", id="repeated-parameter"),
    pytest.param("provider", lambda c: {"data": {"grant_type": "password", "username": "a",
                                                 "password": "b"}, "headers": _basic(c)},
                 400, "unsupported_grant_type", id="password-grant"),
]


@pytest.fixture
def api_clients(oauth_app: Flask, provider_client: ApiClient) -> dict[str, ApiClient]:
    return {"provider": provider_client, "operator": register_client(oauth_app)}


@pytest.mark.parametrize(("kind", "request_of", "status", "error"), REFUSALS)
def test_token_endpoint_refuses_with_rfc6749_errors(
        oauth_app: Flask, api_clients: dict[str, ApiClient], kind: str, request_of: Request,
        status: int, error: str) -> None:
    api_client = api_clients[kind]
    response = oauth_app.test_client().post("/oauth/token", **request_of(api_client))
    body = json_of(response)
    assert (response.status_code, body["error"]) == (status, error)
    assert set(body) <= {"error", "error_description"}
    assert (response.content_type, response.headers["Cache-Control"]) == (
        "application/json", "no-store")
    # §5.2: failed Basic authentication answers 401 with a Basic challenge.
    assert response.headers.get("WWW-Authenticate") == (
        _BASIC_CHALLENGE if status == 401 else None)
    assert api_client.secret not in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_wrong_secret_is_refused_in_plain_words(oauth_app: Flask, provider_client: ApiClient,
                                                method: str) -> None:
    wrong = ApiClient(provider_client.client_id, provider_client.secret + "x")
    request = _post()(wrong) if method == "client_secret_post" else {
        "data": _GRANT, "headers": _basic(wrong)}
    response = oauth_app.test_client().post("/oauth/token", **request)
    assert response.status_code == 401
    assert json_of(response) == {"error": "invalid_client",
                                 "error_description": "client authentication failed"}


@pytest.mark.parametrize("request_of", [
    pytest.param(lambda c: {"data": {}, "headers": _basic(c)}, id="no-body"),
    pytest.param(lambda c: {"data": {"scope": "achievements"}, "headers": _basic(c)},
                 id="missing-grant-type"),
    pytest.param(lambda c: {"json": _GRANT, "headers": _basic(c)}, id="json-body"),
])
def test_malformed_request_names_the_form_media_type(
        oauth_app: Flask, provider_client: ApiClient, request_of: Request) -> None:
    response = oauth_app.test_client().post("/oauth/token", **request_of(provider_client))
    assert (response.status_code, json_of(response)["error"]) == (400, "invalid_request")
    assert _FORM in json_of(response)["error_description"]


@pytest.mark.parametrize(("kind", "scope", "granted"), [
    ("provider", "achievements", "achievements"),
    ("provider", "credentials:read achievements", "achievements credentials:read"),
    ("provider", "credentials:issue credentials:issue", "credentials:issue"),
    ("provider", "", " ".join(PROVIDER_SCOPES)),
    ("operator", "providers", "providers"),
])
def test_requested_scope_is_granted_exactly(
        oauth_app: Flask, api_clients: dict[str, ApiClient], kind: str, scope: str,
        granted: str) -> None:
    api_client = api_clients[kind]
    response = oauth_app.test_client().post("/oauth/token", data={**_GRANT, "scope": scope},
                                            headers=_basic(api_client))
    assert response.status_code == 200
    assert json_of(response)["scope"] == granted  # RFC 6749 §5.1
    with context_of(oauth_app).sessions() as session:
        stored = session.scalars(select(AccessTokenRecord.scope)).all()
    assert stored == [granted]


def test_basic_with_the_same_client_id_in_the_form_is_accepted(
        oauth_app: Flask, provider_client: ApiClient) -> None:
    # RFC 6749 §3.2.1: client_id in the body identifies the client; it is not a second method.
    response = oauth_app.test_client().post(
        "/oauth/token", data={**_GRANT, "client_id": provider_client.client_id},
        headers=_basic(provider_client))
    assert response.status_code == 200


def test_token_endpoint_logs_no_secret_or_token(oauth_app: Flask, provider_client: ApiClient,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = oauth_app.test_client()
    tokens = [fetch_token(client, provider_client, method=method)
              for method in ("client_secret_basic", "client_secret_post")]
    client.post("/oauth/token", **_post(client_secret=provider_client.secret + "x")(
        provider_client))
    assert all(token not in caplog.text for token in tokens)
    assert provider_client.secret not in caplog.text


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
