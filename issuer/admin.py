"""Operator tasks run from the command line: load the service settings, migrate the
database, register API clients.

Database failures (unreachable server, wrong password, unknown revision) become one
`DatabaseError` with the driver's reason; the database URL, which may hold a password, is
never part of the message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic.util import CommandError
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from issuer.clock import Clock, system_clock
from issuer.database import (
    create_database_engine,
    current_revision,
    head_revision,
    make_session_factory,
    upgrade_database,
    writing,
)
from issuer.errors import InvalidInputError, IssuerError
from issuer.oauth import create_client
from issuer.providers import find_provider
from issuer.settings import Settings, load_settings

__all__ = [
    "DatabaseError",
    "NewClient",
    "database_revisions",
    "load_service_settings",
    "register_client",
    "reporting_database_errors",
    "upgrade",
]


class DatabaseError(IssuerError):
    """The database cannot be reached or used (the message says why, without the URL)."""

    code = "database_unavailable"
    status = 503


@dataclass(frozen=True, slots=True)
class NewClient:
    """A client just registered, with its secret (shown once, never stored in clear)."""

    client_id: str
    secret: str = field(repr=False)
    provider_slug: str | None
    scope: str


def load_service_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """The settings `issuer.create_app()` reads (environment, then `overrides`), with the
    same default instance folder. Raises SettingsError."""
    # create_app's Flask app is named "issuer.app"; its instance folder is the default.
    instance_path = Path(Flask("issuer.app", instance_relative_config=True).instance_path)
    return load_settings(overrides=overrides, default_instance_path=instance_path)


@contextmanager
def reporting_database_errors() -> Iterator[None]:
    """Turn SQLAlchemy and Alembic failures inside the block into DatabaseError."""
    try:
        yield
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
        raise DatabaseError(f"cannot use the database: {reason or type(error.orig).__name__}"
                            ) from None
    except SQLAlchemyError as error:
        raise DatabaseError(f"cannot use the database: {type(error).__name__}") from None
    except CommandError as error:
        raise DatabaseError(f"cannot migrate the database: {error}") from None


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    with reporting_database_errors():
        engine = create_database_engine(settings.database_url)
        try:
            yield engine
        finally:
            engine.dispose()


def upgrade(settings: Settings) -> tuple[str | None, str]:
    """Apply every pending migration; returns the revisions before and after.

    Raises DatabaseError.
    """
    with _engine(settings) as engine:
        before = current_revision(engine)
        upgrade_database(engine)
        after = current_revision(engine)
    if after is None:  # an invariant of Alembic: upgrading to head records the revision
        raise DatabaseError("the migrations did not record a revision")
    return before, after


def database_revisions(settings: Settings) -> tuple[str | None, str]:
    """The database's revision (None before the first migration) and the newest one.

    Raises DatabaseError.
    """
    with _engine(settings) as engine:
        return current_revision(engine), head_revision()


def register_client(settings: Settings, *, provider_slug: str | None, name: str,
                    scope: str | None = None, clock: Clock = system_clock) -> NewClient:
    """Register an API client of a provider (or an operator client when `provider_slug` is
    None) and commit.

    Raises DatabaseError (unreachable, or not migrated), NotFoundError (no such provider),
    InvalidInputError (a scope this kind of client may not have, an empty name).
    """
    if not name.strip():
        raise InvalidInputError("the client name must not be empty")
    with _engine(settings) as engine:
        current = current_revision(engine)
        if current != head_revision():
            raise DatabaseError(f"the database is at revision {current or 'none'}, not "
                                f"{head_revision()}: run `microbadges db upgrade` first")
        with make_session_factory(engine)() as session:
            writing(session)
            provider = find_provider(session, provider_slug) if provider_slug else None
            try:
                record, secret = create_client(session, name=name.strip(), provider=provider,
                                               clock=clock, scope=scope)
            except ValueError as error:
                raise InvalidInputError(str(error)) from None
            session.commit()
            return NewClient(record.client_id, secret, provider_slug, record.scope)
