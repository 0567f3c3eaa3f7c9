"""The issuer service's Flask application factory.

`create_app()` reads the settings once (environment `MICROBADGES_*`, then `config`),
opens the database, applies migrations, seeds the demo provider when configured, and
registers one blueprint per feature. Everything the request handlers share lives in one
`IssuerContext`, reachable with `issuer_context()`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, cast

from flask import Flask, current_app, g, request
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from issuer.clock import Clock, system_clock
from issuer.database import (
    create_database_engine,
    make_session_factory,
    upgrade_database,
    writing,
)
from issuer.key_vault import KeyVault
from issuer.models import SigningKeyRecord
from issuer.oauth import init_oauth
from issuer.problems import ApiProblem, install_problem_handlers
from issuer.rate_limits import install_rate_limits
from issuer.settings import Settings, SettingsError, load_settings, read_secret
from issuer.status_lists import ListSigner
from keys.errors import KeyDecryptionError
from verifier.http_cache import ResponseCache

__all__ = ["IssuerContext", "create_app", "db_session", "issuer_context"]

_EXTENSION: Final = "microbadges"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_log = logging.getLogger(__name__)


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

    @property
    def base_url(self) -> str:
        """The public origin of every identifier."""
        return self.settings.base_url

    def list_signer(self) -> ListSigner:
        """What signing this service's status list credentials needs."""
        return ListSigner.for_settings(self.settings, vault=self.vault, clock=self.clock)


def create_app(config: Settings | Mapping[str, str] | None = None, *,
               clock: Clock = system_clock, migrate: bool = True) -> Flask:
    """Build the issuer application.

    `config` is a Settings object, or `MICROBADGES_*` values (prefix optional) applied over
    the environment. Raises SettingsError for an invalid configuration.
    """
    # The shared stylesheet and scripts are the `web` blueprint's (verifier.web).
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    settings = config if isinstance(config, Settings) else load_settings(
        overrides=config, default_instance_path=Path(app.instance_path))
    engine = create_database_engine(settings.database_url)
    if migrate:
        upgrade_database(engine)
    context = IssuerContext(settings=settings, engine=engine,
                            sessions=make_session_factory(engine),
                            vault=KeyVault(read_secret(settings.secret_file)), clock=clock,
                            response_cache=ResponseCache(clock=clock))
    _check_secret(context)
    app.extensions[_EXTENSION] = context
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        MICROBADGES_BASE_URL=settings.base_url,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.teardown_appcontext(_close_session)
    app.before_request(_refuse_unprintable_paths)
    install_problem_handlers(app)
    init_oauth(app, db_session, clock, settings.token_lifetime)
    _register_blueprints(app)
    install_rate_limits(app, settings)
    if settings.demo:
        from issuer.seed import seed_demo

        with context.sessions() as session:
            seed_demo(session, context)
    return app


def _register_blueprints(app: Flask) -> None:
    from issuer.api import api
    from issuer.credential_pages import credential_pages
    from issuer.framework_pages import framework_pages
    from issuer.public import public
    from issuer.vc_api import vc_api
    from issuer.verification import fetch_credential, verifier_options
    from verifier.web import install_page_defaults, verification_pages

    app.register_blueprint(public)
    app.register_blueprint(framework_pages)
    app.register_blueprint(credential_pages)
    app.register_blueprint(verification_pages(verifier_options, fetch_credential))
    app.register_blueprint(api)
    app.register_blueprint(vc_api)
    install_page_defaults(app, [("Verify a badge", "web.verify_form"),
                                ("Skills frameworks", "frameworks.index")],
                          https=issuer_context_of(app).settings.origin_is_https)


def _check_secret(context: IssuerContext) -> None:
    """Fail at start-up, not at the first award, when the secret file is not the one the
    stored signing keys were encrypted with (another instance folder, a lost file).
    Raises SettingsError."""
    with context.sessions() as session:
        key = session.scalars(select(SigningKeyRecord).order_by(SigningKeyRecord.id)
                              .limit(1)).first()
        if key is None:
            return
        try:
            context.vault.decrypt(key.verification_method, key.encrypted_private_key)
        except KeyDecryptionError:
            raise SettingsError(
                f"MICROBADGES_SECRET_FILE ({context.settings.secret_file}) does not hold the "
                "secret the stored signing keys were encrypted with; point it at the "
                "deployment's secret file") from None


def _refuse_unprintable_paths() -> None:
    """No route has a control character in its path; PostgreSQL refuses NUL in a text
    value, so such a path must never reach a query. Raises ApiProblem 404."""
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in request.path):
        raise ApiProblem("not_found", "no resource has a control character in its path")


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


def _close_session(_error: BaseException | None) -> None:
    session: Session | None = g.pop("_microbadges_session", None)
    if session is not None:
        session.close()
