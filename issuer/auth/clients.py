"""API clients and their scopes: registration, and the hashes that are all the service keeps
of client secrets (scrypt) and access tokens (SHA-256 of 256-bit random tokens).

A client belongs to one provider, or is an operator client that may only manage providers
and read alliance-wide figures.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum
from typing import Final

from sqlalchemy.orm import Session

from badges.clock import Clock
from issuer.auth.models import ApiClientRecord
from issuer.providers.models import ProviderRecord

__all__ = [
    "OPERATOR_SCOPES",
    "PROVIDER_SCOPES",
    "REVOKE_SCOPE",
    "Scope",
    "create_client",
    "hash_secret",
    "hash_token",
    "secret_matches",
]


class Scope(StrEnum):
    """What a token may do (OAuth 2.0 scope values, stored as given)."""

    PROVIDER = "provider"
    ACHIEVEMENTS = "achievements"
    CREDENTIALS_READ = "credentials:read"
    CREDENTIALS_ISSUE = "credentials:issue"
    CREDENTIALS_REVOKE = "credentials:revoke"
    FRAMEWORKS = "frameworks"
    FIGURES = "figures"
    PROVIDERS = "providers"


REVOKE_SCOPE: Final = Scope.CREDENTIALS_REVOKE
PROVIDER_SCOPES: Final = (Scope.PROVIDER, Scope.ACHIEVEMENTS, Scope.CREDENTIALS_READ,
                          Scope.CREDENTIALS_ISSUE, Scope.CREDENTIALS_REVOKE, Scope.FRAMEWORKS,
                          Scope.FIGURES)
OPERATOR_SCOPES: Final = (Scope.PROVIDERS, Scope.FIGURES)
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
