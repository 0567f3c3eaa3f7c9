"""Setting up provider API tests: tenants created over HTTP, their tokens, typical bodies,
row counts of every table, and responses checked against the OpenAPI schemas."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from issuer.api.openapi import schema_errors
from issuer.platform.records import Base
from tests.issuer.support import (
    ApiClient,
    bearer,
    context_of,
    fetch_token,
    json_of,
    register_client,
)


@dataclass(frozen=True, slots=True)
class Tenant:
    """A provider created through the API, with a token of its initial client."""

    slug: str
    token: str
    provider: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header of the tenant's token."""
        return bearer(self.token)


MakeTenant = Callable[..., Tenant]
"""The `make_tenant` fixture: makes a provider with a token (see tests/issuer/conftest.py)."""


def operator_token(app: Flask, client: FlaskClient) -> str:
    """A token of a new operator client (scope `providers`)."""
    return fetch_token(client, register_client(app))


def create_tenant(client: FlaskClient, operator: str, slug: str, **profile: Any) -> Tenant:
    """Create a provider with POST /api/v1/providers and get a token for its client."""
    response = client.post("/api/v1/providers", headers=bearer(operator),
                           json={"slug": slug, "name": f"{slug.title()} Academy", **profile})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "ProviderCreated")
    own = body.pop("client")
    token = fetch_token(client, ApiClient(own["clientId"], own["clientSecret"]))
    return Tenant(slug=slug, token=token, provider=body)


def achievement_body(**overrides: Any) -> dict[str, Any]:
    """A valid AchievementInput body."""
    return {"name": "High-voltage battery safety",
            "description": "Works safely on high-voltage traction batteries.",
            "criteria": {"narrative": "Passed the practical assessment."}, **overrides}


def create_achievement(client: FlaskClient, tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    """Define a microbadge over HTTP; returns its Achievement view."""
    response = client.post("/api/v1/achievements", headers=tenant.headers,
                           json=achievement_body(**overrides))
    assert response.status_code == 201, response.get_data(as_text=True)
    view: dict[str, Any] = json_of(response)
    return view


def award(client: FlaskClient, tenant: Tenant, achievement_id: str,
          email: str = "ada@example.org", **extra: Any) -> dict[str, Any]:
    """Award a microbadge over HTTP; returns the Credential view."""
    response = client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": achievement_id, "learner": {"email": email}, **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    view: dict[str, Any] = json_of(response)
    assert_schema(view, "Credential")
    return view


def assert_schema(body: Any, schema_name: str) -> None:
    """`body` matches the component schema `schema_name` of issuer/openapi.json."""
    assert schema_errors(schema_name, body) == [], (schema_name, body)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem detail with this status and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body: dict[str, Any] = json_of(response)
    assert body["code"] == code, body
    assert body["status"] == status
    assert_schema(body, "Problem")
    return body


def row_counts(app: Flask) -> dict[str, int]:
    """The number of rows of every table."""
    with context_of(app).sessions() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def send_chunked(client: FlaskClient, method: str, path: str, data: bytes,
                 content_type: str, headers: dict[str, str]) -> Any:
    """A request whose body has no Content-Length, as a chunked request reaches the app from
    a server that de-chunks it (Werkzeug's and gunicorn's set `wsgi.input_terminated`)."""
    return client.open(path, method=method, headers={**headers, "Transfer-Encoding": "chunked"},
                       input_stream=io.BytesIO(data), content_type=content_type,
                       environ_overrides={"wsgi.input_terminated": True})
