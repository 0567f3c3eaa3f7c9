"""The `microbadges frameworks` command: import a skills framework version (JSON or CSV) as
the operator, or export one, straight on the service database.

A file with errors prints every error (CSV line and column, or JSON pointer), imports
nothing and exits 2. Exit codes: 0 success, 2 invalid file, settings or database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.console import EXIT_OK, EXIT_USAGE, UsageError, read_input, reporting_errors

__all__ = ["register"]

MAX_FILE_BYTES = 16 * 1024 * 1024


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `frameworks` command and its actions."""
    parser = commands.add_parser("frameworks", help="import or export skills frameworks")
    actions = parser.add_subparsers(dest="frameworks_command", required=True, metavar="ACTION")
    imported = actions.add_parser("import", help="import a framework version (JSON or CSV)")
    imported.add_argument("file", help="the file (.json or .csv), or - for standard input")
    imported.add_argument("--format", choices=("json", "csv"),
                          help="the file's format (default: from its name; JSON for -)")
    imported.set_defaults(handler=_handle_import)
    exported = actions.add_parser("export", help="print a framework version")
    exported.add_argument("slug")
    exported.add_argument("version")
    exported.add_argument("--format", choices=("json", "csv"), default="json")
    exported.set_defaults(handler=_handle_export)


@reporting_errors
def _handle_import(args: argparse.Namespace) -> int:
    from issuer.admin import import_framework_file, load_service_settings
    from issuer.platform.errors import InvalidInputError

    csv_format = (args.format == "csv" if args.format
                  else Path(args.file).suffix.lower() == ".csv")
    try:
        text = read_input(args.file, MAX_FILE_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{args.file} is not UTF-8 text") from None
    try:
        slug, version, created = import_framework_file(load_service_settings(), text,
                                                       csv_format=csv_format)
    except InvalidInputError as error:
        print(f"error: {error.message}", file=sys.stderr)
        for item in error.errors or []:
            where = (f"line {item['row']}, column {item['field']}" if "field" in item
                     else f"at {item.get('pointer') or '/'}")
            print(f"  {where}: {item['detail']}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{'imported' if created else 'already imported (same content)'}: "
          f"{slug} {version}")
    return EXIT_OK


@reporting_errors
def _handle_export(args: argparse.Namespace) -> int:
    from issuer.admin import export_framework, load_service_settings

    sys.stdout.write(export_framework(load_service_settings(), args.slug, args.version,
                                      csv_format=args.format == "csv"))
    return EXIT_OK
