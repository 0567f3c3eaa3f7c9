"""did:key creation, parsing and local resolution."""

from __future__ import annotations

import pytest

from keys.did_key import (
    create_did_key,
    create_did_key_verification_method,
    parse_did_key,
    resolve_did_key,
)
from keys.errors import InvalidDidError
from keys.key_pair import KeyPair
from keys.multibase import ED25519_PUBLIC_KEY_PREFIX, encode_multibase

W3C_DID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def test_create_and_parse(key_pair: KeyPair, ob3_vector: dict[str, str]) -> None:
    multikey = ob3_vector["publicKeyMultibase"]
    assert create_did_key(key_pair.public_key) == f"did:key:{multikey}"
    method_id = create_did_key_verification_method(key_pair.public_key)
    assert method_id == f"did:key:{multikey}#{multikey}"
    assert parse_did_key(f"did:key:{multikey}") == key_pair.public_key
    assert parse_did_key(method_id) == key_pair.public_key


def test_resolve_builds_the_full_document() -> None:
    method_id = f"{W3C_DID}#{W3C_DID.removeprefix('did:key:')}"
    assert resolve_did_key(W3C_DID) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": W3C_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": W3C_DID,
                "publicKeyMultibase": W3C_DID.removeprefix("did:key:"),
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def test_resolving_a_did_url_gives_the_did_document() -> None:
    method_id = f"{W3C_DID}#{W3C_DID.removeprefix('did:key:')}"
    assert resolve_did_key(method_id) == resolve_did_key(W3C_DID)


P256_DID = "did:key:" + encode_multibase(b"\x80\x24" + b"\x02" + bytes(32))
X25519_DID = "did:key:" + encode_multibase(b"\xec\x01" + bytes(32))
SHORT_DID = "did:key:" + encode_multibase(ED25519_PUBLIC_KEY_PREFIX + bytes(31))


@pytest.mark.parametrize(
    "did",
    [
        "did:web:example.com",
        "did:key:",
        "did:key:abc",  # not base58btc multibase
        "did:key:z0OIl",  # bad base58
        "did:key:u7QE",  # base64url multibase is not allowed for did:key
        P256_DID,
        X25519_DID,
        SHORT_DID,
        f"{W3C_DID}#z6MkOther",  # fragment is not the key
    ],
)
def test_malformed_or_unsupported_did_key(did: str) -> None:
    with pytest.raises(InvalidDidError) as raised:
        resolve_did_key(did)
    assert raised.value.code == "invalid_did"
