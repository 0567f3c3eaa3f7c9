"""Finding a provider's issued credentials: by id, and by filter a page at a time (keyset
pagination, stable while credentials are being issued). Every query is scoped to one
provider: another provider's credentials are "not found"."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from issuer.awards.models import CredentialKind, CredentialRecord
from issuer.microbadges.models import AchievementRecord
from issuer.platform.errors import NotFoundError
from issuer.providers.models import ProviderRecord

__all__ = [
    "CredentialFilter",
    "filtered_credentials",
    "find_credential",
    "learner_key",
    "list_credentials",
    "normalise_email",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialFilter:
    """Filters of the credential list; all optional, combined with AND."""

    achievement_id: str | None = None
    learner: str | None = None
    issued_after: datetime | None = None
    issued_before: datetime | None = None
    state: str | None = None
    kind: CredentialKind | None = None


def normalise_email(email: str) -> str:
    """The form in which learner e-mail addresses are stored, hashed and searched."""
    return email.strip().lower()


def learner_key(email: str | None, did: str | None) -> int | None:
    """One learner's key across credentials and providers: a signed 63-bit prefix of the
    SHA-256 of the normalised e-mail address (or, without one, of the DID)."""
    if email is not None:
        value = "mailto:" + normalise_email(email)
    elif did is not None:
        value = did.strip()
    else:
        return None
    return int.from_bytes(hashlib.sha256(value.encode("utf-8")).digest()[:8], "big") >> 1


def find_credential(session: Session, provider: ProviderRecord,
                    credential_id: str) -> CredentialRecord:
    """One of this provider's credentials by its id. Raises NotFoundError."""
    record = session.scalar(select(CredentialRecord).where(
        CredentialRecord.credential_id == credential_id,
        CredentialRecord.provider_id == provider.id))
    if record is None:
        raise NotFoundError(f"no credential {credential_id!r}")
    return record


def filtered_credentials(provider: ProviderRecord,
                         where: CredentialFilter) -> Select[CredentialRecord]:
    """The query of the provider's credentials matching `where` (unordered)."""
    query = select(CredentialRecord).where(CredentialRecord.provider_id == provider.id)
    if where.achievement_id is not None:
        query = query.join(AchievementRecord).where(
            AchievementRecord.public_id == where.achievement_id)
    if where.learner is not None:
        learner = where.learner.strip()
        query = query.where((CredentialRecord.learner_email == normalise_email(learner))
                            | (CredentialRecord.learner_did == learner))
    if where.issued_after is not None:
        query = query.where(CredentialRecord.issued_at >= where.issued_after)
    if where.issued_before is not None:
        query = query.where(CredentialRecord.issued_at < where.issued_before)
    if where.state is not None:
        query = query.where(CredentialRecord.state == where.state)
    if where.kind is not None:
        query = query.where(CredentialRecord.kind == where.kind)
    return query


def list_credentials(session: Session, provider: ProviderRecord, where: CredentialFilter, *,
                     limit: int, after: int | None = None) -> Sequence[CredentialRecord]:
    """Up to `limit` credentials, newest first, strictly older than the row id `after`
    (keyset pagination: stable while credentials are being issued)."""
    query = filtered_credentials(provider, where)
    if after is not None:
        query = query.where(CredentialRecord.id < after)
    return session.scalars(query.order_by(CredentialRecord.id.desc()).limit(limit)).all()
