"""Records of OAuth 2.0 API clients and their access tokens (secrets stored hashed only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.platform.records import Base

__all__ = ["AccessTokenRecord", "ApiClientRecord"]

class ApiClientRecord(Base):
    """An OAuth 2.0 client (client credentials grant) of one provider, or an operator client.

    Operator clients (`provider_id` NULL) may only create and list providers; they can never
    read a provider's data.
    """

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(128))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AccessTokenRecord(Base):
    """A bearer token issued to a client; only its SHA-256 is stored."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    scope: Mapped[str] = mapped_column(String(500))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    client: Mapped[ApiClientRecord] = relationship()
