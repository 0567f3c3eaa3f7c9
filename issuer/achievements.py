"""Microbadges (OB 3.0 Achievements) of a provider: definition, public document, images.

An Achievement's id is the public URL `<origin>/achievements/<uuid>`, which serves its JSON.
Credentials embed a snapshot of the definition at award time; editing a microbadge never
changes a credential already issued.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.credential import serialize
from badges.document_loader import OB_V3P0_CONTEXT, VC_V2
from badges.errors import InvalidDocumentError
from badges.model import Achievement, Alignment, Criteria, Image
from issuer.clock import Clock
from issuer.errors import InvalidInputError, NotFoundError
from issuer.models import AchievementRecord, ImageRecord, ProviderRecord

__all__ = [
    "AchievementInput",
    "achievement_document",
    "achievement_model",
    "achievement_url",
    "create_achievement",
    "find_achievement",
    "image_url",
    "list_achievements",
    "update_achievement",
]

MAX_VALIDITY_DAYS: Final = 100 * 366


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementInput:
    """A microbadge definition as the provider gives it."""

    name: str
    description: str
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    achievement_type: str | None = None
    image_caption: str | None = None
    alignment: tuple[Alignment, ...] = ()
    credits_available: Decimal | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    tags: tuple[str, ...] = ()
    in_language: str | None = None
    validity_days: int | None = None


def achievement_url(base_url: str, record: AchievementRecord) -> str:
    """The public id URL of a microbadge."""
    return f"{base_url}/achievements/{record.public_id}"


def image_url(base_url: str, image: ImageRecord) -> str:
    """The public URL of a stored image."""
    return f"{base_url}/images/{image.public_id}"


def achievement_model(base_url: str, record: AchievementRecord) -> Achievement:
    """The typed OB Achievement of a stored microbadge. Raises InvalidDocumentError only
    if the stored definition was corrupted (input is validated on the way in)."""
    image = None
    if record.image is not None:
        image = Image(id=image_url(base_url, record.image),
                      caption=record.image_caption or record.name)
    return Achievement(
        id=achievement_url(base_url, record),
        name=record.name,
        description=record.description,
        criteria=Criteria(id=record.criteria_url, narrative=record.criteria_narrative),
        achievement_type=record.achievement_type,
        image=image,
        credits_available=record.credits_available,
        field_of_study=record.field_of_study,
        human_code=record.human_code,
        in_language=record.in_language,
        alignment=tuple(Alignment(**item) for item in record.alignment),
        tag=tuple(record.tags),
    )


def achievement_document(base_url: str, record: AchievementRecord) -> dict[str, Any]:
    """The public JSON-LD document served at the Achievement's id URL."""
    return {"@context": [VC_V2, OB_V3P0_CONTEXT],
            **serialize(achievement_model(base_url, record))}


def _columns(data: AchievementInput) -> dict[str, Any]:
    if data.validity_days is not None and not 1 <= data.validity_days <= MAX_VALIDITY_DAYS:
        raise InvalidInputError(f"validityDays must be between 1 and {MAX_VALIDITY_DAYS}",
                                pointer="/validityDays")
    columns = asdict(data)
    columns["alignment"] = [{key: value for key, value in asdict(item).items()
                             if value is not None} for item in data.alignment]
    columns["tags"] = list(data.tags)
    return columns


def _validate(base_url: str, record: AchievementRecord) -> None:
    try:
        achievement_model(base_url, record)
    except InvalidDocumentError as error:
        raise InvalidInputError(f"invalid microbadge: {error.message}") from None


def create_achievement(session: Session, provider: ProviderRecord, data: AchievementInput,
                       *, base_url: str, clock: Clock) -> AchievementRecord:
    """Create a microbadge (not committed). Raises InvalidInputError."""
    now = clock()
    record = AchievementRecord(public_id=str(uuid.uuid4()), provider_id=provider.id,
                               created_at=now, updated_at=now, **_columns(data))
    _validate(base_url, record)
    session.add(record)
    session.flush()
    return record


def update_achievement(record: AchievementRecord, data: AchievementInput, *, base_url: str,
                       clock: Clock) -> None:
    """Replace a microbadge's definition (credentials issued keep their snapshot)."""
    columns = _columns(data)
    probe = AchievementRecord(public_id=record.public_id, image=record.image, **columns)
    _validate(base_url, probe)
    for name, value in columns.items():
        setattr(record, name, value)
    record.updated_at = clock()


def set_achievement_image(record: AchievementRecord, image: ImageRecord, *,
                          clock: Clock) -> None:
    """Attach an uploaded image to a microbadge."""
    record.image = image
    record.updated_at = clock()


def find_achievement(session: Session, provider: ProviderRecord,
                     public_id: str) -> AchievementRecord:
    """One of this provider's microbadges. Raises NotFoundError (also for another
    provider's microbadge: tenants never learn of each other's data)."""
    record = session.scalar(select(AchievementRecord).where(
        AchievementRecord.public_id == public_id,
        AchievementRecord.provider_id == provider.id))
    if record is None:
        raise NotFoundError(f"no microbadge {public_id!r}")
    return record


def list_achievements(session: Session, provider: ProviderRecord, *, limit: int,
                      after: int | None = None) -> Sequence[AchievementRecord]:
    """Up to `limit` of this provider's microbadges, newest first, strictly older than the
    row id `after` (keyset pagination, like `issuer.awarding.list_credentials`)."""
    query = select(AchievementRecord).where(AchievementRecord.provider_id == provider.id)
    if after is not None:
        query = query.where(AchievementRecord.id < after)
    return session.scalars(query.order_by(AchievementRecord.id.desc()).limit(limit)).all()
