"""The origin the providers' identifiers were minted under: recorded with the first provider,
compared with the configured origin at every start, and moved only on purpose.

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
from issuer.platform.settings import PREFIX, Settings, SettingsError, is_loopback_origin
from issuer.providers.models import ProviderRecord

__all__ = [
    "MOVE_CONFIRMATION",
    "OriginChange",
    "OriginChangedError",
    "OriginMove",
    "UnconfirmedOriginMoveError",
    "check_origin",
    "move_origin",
    "record_origin",
    "recorded_origin",
]

# The option of `microbadges db set-origin` that confirms a move: it names the consequence.
MOVE_CONFIRMATION: Final = "--break-issued-credentials"


def _move_command(origin: str) -> str:
    return f"`microbadges db set-origin {origin} {MOVE_CONFIRMATION}`"


@dataclass(frozen=True, slots=True)
class OriginChange:
    """The stored identifiers name `recorded`; the service is configured for `configured`."""

    recorded: str
    configured: str

    def warning(self) -> str:
        """What a loopback demo says when it starts anyway (one line)."""
        return (f"this demo's badges were issued under {self.recorded}, but the public origin "
                f"is now {self.configured}: their issuer, achievement and status list URLs "
                f"point at {self.recorded}, so they fail verification until it is served "
                f"again; serve at {self.recorded} to keep them, or move for good with "
                f"{_move_command(self.configured)}")


class OriginChangedError(SettingsError):
    """The configured origin is not the one the stored identifiers were minted under."""

    code = "origin_changed"

    def __init__(self, change: OriginChange) -> None:
        super().__init__(
            f"the public origin is {change.configured}, but this database's identifiers were "
            f"minted under {change.recorded}: every badge issued before would stop verifying. "
            f"Keep the old origin ({PREFIX}BASE_URL={change.recorded}, or serve at that "
            f"address), or move on purpose with {_move_command(change.configured)}")
        self.change = change


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
    and where providers were created before the origin was recorded, until the service
    starts on the database)."""
    return read_fact(session, ServiceFact.ORIGIN)


def _has_providers(session: Session) -> bool:
    return session.scalar(select(ProviderRecord.id).limit(1)) is not None


def record_origin(session: Session, base_url: str, *, clock: Clock) -> None:
    """Record `base_url` as the origin of identifiers about to be minted (flushed, not
    committed): the first provider's origin is recorded, later ones leave it be."""
    record_fact(session, ServiceFact.ORIGIN, base_url, clock=clock,
                replace=not _has_providers(session))


def check_origin(session: Session, settings: Settings, *, clock: Clock) -> OriginChange | None:
    """Compare the configured origin with the one the stored identifiers name (flushed, not
    committed). A database without providers accepts any origin; one whose providers were
    created before the origin was recorded adopts the configured one.

    Returns None when the origins agree, or the change a loopback demo starts with anyway
    (the caller warns): a laptop's demo badges were never reachable by anyone else.

    Raises:
        OriginChangedError: another origin, outside a loopback demo.
    """
    configured = settings.base_url
    if not _has_providers(session):
        return None
    recorded = record_fact(session, ServiceFact.ORIGIN, configured, clock=clock, replace=False)
    if recorded == configured:
        return None
    change = OriginChange(recorded=recorded, configured=configured)
    if settings.demo and is_loopback_origin(recorded) and is_loopback_origin(configured):
        return change
    raise OriginChangedError(change)


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
