"""Bad input: every row gets an RFC 9457 problem detail with a 4xx status and its stable
code, never a 500, and writes nothing (the row count of every table is unchanged).
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.issuer.api_setup import (
    Tenant,
    achievement_body,
    assert_problem,
    award,
    create_achievement,
    create_tenant,
    operator_token,
    png,
    row_counts,
    send_chunked,
)
from tests.issuer.support import TestClock, bearer, json_of

MAX_BODY: Final = 64 * 1024  # the `settings` fixture's max_body_bytes


@dataclass(frozen=True, slots=True)
class World:
    """A provider with one microbadge and one credential, and an operator."""

    tenant: Tenant
    operator: str
    achievement_id: str
    credential_id: str


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    operator = operator_token(app, client)
    tenant = create_tenant(client, operator, "alpha")
    achievement_id = create_achievement(client, tenant)["id"]
    credential = award(client, tenant, achievement_id)
    return World(tenant, operator, achievement_id,
                 credential["id"].removeprefix("urn:uuid:"))


Send = Callable[[FlaskClient, World, dict[str, str]], Any]


def post_json(path: str, body: Any) -> Send:
    """POST `body` (a value, or a function of the world) as JSON."""
    def send(client: FlaskClient, world: World, headers: dict[str, str]) -> Any:
        value = body(world) if callable(body) else body
        return client.post(path.format(w=world), headers=headers, json=value)
    return send


def post_raw(path: str, data: bytes, content_type: str | None = "application/json",
             **options: Any) -> Send:
    """POST raw bytes with a Content-Type."""
    def send(client: FlaskClient, world: World, headers: dict[str, str]) -> Any:
        if content_type is not None:
            options["content_type"] = content_type
        return client.post(path.format(w=world), headers=headers, data=data, **options)
    return send


def award_body(**overrides: Any) -> Callable[[World], dict[str, Any]]:
    """A CredentialCreate body for the world's microbadge, with `overrides`."""
    return lambda world: {"achievement": world.achievement_id,
                          "learner": {"email": "ada@example.org"}, **overrides}


def nested(depth: int) -> bytes:
    """A JSON body nesting arrays `depth` deep."""
    return b'{"achievement": ' + b"[" * depth + b"]" * depth + b"}"


def chunked(client: FlaskClient, world: World, headers: dict[str, str]) -> Any:
    """A body over the limit without Content-Length, as a chunked request reaches the app
    from a server that de-chunks it (Werkzeug's, gunicorn's: `wsgi.input_terminated`)."""
    body = json.dumps(award_body(evidence=[{"narrative": "x" * MAX_BODY}])(world)).encode()
    return send_chunked(client, "POST", CREDENTIALS, body, "application/json", headers)


def chunked_image(client: FlaskClient, world: World, headers: dict[str, str]) -> Any:
    """An image over the limit, chunked: never stored cut short."""
    return send_chunked(client, "PUT", f"{ACHIEVEMENTS}/{world.achievement_id}/image",
                        png() + b"\0" * MAX_BODY, "image/png", headers)


CREDENTIALS: Final = "/api/v1/credentials"
ACHIEVEMENTS: Final = "/api/v1/achievements"
ROWS: Final[list[tuple[str, str, Send, int, str]]] = [
    # (id, token, request, status, code)
    ("wrong type", "provider", post_json(ACHIEVEMENTS, achievement_body(name=7)),
     422, "invalid_request"),
    ("wrong nested type", "provider", post_json(ACHIEVEMENTS, achievement_body(
        alignment=[{"targetName": "x", "targetUrl": 5}])), 422, "invalid_request"),
    ("boolean for integer", "provider", post_json(ACHIEVEMENTS, achievement_body(
        validityDays=True)), 422, "invalid_request"),
    ("integer out of range", "provider", post_json(ACHIEVEMENTS, achievement_body(
        validityDays=10**12)), 422, "invalid_request"),
    ("number out of range", "provider", post_json(ACHIEVEMENTS, achievement_body(
        creditsAvailable=1e10)), 422, "invalid_request"),
    ("string over the column size", "provider", post_json(ACHIEVEMENTS, achievement_body(
        name="n" * 201)), 422, "invalid_request"),
    ("unknown member", "provider", post_json(ACHIEVEMENTS, achievement_body(colour="red")),
     422, "invalid_request"),
    ("missing field", "provider", post_json(CREDENTIALS, lambda w: {
        "achievement": w.achievement_id}), 422, "invalid_request"),
    ("learner without email or did", "provider", post_json(CREDENTIALS, award_body(
        learner={"name": "Ada"})), 422, "invalid_request"),
    ("learner e-mail too long", "provider", post_json(CREDENTIALS, award_body(
        learner={"email": "a" * 320 + "@example.org"})), 422, "invalid_request"),
    ("evidence without id or narrative", "provider", post_json(CREDENTIALS, award_body(
        evidence=[{"name": "x"}])), 422, "invalid_request"),
    ("unknown result status", "provider", post_json(CREDENTIALS, award_body(
        result=[{"status": "Passed"}])), 422, "invalid_request"),
    ("result for an unknown result description", "provider", post_json(
        CREDENTIALS, award_body(result=[{"value": "A", "resultDescription": "urn:x:y"}])),
     422, "invalid_input"),
    ("unknown microbadge", "provider", post_json(CREDENTIALS, award_body(
        achievement="00000000-0000-4000-8000-000000000000")), 422, "unknown_achievement"),
    ("control character", "provider", post_json(CREDENTIALS, award_body(
        learner={"email": "ada@example.org", "name": "A\u0000da"})), 422, "invalid_request"),
    ("lone surrogate", "provider", post_raw(
        CREDENTIALS, b'{"achievement": "x", "learner": {"did": "did:example:\\ud800"}}'),
     422, "invalid_request"),
    ("number too large to be finite", "provider", post_raw(
        ACHIEVEMENTS, json.dumps(achievement_body()).replace("}", ', "creditsAvailable": '
                                                            '1e999}', 1).encode()),
     422, "invalid_request"),
    ("array body", "provider", post_json(CREDENTIALS, [1, 2]), 422, "invalid_request"),
    ("malformed JSON", "provider", post_raw(CREDENTIALS, b'{"achievement": '), 400,
     "malformed_json"),
    ("a member twice", "provider", post_raw(
        ACHIEVEMENTS, b'{"name": "x", "name": "y", "description": "d", "criteria": {}}'),
     400, "malformed_json"),
    ("NUL in a public path", "none", lambda c, w, h: c.get("/issuers/a%00b/did.json"),
     404, "not_found"),
    ("NUL in an API path", "provider", lambda c, w, h: c.get(
        f"{CREDENTIALS}/%00", headers=h), 404, "not_found"),
    ("empty JSON body", "provider", post_raw(CREDENTIALS, b""), 400, "malformed_json"),
    ("NaN", "provider", post_raw(CREDENTIALS, b'{"achievement": NaN}'), 400,
     "malformed_json"),
    ("not UTF-8", "provider", post_raw(CREDENTIALS, b'{"achievement": "\xff"}'), 400,
     "malformed_json"),
    ("UTF-16", "provider", post_raw(CREDENTIALS, '{"a": 1}'.encode("utf-16")), 400,
     "malformed_json"),
    ("nested too deep", "provider", post_raw(CREDENTIALS, nested(20_000)), 400,
     "malformed_json"),
    ("wrong content type", "provider", post_raw(CREDENTIALS, b"{}", "text/plain"), 415,
     "unsupported_media_type"),
    ("no content type", "provider", post_raw(CREDENTIALS, b"{}", None), 415,
     "unsupported_media_type"),
    ("form body", "provider", lambda c, w, h: c.post(CREDENTIALS, headers=h,
                                                     data={"achievement": "x"}),
     415, "unsupported_media_type"),
    ("oversized body", "provider", post_json(CREDENTIALS, award_body(
        evidence=[{"narrative": "x" * MAX_BODY}])), 413, "payload_too_large"),
    ("oversized chunked body", "provider", chunked, 413, "payload_too_large"),
    ("oversized chunked image", "provider", chunked_image, 413, "payload_too_large"),
    ("patch with a list", "provider", lambda c, w, h: c.patch(
        "/api/v1/provider", headers=h, json=[{"op": "replace"}]), 422, "invalid_request"),
    ("unknown microbadge id in the path", "provider", lambda c, w, h: c.put(
        f"{ACHIEVEMENTS}/00000000-0000-4000-8000-000000000000", headers=h,
        json=achievement_body()), 404, "not_found"),
    ("not a uuid in the path", "provider", lambda c, w, h: c.get(
        f"{CREDENTIALS}/urn:uuid:x", headers=h), 404, "not_found"),
    ("method not allowed", "provider", lambda c, w, h: c.delete(
        f"{CREDENTIALS}/{w.credential_id}", headers=h), 405, "method_not_allowed"),
    ("bad slug", "operator", post_json("/api/v1/providers", {"slug": "Not A Slug",
                                                             "name": "X"}),
     422, "invalid_request"),
    ("bad country code", "operator", post_json("/api/v1/providers", {
        "slug": "beta", "name": "Beta", "address": {"addressCountryCode": "de"}}),
     422, "invalid_request"),
    ("http logo", "operator", post_json("/api/v1/providers", {
        "slug": "beta", "name": "Beta", "image": "http://beta.example/logo.png"}),
     422, "invalid_request"),
    ("expired token", "expired", post_json(CREDENTIALS, award_body()), 401,
     "invalid_token"),
    ("unknown token", "forged", post_json(CREDENTIALS, award_body()), 401,
     "invalid_token"),
    ("no token", "none", post_json(CREDENTIALS, award_body()), 401, "unauthorized"),
    ("operator token", "operator", post_json(CREDENTIALS, award_body()), 403, "forbidden"),
]


@pytest.mark.parametrize(("token", "send", "status", "code"),
                         [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_bad_input_is_a_problem_and_writes_nothing(
        app: Flask, client: FlaskClient, clock: TestClock, world: World, token: str,
        send: Send, status: int, code: str) -> None:
    headers = {"provider": world.tenant.headers, "operator": bearer(world.operator),
               "expired": world.tenant.headers, "forged": bearer("x" * 43),
               "none": {}}[token]
    if token == "expired":
        clock.advance(hours=1)
    before = row_counts(app)
    response = send(client, world, headers)
    assert_problem(response, status, code)
    assert row_counts(app) == before


def test_errors_point_at_every_problem(client: FlaskClient, world: World) -> None:
    response = client.post(CREDENTIALS, headers=world.tenant.headers, json={
        "learner": {"email": 3, "did": "did:example:ada", "nickname": "A"},
        "evidence": [{}, {"id": "https://example.org/e"}], "extra": True})
    body = assert_problem(response, 422, "invalid_request")
    assert [error["pointer"] for error in body["errors"]] == [
        "/achievement", "/evidence/0", "/extra", "/learner/email", "/learner/nickname"]
    assert all(isinstance(error["detail"], str) and error["detail"]
               for error in body["errors"])


MEMBERS: Final = ("achievement", "learner", "email", "did", "name", "evidence", "result",
                  "status", "value", "criteria", "narrative", "url", "description",
                  "alignment", "targetName", "targetUrl", "creditsAvailable", "validityDays",
                  "tags", "address", "addressCountryCode", "image", "slug")
JSON_VALUES: Final = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(MEMBERS) | st.text(max_size=8), children, max_size=5),
    max_leaves=20)


@hypothesis_settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(path=st.sampled_from([CREDENTIALS, ACHIEVEMENTS, "/api/v1/provider"]),
       body=JSON_VALUES)
def test_arbitrary_json_never_breaks_the_service(client: FlaskClient, world: World, path: str,
                                                 body: Any) -> None:
    method = "PATCH" if path == "/api/v1/provider" else "POST"
    response = client.open(path, method=method, headers=world.tenant.headers, json=body)
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert_problem(response, response.status_code, json_of(response)["code"])
