"""The OpenAPI document: a valid OpenAPI 3.1 document that lists exactly the app's routes,
served at /api/v1/openapi.json. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any, Final

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from issuer.auth.clients import OPERATOR_SCOPES, PROVIDER_SCOPES
from tests.issuer.support import BASE_URL, json_of

HTTP_METHODS: Final = frozenset({"get", "put", "post", "patch", "delete"})


def _document() -> dict[str, Any]:
    text = resources.files("issuer").joinpath("openapi.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method.upper()): operation
            for path, item in document["paths"].items()
            for method, operation in item.items() if method in HTTP_METHODS}


def test_the_document_is_valid_openapi_3_1() -> None:
    document = _document()
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises with the first violation


def test_the_document_lists_exactly_the_apps_routes(app: Flask) -> None:
    routes = {(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.endpoint != "web.static"
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert set(_operations(_document())) == routes


def test_security_matches_the_oauth_scopes() -> None:
    document = _document()
    scheme = document["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert set(flow["scopes"]) == set(PROVIDER_SCOPES) | set(OPERATOR_SCOPES)
    for (path, method), operation in _operations(document).items():
        for requirement in operation["security"]:
            for name, scopes in requirement.items():
                assert set(scopes) <= set(flow["scopes"]), (path, method)
                if name == "oauth2":  # a protected operation documents its refusals
                    assert {"401", "403"} <= set(operation["responses"]), (path, method)


def test_protected_api_operations_name_their_scope() -> None:
    for (path, method), operation in _operations(_document()).items():
        if path.startswith("/api/v1/") and path != "/api/v1/openapi.json":
            assert len(operation["security"]) == 1, (path, method)
            [scopes] = operation["security"][0].values()
            assert len(scopes) == 1, (path, method)


def test_error_responses_are_problem_details() -> None:
    document = _document()
    responses = document["components"]["responses"]
    for (path, method), operation in _operations(document).items():
        if path == "/oauth/token":  # RFC 6749 errors, not problem details
            continue
        if path == "/verify":  # a form for people: a bad submission shows the form again
            continue
        for status, response in operation["responses"].items():
            if "$ref" in response:
                response = responses[response["$ref"].rsplit("/", 1)[1]]
            if int(status) >= 400:
                assert "application/problem+json" in response["content"], (path, method,
                                                                           status)


def test_the_document_is_served_with_this_services_origin(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    served = json_of(response)
    assert served.pop("servers") == [{"url": BASE_URL}]
    assert served == _document()
