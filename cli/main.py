"""Entry point of the `microbadges` command: one sub-command module per concern.

Exit codes: 0 success (verified), 1 not verified, 2 unreadable input or misuse.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import metadata

from cli import (
    clients_command,
    credentials_command,
    db_command,
    figures_command,
    frameworks_command,
    keys_command,
    serve_command,
    sign_command,
    verify_command,
)
from cli.console import EXIT_USAGE


class CommandParser(argparse.ArgumentParser):
    """An argument parser that refuses unknown arguments itself. argparse leaves a
    sub-command's leftovers to the top-level parser, which then prints its own usage
    (`microbadges [-h] …`) for `microbadges verify x.json --bogus`; here the parser of the
    sub-command that was given them says so, with its usage. Sub-parsers inherit the class."""

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None,
                         ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    parser: argparse.ArgumentParser = CommandParser(
        prog="microbadges",
        description="Issue and verify Open Badges 3.0 micro-credentials.",
    )
    parser.add_argument("--version", action="version",
                        version=f"microbadges {metadata.version('microbadges')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    verify_command.register(commands)
    sign_command.register(commands)
    keys_command.register(commands)
    serve_command.register(commands)
    db_command.register(commands)
    clients_command.register(commands)
    credentials_command.register(commands)
    frameworks_command.register(commands)
    figures_command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`… | head`): not an error of ours, and nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_USAGE
    except OSError as error:
        print(f"error: cannot write the output: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
