"""`microbadges sign`: add an eddsa-rdfc-2022 proof to a credential and print it."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from badges.data_integrity import add_proof
from badges.datatypes import parse_datetime
from badges.json_document import MAX_DOCUMENT_BYTES, JsonDocumentError, parse_json_object
from cli.console import (
    EXIT_OK,
    UsageError,
    passphrase_from_env,
    read_input,
    reporting_errors,
)
from keys.key_pair import load_private_key
from verifier.report import CheckStatus
from verifier.structure import check_structure, issuer_id

MAX_KEY_BYTES = 64 * 1024


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `sign` command."""
    parser = commands.add_parser(
        "sign", help="add an eddsa-rdfc-2022 Data Integrity proof to a credential",
        description="Print the credential with an eddsa-rdfc-2022 proof added (existing "
                    "proofs are kept).")
    parser.add_argument("credential", metavar="PATH|-", help="credential JSON file, or - for stdin")
    parser.add_argument("--key", required=True, metavar="KEYFILE",
                        help="Ed25519 private key: PKCS#8 PEM (optionally encrypted) or JWK")
    parser.add_argument("--passphrase-env", metavar="VAR",
                        help="environment variable holding the passphrase of an encrypted key")
    parser.add_argument("--verification-method", metavar="ID",
                        help="verification method id (default: the key's did:key method)")
    parser.add_argument("--created", metavar="ISO8601",
                        help="proof creation time (default: now), e.g. 2026-01-01T00:00:00Z")
    parser.set_defaults(handler=run)


@reporting_errors
def run(args: argparse.Namespace) -> int:
    """Sign and print; exit 0, or 2 on unreadable input or misuse."""
    try:
        credential = parse_json_object(read_input(args.credential, MAX_DOCUMENT_BYTES))
    except JsonDocumentError as error:
        raise UsageError(f"{args.credential}: {error.message}") from None
    structure = check_structure(credential)
    if structure.status is not CheckStatus.PASSED:
        raise UsageError(f"{args.credential}: not a well-formed credential: "
                         + "; ".join(structure.details or (structure.message,)))
    key_pair = load_private_key(read_input(args.key, MAX_KEY_BYTES),
                                passphrase_from_env(args.passphrase_env))
    created = parse_datetime(args.created) if args.created else datetime.now(UTC)
    method = args.verification_method or key_pair.did_key_verification_method
    signed = add_proof(credential, key_pair, verification_method=method, created=created)
    issuer = issuer_id(credential)
    if not args.verification_method and issuer != key_pair.did_key:
        print(f"warning: signed with {key_pair.did_key}, but the issuer is {issuer}: "
              "verifiers will report issuer_mismatch (pass --verification-method, or make "
              "the issuer id the key's did:key)", file=sys.stderr)
    json.dump(signed, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK
