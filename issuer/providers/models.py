"""Records of training providers (tenants) and their signing keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from issuer.platform.records import Base, string_enum

__all__ = ["IdentifierMethod", "KeyState", "ProviderRecord", "SigningKeyRecord"]

class IdentifierMethod(StrEnum):
    """How a training provider's issuer id is formed (chosen at creation, never changed)."""

    DID_WEB = "did:web"
    HTTPS = "https"
    DID_KEY = "did:key"


class KeyState(StrEnum):
    """An active key signs new credentials; retired keys stay published for old ones."""

    ACTIVE = "active"
    RETIRED = "retired"


class ProviderRecord(Base):
    """A training provider (tenant): its OB Profile and its issuer identifier."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    issuer_id: Mapped[str] = mapped_column(String(400), unique=True)
    identifier_method: Mapped[IdentifierMethod] = mapped_column(
        string_enum(IdentifierMethod, 16))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    email: Mapped[str | None] = mapped_column(String(320))
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(2000))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    linkedin_organization_id: Mapped[str | None] = mapped_column(String(32))
    # Credentials issued while it is on carry a suspension entry too (see StatusListRecord).
    suspension_enabled: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default=false())
    # Providers whose pathways may count this provider's credentials (row ids): the
    # consent that lets a partner's pathway see, and award on, its learners' credentials.
    pathway_partners: Mapped[list[Any]] = mapped_column(JSON, default=list,
                                                        server_default="[]")
    # What the operator vouches for in the known-issuer registry (/registry.json); the
    # provider cannot change these. The registry shows `name` when there is no legal name.
    legal_name: Mapped[str | None] = mapped_column(String(200))
    membership: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Last change of the profile, the registry entry or the keys (the registry's
    # `meta.updated`); None only for a row no service wrote since revision 0006.
    updated_at: Mapped[datetime | None]

    keys: Mapped[list[SigningKeyRecord]] = relationship(
        back_populates="provider", order_by="SigningKeyRecord.id")


class SigningKeyRecord(Base):
    """One Ed25519 key of a provider, encrypted as PKCS#8 PEM under the service secret."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    verification_method: Mapped[str] = mapped_column(String(500), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(64))
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[KeyState] = mapped_column(string_enum(KeyState, 16))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]

    provider: Mapped[ProviderRecord] = relationship(back_populates="keys")
