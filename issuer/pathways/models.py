"""Records of pathways (composite credentials) and the providers whose credentials count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.frameworks.models import JobRoleRecord
from issuer.microbadges.models import AchievementRecord
from issuer.platform.records import Base
from issuer.providers.models import ProviderRecord

__all__ = ["PathwayProviderRecord", "PathwayRecord"]

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
