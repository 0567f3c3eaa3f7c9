"""OAuth 2.0 client credentials for machine clients, on Authlib (RFC 6749 §4.4, RFC 6750).

Token endpoint `POST /oauth/token` takes a form body (RFC 6749 §4.4.2) and exactly one of
`client_secret_basic` and `client_secret_post` (§2.3); it answers RFC 6749 §5.2 errors and
never echoes or logs a secret or token. Client secrets and access tokens are stored only as
hashes (`issuer.auth.clients`). `require_token` answers 401/403 problem details.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import unquote

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload, FlaskOAuth2Request
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Blueprint, Flask, Request, Response, current_app, g
from flask import request as flask_request
from sqlalchemy import select

from badges.clock import Clock
from issuer.auth.clients import hash_token, secret_matches
from issuer.auth.models import AccessTokenRecord, ApiClientRecord
from issuer.platform.urls import TOKEN_PATH
from issuer.web.problems import ApiProblem

__all__ = [
    "CurrentClient",
    "current_client",
    "init_oauth",
    "require_token",
]

_REALM: Final = "microbadges"
# RFC 6749 Appendix A.1: client-id = *VSCHAR; at most the width of api_clients.client_id.
_CLIENT_ID: Final = re.compile(r"[\x20-\x7e]{1,64}")
_FORM: Final = "application/x-www-form-urlencoded"
_SINGLE_PARAMETERS: Final = ("grant_type", "scope", "client_id", "client_secret")
_AUTH_FAILED: Final = "client authentication failed"


@dataclass(frozen=True, slots=True)
class _Client(ClientMixin):  # type: ignore[misc]
    record: ApiClientRecord

    def get_client_id(self) -> str:
        return self.record.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        # _ClientCredentials.validate_requested_scope has refused any scope not held.
        allowed = self.record.scope.split()
        requested = set((scope or "").split()) or set(allowed)
        return " ".join(item for item in allowed if item in requested)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return secret_matches(client_secret, self.record.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in _ClientCredentials.TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class _ClientCredentials(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: Final = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self) -> None:
        """Refuse a scope the client does not hold (RFC 6749 §3.3, §5.2 invalid_scope)."""
        held = self.request.client.record.scope.split()
        if not set((self.request.payload.scope or "").split()) <= set(held):
            raise InvalidScopeError(f"this client may request only: {' '.join(held)}")

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        # Authlib's own logs the bearer token (DEBUG); a token is a secret.
        token: dict[str, Any] = self.generate_token(scope=self.request.payload.scope,
                                                    include_refresh_token=False)
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class _InvalidClientError(InvalidClientError):  # type: ignore[misc]
    """invalid_client: always 401 with a Basic challenge (RFC 6749 §5.2, RFC 7617 §2)."""

    status_code = 401

    def get_headers(self) -> list[tuple[str, str]]:
        # Skip InvalidClientError's challenge, which repeats the description instead.
        headers: list[tuple[str, str]] = super(InvalidClientError, self).get_headers()
        return [*headers, ("WWW-Authenticate", f'Basic realm="{_REALM}", charset="UTF-8"')]


def _read_basic_credentials(header: str | None) -> tuple[str, str] | None:
    """The client_id and secret of an HTTP Basic header (RFC 6749 §2.3.1), None if none.

    Raises _InvalidClientError unless it is base64 of UTF-8 `client_id:client_secret`.
    """
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, secret = (base64.b64decode(value.strip(), validate=True)
                             .decode("utf-8").split(":", 1))
        # §2.3.1: each is form-urlencoded before encoding (unquoted as Authlib does).
        return unquote(client_id, errors="strict"), unquote(secret, errors="strict")
    except ValueError:  # binascii.Error, UnicodeDecodeError, no colon
        raise _InvalidClientError("HTTP Basic credentials must be base64 of UTF-8 "
                                  "client_id:client_secret") from None


def _authenticate_client(query_client: Callable[[str], _Client | None],
                         request: FlaskOAuth2Request) -> _Client:
    """The client a token request authenticates as, by exactly one method (RFC 6749 §2.3).

    Raises OAuth2Error: invalid_request for two methods at once, invalid_client otherwise.
    """
    basic = _read_basic_credentials(request.headers.get("Authorization"))
    form_id, form_secret = request.form.get("client_id"), request.form.get("client_secret")
    if basic is not None:
        # A form client_id naming the same client only identifies it (§3.2.1).
        if form_secret is not None or form_id not in (None, basic[0]):
            raise InvalidRequestError("use one client authentication method, HTTP Basic or "
                                      "client_id and client_secret in the body, not both "
                                      "(RFC 6749 section 2.3)")
        (client_id, secret), method = basic, "client_secret_basic"
    elif form_id is not None or form_secret is not None:
        client_id, secret, method = form_id or "", form_secret or "", "client_secret_post"
    else:
        raise _InvalidClientError("client authentication is missing: use HTTP Basic or "
                                  "client_id and client_secret in the body")
    client = query_client(client_id)
    if client is None or not secret or not client.check_client_secret(secret):
        raise _InvalidClientError(_AUTH_FAILED)
    request.auth_method = method
    return client


def _check_token_request(request: Request) -> None:
    """Refuse a request that is not a single-valued client credentials form (RFC 6749 §4.4.2).

    Raises OAuth2Error (invalid_request, unsupported_grant_type).
    """
    if request.mimetype != _FORM:
        raise InvalidRequestError(f"the token request body must be {_FORM} "
                                  "(RFC 6749 section 4.4.2)")
    repeated = [name for name in _SINGLE_PARAMETERS if len(request.form.getlist(name)) > 1]
    if repeated:  # §3.2
        raise InvalidRequestError(f"parameters must not be repeated: {', '.join(repeated)}")
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise InvalidRequestError("grant_type is missing: send grant_type=client_credentials "
                                  f"in an {_FORM} body")
    if grant_type != "client_credentials":
        raise OAuth2Error("only grant_type=client_credentials is supported",
                          error="unsupported_grant_type")


class _FormPayload(FlaskOAuth2Payload):  # type: ignore[misc]
    """Token request parameters from the body only, never the query (RFC 6749 §3.2)."""

    @property
    def data(self) -> Any:
        return self._request.form


class _FormRequest(FlaskOAuth2Request):  # type: ignore[misc]
    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.payload = _FormPayload(request)


class _AuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """Authlib's server with this service's request checks and client authentication."""

    def create_oauth2_request(self, request: object) -> _FormRequest:
        return _FormRequest(flask_request)

    def create_token_response(self, request: object = None) -> Response:
        try:
            _check_token_request(flask_request)
        except OAuth2Error as error:
            refused: Response = self.handle_error_response(None, error)
            return refused
        response: Response = super().create_token_response(request)
        return response

    def authenticate_client(self, request: FlaskOAuth2Request, methods: list[str],
                            endpoint: str = "token") -> _Client:
        return _authenticate_client(self.query_client, request)


@dataclass(frozen=True, slots=True)
class CurrentClient:
    """The authenticated client of the current request."""

    client_id: str
    provider_id: int | None
    scope: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Token(TokenMixin):  # type: ignore[misc]
    record: AccessTokenRecord
    now: datetime

    def check_client(self, client: Any) -> bool:
        return bool(client.get_client_id() == self.record.client.client_id)

    def get_scope(self) -> str:
        return self.record.scope

    def get_expires_in(self) -> int:
        return int((self.record.expires_at - self.record.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.now >= self.record.expires_at

    def is_revoked(self) -> bool:
        return self.record.revoked_at is not None or self.record.client.revoked_at is not None


class _Validator(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, session: Any, clock: Clock) -> None:
        super().__init__(realm=_REALM)
        self._session = session
        self._clock = clock

    def authenticate_token(self, token_string: str) -> _Token | None:
        record = self._session().scalar(select(AccessTokenRecord).where(
            AccessTokenRecord.token_hash == hash_token(token_string)))
        return _Token(record, self._clock()) if record is not None else None


class _Protector(ResourceProtector):  # type: ignore[misc]
    def raise_error_response(self, error: OAuth2Error) -> None:
        code = {"invalid_token": "invalid_token",
                "insufficient_scope": "insufficient_scope"}.get(error.error, "unauthorized")
        detail = {
            "unauthorized": "send an OAuth 2.0 bearer token (POST /oauth/token to get one)",
            "invalid_token": "the bearer token is invalid, expired or revoked",
            "insufficient_scope": "the token lacks the scope this action needs",
        }[code]
        # RFC 6750 §3: the challenge names the error, except when no credentials were sent.
        challenge = f'Bearer realm="{_REALM}"'
        if code != "unauthorized":
            challenge += f', error="{code}"'
        raise ApiProblem(code, detail, headers={"WWW-Authenticate": challenge})


def init_oauth(app: Flask, session: Any, clock: Clock, token_lifetime: int) -> None:
    """Register the token endpoint and the bearer-token protector on `app`.

    `session` returns the request's SQLAlchemy Session.
    """

    def query_client(client_id: str) -> _Client | None:
        if not _CLIENT_ID.fullmatch(client_id):  # e.g. NUL, which PostgreSQL refuses
            return None
        record = session().scalar(select(ApiClientRecord).where(
            ApiClientRecord.client_id == client_id, ApiClientRecord.revoked_at.is_(None)))
        return _Client(record) if record is not None else None

    def save_token(token: dict[str, Any], request: Any) -> None:
        now = clock()
        db = session()
        db.add(AccessTokenRecord(
            token_hash=hash_token(token["access_token"]), client_id=request.client.record.id,
            scope=token.get("scope", ""), issued_at=now,
            expires_at=now + timedelta(seconds=int(token["expires_in"]))))
        db.commit()

    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"client_credentials": token_lifetime}
    server = _AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(_ClientCredentials)
    protector = _Protector()
    protector.register_token_validator(_Validator(session, clock))
    app.extensions["microbadges_oauth"] = protector

    blueprint = Blueprint("oauth", __name__)

    @blueprint.post(TOKEN_PATH)
    def issue_token() -> Response:
        response: Response = server.create_token_response()
        response.headers["Cache-Control"] = "no-store"
        return response

    app.register_blueprint(blueprint)


def require_token(*scopes: str) -> CurrentClient:
    """Authenticate the request's bearer token, requiring every scope in `scopes`.

    Raises ApiProblem (401 unauthorized/invalid_token, 403 insufficient_scope).
    """
    protector: _Protector = current_app.extensions["microbadges_oauth"]
    try:
        # Authlib reads a list as alternatives and one space-separated string as "all of".
        token: _Token = protector.acquire_token([" ".join(scopes)] if scopes else None)
    except OAuth2Error as error:
        protector.raise_error_response(error)
        raise  # unreachable: raise_error_response always raises
    client = CurrentClient(client_id=token.record.client.client_id,
                           provider_id=token.record.client.provider_id,
                           scope=tuple(token.record.scope.split()))
    g.microbadges_client = client
    return client


def current_client() -> CurrentClient | None:
    """The client authenticated for this request, if any."""
    client: CurrentClient | None = g.get("microbadges_client")
    return client
