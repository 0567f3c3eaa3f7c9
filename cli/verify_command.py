"""`microbadges verify`: verify a credential from a file, a URL or stdin and show the report.

Exit codes: 0 verified, 1 not verified, 2 unreadable input or misuse.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, replace

from badges.datatypes import parse_datetime
from badges.json_document import MAX_DOCUMENT_BYTES, JsonDocumentError, parse_json_object
from cli.console import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    UsageError,
    read_input,
    reporting_errors,
)
from keys.did_web import did_web_to_url
from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher, StaticDocumentFetcher
from verifier.fetch import ChainedDocumentFetcher, HttpsDocumentFetcher, fetch_bytes
from verifier.registry import RegistryError, RegistrySource, fetched_registry, read_registry
from verifier.report import CheckId, CheckStatus, VerificationReport
from verifier.verify import VerifierOptions, verify_credential

_LABELS = {
    CheckStatus.PASSED: "PASS",
    CheckStatus.FAILED: "FAIL",
    CheckStatus.ERROR: "ERROR",
    CheckStatus.SKIPPED: "SKIP",
}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `verify` command."""
    parser = commands.add_parser(
        "verify", help="verify an Open Badges 3.0 / Verifiable Credential",
        description="Verify a credential and print every check and the verdict. "
                    "Exit 0 verified, 1 not verified, 2 unreadable input or misuse.")
    parser.add_argument("source", metavar="PATH|URL|-",
                        help="credential JSON file, https URL, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--now", metavar="ISO8601",
                        help="verify as of this time instead of the current time")
    parser.add_argument("--document", action="append", default=[], metavar="URL=FILE",
                        help="use FILE as the document at URL (DID document, issuer profile, "
                             "status list) instead of fetching it; repeatable")
    parser.add_argument("--offline", action="store_true",
                        help="never use the network: only --document supplies documents")
    parser.add_argument("--require-issuer", action="store_true",
                        help="do not verify a credential whose signing key cannot be bound to "
                             "its issuer (URN issuer, key not confirmed by the issuer)")
    parser.add_argument("--registry", action="append", default=[], metavar="PATH|URL",
                        help="a known-issuer registry (DCC registry JSON) that confirms who "
                             "issued the credential and refuses impersonation; most "
                             "authoritative first, repeatable")
    parser.add_argument("--allow-private-network", action="store_true",
                        help="also fetch from private, loopback and link-local addresses, and "
                             "plain http from them (for intranet and local test servers)")
    parser.set_defaults(handler=run)


@reporting_errors
def run(args: argparse.Namespace) -> int:
    """Verify and print; returns the exit code."""
    now = parse_datetime(args.now) if args.now else None
    local = _OfflineHint(StaticDocumentFetcher(_documents(args.document)))
    network = HttpsDocumentFetcher(allow_private_network=args.allow_private_network)
    fetcher: DocumentFetcher = (local if args.offline else ChainedDocumentFetcher(
        (local, network)))
    if args.source.startswith(("https://", "http://")):
        if args.offline:
            raise UsageError("--offline cannot fetch a credential from a URL")
        try:
            data = fetch_bytes(args.source, allow_private_network=args.allow_private_network)
        except ResolutionError as error:
            hint = ("" if args.allow_private_network else
                    " (--allow-private-network fetches from intranet and local servers)")
            raise UsageError(f"{error.message}{hint}") from None
    else:
        data = read_input(args.source, MAX_DOCUMENT_BYTES)
    options = VerifierOptions(fetcher=fetcher, require_issuer=args.require_issuer,
                              registries=tuple(_registry(source, fetcher)
                                               for source in args.registry))
    if now is not None:
        options = replace(options, clock=lambda: now)
    report = verify_credential(data, options)
    parse = report.check(CheckId.PARSE)
    if parse.status is not CheckStatus.PASSED:
        raise UsageError(f"{args.source}: {parse.message}")
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_report(report))
    return EXIT_OK if report.verified else EXIT_NOT_VERIFIED


def _registry(source: str, fetcher: DocumentFetcher) -> RegistrySource:
    """A registry from a URL (fetched as any document: --document and --offline apply) or
    a file, read now so that a bad one is a usage error."""
    if source.startswith(("https://", "http://")):
        return fetched_registry(source, fetcher)
    try:
        registry = read_registry(parse_json_object(read_input(source, MAX_DOCUMENT_BYTES)),
                                 source=source)
    except (JsonDocumentError, RegistryError) as error:
        raise UsageError(f"--registry {source}: {error.message}") from None
    return lambda: registry


def _documents(pairs: list[str]) -> dict[str, object]:
    documents: dict[str, object] = {}
    for pair in pairs:
        url, separator, path = pair.rpartition("=")
        if not separator or not url or not path:
            raise UsageError(f"--document takes URL=FILE, got {pair!r}")
        if url.startswith("did:web:"):
            url = did_web_to_url(url)  # a did:web DID names its DID document's URL
        try:
            documents[url.partition("#")[0]] = parse_json_object(
                read_input(path, MAX_DOCUMENT_BYTES))
        except JsonDocumentError as error:
            raise UsageError(f"--document {path}: {error.message}") from None
    return documents


@dataclass(frozen=True, slots=True)
class _OfflineHint:
    """Local documents; a missing one says how to supply it."""

    documents: StaticDocumentFetcher

    def fetch_json(self, url: str) -> object:
        try:
            return self.documents.fetch_json(url)
        except ResolutionError:
            raise ResolutionError(f"no document for {url} (supply it with --document "
                                  f"{url}=FILE)") from None


# Skips that only say there was nothing to check; any other skip is named in the verdict.
_NOTHING_TO_CHECK = frozenset({"no_endorsements", "no_status"})


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _printable(text: object) -> str:
    """Text from a credential, with controls (terminal escapes, bidi overrides) escaped, so
    that a credential cannot redraw the verdict on the reader's terminal."""
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", str(text))


def render_report(report: VerificationReport, indent: str = "") -> str:
    """The human form of a report: one line per check, then the verdict."""
    lines: list[str] = []
    credential_id = report.credential.get("id") if report.credential else None
    if credential_id:
        lines.append(f"{indent}Credential {_printable(credential_id)}")
    width = max(len(check_id.value) for check_id in CheckId)
    for check in report.checks:
        code = f" [{check.code}]" if check.code and check.status is not CheckStatus.SKIPPED else ""
        lines.append(f"{indent}  {_LABELS[check.status]:<5} {check.id.value:<{width}}  "
                     f"{_printable(check.message)}{code}")
        lines += [f"{indent}        {' ' * width}  - {_printable(detail)}"
                  for detail in check.details if detail != check.message]
    problem = report.first_problem
    verdict = "VERIFIED" if report.verified else "NOT VERIFIED"
    if problem is not None:
        verdict += f" ({problem.id.value}: {problem.code})"
    not_checked = [check.id.value for check in report.checks
                   if check.status is CheckStatus.SKIPPED and check.code not in _NOTHING_TO_CHECK]
    if report.verified and not_checked:
        verdict += f"; not checked: {', '.join(not_checked)}"
    lines.append(f"{indent}Verdict: {verdict}")
    return "\n".join(lines) + "\n"
