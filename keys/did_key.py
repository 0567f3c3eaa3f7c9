"""did:key for Ed25519 (W3C CCG did:key Method v0.7): create, parse and resolve locally.

Resolution is pure computation from the identifier; it never performs network I/O.
"""

from __future__ import annotations

from typing import Final

from keys.errors import InvalidDidError, KeyFormatError
from keys.multibase import ED25519_PUBLIC_KEY_PREFIX, decode_multibase
from keys.public_key import PublicKey

__all__ = [
    "DID_KEY_PREFIX",
    "create_did_key",
    "create_did_key_verification_method",
    "parse_did_key",
    "resolve_did_key",
]

DID_KEY_PREFIX: Final = "did:key:"
DID_CONTEXT: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT: Final = "https://w3id.org/security/multikey/v1"
_RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)


def create_did_key(public_key: PublicKey) -> str:
    """Return `did:key:z6Mk…` for an Ed25519 public key."""
    return DID_KEY_PREFIX + public_key.multibase


def create_did_key_verification_method(public_key: PublicKey) -> str:
    """Return the did:key verification method id `did:key:z6Mk…#z6Mk…`."""
    return f"{create_did_key(public_key)}#{public_key.multibase}"


def parse_did_key(did: str) -> PublicKey:
    """Read the Ed25519 public key out of a did:key (optionally with its `#z6Mk…` fragment).

    Raises InvalidDidError when it is not a well-formed Ed25519 did:key, or when the
    fragment is not the key itself.
    """
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX):
        raise InvalidDidError(f"not a did:key identifier: {did!r}")
    identifier, _, fragment = did[len(DID_KEY_PREFIX) :].partition("#")
    if not identifier.startswith("z"):
        raise InvalidDidError("did:key must be base58btc multibase (start with 'z')")
    if fragment and fragment != identifier:
        raise InvalidDidError("did:key fragment must repeat the key (did:key:z6Mk…#z6Mk…)")
    try:
        data = decode_multibase(identifier)
    except KeyFormatError as error:
        raise InvalidDidError(f"malformed did:key: {error.message}") from error
    if not data.startswith(ED25519_PUBLIC_KEY_PREFIX):
        raise InvalidDidError(
            f"did:key uses multicodec 0x{data[:2].hex()}; only Ed25519 (0xed01, z6Mk…) is supported"
        )
    try:
        return PublicKey.from_multibase(identifier)
    except KeyFormatError as error:
        raise InvalidDidError(f"malformed did:key: {error.message}") from error


def resolve_did_key(did: str) -> dict[str, object]:
    """Build the DID document of an Ed25519 did:key (Multikey verification method).

    Raises InvalidDidError for a malformed or non-Ed25519 did:key, or a DID URL whose
    fragment is not the key.
    """
    public_key = parse_did_key(did)
    did = create_did_key(public_key)
    method_id = create_did_key_verification_method(public_key)
    document: dict[str, object] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key.multibase,
            }
        ],
    }
    for relationship in _RELATIONSHIPS:
        document[relationship] = [method_id]
    return document
