"""The `microbadges keys` sub-commands: generate, import and show Ed25519 keys.

`show` prints public information only; private keys go only where `--out` (or stdout for
`generate` / `import`) sends them. Exit codes: 0 success, 2 unreadable input or misuse.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Final

from badges.json_document import parse_json_object
from cli.console import (
    EXIT_OK,
    UsageError,
    passphrase_from_env,
    read_input,
    reporting_errors,
)
from keys.did_key import create_did_key, create_did_key_verification_method, parse_did_key
from keys.errors import BadgeError, KeyFormatError
from keys.key_pair import KeyPair, generate_key_pair, load_private_key
from keys.public_key import PublicKey, load_public_key

__all__ = ["register"]

_MAX_INPUT_BYTES: Final = 1 << 20



def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `keys` command and its `generate`, `import` and `show` sub-commands."""
    keys_parser = commands.add_parser(
        "keys", help="generate, import and inspect Ed25519 signing keys"
    )
    actions = keys_parser.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    generate = actions.add_parser("generate", help="create a new private key")
    _add_output_options(generate)
    generate.set_defaults(handler=_handle_generate)

    import_ = actions.add_parser(
        "import", help="convert a private key (PEM, JWK, Multikey, hex) to PEM or JWK"
    )
    import_.add_argument("source", metavar="SOURCE", help="key file, or - for stdin")
    _add_output_options(import_)
    import_.set_defaults(handler=_handle_import)

    show = actions.add_parser("show", help="print the public key, did:key and public JWK")
    show.add_argument("keyfile", metavar="KEYFILE", help="key file, or - for stdin")
    _add_passphrase_option(show, "passphrase of an encrypted PEM key")
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(handler=_handle_show)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="FILE", help="write the private key here (mode 0600); default stdout"
    )
    parser.add_argument(
        "--format", choices=("pem", "jwk"), default="pem", help="output format (default: pem)"
    )
    _add_passphrase_option(
        parser, "passphrase to encrypt the PEM output (and to decrypt an encrypted source)"
    )


def _add_passphrase_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    parser.add_argument(
        "--passphrase-env", metavar="VAR", help=f"environment variable holding the {purpose}"
    )


@reporting_errors
def _handle_generate(args: argparse.Namespace) -> int:
    passphrase = passphrase_from_env(args.passphrase_env)
    if passphrase is not None and args.format == "jwk":
        raise UsageError("--passphrase-env only applies to --format pem (a JWK is not encrypted)")
    key_pair = generate_key_pair()
    _write_private_key(key_pair, args.format, passphrase, args.out)
    _print_public_summary(key_pair.public_key)
    return EXIT_OK


@reporting_errors
def _handle_import(args: argparse.Namespace) -> int:
    passphrase = passphrase_from_env(args.passphrase_env)
    key_pair = load_private_key(_read_key_file(args.source), passphrase)
    _write_private_key(key_pair, args.format, passphrase, args.out)
    _print_public_summary(key_pair.public_key)
    return EXIT_OK


@reporting_errors
def _handle_show(args: argparse.Namespace) -> int:
    public_key = _read_any_public_key(_read_key_file(args.keyfile),
                                      passphrase_from_env(args.passphrase_env))
    info = _public_info(public_key)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for name, value in info.items():
            text = json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
            print(f"{name}: {text}")
    return EXIT_OK


def _read_key_file(source: str) -> bytes:
    """The bytes of a key file; a JWK (JSON) is read first with the one strict JSON reader,
    so that a 100,000-digit integer or 50,000-deep nesting is an error line, not a
    traceback.

    Raises UsageError (unreadable, too large), JsonDocumentError (not one JSON object).
    """
    data = read_input(source, _MAX_INPUT_BYTES)
    text = data.strip().removeprefix(b"\xef\xbb\xbf").lstrip()  # as the key readers see it
    if text.startswith(b"{"):
        parse_json_object(text, max_bytes=_MAX_INPUT_BYTES)
    return data


def _read_any_public_key(data: bytes, passphrase: str | None) -> PublicKey:
    """A private key in any format, else a public key (Multikey, JWK, PEM, did:key)."""
    try:
        return load_private_key(data, passphrase).public_key
    except KeyFormatError as private_error:
        try:
            text = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise private_error from None
        try:
            if text.startswith("did:key:"):
                return parse_did_key(text)
            return load_public_key(text)
        except BadgeError:
            raise private_error from None


def _write_private_key(
    key_pair: KeyPair, output_format: str, passphrase: str | None, out: str | None
) -> None:
    if output_format == "jwk":
        data = (json.dumps(key_pair.to_private_jwk(), indent=2) + "\n").encode("ascii")
    else:
        data = key_pair.to_pkcs8_pem(passphrase)
    if out is None or out == "-":
        sys.stdout.write(data.decode("ascii"))
        sys.stdout.flush()
        return
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{out} already exists; refusing to overwrite it") from None
    except OSError as error:
        raise UsageError(f"cannot create {out}: {error.strerror}") from None
    with os.fdopen(descriptor, "wb") as stream:
        os.fchmod(stream.fileno(), 0o600)
        stream.write(data)


def _public_info(public_key: PublicKey) -> dict[str, object]:
    return {
        "publicKeyMultibase": public_key.multibase,
        "did": create_did_key(public_key),
        "verificationMethod": create_did_key_verification_method(public_key),
        "publicKeyJwk": public_key.to_jwk(),
    }


def _print_public_summary(public_key: PublicKey) -> None:
    print(f"publicKeyMultibase: {public_key.multibase}", file=sys.stderr)
    print(f"did:key: {create_did_key(public_key)}", file=sys.stderr)
