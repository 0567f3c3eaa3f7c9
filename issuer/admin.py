"""Operator tasks run from the command line: load the service settings, migrate the
database, move its public origin, register API clients, revoke, suspend and unsuspend
credentials.

Database failures (unreachable server, wrong password, unknown revision) become one
`DatabaseError` with the driver's reason; the database URL, which may hold a password, is
never part of the message.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from flask import Flask
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from badges.clock import Clock, system_clock
from badges.json_document import JsonDocumentError, parse_json_object
from issuer.auth.clients import create_client
from issuer.awards.issuance import Issuance
from issuer.awards.models import CredentialRecord
from issuer.awards.queries import CredentialFilter, find_credential
from issuer.awards.revocation import StatusChange, change_status, revoke_matching
from issuer.figures.services import (
    Figure,
    FigureQuery,
    answer_figures,
    refresh_figures,
    target_progress,
)
from issuer.frameworks.csv_format import export_csv, framework_input_from_csv
from issuer.frameworks.json_format import export_json, framework_input_from_json
from issuer.frameworks.services import find_framework, import_framework
from issuer.microbadges.services import find_achievement
from issuer.platform.database import (
    create_database_engine,
    current_revision,
    head_revision,
    make_session_factory,
    upgrade_database,
    writing,
)
from issuer.platform.errors import InvalidInputError, IssuerError, NotFoundError
from issuer.platform.key_vault import KeyVault
from issuer.platform.settings import Settings, load_settings, parse_origin, read_secret
from issuer.providers.origin import OriginMove, move_origin
from issuer.providers.services import find_provider

__all__ = [
    "DatabaseError",
    "NewClient",
    "StatusResult",
    "change_credential_statuses",
    "database_revisions",
    "export_framework",
    "figures_report",
    "import_framework_file",
    "load_service_settings",
    "refresh_figure_snapshots",
    "register_client",
    "reporting_database_errors",
    "set_origin",
    "upgrade",
]


class DatabaseError(IssuerError):
    """The database cannot be reached or used (the message says why, without the URL)."""

    code = "database_unavailable"


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


def set_origin(settings: Settings, origin: str, *, confirmed: bool,
               clock: Clock = system_clock) -> tuple[OriginMove, int]:
    """Record `origin` (normalised) as the public origin identifiers are minted under from
    now on, and commit; returns what moved and how many credentials were issued before.

    Raises SettingsError (not an origin), DatabaseError, UnconfirmedOriginMoveError.
    """
    origin = parse_origin(origin, name="ORIGIN")
    with _engine(settings) as engine, _sessions_at_head(engine) as session:
        move = move_origin(session, origin, clock=clock, confirmed=confirmed)
        credentials = session.scalar(select(func.count()).select_from(CredentialRecord)) or 0
        session.commit()
    return move, credentials


@dataclass(frozen=True, slots=True)
class StatusResult:
    """What a status command did: the credentials changed and those already in that state."""

    changed: list[str]
    unchanged: list[str]


def _sessions_at_head(engine: Engine, *, write: bool = True) -> Session:
    current = current_revision(engine)
    if current != head_revision():
        raise DatabaseError(f"the database is at revision {current or 'none'}, not "
                            f"{head_revision()}: run `microbadges db upgrade` first")
    session = make_session_factory(engine)()
    return writing(session) if write else session


def change_credential_statuses(settings: Settings, *, provider_slug: str,
                               change: StatusChange, credential_ids: Sequence[str] = (),
                               where: CredentialFilter | None = None,
                               clock: Clock = system_clock) -> StatusResult:
    """Revoke, suspend or unsuspend credentials of one provider, named by id (each in its
    own transaction, as over the API) or, for revocation, by `where` (one transaction).

    Raises DatabaseError, NotFoundError (provider or credential), InvalidInputError.
    """
    signer = Issuance.for_settings(settings, vault=KeyVault(read_secret(settings.secret_file)),
                                     clock=clock)
    changed: list[str] = []
    unchanged: list[str] = []
    with _engine(settings) as engine, _sessions_at_head(engine) as session:
        provider = find_provider(session, provider_slug)
        if where is not None and where.achievement_id is not None:
            find_achievement(session, provider, where.achievement_id)  # NotFoundError
        if where is not None:
            revoked = revoke_matching(session, provider, where, change, signer,
                                      filter_description=_describe(where))
            return StatusResult([record.credential_id for record in revoked], [])
        for credential_id in credential_ids:
            record = find_credential(session, provider, _urn(credential_id))
            name = record.credential_id  # read before the transaction ends (and expires it)
            done = change_status(session, provider, record, change, signer)
            (changed if done else unchanged).append(name)
            writing(session)  # the next credential's transaction writes too
    return StatusResult(changed, unchanged)


def _urn(credential_id: str) -> str:
    return credential_id if credential_id.startswith("urn:") else f"urn:uuid:{credential_id}"


def _describe(where: CredentialFilter) -> dict[str, str]:
    values = {"achievement": where.achievement_id, "learner": where.learner,
              "issuedAfter": where.issued_after.isoformat() if where.issued_after else None,
              "issuedBefore": where.issued_before.isoformat() if where.issued_before else None}
    return {name: value for name, value in values.items() if value is not None}


def import_framework_file(settings: Settings, text: str, *, csv_format: bool,
                          clock: Clock = system_clock) -> tuple[str, str, bool]:
    """Import a framework version (JSON or CSV text) as the operator; returns (slug,
    version, created). Raises DatabaseError, InvalidInputError (with every error of the
    file in `errors`), ConflictError."""
    data = framework_input_from_csv(text) if csv_format else framework_input_from_json(
        _json_document(text))
    with _engine(settings) as engine, _sessions_at_head(engine) as session:
        record, created = import_framework(session, data, owner=None, clock=clock)
        session.commit()
        return record.slug, record.version, created


def _json_document(text: str) -> object:
    """The framework file's JSON object, read with the one strict JSON reader.
    Raises InvalidInputError."""
    try:
        return parse_json_object(text, max_bytes=len(text))  # the caller bounds the size
    except JsonDocumentError as error:
        raise InvalidInputError(f"the file is not a JSON object: {error}") from None


def export_framework(settings: Settings, slug: str, version: str, *, csv_format: bool) -> str:
    """A framework version as JSON or CSV text. Raises DatabaseError, NotFoundError."""
    with _engine(settings) as engine, _sessions_at_head(engine, write=False) as session:
        record = find_framework(session, slug, version)
        if record is None:
            raise NotFoundError(f"no version {version!r} of a framework {slug!r}")
        if csv_format:
            return export_csv(record)
        return json.dumps(export_json(record), indent=2, ensure_ascii=False) + "\n"


def figures_report(settings: Settings, query: FigureQuery, *,
                   provider_slug: str | None = None, live: bool = False,
                   ) -> tuple[list[Figure], datetime | None, dict[str, Any] | None]:
    """The figures (all providers from the latest snapshot unless `live`; one provider
    live), as of when (None: now), and the progress against the configured target.
    Raises DatabaseError, NotFoundError (provider)."""
    with _engine(settings) as engine, _sessions_at_head(engine, write=False) as session:
        provider_id = None
        if provider_slug is not None:
            provider_id = find_provider(session, provider_slug).id
        scoped = dataclasses.replace(query, provider_id=provider_id)
        figures, as_of = answer_figures(session, scoped, live=live)
        target = target_progress(session, workforce=settings.workforce_size,
                                 percent=settings.annual_target_percent,
                                 provider_id=provider_id, live=live)
        return figures, as_of, target


def refresh_figure_snapshots(settings: Settings, clock: Clock = system_clock,
                             ) -> dict[str, float]:
    """Recompute the alliance-wide figure snapshots; the seconds each took.
    Raises DatabaseError."""
    with _engine(settings) as engine, _sessions_at_head(engine, write=False) as session:
        return refresh_figures(session, clock)  # it takes the write lock to store, briefly
