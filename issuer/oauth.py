"""OAuth 2.0 client credentials for machine clients, on Authlib (RFC 6749 §4.4, RFC 6750).

Token endpoint `POST /oauth/token` accepts `client_secret_basic` and `client_secret_post`.
Client secrets and access tokens are stored only as hashes (scrypt for secrets, SHA-256
for the high-entropy tokens). A client belongs to one provider (or is an operator client
that may only manage providers); `require_token` answers 401/403 problem details.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Blueprint, Flask, Response, current_app, g
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.clock import Clock
from issuer.models import AccessTokenRecord, ApiClientRecord, ProviderRecord
from issuer.problems import ApiProblem

__all__ = [
    "OPERATOR_SCOPES",
    "PROVIDER_SCOPES",
    "CurrentClient",
    "create_client",
    "current_client",
    "init_oauth",
    "require_token",
]

PROVIDER_SCOPES: Final = ("provider", "achievements", "credentials:read", "credentials:issue")
OPERATOR_SCOPES: Final = ("providers",)
TOKEN_PATH: Final = "/oauth/token"  # noqa: S105 (a path, not a password)
_REALM: Final = "microbadges"
_SCRYPT: Final = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """`scrypt$<salt hex>$<hash hex>` of a client secret."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str) -> bool:
    """Constant-time check of a client secret against its stored hash."""
    try:
        scheme, salt_hex, _ = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(hash_secret(secret, salt), stored)


def hash_token(token: str) -> str:
    """SHA-256 hex of an access token (tokens are 256-bit random: no salt needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_client(session: Session, *, name: str, provider: ProviderRecord | None,
                  clock: Clock, scope: str | None = None,
                  client_id: str | None = None, secret: str | None = None,
                  ) -> tuple[ApiClientRecord, str]:
    """Register a client (not committed); returns it and its secret, shown only once."""
    allowed = PROVIDER_SCOPES if provider is not None else OPERATOR_SCOPES
    scopes = (scope or " ".join(allowed)).split()
    if not scopes or not set(scopes) <= set(allowed):
        raise ValueError(f"scopes must be among {', '.join(allowed)}")
    secret = secret or secrets.token_urlsafe(32)
    record = ApiClientRecord(
        client_id=client_id or "mb_" + secrets.token_urlsafe(12),
        secret_hash=hash_secret(secret),
        provider_id=provider.id if provider is not None else None,
        name=name, scope=" ".join(scopes), created_at=clock())
    session.add(record)
    session.flush()
    return record, secret


@dataclass(frozen=True, slots=True)
class _Client(ClientMixin):  # type: ignore[misc]
    record: ApiClientRecord

    def get_client_id(self) -> str:
        return self.record.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.record.scope.split()
        if not scope:
            return " ".join(allowed)
        return " ".join(item for item in scope.split() if item in allowed)

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
    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
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
