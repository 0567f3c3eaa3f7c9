"""Runs the issuer app under gunicorn, the production WSGI server of `microbadges serve`
(gthread workers, optional TLS, access log on stdout). The only module that imports gunicorn.

The app is built once in the parent process (migrations and the demo seed run there, before
any worker forks); its database connections are closed before forking so that no worker
inherits a connection another process uses.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote, unquote, unquote_plus

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.glogging import Logger  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from issuer.awards.sharing import redact_links
from issuer.platform.errors import IssuerError
from issuer.web.context import issuer_context

__all__ = ["ServerError", "ServerOptions", "check_server_options", "database_label",
           "redact_query", "redact_target", "run_server", "served_origin"]

_THREADS_PER_WORKER: Final = 4
_GRACEFUL_TIMEOUT_S: Final = 10
# Query parameters whose value is a credential: refused by the service, never logged.
_SECRET_PARAMETER: Final = re.compile(
    r"secret|token|password|passwd|assertion|api[_-]?key|authorization|code", re.IGNORECASE)
# What a re-encoded path keeps as it is (RFC 3986 pchar and "/", section 3.3).
_PATH_SAFE: Final = "/:@!$&'()*+,;=-._~"


class ServerError(IssuerError):
    """The server cannot start as asked (address in use, unreadable certificate, …)."""

    code = "server_error"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerOptions:
    """Where and how to serve."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    certfile: Path | None = None
    keyfile: Path | None = None

    @property
    def scheme(self) -> str:
        """https when a certificate is configured."""
        return "https" if self.certfile is not None else "http"

    @property
    def bind(self) -> str:
        """The gunicorn bind address (IPv6 hosts in brackets)."""
        return f"{_bracketed(self.host)}:{self.port}"


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def served_origin(options: ServerOptions) -> str:
    """The origin a client reaches the server at: `<scheme>://<host>:<port>`.

    Raises ServerError for a wildcard address (0.0.0.0, ::), which names no origin.
    """
    try:
        unspecified = ipaddress.ip_address(options.host).is_unspecified
    except ValueError:
        unspecified = False
    if unspecified:
        raise ServerError(f"serving on {options.host} needs MICROBADGES_BASE_URL: set it to the "
                          "public origin (e.g. https://badges.example.org) that identifiers "
                          "must name")
    return f"{options.scheme}://{_bracketed(options.host)}:{options.port}"


def check_server_options(options: ServerOptions) -> None:
    """Fail early, with a clear message, for what would make gunicorn stop after forking.

    Raises ServerError: a certificate without its key (or the reverse), a certificate or
    key that cannot be loaded, an address that cannot be listened on.
    """
    if (options.certfile is None) != (options.keyfile is None):
        raise ServerError("--certfile and --keyfile must be given together")
    if options.certfile is not None and options.keyfile is not None:
        for path in (options.certfile, options.keyfile):
            try:
                with path.open("rb"):
                    pass
            except OSError as error:
                raise ServerError(f"cannot read {path}: {error.strerror}") from None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(options.certfile, options.keyfile)
        except (OSError, ssl.SSLError) as error:
            raise ServerError(f"cannot load the TLS certificate {options.certfile} with key "
                              f"{options.keyfile} (both PEM, the key matching the "
                              f"certificate): {getattr(error, 'reason', None) or error}"
                              ) from None
    try:
        family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        address = socket.getaddrinfo(options.host, options.port, family,
                                     socket.SOCK_STREAM)[0][4]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise ServerError(f"cannot listen on {options.bind}: "
                          f"{error.strerror or error}") from None


def database_label(database_url: str) -> str:
    """The database URL fit to print: the password is masked."""
    return make_url(database_url).render_as_string(hide_password=True)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn with its settings given in code (no config file, no GUNICORN_CMD_ARGS)."""

    def __init__(self, app: Flask, settings: dict[str, object]) -> None:
        self._app = app
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._settings.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self._app


def redact_target(target: str) -> str:
    """A request target or URL fit for the access log: the tokens of badge page and
    management links, found in the percent-decoded path as the router sees it (so that
    `/%62adges/<token>` is caught), and the values of secret-looking query parameters
    (`client_secret`, `access_token`, …) replaced by `…`. What has nothing to hide stays
    byte for byte as it was sent."""
    path, mark, query = target.partition("?")
    decoded = unquote(path, errors="replace")
    redacted = redact_links(decoded)
    if redacted != decoded:
        path = quote(redacted, safe=_PATH_SAFE).replace(quote("…"), "…")
    return path + mark + redact_query(query)


def redact_query(query: str) -> str:
    """A query string with the value of every secret-looking parameter replaced by `…`."""
    def redact(field: str) -> str:
        name, equals, _ = field.partition("=")
        if equals and _SECRET_PARAMETER.search(unquote_plus(name, errors="replace")):
            return f"{name}=…"
        return field
    return "&".join(redact(field) for field in query.split("&"))


class _RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with the secrets of capability links and of query strings left
    out of the access log (see `redact_target`)."""

    def atoms(self, resp: object, req: object, environ: dict[str, object],
              request_time: object) -> dict[str, object]:
        atoms: dict[str, object] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "f"):  # request line, Referer
            if isinstance(atoms.get(key), str):
                atoms[key] = " ".join(redact_target(part)
                                      for part in str(atoms[key]).split(" "))
        if isinstance(atoms.get("U"), str):  # the path, decoded already
            atoms["U"] = redact_links(str(atoms["U"]))
        if isinstance(atoms.get("q"), str):
            atoms["q"] = redact_query(str(atoms["q"]))
        return atoms


def run_server(app: Flask, options: ServerOptions) -> None:
    """Serve `app` until the process is told to stop (SIGTERM, SIGINT); never returns:
    gunicorn ends the process with SystemExit (0 after a clean stop)."""
    with app.app_context():
        issuer_context().engine.dispose()  # workers open their own connections
    _Gunicorn(app, {
        "bind": [options.bind],
        "workers": options.workers,
        "worker_class": "gthread",
        "threads": _THREADS_PER_WORKER,
        "certfile": str(options.certfile) if options.certfile else None,
        "keyfile": str(options.keyfile) if options.keyfile else None,
        "accesslog": "-",
        "logger_class": _RedactingLogger,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "microbadges",
        "graceful_timeout": _GRACEFUL_TIMEOUT_S,
        # No control socket: it lives at one fixed per-user path, so that two instances
        # (or a test and a developer's server) would take it from each other.
        "control_socket_disable": True,
    }).run()
