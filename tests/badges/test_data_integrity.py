"""eddsa-rdfc-2022 and Ed25519Signature2020: exact vectors, round trips, failure modes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from badges.canonicalization import canonicalize
from badges.data_integrity import (
    MalformedProofError,
    ProofError,
    UnsupportedProofError,
    add_proof,
    verify_proof,
)
from keys.errors import InvalidSignatureError
from keys.key_pair import KeyPair
from keys.multibase import decode_multibase
from keys.public_key import PublicKey
from tests.conftest import VECTORS, load_json

W3C = VECTORS / "w3c-vc-di-eddsa"
CREATED = datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)


def _vector_key(ob3_vector: dict[str, Any]) -> KeyPair:
    return KeyPair.from_hex(ob3_vector["keyPair"]["privateKeyHex_seedThenPublic"])


def test_ob3_vector_signature_and_proof_value(ob3_vector: dict[str, Any]) -> None:
    key = _vector_key(ob3_vector)
    signed = add_proof(ob3_vector["unsignedCredential"], key,
                       verification_method=ob3_vector["keyPair"]["id"], created=CREATED)
    proof = signed["proof"][0]
    assert proof == {**ob3_vector["proofConfig"], "proofValue": ob3_vector["proofValue"]}
    assert decode_multibase(proof["proofValue"]).hex() == ob3_vector["signatureHex"]
    config = {**ob3_vector["proofConfig"], "@context": signed["@context"]}
    hash_data = (hashlib.sha256(canonicalize(config).encode()).digest()
                 + hashlib.sha256(canonicalize(ob3_vector["unsignedCredential"]).encode()).digest())
    assert hash_data.hex() == ob3_vector["hashDataHex_proofHashThenDocHash"]
    verify_proof(signed, proof, key.public_key)
    # The vector's own signed credential carries a single proof object: it verifies too.
    vector_signed = ob3_vector["signedCredential"]
    verify_proof(vector_signed, vector_signed["proof"], key.public_key)


@pytest.mark.parametrize("folder", ["eddsa-rdfc-2022", "eddsa-rdfc-2022/employ"])
def test_w3c_eddsa_rdfc_2022_vectors(folder: str) -> None:
    base = W3C / folder
    pair = load_json(W3C / "keyPair.json")
    key = KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    assert key.public_key_multibase == pair["publicKeyMultibase"]
    unsigned = load_json(W3C / ("employmentAuth.json" if "employ" in folder else "unsigned.json"))
    config = load_json(base / "proofConfigDataInt.json")
    signed = add_proof(unsigned, key, verification_method=config["verificationMethod"],
                       created=datetime.fromisoformat(config["created"]))
    proof = signed["proof"][0]
    expected = load_json(base / "signedDataInt.json")
    assert proof["proofValue"] == expected["proof"]["proofValue"]
    assert proof["proofValue"] == (base / "sigBTC58DataInt.txt").read_text().strip()
    assert decode_multibase(proof["proofValue"]).hex() == (
        base / "sigHexDataInt.txt").read_text().strip()
    hash_data = (base / "combinedHashDataInt.txt").read_text().strip()
    config_hash = hashlib.sha256(canonicalize(config).encode()).hexdigest()
    document_hash = hashlib.sha256(canonicalize(unsigned).encode()).hexdigest()
    assert config_hash + document_hash == hash_data
    verify_proof(expected, expected["proof"], key.public_key)


def test_w3c_ed25519_signature_2020_vector_verifies() -> None:
    signed = load_json(W3C / "Ed25519Signature2020" / "signedEdSig.json")
    public_key = PublicKey.from_multibase(load_json(W3C / "keyPair.json")["publicKeyMultibase"])
    verify_proof(signed, signed["proof"], public_key)
    signed["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(InvalidSignatureError):
        verify_proof(signed, signed["proof"], public_key)


def test_round_trip_and_proof_set(ob3_vector: dict[str, Any]) -> None:
    first, second = KeyPair.generate(), KeyPair.generate()
    document = ob3_vector["unsignedCredential"]
    signed = add_proof(document, first, verification_method=first.did_key_verification_method,
                       created=CREATED)
    signed = add_proof(signed, second, verification_method=second.did_key_verification_method,
                       created=CREATED)
    assert "proof" not in document
    assert len(signed["proof"]) == 2
    verify_proof(signed, signed["proof"][0], first.public_key)
    verify_proof(signed, signed["proof"][1], second.public_key)
    with pytest.raises(InvalidSignatureError):
        verify_proof(signed, signed["proof"][0], second.public_key)


@pytest.mark.parametrize(("change", "error", "code"), [
    (lambda p: p.pop("proofValue"), MalformedProofError, "malformed_proof"),
    (lambda p: p.update(proofValue="uAAAA"), MalformedProofError, "malformed_proof"),
    (lambda p: p.update(proofValue="z3"), MalformedProofError, "malformed_proof"),
    (lambda p: p.update(proofValue="z0OIl"), MalformedProofError, "malformed_proof"),
    (lambda p: p.update(cryptosuite="ecdsa-rdfc-2019"), UnsupportedProofError,
     "unsupported_proof"),
    (lambda p: p.update(type="BbsBlsSignature2020"), UnsupportedProofError, "unsupported_proof"),
    (lambda p: p.pop("type"), MalformedProofError, "malformed_proof"),
    (lambda p: p.update(proofPurpose="authentication"), ProofError, "invalid_proof"),
    (lambda p: p.update(created="2010-01-01T19:23:25Z"), InvalidSignatureError,
     "invalid_signature"),
    (lambda p: p.update(verificationMethod="did:example:other#key"), InvalidSignatureError,
     "invalid_signature"),
])
def test_bad_proofs(ob3_vector: dict[str, Any], change: Any, error: type[Exception],
                    code: str) -> None:
    key = _vector_key(ob3_vector)
    signed = add_proof(ob3_vector["unsignedCredential"], key,
                       verification_method=ob3_vector["keyPair"]["id"], created=CREATED)
    proof = signed["proof"][0]
    change(proof)
    with pytest.raises(error) as caught:
        verify_proof(signed, proof, key.public_key)
    assert caught.value.code == code  # type: ignore[attr-defined]


def test_naive_created_is_refused(ob3_vector: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="timezone"):
        add_proof(ob3_vector["unsignedCredential"], KeyPair.generate(),
                  verification_method="did:example:1#k",
                  created=datetime(2020, 1, 1))  # noqa: DTZ001 (naive on purpose)
