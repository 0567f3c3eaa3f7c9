"""The origin the providers' identifiers were minted under, recorded with the first
provider.

Every identifier the service mints (did:web and https issuer ids, achievement ids, status
list URLs) names `MICROBADGES_BASE_URL`. A credential names them for good: once the service
answers under another origin, what was issued before points nowhere and stops verifying.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.clock import Clock
from issuer.platform.facts import ServiceFact, read_fact, record_fact
from issuer.providers.models import ProviderRecord

__all__ = ["record_origin", "recorded_origin"]


def recorded_origin(session: Session) -> str | None:
    """The origin the stored identifiers were minted under (None before the first provider,
    and in a database whose providers were created before the origin was recorded)."""
    return read_fact(session, ServiceFact.ORIGIN)


def _has_providers(session: Session) -> bool:
    return session.scalar(select(ProviderRecord.id).limit(1)) is not None


def record_origin(session: Session, base_url: str, *, clock: Clock) -> None:
    """Record `base_url` as the origin of identifiers about to be minted (flushed, not
    committed): the first provider's origin is recorded, later ones leave it be."""
    record_fact(session, ServiceFact.ORIGIN, base_url, clock=clock,
                replace=not _has_providers(session))
