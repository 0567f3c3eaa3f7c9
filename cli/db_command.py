"""The `microbadges db` commands: apply the migrations, show the database's revision, move
the public origin its identifiers are minted under.

The database is the one `microbadges serve` uses (`MICROBADGES_DATABASE_URL`, default the
embedded SQLite file). Exit codes: 0 success, 2 invalid settings or unusable database.
"""

from __future__ import annotations

import argparse

from cli.console import EXIT_OK, reporting_errors

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` command and its `upgrade`, `current` and `set-origin` sub-commands."""
    parser = commands.add_parser(
        "db", help="migrate the issuer database (MICROBADGES_DATABASE_URL), move its origin")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade_parser = actions.add_parser("upgrade", help="apply every pending migration")
    upgrade_parser.set_defaults(handler=_handle_upgrade)
    current = actions.add_parser("current", help="print the database's migration revision")
    current.set_defaults(handler=_handle_current)
    set_origin = actions.add_parser(
        "set-origin", help="record the public origin identifiers are minted under",
        description="Record ORIGIN as the public origin (MICROBADGES_BASE_URL) the service's "
                    "identifiers are minted under, after moving the service. Credentials "
                    "issued before, and the issuer ids of providers created before, keep "
                    "naming the old origin: they verify only while it keeps serving them.")
    set_origin.add_argument("origin", metavar="ORIGIN",
                            help="the new public origin, e.g. https://badges.example.org")
    # The name the service's refusal to start names (issuer.providers.origin.MOVE_CONFIRMATION;
    # not imported: `microbadges` loads the service's libraries only for its commands).
    set_origin.add_argument("--break-issued-credentials", dest="confirmed", action="store_true",
                            help="confirm a move away from the origin existing providers "
                                 "and credentials name")
    set_origin.set_defaults(handler=_handle_set_origin)


@reporting_errors
def _handle_upgrade(_args: argparse.Namespace) -> int:
    # The service's libraries are imported here, not at start-up of every command.
    from issuer.admin import load_service_settings, upgrade
    from issuer.server import database_label

    settings = load_service_settings()
    before, after = upgrade(settings)
    label = database_label(settings.database_url)
    if before == after:
        print(f"{label}: already at revision {after} (head)")
    else:
        print(f"{label}: upgraded from revision {before or 'none (empty database)'} "
              f"to {after} (head)")
    return EXIT_OK


@reporting_errors
def _handle_current(_args: argparse.Namespace) -> int:
    from issuer.admin import database_revisions, load_service_settings
    from issuer.server import database_label

    settings = load_service_settings()
    current, head = database_revisions(settings)
    label = database_label(settings.database_url)
    if current == head:
        print(f"{label}: revision {current} (head)")
    else:
        print(f"{label}: revision {current or 'none (empty database)'}; head is {head}: "
              "run `microbadges db upgrade`")
    return EXIT_OK


@reporting_errors
def _handle_set_origin(args: argparse.Namespace) -> int:
    from issuer.admin import load_service_settings, set_origin
    from issuer.platform.settings import PREFIX
    from issuer.server import database_label

    settings = load_service_settings()
    move, credentials = set_origin(settings, args.origin, confirmed=args.confirmed)
    label = database_label(settings.database_url)
    if not move.moved:
        print(f"{label}: origin {move.origin} (recorded already)")
        return EXIT_OK
    if move.previous is None:
        print(f"{label}: origin {move.origin} recorded")
    else:
        print(f"{label}: origin moved from {move.previous} to {move.origin}")
        if move.providers:
            print(f"The {credentials} credential{'s' if credentials != 1 else ''} issued so "
                  f"far, and the did:web and https issuer ids of the {move.providers} "
                  f"provider{'s' if move.providers != 1 else ''} created before, name "
                  f"{move.previous}: they verify only while {move.previous} keeps serving "
                  "them.")
    print(f"Start the service with {PREFIX}BASE_URL={move.origin}.")
    return EXIT_OK
