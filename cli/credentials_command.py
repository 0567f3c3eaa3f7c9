"""The `microbadges credentials` command: revoke, suspend and unsuspend a provider's issued
credentials, or revoke every credential matching a filter, straight on the service database.

Each change re-signs the provider's status list and is written to the audit log with the
actor `cli:<login name>`. Exit codes: 0 success, 2 invalid settings, unknown provider or
credential, a change the credential's state does not allow, or an unusable database.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from datetime import UTC, date, datetime
from typing import Final

from cli.console import EXIT_OK, EXIT_USAGE, reporting_errors

__all__ = ["register"]


_CREDENTIAL_ID: Final = re.compile(
    r"(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    re.IGNORECASE)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `credentials` command and its actions."""
    parser = commands.add_parser("credentials",
                                 help="revoke, suspend or unsuspend issued credentials")
    actions = parser.add_subparsers(dest="credentials_command", required=True,
                                    metavar="ACTION")
    for action, text in (("revoke", "revoke credentials (final)"),
                         ("suspend", "suspend credentials issued with a suspension entry"),
                         ("unsuspend", "lift a suspension")):
        command = actions.add_parser(action, help=text)
        command.add_argument("credential_ids", nargs="+", metavar="ID", type=_credential_id,
                             help="credential id (urn:uuid:… or the uuid)")
        _common(command, reason_required=action == "revoke")
        command.set_defaults(handler=_handle_change, action=action)
    bulk = actions.add_parser("bulk-revoke",
                              help="revoke every credential matching the filter (one "
                                   "transaction; at least one filter option)")
    bulk.add_argument("--achievement", metavar="UUID", help="microbadge id")
    bulk.add_argument("--learner", metavar="EMAIL|DID", help="the learner")
    bulk.add_argument("--issued-after", type=_timestamp, metavar="DATE|DATETIME",
                      help="issued at or after (RFC 3339; a date means 00:00 UTC)")
    bulk.add_argument("--issued-before", type=_timestamp, metavar="DATE|DATETIME",
                      help="issued before, exclusive (RFC 3339; a date means 00:00 UTC, "
                           "so that day is not included)")
    _common(bulk, reason_required=True)
    bulk.set_defaults(handler=_handle_bulk)


def _common(command: argparse.ArgumentParser, *, reason_required: bool) -> None:
    command.add_argument("--provider", required=True, metavar="SLUG",
                         help="the training provider the credentials belong to")
    command.add_argument("--reason", required=reason_required,
                         help="why (kept privately in the audit log, never published)")
    command.add_argument("--json", action="store_true", help="print a JSON object")


def _credential_id(value: str) -> str:
    """`urn:uuid:<uuid>` (any case) or the uuid alone, as the credential's id."""
    match = _CREDENTIAL_ID.fullmatch(value)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a credential id (urn:uuid:<uuid> or the uuid alone, as in "
            "the credential's id)")
    return f"urn:uuid:{match[1].lower()}"


def _timestamp(value: str) -> datetime:
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 date or date-time: {value!r}"
                                         ) from None
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"a date-time needs an offset (Z): {value!r}")
    return parsed.astimezone(UTC)


def _print(args: argparse.Namespace, changed: list[str], unchanged: list[str]) -> None:
    if args.json:
        print(json.dumps({"changed": changed, "unchanged": unchanged}, indent=2))
        return
    verb = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "unsuspended",
            "bulk-revoke": "revoked"}[args.credentials_command]
    for credential_id in changed:
        print(f"{verb}: {credential_id}")
    for credential_id in unchanged:
        print(f"unchanged (nothing to do): {credential_id}")
    print(f"{len(changed)} {verb}, {len(unchanged)} unchanged")


@reporting_errors
def _handle_change(args: argparse.Namespace) -> int:
    from issuer.admin import change_credential_statuses, load_service_settings
    from issuer.awards.revocation import StatusAction, StatusChange

    result = change_credential_statuses(
        load_service_settings(), provider_slug=args.provider,
        change=StatusChange(action=StatusAction(args.action), actor=_actor(),
                            reason=args.reason),
        credential_ids=args.credential_ids)
    _print(args, result.changed, result.unchanged)
    return EXIT_OK


@reporting_errors
def _handle_bulk(args: argparse.Namespace) -> int:
    from issuer.admin import change_credential_statuses, load_service_settings
    from issuer.awards.models import CredentialKind
    from issuer.awards.queries import CredentialFilter
    from issuer.awards.revocation import StatusAction, StatusChange

    if (args.achievement, args.learner, args.issued_after, args.issued_before) == (None,) * 4:
        print("error: give at least one of --achievement, --learner, --issued-after, "
              "--issued-before (an empty filter would revoke everything)", file=sys.stderr)
        return EXIT_USAGE
    where = CredentialFilter(achievement_id=args.achievement, learner=args.learner,
                             issued_after=args.issued_after, issued_before=args.issued_before,
                             kind=CredentialKind.AWARD)
    result = change_credential_statuses(
        load_service_settings(), provider_slug=args.provider,
        change=StatusChange(action=StatusAction.REVOKE, actor=_actor(), reason=args.reason),
        where=where)
    _print(args, result.changed, result.unchanged)
    return EXIT_OK


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "cli:unknown"
