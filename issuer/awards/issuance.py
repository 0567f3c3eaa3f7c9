"""What issuing credentials needs (`Issuance`), and the protocol through which other
domains hear of new awards (`AwardListener`): pathway completion is wired in by the
application factory, so that awards never import the domains that react to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, Protocol

from sqlalchemy.orm import Session

from badges.clock import Clock
from issuer.awards.models import CredentialRecord
from issuer.platform.key_vault import KeyVault
from issuer.platform.settings import Settings
from issuer.providers.models import ProviderRecord

__all__ = ["DEFAULT_LIST_VALIDITY", "AwardListener", "Issuance"]

DEFAULT_LIST_VALIDITY: Final = timedelta(days=1)


class AwardListener(Protocol):
    """Told of credentials `provider` has just awarded and committed; runs its own
    transactions on `session`'s connection and never raises for the award's sake."""

    def __call__(self, session: Session, provider: ProviderRecord,
                 credentials: Sequence[CredentialRecord], issuance: Issuance, /) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Issuance:
    """What issuing needs: the provider keys, the public origin, the clock, how long a
    signed status list stays valid, and who is told of new awards (`listeners`)."""

    vault: KeyVault
    base_url: str
    clock: Clock
    validity: timedelta = DEFAULT_LIST_VALIDITY
    listeners: tuple[AwardListener, ...] = ()

    @classmethod
    def for_settings(cls, settings: Settings, *, vault: KeyVault, clock: Clock,
                     listeners: tuple[AwardListener, ...] = ()) -> Issuance:
        """The issuance of a service with these settings (origin, list validity)."""
        return cls(vault=vault, base_url=settings.base_url, clock=clock,
                   validity=timedelta(seconds=settings.status_list_validity),
                   listeners=listeners)
