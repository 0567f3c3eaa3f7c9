"""Tenant isolation: every provider-scoped route, read from the app's URL map so that a new
route cannot be forgotten, refuses another provider's token (404/403, never its data),
refuses operator tokens and requests without a token. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.seed import DEMO_FRAMEWORK
from tests.issuer.api_setup import (
    Tenant,
    achievement_body,
    assert_problem,
    award,
    create_achievement,
    create_tenant,
    operator_token,
    png,
)
from tests.issuer.support import bearer, json_of

# Routes of the `api` blueprint that are not provider-scoped.
PUBLIC_ENDPOINTS: Final = frozenset({"api.serve_openapi"})
# The figures route answers providers (their own credentials) and operators (all): its
# isolation is tested in tests/issuer/figures/test_figures.py. A provider's token on the
# registry entry's route is refused in tests/issuer/api/test_providers.py.
OPERATOR_ENDPOINTS: Final = frozenset({"api.create_provider_route", "api.list_providers_route",
                                       "api.patch_registry_entry_route", "api.figures_route"})
# Skills frameworks are one registry shared by all providers (their pages are public); a
# provider's token is needed, and only the provider that published a slug adds versions to
# it (tests/issuer/frameworks/test_frameworks.py).
SHARED_ENDPOINTS: Final = frozenset({"api.import_framework_route", "api.export_framework_route"})
# Every mutating provider route must appear here with a request that would succeed for the
# owner, so that a refusal can only come from the tenant check.
BODIES: Final[dict[tuple[str, str], str]] = {
    ("PATCH", "/api/v1/provider"): "patch",
    ("POST", "/api/v1/provider/keys"): "none",
    ("POST", "/api/v1/achievements"): "achievement",
    ("PUT", "/api/v1/achievements/<uuid:achievement_id>"): "achievement",
    ("PUT", "/api/v1/achievements/<uuid:achievement_id>/image"): "image",
    ("POST", "/api/v1/credentials"): "award",
    ("POST", "/api/v1/credentials/<credential:credential_id>/reissue"): "none",
    ("POST", "/api/v1/credentials/<credential:credential_id>/manage-link"): "none",
    ("POST", "/api/v1/credentials/<credential:credential_id>/revoke"): "revoke",
    ("POST", "/api/v1/credentials/<credential:credential_id>/suspend"): "none",
    ("POST", "/api/v1/credentials/<credential:credential_id>/unsuspend"): "none",
    ("POST", "/api/v1/credentials/bulk-revoke"): "bulk",
    ("POST", "/api/v1/credentials/bulk"): "bulk-award",
    ("POST", "/api/v1/frameworks"): "framework",
    ("POST", "/api/v1/pathways"): "pathway",
    ("PUT", "/api/v1/provider/pathway-partners"): "partners",
}
# Query parameters a route needs to succeed for the owner.
QUERIES: Final[dict[str, str]] = {
    "/api/v1/pathways/<uuid:pathway_id>/progress": "?learner=alpha-learner@example.org",
}


@dataclass(frozen=True, slots=True)
class Route:
    """One method of one provider-scoped rule."""

    method: str
    rule: str
    arguments: frozenset[str]

    def path(self, values: dict[str, str]) -> str:
        """The rule with its arguments filled in from `values`."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda match: values[match.group(1)],
                      self.rule)


def provider_routes(app: Flask, *, shared: bool = False) -> Iterator[Route]:
    """Every method of every provider-scoped rule of the app (and, with `shared`, of the
    routes any provider's token may use)."""
    for rule in app.url_map.iter_rules():
        if (not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC_ENDPOINTS
                or rule.endpoint in OPERATOR_ENDPOINTS
                or (rule.endpoint in SHARED_ENDPOINTS and not shared)):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield Route(method, rule.rule, frozenset(rule.arguments))


@dataclass(frozen=True, slots=True)
class World:
    """Two providers; `alpha` owns data whose markers must never reach `beta`."""

    alpha: Tenant
    beta: Tenant
    operator: str
    values: dict[str, str]
    markers: tuple[str, ...]


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    operator = operator_token(app, client)
    alpha = create_tenant(client, operator, "alpha-secret-tenant", name="Alpha Hidden Academy",
                          email="office@alpha-hidden.example")
    beta = create_tenant(client, operator, "beta")
    achievement = create_achievement(client, alpha, name="ALPHA-ONLY microbadge")
    credential = award(client, alpha, achievement["id"], email="alpha-learner@example.org")
    key = json_of(client.get("/api/v1/provider/keys", headers=alpha.headers))["items"][0]
    composite = create_achievement(client, alpha, name="ALPHA-ONLY programme")
    pathway = client.post("/api/v1/pathways", headers=alpha.headers, json={
        "name": "ALPHA-ONLY pathway", "achievement": composite["id"],
        "achievements": [achievement["id"]]})
    assert pathway.status_code == 201, pathway.get_data(as_text=True)
    values = {"achievement_id": achievement["id"], "slug": "asa-skills", "version": "2026.1",
              "credential_id": credential["id"].removeprefix("urn:uuid:"),
              "composite_id": composite["id"], "pathway_id": json_of(pathway)["id"]}
    markers = ("alpha-secret-tenant", "Alpha Hidden Academy", "alpha-hidden.example",
               "ALPHA-ONLY", "alpha-learner", key["publicKeyMultibase"],
               credential["credential"]["proof"][0]["proofValue"])
    return World(alpha, beta, operator, values, markers)


def _request(client: FlaskClient, route: Route, world: World,
             headers: dict[str, str]) -> Any:
    kind = BODIES.get((route.method, route.rule), "none" if route.method == "GET" else "")
    assert kind, f"add a request body for {route.method} {route.rule} to BODIES"
    path = route.path(world.values) + QUERIES.get(route.rule, "")
    if kind == "image":
        return client.open(path, method=route.method, headers=headers, data=png(),
                           content_type="image/png")
    body: dict[str, Any] | None = {
        "none": None, "patch": {"name": "Renamed"}, "achievement": achievement_body(),
        "award": {"achievement": world.values["achievement_id"],
                  "learner": {"email": "someone@example.org"}},
        "revoke": {"reason": "isolation test"},
        "bulk": {"filter": {"achievement": world.values["achievement_id"]},
                 "reason": "isolation test"},
        "framework": json.loads(DEMO_FRAMEWORK.read_text(encoding="utf-8")),
        "partners": {"providers": []},
        "pathway": {"name": "Another pathway", "achievement": world.values["composite_id"],
                    "achievements": [world.values["achievement_id"]]},
        "bulk-award": {"awards": [{"achievement": world.values["achievement_id"],
                                   "learner": {"email": "someone@example.org"}}]}}[kind]
    return client.open(path, method=route.method, headers=headers, json=body)


def _snapshot(client: FlaskClient, tenant: Tenant) -> list[Any]:
    return [json_of(client.get(path, headers=tenant.headers)) for path in (
        "/api/v1/provider", "/api/v1/provider/keys", "/api/v1/achievements",
        "/api/v1/credentials")]


def test_every_provider_route_is_covered(app: Flask) -> None:
    routes = list(provider_routes(app, shared=True))
    assert len(routes) >= 16
    mutating = {(route.method, route.rule) for route in routes if route.method != "GET"}
    assert mutating == set(BODIES)


def test_another_providers_token_never_reaches_the_data(app: Flask, client: FlaskClient,
                                                        world: World) -> None:
    alpha_before = _snapshot(client, world.alpha)
    for route in provider_routes(app):
        if route.arguments and route.method == "GET":  # the owner can read it ...
            assert _request(client, route, world, world.alpha.headers).status_code == 200
        response = _request(client, route, world, world.beta.headers)  # ... beta cannot
        text = response.get_data(as_text=True) + json.dumps(dict(response.headers))
        where = f"{route.method} {route.rule}"
        assert response.status_code < 500, where
        assert not [marker for marker in world.markers if marker in text], (where, text)
        if route.arguments:
            assert response.status_code in (403, 404), (where, text)
            assert response.content_type == "application/problem+json", where
        elif route.method == "POST" and route.rule in ("/api/v1/credentials",
                                                        "/api/v1/credentials/bulk",
                                                        "/api/v1/credentials/bulk-revoke"):
            assert_problem(response, 422, "unknown_achievement")
    filtered = client.get(f"/api/v1/credentials?achievement={world.values['achievement_id']}",
                          headers=world.beta.headers)
    assert json_of(filtered) == {"items": []}
    assert _snapshot(client, world.alpha) == alpha_before


def test_operator_tokens_are_refused_on_every_provider_route(app: Flask, client: FlaskClient,
                                                             world: World) -> None:
    for route in provider_routes(app, shared=True):
        response = _request(client, route, world, bearer(world.operator))
        assert_problem(response, 403, "forbidden")


def test_every_protected_route_needs_a_token(app: Flask, client: FlaskClient,
                                             world: World) -> None:
    operator_routes = [Route(method, "/api/v1/providers", frozenset())
                       for method in ("GET", "POST")]
    for route in [*provider_routes(app, shared=True), *operator_routes]:
        body: dict[str, Any] | None = {} if route.method != "GET" else None
        for headers in ({}, {"Authorization": "Bearer forged"}):
            response = client.open(route.path(world.values), method=route.method,
                                   headers=headers, json=body)
            assert response.status_code == 401, (route, headers)
            assert response.content_type == "application/problem+json"
