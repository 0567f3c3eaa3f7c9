"""The origin the providers' identifiers were minted under: recorded with the first provider,
and moved only on purpose.

Every identifier the service mints (did:web and https issuer ids, achievement ids, status
list URLs) names `MICROBADGES_BASE_URL`. A credential names them for good: once the service
answers under another origin, what was issued before points nowhere and stops verifying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.clock import Clock
from issuer.platform.errors import IssuerError
from issuer.platform.facts import ServiceFact, read_fact, record_fact
from issuer.providers.models import ProviderRecord

__all__ = [
    "MOVE_CONFIRMATION",
    "OriginMove",
    "UnconfirmedOriginMoveError",
    "move_origin",
    "record_origin",
    "recorded_origin",
]

# The option of `microbadges db set-origin` that confirms a move: it names the consequence.
MOVE_CONFIRMATION: Final = "--break-issued-credentials"


class UnconfirmedOriginMoveError(IssuerError):
    """A move of the origin that would orphan issued credentials, without its confirmation."""

    code = "origin_move_unconfirmed"


@dataclass(frozen=True, slots=True)
class OriginMove:
    """What `move_origin` did: `previous` (None: nothing was recorded) became `origin`;
    `providers` providers minted their identifiers under `previous`."""

    previous: str | None
    origin: str
    providers: int

    @property
    def moved(self) -> bool:
        """False when `origin` was recorded already."""
        return self.previous != self.origin


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


def move_origin(session: Session, origin: str, *, clock: Clock, confirmed: bool) -> OriginMove:
    """Record `origin` (normalised, see `parse_origin`) as the one identifiers are minted
    under from now on (flushed, not committed).

    Raises:
        UnconfirmedOriginMoveError: providers minted identifiers under another origin and
            the move is not `confirmed`.
    """
    previous = recorded_origin(session)
    providers = session.scalar(select(func.count()).select_from(ProviderRecord)) or 0
    if previous not in (None, origin) and providers and not confirmed:
        raise UnconfirmedOriginMoveError(
            f"the identifiers of this database's {providers} "
            f"provider{'s' if providers != 1 else ''}, and every credential issued so far, "
            f"name {previous}: after the move they keep verifying only while {previous} keeps "
            f"serving them. Repeat with {MOVE_CONFIRMATION} to move anyway")
    record_fact(session, ServiceFact.ORIGIN, origin, clock=clock, replace=True)
    return OriginMove(previous=previous, origin=origin, providers=providers)
