"""Key import errors: one table per kind of input, asserting the error class and code."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

from keys.errors import (
    BadgeError,
    InvalidPassphraseError,
    KeyDecryptionError,
    KeyFormatError,
    MultibaseError,
)
from keys.key_pair import KeyPair, load_private_key
from keys.multibase import (
    ED25519_PRIVATE_KEY_PREFIX,
    ED25519_PUBLIC_KEY_PREFIX,
    encode_base64url,
    encode_multibase,
)
from keys.public_key import PublicKey, load_public_key

# -- errors --------------------------------------------------------------------------------

SEED = bytes(range(32))
SEED_PAIR = KeyPair.from_seed(SEED)
OTHER_PUBLIC = KeyPair.from_seed(bytes(32)).public_key.raw
P256_PEM = (
    generate_private_key(SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode("ascii")
)

PRIVATE_KEY_ERRORS: list[tuple[str, str | bytes, type[BadgeError], str]] = [
    ("empty", "", KeyFormatError, "invalid_key"),
    ("unknown-format", "hello there", KeyFormatError, "invalid_key"),
    ("hex-wrong-length", "ab" * 31, KeyFormatError, "invalid_key"),
    ("hex-64-mismatch", (SEED + OTHER_PUBLIC).hex(), KeyFormatError, "invalid_key"),
    (
        "multibase-public-prefix",
        encode_multibase(ED25519_PUBLIC_KEY_PREFIX + SEED),
        MultibaseError,
        "invalid_multibase",
    ),
    (
        "multibase-wrong-length",
        encode_multibase(ED25519_PRIVATE_KEY_PREFIX + SEED[:31]),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "multibase-64-mismatch",
        encode_multibase(ED25519_PRIVATE_KEY_PREFIX + SEED + OTHER_PUBLIC),
        KeyFormatError,
        "invalid_key",
    ),
    ("multibase-bad-base58", "z0000", MultibaseError, "invalid_multibase"),
    ("jwk-not-json", "{not json", KeyFormatError, "invalid_key"),
    ("jwk-array", "[1]", KeyFormatError, "invalid_key"),
    ("jwk-wrong-kty", json.dumps({"kty": "EC", "crv": "P-256"}), KeyFormatError, "invalid_key"),
    ("jwk-wrong-crv", json.dumps({"kty": "OKP", "crv": "X25519"}), KeyFormatError, "invalid_key"),
    (
        "jwk-no-d",
        json.dumps(SEED_PAIR.to_public_jwk()),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "jwk-no-x",
        json.dumps({"kty": "OKP", "crv": "Ed25519", "d": encode_base64url(SEED)}),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "jwk-x-mismatch",
        json.dumps({**SEED_PAIR.to_private_jwk(), "x": encode_base64url(OTHER_PUBLIC)}),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "jwk-short-d",
        json.dumps({**SEED_PAIR.to_private_jwk(), "d": encode_base64url(SEED[:16])}),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "jwk-d-not-string",
        json.dumps({**SEED_PAIR.to_private_jwk(), "d": 7}),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "jwk-d-padded",
        json.dumps({**SEED_PAIR.to_private_jwk(), "d": encode_base64url(SEED) + "="}),
        KeyFormatError,
        "invalid_key",
    ),
    (
        "pem-garbage",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        KeyFormatError,
        "invalid_key",
    ),
    ("pem-not-ed25519", P256_PEM, KeyFormatError, "invalid_key"),
    (
        "pem-encrypted-no-passphrase",
        SEED_PAIR.to_pkcs8_pem("pw"),
        KeyDecryptionError,
        "key_decryption_failed",
    ),
    ("der-garbage", b"\x30\x82\xff\xfe\x00", KeyFormatError, "invalid_key"),
    ("bytes-not-utf8", b"\xff\xfe-----BEGIN", KeyFormatError, "invalid_key"),
]


@pytest.mark.parametrize(
    ("name", "data", "error", "code"),
    PRIVATE_KEY_ERRORS,
    ids=[case[0] for case in PRIVATE_KEY_ERRORS],
)
def test_private_key_errors(
    name: str, data: str | bytes, error: type[BadgeError], code: str
) -> None:
    with pytest.raises(error) as raised:
        load_private_key(data)
    assert raised.value.code == code
    assert SEED.hex() not in raised.value.message


def test_wrong_passphrase_is_a_decryption_error() -> None:
    with pytest.raises(KeyDecryptionError) as raised:
        load_private_key(SEED_PAIR.to_pkcs8_pem("right"), "wrong")
    assert raised.value.code == "key_decryption_failed"


@pytest.mark.parametrize("passphrase", ["", b""])
def test_empty_passphrase_is_refused(passphrase: str | bytes) -> None:
    with pytest.raises(InvalidPassphraseError):
        SEED_PAIR.to_pkcs8_pem(passphrase)
    with pytest.raises(InvalidPassphraseError):
        load_private_key(SEED_PAIR.to_pkcs8_pem("pw"), passphrase)


PUBLIC_KEY_ERRORS: list[tuple[str, str | dict[str, object]]] = [
    ("private-prefix", encode_multibase(ED25519_PRIVATE_KEY_PREFIX + SEED)),
    ("short", encode_multibase(ED25519_PUBLIC_KEY_PREFIX + SEED[:31])),
    ("unknown", "ssh-ed25519 AAAA"),
    ("jwk-wrong-curve", {"kty": "OKP", "crv": "Ed448", "x": encode_base64url(SEED)}),
    ("jwk-no-x", {"kty": "OKP", "crv": "Ed25519"}),
    ("pem-garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
]


@pytest.mark.parametrize(
    ("name", "data"), PUBLIC_KEY_ERRORS, ids=[case[0] for case in PUBLIC_KEY_ERRORS]
)
def test_public_key_errors(name: str, data: str | dict[str, object]) -> None:
    with pytest.raises(KeyFormatError):
        load_public_key(data)


def test_public_key_rejects_wrong_length() -> None:
    with pytest.raises(KeyFormatError):
        PublicKey(b"\x01" * 31)
