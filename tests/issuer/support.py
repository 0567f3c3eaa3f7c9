"""Shared helpers of the issuer tests: a settable clock, API clients and tokens."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.error import HTTPError
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from badges.json_document import as_list
from issuer.auth.clients import create_client
from issuer.providers.models import ProviderRecord
from issuer.web.context import IssuerContext
from keys.errors import ResolutionError
from tests.interop.js_reference import MULTIKEY_CONTEXT_V1

BASE_URL: Final = "https://badges.test"
START: Final = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class TestClock:
    """A clock tests move by hand (timezone-aware UTC)."""

    __test__ = False

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by `timedelta(**delta)`."""
        self.now += timedelta(**delta)


@dataclass(frozen=True, slots=True)
class ApiClient:
    """A registered OAuth client and its secret."""

    client_id: str
    secret: str


def context_of(app: Flask) -> IssuerContext:
    """The app's IssuerContext."""
    context = app.extensions["microbadges"]
    assert isinstance(context, IssuerContext)
    return context


def register_client(app: Flask, *, provider_slug: str | None = None,
                    scope: str | None = None) -> ApiClient:
    """Register an OAuth client directly in the database (operator client without slug)."""
    from sqlalchemy import select

    context = context_of(app)
    with context.sessions() as session:
        provider = None
        if provider_slug is not None:
            provider = session.scalar(select(ProviderRecord).where(
                ProviderRecord.slug == provider_slug))
            assert provider is not None
        record, secret = create_client(session, name="test client", provider=provider,
                                       clock=context.clock, scope=scope)
        session.commit()
        return ApiClient(record.client_id, secret)


def fetch_token(client: FlaskClient, api_client: ApiClient, *, scope: str | None = None,
                method: str = "client_secret_basic") -> str:
    """An access token for `api_client` from the token endpoint."""
    form = {"grant_type": "client_credentials"}
    if scope is not None:
        form["scope"] = scope
    headers = {}
    if method == "client_secret_basic":
        pair = f"{api_client.client_id}:{api_client.secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    else:
        form.update(client_id=api_client.client_id, client_secret=api_client.secret)
    response = client.post("/oauth/token", data=form, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    token = response.get_json()["access_token"]
    assert isinstance(token, str)
    return token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a bearer token."""
    return {"Authorization": f"Bearer {token}"}


def json_of(response: Any) -> Any:
    """The JSON body of a test response (problem+json included)."""
    return response.get_json(force=True)


@dataclass(frozen=True, slots=True)
class ServiceFetcher:
    """A DocumentFetcher that GETs this service's public URLs through the test client."""

    client: FlaskClient

    def fetch_json(self, url: str) -> object:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != BASE_URL:
            raise ResolutionError(f"not a URL of the service under test: {url}")
        response = self.client.get(parts.path)
        if response.status_code != 200:
            raise ResolutionError(f"{url} answered {response.status_code}")
        return json.loads(response.get_data())


def js_documents(client: FlaskClient, provider: dict[str, Any],
                 credential: dict[str, Any]) -> dict[str, Any]:
    """What a DID/URL resolver would hand the JS verifier, read from the service: the
    controller document, the verification method and the status lists the credential
    names."""
    method_id = credential["proof"][0]["verificationMethod"]
    controller_url = (provider["didDocumentUrl"] if provider["identifierMethod"] == "did:web"
                      else provider["profileUrl"])
    controller = ServiceFetcher(client).fetch_json(controller_url)
    assert isinstance(controller, dict)
    method = next(m for m in controller["verificationMethod"] if m["id"] == method_id)
    documents: dict[str, Any] = {provider["issuerId"]: controller,
                                 method_id: {"@context": MULTIKEY_CONTEXT_V1, **method}}
    for entry in as_list(credential.get("credentialStatus")):
        url = entry["statusListCredential"]
        documents[url] = ServiceFetcher(client).fetch_json(url)
    return documents


Outcome = tuple[int, dict[str, str], dict[str, Any]]
# The barrier only guards against a thread that died before reaching it; nothing is timed.
_BARRIER_SAFETY_S = 120


def post_at_once(url: str, headers: dict[str, str],
                 bodies: list[dict[str, Any] | None]) -> list[Outcome]:
    """POST one request per body from as many threads, released at the same moment, to a
    loopback server; returns (status, headers, JSON body) in the order of `bodies`."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
    barrier = threading.Barrier(len(bodies), timeout=_BARRIER_SAFETY_S)

    def post(body: dict[str, Any] | None) -> Outcome:
        data = json.dumps(body).encode() if body is not None else None
        sent = {**headers, "Content-Type": "application/json"} if data is not None else headers
        request = urllib.request.Request(url, data=data, headers=sent, method="POST")
        barrier.wait()
        try:
            with opener.open(request) as response:
                return response.status, dict(response.headers), json.loads(response.read())
        except HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read())

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))
