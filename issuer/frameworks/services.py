"""Skills frameworks stored: import (a version is immutable once imported; a new version is
a new set of rows, so alignments of badges issued under the old version keep resolving),
look-ups, the public URLs of frameworks, competences and job roles, and level ranks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from badges.clock import Clock
from issuer.frameworks.json_format import export_json
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord, JobRoleRecord
from issuer.frameworks.reading import FrameworkInput
from issuer.platform import urls
from issuer.platform.errors import ConflictError, ForbiddenError
from issuer.providers.models import ProviderRecord

__all__ = [
    "competence_url",
    "find_framework",
    "framework_url",
    "import_framework",
    "job_role_url",
    "latest_framework",
    "level_ranks",
    "list_frameworks",
]

def _same(record: FrameworkRecord, data: FrameworkInput) -> bool:
    return export_json(record) == export_json(_records(data, record.owner_provider_id,
                                                       record.created_at))


def _records(data: FrameworkInput, owner: int | None, created_at: Any) -> FrameworkRecord:
    record = FrameworkRecord(
        slug=data.slug, version=data.version, name=data.name, description=data.description,
        publisher=data.publisher, source_url=data.source_url,
        alignment_type=data.alignment_type, owner_provider_id=owner, created_at=created_at,
        levels=[{"code": level.code, "label": level.label, "summary": level.summary}
                for level in data.levels])
    record.competences = [CompetenceRecord(
        code=item.code, name=item.name, description=item.description,
        learning_outcomes=list(item.learning_outcomes), esco_skills=list(item.esco_skills),
        eqf_level=item.eqf_level) for item in data.competences]
    record.job_roles = [JobRoleRecord(
        code=item.code, name=item.name, description=item.description,
        esco_occupations=list(item.esco_occupations),
        requirements=[{"competence": r.competence, "level": r.level}
                      for r in item.requirements]) for item in data.job_roles]
    return record


def import_framework(session: Session, data: FrameworkInput, *,
                     owner: ProviderRecord | None, clock: Clock) -> tuple[FrameworkRecord, bool]:
    """Store a new framework version (not committed). Returns (record, created): importing
    the same version again with the same content is a no-op (created False).

    Raises ConflictError (the version exists with other content), ForbiddenError (the
    slug belongs to another provider, or to the operator)."""
    first = session.scalar(select(FrameworkRecord).where(FrameworkRecord.slug == data.slug)
                           .order_by(FrameworkRecord.id).limit(1))
    # The slug belongs to whoever imported its first version; the operator (owner None,
    # the CLI) may add versions to any slug.
    if first is not None and owner is not None and first.owner_provider_id != owner.id:
        raise ForbiddenError(f"the framework {data.slug!r} belongs to another publisher")
    existing = find_framework(session, data.slug, data.version)
    if existing is not None:
        if _same(existing, data):
            return existing, False
        raise ConflictError(f"version {data.version!r} of {data.slug!r} exists with other "
                            "content; versions never change: import it as a new version")
    record = _records(data, owner.id if owner is not None else None, clock())
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # the same version imported at the same moment
        session.rollback()
        existing = find_framework(session, data.slug, data.version)
        if existing is not None and _same(existing, data):
            return existing, False
        raise ConflictError(f"version {data.version!r} of {data.slug!r} was imported at the "
                            "same time with other content") from None
    return record, True


def framework_url(base_url: str, framework: FrameworkRecord) -> str:
    """The public page of a framework version (`issuer.pages.frameworks`)."""
    return urls.framework_url(base_url, framework.slug, framework.version)


def competence_url(base_url: str, framework: FrameworkRecord, code: str) -> str:
    """The public page of a competence: what a microbadge's alignment names."""
    return urls.competence_url(base_url, framework.slug, framework.version, code)


def job_role_url(base_url: str, framework: FrameworkRecord, code: str) -> str:
    """The public page of a job role."""
    return urls.job_role_url(base_url, framework.slug, framework.version, code)


def level_ranks(framework: FrameworkRecord) -> dict[str, int]:
    """Each level code of a framework version and its rank (0: the lowest, Awareness)."""
    return {level["code"]: rank for rank, level in enumerate(framework.levels)}


def find_framework(session: Session, slug: str, version: str) -> FrameworkRecord | None:
    """A framework version with its competences and job roles."""
    return session.scalar(
        select(FrameworkRecord).where(FrameworkRecord.slug == slug,
                                      FrameworkRecord.version == version)
        .options(selectinload(FrameworkRecord.competences),
                 selectinload(FrameworkRecord.job_roles)))


def latest_framework(session: Session, slug: str) -> FrameworkRecord | None:
    """The version of `slug` imported last."""
    return session.scalar(select(FrameworkRecord).where(FrameworkRecord.slug == slug)
                          .order_by(FrameworkRecord.id.desc()).limit(1))


def list_frameworks(session: Session) -> Sequence[FrameworkRecord]:
    """Every framework version, by slug, oldest version first."""
    return session.scalars(select(FrameworkRecord)
                           .order_by(FrameworkRecord.slug, FrameworkRecord.id)).all()
