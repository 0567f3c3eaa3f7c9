"""Entry point of the `microbadges` command: one sub-command module per concern.

Exit codes: 0 success (verified), 1 not verified, 2 unreadable input or misuse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import keys_command, sign_command, verify_command


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="microbadges",
        description="Issue and verify Open Badges 3.0 micro-credentials.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    verify_command.register(commands)
    sign_command.register(commands)
    keys_command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    code: int = handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
