"""Records of microbadges (OB Achievements), the skills they prove, and uploaded images."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.frameworks.models import CompetenceRecord
from issuer.platform.records import Base

__all__ = ["AchievementRecord", "AchievementSkillRecord", "ImageRecord"]

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
