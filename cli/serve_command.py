"""The `microbadges serve` command: run the issuer service under gunicorn.

Settings come from the `MICROBADGES_*` environment; the public origin defaults to the
address served. Invalid settings, certificates or addresses, and a public origin other than
the one the stored identifiers were minted under, are one `error:` line and exit code 2,
before anything is started; what a loopback demo starts despite is one `warning:` line. The
demo clients' secrets are printed here and nowhere else.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from cli.console import EXIT_OK, reporting_errors

if TYPE_CHECKING:
    from issuer.server import ServerOptions
    from issuer.web.context import IssuerContext

__all__ = ["register"]



def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `serve` command."""
    parser = commands.add_parser(
        "serve", help="run the issuer web service (gunicorn)",
        description="Run the issuer service: apply migrations, seed the demo provider when "
                    "configured, print the URLs to open, then serve until stopped (Ctrl-C). "
                    "Settings are read from MICROBADGES_* environment variables.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000,
                        help="port to listen on (default 8000)")
    parser.add_argument("--certfile", type=Path, metavar="FILE",
                        help="TLS certificate chain (PEM); serves https, needs --keyfile")
    parser.add_argument("--keyfile", type=Path, metavar="FILE",
                        help="TLS private key (PEM) of --certfile")
    parser.add_argument("--workers", type=_workers, default=2,
                        help="worker processes, 4 threads each (default 2)")
    parser.set_defaults(handler=_handle_serve)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {port}")
    return port


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"workers must be between 1 and 64, got {workers}")
    return workers


@reporting_errors
def _handle_serve(args: argparse.Namespace) -> int:
    # The service's libraries are imported here, not at start-up of every command.
    from issuer.admin import load_service_settings, reporting_database_errors
    from issuer.app import create_app
    from issuer.platform.settings import PREFIX
    from issuer.server import ServerOptions, check_server_options, run_server, served_origin
    from issuer.web.context import issuer_context

    options = ServerOptions(host=args.host, port=args.port, workers=args.workers,
                            certfile=args.certfile, keyfile=args.keyfile)
    check_server_options(options)
    overrides = {}
    if not os.environ.get(PREFIX + "BASE_URL"):
        overrides["BASE_URL"] = served_origin(options)
    settings = load_service_settings(overrides)
    with reporting_database_errors():
        app = create_app(settings, warn=_warn)
    with app.app_context():
        context = issuer_context()
    _print_start(context, options)
    run_server(app, options)  # ends the process when the server stops
    return EXIT_OK


def _warn(message: str) -> None:
    """What the service starts despite: one `warning:` line on stderr, before the banner."""
    print(f"warning: {' '.join(message.split())}", file=sys.stderr, flush=True)


def _print_start(context: IssuerContext, options: ServerOptions) -> None:
    from issuer.platform.urls import openapi_url, profile_url, token_url, verify_url
    from issuer.seed import DEMO_SLUG, demo_clients
    from issuer.server import database_label

    base = context.base_url
    settings = context.settings
    print(f"microbadges {metadata.version('microbadges')} issuer service: listening on "
          f"{options.scheme}://{options.bind} ({options.workers} "
          f"worker{'s' if options.workers != 1 else ''}), public origin "
          f"{base}")
    print(f"database: {database_label(settings.database_url)}")
    print("Open:")
    links = {"service": f"{base}/", "verify a badge": verify_url(base)}
    if settings.demo:
        links["demo issuer"] = profile_url(base, DEMO_SLUG)
    links |= {"OpenAPI document": openapi_url(base), "token endpoint": token_url(base)}
    for name, url in links.items():
        print(f"  {name:<17} {url}")
    if not settings.demo:
        print("Create an API client with: microbadges clients create --operator")
    else:
        print("Demo API clients (the same on every start; token endpoint accepts "
              "client_secret_basic and client_secret_post):")
        for client in demo_clients(context):
            owner = f"provider {client.provider_slug}" if client.provider_slug else "operator"
            print(f"  {owner} (scope: {client.scope})")
            print(f"    client_id     {client.client_id}")
            print(f"    client_secret {client.secret}")
    print("Stop with Ctrl-C.", flush=True)
