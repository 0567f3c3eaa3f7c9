"""The `microbadges clients create` command: register an OAuth 2.0 API client.

The client secret is printed once, on stdout; the database keeps only its hash. Exit
codes: 0 success, 2 invalid settings, unknown provider, bad scope or unusable database.
"""

from __future__ import annotations

import argparse
import json
import sys

from cli.console import EXIT_OK, reporting_errors

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `clients` command and its `create` sub-command."""
    parser = commands.add_parser("clients", help="register API clients (OAuth 2.0)")
    actions = parser.add_subparsers(dest="clients_command", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="register a client and print its id and secret (shown only once)")
    owner = create.add_mutually_exclusive_group(required=True)
    owner.add_argument("--provider", metavar="SLUG",
                       help="a client of this training provider (it can only ever reach "
                            "this provider's data)")
    owner.add_argument("--operator", action="store_true",
                       help="an operator client, which may only create and list providers")
    create.add_argument("--name", help="a label for the client (default: names its owner)")
    create.add_argument("--scope", help="space-separated scopes (default: all it may have)")
    create.add_argument("--json", action="store_true", help="print a JSON object")
    create.set_defaults(handler=_handle_create)


@reporting_errors
def _handle_create(args: argparse.Namespace) -> int:
    # The service's libraries are imported here, not at start-up of every command.
    from issuer.admin import load_service_settings, register_client

    slug: str | None = args.provider
    name = args.name or (f"API client of {slug}" if slug else "operator API client")
    client = register_client(load_service_settings(), provider_slug=slug, name=name,
                             scope=args.scope)
    if args.json:
        print(json.dumps({"client_id": client.client_id, "client_secret": client.secret,
                          "scope": client.scope, "provider": client.provider_slug}, indent=2))
    else:
        print(f"client_id: {client.client_id}")
        print(f"client_secret: {client.secret}")
        print(f"scope: {client.scope}")
    print("The secret is shown only this once; the database keeps only its hash.",
          file=sys.stderr)
    return EXIT_OK
