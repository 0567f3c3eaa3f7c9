"""What every `microbadges` sub-command shares: reading input, exit codes, error lines."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from typing import Final

from keys.errors import BadgeError

EXIT_OK: Final = 0
EXIT_NOT_VERIFIED: Final = 1
EXIT_USAGE: Final = 2  # unreadable input or misuse

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Unreadable input or misuse: reported as one `error:` line, exit code 2."""


def reporting_errors(handler: Handler) -> Handler:
    """Turn UsageError and BadgeError into one `error: …` line on stderr and exit code 2."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (UsageError, BadgeError) as error:
            message = " ".join(str(error).split())  # always a single line
            print(f"error: {message}", file=sys.stderr)
            return EXIT_USAGE

    return run


def read_input(source: str, max_bytes: int) -> bytes:
    """Read a file, or standard input for `-`, refusing more than `max_bytes`.

    Raises:
        UsageError: the file cannot be read or is too large.
    """
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source, "rb") as stream:
                data = stream.read(max_bytes + 1)
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror}") from None
    if len(data) > max_bytes:
        raise UsageError(f"{source} is larger than {max_bytes} bytes")
    return data


def passphrase_from_env(variable: str | None) -> str | None:
    """The passphrase held by an environment variable (None when no variable is named).

    Raises:
        UsageError: the variable is unset or empty.
    """
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        raise UsageError(f"environment variable {variable} is not set or is empty")
    return value
