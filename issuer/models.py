"""SQLAlchemy 2.0 records of the issuer service (ORM rows, not domain objects).

Issued credentials are kept as the exact signed JSON text (`CredentialRecord.document`) and
served byte for byte; nothing signed is ever rebuilt from columns. Secrets are never stored
in the clear: signing keys are encrypted PKCS#8, client secrets and access tokens are hashed.
The Alembic migrations in `issuer/migrations` must describe exactly these tables (a test
compares them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

__all__ = [
    "AccessTokenRecord",
    "AchievementRecord",
    "AchievementSkillRecord",
    "ApiClientRecord",
    "AuditEventRecord",
    "Base",
    "CompetenceRecord",
    "CredentialKind",
    "CredentialRecord",
    "CredentialState",
    "FigureSnapshotRecord",
    "FrameworkRecord",
    "IdentifierMethod",
    "ImageRecord",
    "JobRoleRecord",
    "KeyState",
    "PathwayProviderRecord",
    "PathwayRecord",
    "ProviderRecord",
    "SigningKeyRecord",
    "StatusEntryRecord",
    "StatusListRecord",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a fixed constraint naming convention (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON,
                                            list[Any]: JSON}


class IdentifierMethod(StrEnum):
    """How a training provider's issuer id is formed (chosen at creation, never changed)."""

    DID_WEB = "did:web"
    HTTPS = "https"
    DID_KEY = "did:key"


class KeyState(StrEnum):
    """An active key signs new credentials; retired keys stay published for old ones."""

    ACTIVE = "active"
    RETIRED = "retired"


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


class ProviderRecord(Base):
    """A training provider (tenant): its OB Profile and its issuer identifier."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    issuer_id: Mapped[str] = mapped_column(String(400), unique=True)
    identifier_method: Mapped[str] = mapped_column(String(16))
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
    created_at: Mapped[datetime]

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
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]

    provider: Mapped[ProviderRecord] = relationship(back_populates="keys")


class ImageRecord(Base):
    """An uploaded image (PNG or SVG), served publicly at `/images/<public_id>`."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    media_type: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class AchievementRecord(Base):
    """A microbadge definition (an OB Achievement); its id URL serves its JSON."""

    __tablename__ = "achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    criteria_narrative: Mapped[str | None] = mapped_column(Text)
    criteria_url: Mapped[str | None] = mapped_column(String(2000))
    achievement_type: Mapped[str | None] = mapped_column(String(100))
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id"))
    image_caption: Mapped[str | None] = mapped_column(String(300))
    alignment: Mapped[list[Any]] = mapped_column(JSON)
    credits_available: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    field_of_study: Mapped[str | None] = mapped_column(String(200))
    human_code: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[Any]] = mapped_column(JSON)
    in_language: Mapped[str | None] = mapped_column(String(35))
    validity_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # The EU micro-credential elements (badges.micro_credential.EuElements).
    learning_outcomes: Mapped[list[Any]] = mapped_column(JSON, default=list,
                                                         server_default="[]")
    eqf_level: Mapped[int | None] = mapped_column(Integer)
    assessment: Mapped[str | None] = mapped_column(String(32))
    participation: Mapped[str | None] = mapped_column(String(32))
    quality_assurance: Mapped[str | None] = mapped_column(String(32))
    quality_assurance_url: Mapped[str | None] = mapped_column(String(2000))
    supervision: Mapped[str | None] = mapped_column(String(32))
    prerequisites: Mapped[str | None] = mapped_column(Text)
    stackability: Mapped[str | None] = mapped_column(Text)
    further_information: Mapped[str | None] = mapped_column(Text)
    # The grade a credential may record: {"name", "resultType", "allowedValues"} or None.
    grading: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    image: Mapped[ImageRecord | None] = relationship()
    skills: Mapped[list[AchievementSkillRecord]] = relationship(
        order_by="AchievementSkillRecord.id", cascade="all, delete-orphan")


class FrameworkRecord(Base):
    """One version of a skills framework (PASS key competences, DRIVES job roles, …).
    Versions are immutable once imported: a new version is a new row, so badges aligned
    to an old version keep resolving. `owner_provider_id` is the provider that imported
    the slug through the API (None: the operator, through the CLI or the seed)."""

    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("slug", "version", name="uq_frameworks_slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    alignment_type: Mapped[str] = mapped_column(String(100))
    levels: Mapped[list[Any]] = mapped_column(JSON)
    owner_provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    created_at: Mapped[datetime]

    competences: Mapped[list[CompetenceRecord]] = relationship(
        back_populates="framework", order_by="CompetenceRecord.id")
    job_roles: Mapped[list[JobRoleRecord]] = relationship(
        back_populates="framework", order_by="JobRoleRecord.id")


class CompetenceRecord(Base):
    """A competence or skill of a framework version."""

    __tablename__ = "competences"
    __table_args__ = (UniqueConstraint("framework_id", "code",
                                       name="uq_competences_framework_id_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    learning_outcomes: Mapped[list[Any]] = mapped_column(JSON)
    esco_skills: Mapped[list[Any]] = mapped_column(JSON)
    eqf_level: Mapped[int | None] = mapped_column(Integer)

    framework: Mapped[FrameworkRecord] = relationship(back_populates="competences")


class JobRoleRecord(Base):
    """A job role of a framework version: the competences it requires, at a level."""

    __tablename__ = "job_roles"
    __table_args__ = (UniqueConstraint("framework_id", "code",
                                       name="uq_job_roles_framework_id_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    esco_occupations: Mapped[list[Any]] = mapped_column(JSON)
    # [{"competence": code, "level": level code}], codes of the same framework version
    requirements: Mapped[list[Any]] = mapped_column(JSON)

    framework: Mapped[FrameworkRecord] = relationship(back_populates="job_roles")


class AchievementSkillRecord(Base):
    """A microbadge proves a framework competence at a level (what the figures count)."""

    __tablename__ = "achievement_skills"
    __table_args__ = (UniqueConstraint("achievement_id", "competence_id",
                                       name="uq_achievement_skills_achievement_id_competence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"), index=True)
    competence_id: Mapped[int] = mapped_column(ForeignKey("competences.id"), index=True)
    level: Mapped[str] = mapped_column(String(32))

    competence: Mapped[CompetenceRecord] = relationship()


class FigureSnapshotRecord(Base):
    """The alliance-wide figures of one (dimension, period), as last computed by
    `issuer.figures.refresh_figures`: answers in milliseconds, as of `computed_at`."""

    __tablename__ = "figure_snapshots"
    __table_args__ = (UniqueConstraint("dimension", "period",
                                       name="uq_figure_snapshots_dimension_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))  # "" for no period
    computed_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)  # how long computing it took
    figures: Mapped[list[Any]] = mapped_column(JSON)


class PathwayRecord(Base):
    """A composite credential (a job role, a programme): when a learner holds every
    requirement, the provider awards `achievement` automatically, once per learner.

    `requirements`: [{"achievement_id": row id}] (a given microbadge) or
    [{"competence_id": row id, "level": level code}] (any microbadge proving the competence
    at that level or above), counted from credentials of the accepted providers."""

    __tablename__ = "pathways"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"))
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"))
    requirements: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]

    achievement: Mapped[AchievementRecord] = relationship()
    job_role: Mapped[JobRoleRecord | None] = relationship()
    accepted: Mapped[list[PathwayProviderRecord]] = relationship(
        order_by="PathwayProviderRecord.id", cascade="all, delete-orphan")


class PathwayProviderRecord(Base):
    """A provider whose credentials count towards a pathway (its owner is always one)."""

    __tablename__ = "pathway_providers"
    __table_args__ = (UniqueConstraint("pathway_id", "provider_id",
                                       name="uq_pathway_providers_pathway_id_provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathways.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)

    provider: Mapped[ProviderRecord] = relationship()


class CredentialRecord(Base):
    """An issued credential: the exact signed JSON text plus what the provider filters by."""

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("provider_id", "idempotency_key",
                         name="uq_credentials_provider_id_idempotency_key"),
        Index("ix_credentials_provider_id_issued_at", "provider_id", "issued_at"),
        Index("ix_credentials_learner_key", "learner_key"),
        Index("ix_credentials_share_token", "share_token", unique=True),
        # Covers what the figures read, in learner order (issuer.figures).
        Index("ix_credentials_figures", "learner_key", "state", "achievement_id",
              "provider_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(500), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
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
    # The capability token of the award's public page (issuer.credential_pages); the
    # learner may hide the page (hidden_at set) and show it again.
    share_token: Mapped[str | None] = mapped_column(String(43))
    hidden_at: Mapped[datetime | None]
    # Bumped when the provider renews the learner's management link (issuer.sharing).
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
    purpose: Mapped[str] = mapped_column(String(16))
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
