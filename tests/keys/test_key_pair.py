"""Ed25519 key pairs: published vectors, format round trips, errors, no secret leakage."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from keys.errors import (
    InvalidSignatureError,
    KeyDecryptionError,
)
from keys.key_pair import KeyPair, generate_key_pair, load_private_key
from keys.multibase import (
    encode_base58btc,
    encode_base64url,
)
from keys.public_key import PublicKey, load_public_key

# -- published vectors ---------------------------------------------------------------------


def test_ob3_vector_from_hex(ob3_vector: dict[str, str]) -> None:
    key_pair = load_private_key(ob3_vector["privateKeyHex_seedThenPublic"])
    assert key_pair.public_key.raw.hex() == ob3_vector["publicKeyHex"]
    assert key_pair.public_key_multibase == ob3_vector["publicKeyMultibase"]
    assert key_pair.to_secret_multibase(include_public=True) == ob3_vector["secretKeyMultibase"]
    assert key_pair.to_private_hex() == ob3_vector["privateKeyHex_seedThenPublic"]
    assert key_pair.did_key == "did:key:" + ob3_vector["publicKeyMultibase"]
    multikey = ob3_vector["publicKeyMultibase"]
    assert key_pair.did_key_verification_method == f"did:key:{multikey}#{multikey}"


def test_ob3_vector_from_secret_multibase(ob3_vector: dict[str, str]) -> None:
    key_pair = load_private_key(ob3_vector["secretKeyMultibase"])
    assert key_pair.public_key_multibase == ob3_vector["publicKeyMultibase"]
    assert key_pair.public_key.raw.hex() == ob3_vector["publicKeyHex"]


def test_ob3_vector_public_key(ob3_vector: dict[str, str]) -> None:
    public_key = PublicKey.from_multibase(ob3_vector["publicKeyMultibase"])
    assert public_key.raw == bytes.fromhex(ob3_vector["publicKeyHex"])
    assert public_key.multibase == ob3_vector["publicKeyMultibase"]


def test_w3c_vector_seed_form(w3c_vector: dict[str, str]) -> None:
    key_pair = load_private_key(w3c_vector["privateKeyMultibase"])
    assert key_pair.public_key_multibase == w3c_vector["publicKeyMultibase"]
    assert key_pair.to_secret_multibase() == w3c_vector["privateKeyMultibase"]


def _cryptography_key(key_pair: KeyPair) -> Ed25519PrivateKey:
    """The same key as a pyca object, to build DER / SPKI inputs the API does not emit."""
    key = serialization.load_pem_private_key(key_pair.to_pkcs8_pem(), None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


# -- round trips ---------------------------------------------------------------------------

EXPORTS: list[tuple[str, Callable[[KeyPair], str | bytes]]] = [
    ("pem", lambda pair: pair.to_pkcs8_pem()),
    ("pem-text", lambda pair: pair.to_pkcs8_pem().decode("ascii")),
    ("jwk", lambda pair: json.dumps(pair.to_private_jwk())),
    ("secret-multibase-32", lambda pair: pair.to_secret_multibase()),
    ("secret-multibase-64", lambda pair: pair.to_secret_multibase(include_public=True)),
    ("hex-64", lambda pair: pair.to_private_hex()),
    ("hex-32", lambda pair: pair.to_private_hex(include_public=False)),
    ("hex-upper", lambda pair: pair.to_private_hex().upper()),
    ("padded", lambda pair: "\n  " + pair.to_secret_multibase() + "\n"),
    (
        "der",
        lambda pair: _cryptography_key(pair).private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    ),
]


@pytest.mark.parametrize(("name", "export"), EXPORTS, ids=[name for name, _ in EXPORTS])
def test_round_trip_through_every_format(
    key_pair: KeyPair, name: str, export: Callable[[KeyPair], str | bytes]
) -> None:
    loaded = load_private_key(export(key_pair))
    assert loaded == key_pair, name
    assert loaded.public_key == key_pair.public_key


def test_encrypted_pem_round_trip(key_pair: KeyPair) -> None:
    pem = key_pair.to_pkcs8_pem("correct horse")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert load_private_key(pem, "correct horse") == key_pair
    assert load_private_key(pem, b"correct horse") == key_pair


def test_encrypted_der_round_trip(key_pair: KeyPair) -> None:
    der = _cryptography_key(key_pair).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    assert load_private_key(der, "secret") == key_pair
    with pytest.raises(KeyDecryptionError):
        load_private_key(der)
    with pytest.raises(KeyDecryptionError):
        load_private_key(der, "wrong")


def test_passphrase_is_ignored_for_a_plain_pem(key_pair: KeyPair) -> None:
    assert load_private_key(key_pair.to_pkcs8_pem(), "unused") == key_pair


def test_public_forms_round_trip(key_pair: KeyPair) -> None:
    public_key = key_pair.public_key
    jwk = key_pair.to_public_jwk()
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(public_key.raw)}
    assert PublicKey.from_jwk(jwk) == public_key
    assert load_public_key(jwk) == public_key
    assert load_public_key(json.dumps(jwk)) == public_key
    assert load_public_key(public_key.multibase) == public_key
    pem = (
        _cryptography_key(key_pair)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert load_public_key(pem.decode("ascii")) == public_key


def test_private_jwk_shape(key_pair: KeyPair) -> None:
    jwk = key_pair.to_private_jwk()
    assert sorted(jwk) == ["crv", "d", "kty", "x"]
    assert jwk["x"] == encode_base64url(key_pair.public_key.raw)
    assert KeyPair.from_jwk(jwk) == key_pair


def test_generate_makes_distinct_working_keys() -> None:
    first, second = generate_key_pair(), generate_key_pair()
    assert first != second
    assert first.public_key_multibase.startswith("z6Mk")
    signature = first.sign(b"payload")
    first.public_key.verify(signature, b"payload")
    with pytest.raises(InvalidSignatureError):
        second.public_key.verify(signature, b"payload")


# -- signing -------------------------------------------------------------------------------


def test_signatures_are_deterministic_and_verify(key_pair: KeyPair) -> None:
    signature = key_pair.sign(b"hello")
    assert len(signature) == 64
    assert signature == key_pair.sign(b"hello")
    key_pair.public_key.verify(signature, b"hello")


@pytest.mark.parametrize(
    ("signature", "data"),
    [
        ("tampered-data", b"hellO"),
        ("flipped-bit", b"hello"),
        ("short", b"hello"),
        ("empty", b"hello"),
    ],
)
def test_bad_signatures_raise(key_pair: KeyPair, signature: str, data: bytes) -> None:
    good = key_pair.sign(b"hello")
    candidates = {
        "tampered-data": good,
        "flipped-bit": bytes([good[0] ^ 1]) + good[1:],
        "short": good[:63],
        "empty": b"",
    }
    with pytest.raises(InvalidSignatureError) as raised:
        key_pair.public_key.verify(candidates[signature], data)
    assert raised.value.code == "invalid_signature"


# -- no leakage ----------------------------------------------------------------------------


def _secret_renderings(key_pair: KeyPair) -> list[str]:
    seed = bytes.fromhex(key_pair.to_private_hex(include_public=False))
    return [
        seed.hex(),
        seed.hex().upper(),
        encode_base64url(seed),
        encode_base58btc(seed),
        key_pair.to_secret_multibase(),
        key_pair.to_secret_multibase(include_public=True),
        repr(seed),
    ]


def test_repr_and_str_never_show_private_material(key_pair: KeyPair) -> None:
    shown = [repr(key_pair), str(key_pair), f"{key_pair}", f"{key_pair!r}", repr([key_pair])]
    for text in shown:
        assert key_pair.public_key_multibase in text
        for secret in _secret_renderings(key_pair):
            assert secret not in text
    assert repr(key_pair.public_key) == f"PublicKey({key_pair.public_key_multibase!r})"


def test_key_pair_equality_is_by_key(key_pair: KeyPair) -> None:
    assert key_pair == KeyPair.from_hex(key_pair.to_private_hex())
    assert key_pair != KeyPair.from_seed(bytes(32))
    assert key_pair != "not a key"
