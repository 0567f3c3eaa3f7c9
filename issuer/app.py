"""The issuer service's Flask application factory.

`create_app()` reads the settings once (environment `MICROBADGES_*`, then `config`),
opens the database, applies migrations, seeds the demo provider when configured, and
registers one blueprint per feature. Everything the request handlers share lives in one
`IssuerContext`, reachable with `issuer_context()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response as BaseResponse

from badges.clock import Clock, system_clock
from issuer.api import api
from issuer.api.vc import vc_api
from issuer.auth.oauth import init_oauth
from issuer.pages.badges import credential_pages
from issuer.pages.frameworks import framework_pages
from issuer.pages.public import public
from issuer.pathways.services import complete_pathways
from issuer.platform.database import (
    create_database_engine,
    make_session_factory,
    upgrade_database,
    writing,
)
from issuer.platform.key_vault import KeyVault
from issuer.platform.settings import Settings, SettingsError, load_settings, read_secret
from issuer.providers.models import SigningKeyRecord
from issuer.providers.origin import check_origin
from issuer.seed import seed_demo
from issuer.web.context import (
    IssuerContext,
    close_session,
    db_session,
    issuer_context,
    issuer_context_of,
    set_issuer_context,
)
from issuer.web.problems import ApiProblem, install_problem_handlers
from issuer.web.rate_limits import install_rate_limits
from issuer.web.verification import fetch_credential, verifier_options
from keys.errors import KeyDecryptionError
from verifier.http_cache import ResponseCache
from verifier.web import install_page_defaults, verification_pages

__all__ = ["create_app"]

_log = logging.getLogger(__name__)


def create_app(config: Settings | Mapping[str, str] | None = None, *,
               clock: Clock = system_clock, migrate: bool = True,
               warn: Callable[[str], None] = _log.warning) -> Flask:
    """Build the issuer application.

    `config` is a Settings object, or `MICROBADGES_*` values (prefix optional) applied over
    the environment. `warn` is told, in one line, what the service starts despite (a
    loopback demo on another origin than its badges name); by default it is logged.

    Raises SettingsError for an invalid configuration (OriginChangedError: the public
    origin is not the one the stored identifiers were minted under).
    """
    # The shared stylesheet and scripts are the `web` blueprint's (verifier.web).
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    settings = config if isinstance(config, Settings) else load_settings(
        overrides=config, default_instance_path=Path(app.instance_path))
    context = _open_context(settings, clock, migrate=migrate, warn=warn)
    set_issuer_context(app, context)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        MICROBADGES_BASE_URL=settings.base_url,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.teardown_appcontext(close_session)
    app.before_request(_refuse_unprintable_paths)
    app.before_request(_redirect_within_the_origin)
    install_problem_handlers(app)
    init_oauth(app, db_session, clock, settings.token_lifetime)
    _register_blueprints(app)
    install_rate_limits(app, settings)
    if settings.demo:
        with context.sessions() as session:
            seed_demo(session, context)
    return app


def _open_context(settings: Settings, clock: Clock, *, migrate: bool,
                  warn: Callable[[str], None]) -> IssuerContext:
    """The database (migrated), the key vault and the award listeners of the app, after
    the start-up checks. Raises SettingsError, or the database's error; nothing is left
    open when it raises."""
    engine = create_database_engine(settings.database_url)
    try:
        if migrate:
            upgrade_database(engine)
        context = IssuerContext(settings=settings, engine=engine,
                                sessions=make_session_factory(engine),
                                vault=KeyVault(read_secret(settings.secret_file)), clock=clock,
                                response_cache=ResponseCache(clock=clock),
                                award_listeners=(complete_pathways,))
        _check_secret(context)
        _check_origin(context, warn)
    except BaseException:
        engine.dispose()
        raise
    return context


def _register_blueprints(app: Flask) -> None:
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


def _check_origin(context: IssuerContext, warn: Callable[[str], None]) -> None:
    """Refuse to answer under another origin than the stored identifiers name (which would
    leave every badge issued before pointing nowhere); a loopback demo only warns.
    Raises OriginChangedError (a SettingsError)."""
    with context.sessions() as session:
        change = check_origin(writing(session), context.settings, clock=context.clock)
        session.commit()
    if change is not None:
        warn(change.warning())


def _redirect_within_the_origin() -> BaseResponse | None:
    """Werkzeug's routing redirects (merged slashes: `//issuers//x`, a missing trailing
    slash) name the host of the request's Host header, which would make a cache-poisoning
    and open-redirect primitive; the service's redirects name its public origin only.
    Raises ApiProblem 404 when the path routes nowhere under the public origin."""
    routing = request.routing_exception
    if not isinstance(routing, RequestRedirect):
        return None
    origin = urlsplit(issuer_context().base_url)
    adapter = current_app.url_map.bind(
        origin.netloc, url_scheme=origin.scheme, path_info=request.path,
        query_args=request.query_string.decode("latin-1"), default_method=request.method)
    try:
        adapter.match()
    except RequestRedirect as canonical:
        return redirect(canonical.new_url, canonical.code)
    except HTTPException:
        pass  # 404 or 405 under the public origin: nothing to redirect to
    raise ApiProblem("not_found", "no resource has this path")


def _refuse_unprintable_paths() -> None:
    """No route has a control character in its path; PostgreSQL refuses NUL in a text
    value, so such a path must never reach a query. Raises ApiProblem 404."""
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in request.path):
        raise ApiProblem("not_found", "no resource has a control character in its path")
