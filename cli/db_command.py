"""The `microbadges db` commands: apply the migrations, show the database's revision.

The database is the one `microbadges serve` uses (`MICROBADGES_DATABASE_URL`, default the
embedded SQLite file). Exit codes: 0 success, 2 invalid settings or unusable database.
"""

from __future__ import annotations

import argparse

from cli.console import EXIT_OK, reporting_errors

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` command and its `upgrade` and `current` sub-commands."""
    parser = commands.add_parser(
        "db", help="migrate the issuer database (MICROBADGES_DATABASE_URL)")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade_parser = actions.add_parser("upgrade", help="apply every pending migration")
    upgrade_parser.set_defaults(handler=_handle_upgrade)
    current = actions.add_parser("current", help="print the database's migration revision")
    current.set_defaults(handler=_handle_current)


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
