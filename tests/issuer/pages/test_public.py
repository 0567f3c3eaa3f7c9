"""The public documents: problem details for what is not there, the known-issuer registry.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

from flask import Flask
from flask.testing import FlaskClient

from issuer.app import create_app
from issuer.platform.settings import Settings
from tests.issuer.api_setup import assert_schema, create_tenant, operator_token
from tests.issuer.support import BASE_URL, TestClock, json_of


def test_unknown_issuer_is_a_problem_detail(client: FlaskClient) -> None:
    response = client.get("/issuers/nobody")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert json_of(response) == {"type": f"{BASE_URL}/problems/not_found",
                                 "title": "No such resource", "status": 404,
                                 "detail": "no issuer 'nobody'", "code": "not_found"}


def test_the_registry_is_linked_and_served_with_an_etag(app: Flask,
                                                         client: FlaskClient) -> None:
    operator = operator_token(app, client)
    tenant = create_tenant(client, operator, "alpha", membership="ASA partner",
                           url="https://alpha.example")
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<a href="/registry.json">' in home
    assert json_of(client.get("/"))["links"]["registry"] == f"{BASE_URL}/registry.json"

    response = client.get("/registry.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "no-cache"
    registry = json_of(response)
    assert_schema(registry, "KnownIssuerRegistry")
    [method] = registry["registry"][tenant.provider["issuerId"]]["verificationMethods"]
    assert registry["registry"] == {tenant.provider["issuerId"]: {
        "name": "Alpha Academy", "legalName": "Alpha Academy", "url": "https://alpha.example",
        "membership": "ASA partner", "verificationMethods": [method]}}
    etag = response.headers["ETag"]
    assert client.get("/registry.json", headers={"If-None-Match": etag}).status_code == 304

    # A rotation changes the registry, and so its ETag: the new key is listed at once.
    assert client.post("/api/v1/provider/keys", headers=tenant.headers).status_code == 201
    changed = client.get("/registry.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    methods = json_of(changed)["registry"][tenant.provider["issuerId"]]["verificationMethods"]
    assert methods[0] == method
    assert len(methods) == 2


def test_the_registry_name_is_the_setting(settings: Settings, clock: TestClock) -> None:
    named = dataclasses.replace(settings, registry_name="ASA known issuers")
    for configured, name in ((settings, "microbadges issuers at badges.test"),
                             (named, "ASA known issuers")):
        app = create_app(configured, clock=clock, migrate=False)
        try:
            meta = json_of(app.test_client().get("/registry.json"))["meta"]
        finally:
            app.extensions["microbadges"].engine.dispose()
        assert meta == {"name": name, "url": f"{BASE_URL}/registry.json"}
