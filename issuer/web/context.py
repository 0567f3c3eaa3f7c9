"""What every request handler of one app shares (`IssuerContext`), and the request's database
session. Routes import these from here, never from the application factory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, cast

from flask import Flask, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from badges.clock import Clock
from issuer.awards.issuance import AwardListener, Issuance
from issuer.platform.database import writing
from issuer.platform.key_vault import KeyVault
from issuer.platform.settings import Settings
from verifier.http_cache import ResponseCache

__all__ = ["IssuerContext", "close_session", "db_session", "issuer_context",
           "issuer_context_of", "set_issuer_context"]

_EXTENSION: Final = "microbadges"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class IssuerContext:
    """What every request handler of one app shares."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    vault: KeyVault
    clock: Clock
    # Documents of other origins fetched by VC-API verification, kept as their
    # Cache-Control allows (status lists, DID documents), shared by the app's threads.
    response_cache: ResponseCache
    # Told of every award (pathway completion), wired by the application factory.
    award_listeners: tuple[AwardListener, ...] = ()

    @property
    def base_url(self) -> str:
        """The public origin of every identifier."""
        return self.settings.base_url

    def issuance(self) -> Issuance:
        """What issuing credentials and signing status lists needs on this service."""
        return Issuance.for_settings(self.settings, vault=self.vault, clock=self.clock,
                                     listeners=self.award_listeners)


def set_issuer_context(app: Flask, context: IssuerContext) -> None:
    """Make `context` the IssuerContext of `app` (the application factory does)."""
    app.extensions[_EXTENSION] = context


def issuer_context_of(app: Flask) -> IssuerContext:
    """The IssuerContext of `app`."""
    return cast(IssuerContext, app.extensions[_EXTENSION])


def issuer_context() -> IssuerContext:
    """The IssuerContext of the current app."""
    return issuer_context_of(current_app)


def db_session() -> Session:
    """The current request's Session (created on first use, closed at teardown).

    On SQLite, a request that may write (POST, PUT, PATCH, DELETE) starts its transaction
    with BEGIN IMMEDIATE, so that concurrent writers queue instead of failing with
    "database is locked" when a read lock cannot be upgraded.
    """
    session: Session | None = g.get("_microbadges_session")
    if session is None:
        session = issuer_context().sessions()
        if request and request.method not in _SAFE_METHODS:
            writing(session)
        g._microbadges_session = session
    return session


def close_session(_error: BaseException | None) -> None:
    """Close the request's Session, if it opened one (an app teardown handler)."""
    session: Session | None = g.pop("_microbadges_session", None)
    if session is not None:
        session.close()
