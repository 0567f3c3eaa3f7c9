"""Records of issued credentials, their status lists and entries, and the audit log.

Issued credentials are kept as the exact signed JSON text (`CredentialRecord.document`) and
served byte for byte; nothing signed is ever rebuilt from columns."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.status_documents import StatusPurpose
from issuer.microbadges.models import AchievementRecord
from issuer.platform.records import Base, string_enum
from issuer.providers.models import ProviderRecord

__all__ = ["AuditEventRecord", "CredentialKind", "CredentialRecord", "CredentialState",
           "StatusEntryRecord", "StatusListRecord"]

class CredentialKind(StrEnum):
    """Where a credential came from: a microbadge award or a VC-API issue request."""

    AWARD = "award"
    VC_API = "vc-api"


class CredentialState(StrEnum):
    """Lifecycle of an issued credential as the provider sees it. Revoked is final; a
    suspended credential returns to active (or superseded) when it is unsuspended."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class CredentialRecord(Base):
    """An issued credential: the exact signed JSON text plus what the provider filters by."""

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("provider_id", "idempotency_key",
                         name="uq_credentials_provider_id_idempotency_key"),
        Index("ix_credentials_provider_id_issued_at", "provider_id", "issued_at"),
        Index("ix_credentials_learner_key", "learner_key"),
        Index("ix_credentials_share_token", "share_token", unique=True),
        # Covers what the figures read, in learner order (issuer.figures.services).
        Index("ix_credentials_figures", "learner_key", "state", "achievement_id",
              "provider_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(500), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"), index=True)
    kind: Mapped[CredentialKind] = mapped_column(string_enum(CredentialKind, 16))
    state: Mapped[CredentialState] = mapped_column(string_enum(CredentialState, 16))
    learner_email: Mapped[str | None] = mapped_column(String(320), index=True)
    learner_did: Mapped[str | None] = mapped_column(String(500), index=True)
    learner_name: Mapped[str | None] = mapped_column(String(200))
    # A 63-bit digest of the learner's normalised e-mail (or DID): what figures count
    # distinct learners by and pathways match credentials of one learner by.
    learner_key: Mapped[int | None] = mapped_column(BigInteger)
    issued_at: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    verification_method: Mapped[str] = mapped_column(String(500))
    document: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_digest: Mapped[str | None] = mapped_column(String(64))
    award_input: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    # Kept private: never published in a status list, never in a credential.
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    suspended_at: Mapped[datetime | None]
    # The capability token of the award's public page (issuer.pages.badges); the
    # learner may hide the page (hidden_at set) and show it again.
    share_token: Mapped[str | None] = mapped_column(String(43))
    hidden_at: Mapped[datetime | None]
    # Bumped when the provider renews the learner's management link (issuer.awards.sharing).
    manage_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    achievement: Mapped[AchievementRecord | None] = relationship()
    status_entries: Mapped[list[StatusEntryRecord]] = relationship(
        back_populates="credential", order_by="StatusEntryRecord.id")


class StatusListRecord(Base):
    """One W3C Bitstring Status List of a provider, for one purpose (revocation or
    suspension), and its latest signed BitstringStatusListCredential.

    `bits` is the published bitstring (MSB first). Allocated indexes are the rows of
    `status_entries` (unique per list); `allocated` counts them and is updated under the
    row lock of this list, in the transaction that issues the credential.
    """

    __tablename__ = "status_lists"
    __table_args__ = (
        Index("ix_status_lists_provider_id_purpose", "provider_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    purpose: Mapped[StatusPurpose] = mapped_column(string_enum(StatusPurpose, 16))
    size: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer)
    # Loaded when used: an award locks the row to allocate an index and needs neither the
    # 16 KiB of bits nor the ~22 KB signed list.
    bits: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    document: Mapped[str | None] = mapped_column(Text, deferred=True)
    etag: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    provider: Mapped[ProviderRecord] = relationship()


class StatusEntryRecord(Base):
    """Which bit of which list a credential's status entry points at (one per purpose)."""

    __tablename__ = "status_entries"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_list_index",
                         name="uq_status_entries_status_list_id_status_list_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id"), index=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    status_list_index: Mapped[int] = mapped_column(Integer)

    credential: Mapped[CredentialRecord] = relationship(back_populates="status_entries")
    status_list: Mapped[StatusListRecord] = relationship()


class AuditEventRecord(Base):
    """One provider action on credentials: who (API client or CLI), when, what, why."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_provider_id_occurred_at", "provider_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
