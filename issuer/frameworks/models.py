"""Records of skills frameworks: versions, competences and job roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from issuer.platform.records import Base

__all__ = ["CompetenceRecord", "FrameworkRecord", "JobRoleRecord"]

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
