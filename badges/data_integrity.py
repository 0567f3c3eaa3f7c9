"""Data Integrity proofs: create and verify `eddsa-rdfc-2022`, verify `Ed25519Signature2020`.

Follows W3C "Data Integrity EdDSA Cryptosuites v1.0" §3.3 (eddsa-rdfc-2022: transformation
RDFC-1.0, hashing SHA-256, proof serialisation Ed25519) and the Ed25519Signature2020 CCG
suite, which hashes and signs the same way. The issuer signs with `add_proof`; the verifier
checks with `verify_proof`: one implementation for both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Protocol

from badges.canonicalization import canonicalize
from badges.datatypes import parse_datetime
from badges.document_loader import DATA_INTEGRITY_V2, VC_V2
from badges.errors import InvalidDateTimeError
from badges.json_document import as_list
from keys.errors import BadgeError, MultibaseError
from keys.multibase import decode_multibase, encode_multibase

DATA_INTEGRITY_PROOF: Final = "DataIntegrityProof"
ED25519_SIGNATURE_2020: Final = "Ed25519Signature2020"
ASSERTION_METHOD: Final = "assertionMethod"


class Cryptosuite(StrEnum):
    """The proof suites microbadges verifies (and, for EDDSA_RDFC_2022, creates)."""

    EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
    ED25519_SIGNATURE_2020 = "Ed25519Signature2020"


class ProofError(BadgeError):
    """A proof is missing, malformed, or does not match the document."""

    code = "invalid_proof"


class MalformedProofError(ProofError):
    """A proof object lacks a required property or has a malformed one."""

    code = "malformed_proof"


class UnsupportedProofError(ProofError):
    """A proof of a type or cryptosuite microbadges does not implement."""

    code = "unsupported_proof"


class Signer(Protocol):
    """Anything that signs bytes with an Ed25519 private key."""

    def sign(self, data: bytes) -> bytes: ...


class SignatureVerifier(Protocol):
    """An Ed25519 public key: `verify` returns nothing and raises on a bad signature."""

    def verify(self, signature: bytes, data: bytes) -> None: ...


def proof_suite(proof: Mapping[str, Any]) -> Cryptosuite:
    """Return the suite of a proof object.

    Raises:
        MalformedProofError: the proof is not an object or has no usable `type`.
        UnsupportedProofError: the proof type or cryptosuite is not implemented.
    """
    if not isinstance(proof, Mapping):
        raise MalformedProofError("proof must be a JSON object")
    if "previousProof" in proof:
        # A chained proof signs the document with its previous proofs (Data Integrity §4.2):
        # listed as not checked rather than failed as a signature mismatch.
        raise UnsupportedProofError("chained proofs (previousProof) are not supported")
    proof_type = proof.get("type")
    if proof_type == DATA_INTEGRITY_PROOF:
        suite = proof.get("cryptosuite")
        if suite == Cryptosuite.EDDSA_RDFC_2022:
            return Cryptosuite.EDDSA_RDFC_2022
        if not isinstance(suite, str):
            raise MalformedProofError("DataIntegrityProof without a cryptosuite")
        raise UnsupportedProofError(f"cryptosuite {suite!r} is not supported")
    if proof_type == ED25519_SIGNATURE_2020:
        return Cryptosuite.ED25519_SIGNATURE_2020
    if not isinstance(proof_type, str):
        raise MalformedProofError("proof has no type")
    raise UnsupportedProofError(f"proof type {proof_type!r} is not supported")


def document_proofs(document: Mapping[str, Any]) -> list[Any]:
    """Return the proofs of a document as a list (a single `proof` object counts as one)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def add_proof(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Return a copy of `document` with an `eddsa-rdfc-2022` DataIntegrityProof appended.

    Proofs already present are kept (a proof set): each proof signs the document without
    its `proof` property. `created` is written in whole UTC seconds. `challenge` and
    `domain` (Data Integrity §2.1) bind a presentation's `authentication` proof to one
    verifier's request; they are signed with the rest of the proof options.

    Raises:
        ValueError: `created` is naive.
        CanonicalizationError (and subclasses): the document cannot be canonicalised safely.
    """
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    proof: dict[str, Any] = {
        "type": DATA_INTEGRITY_PROOF,
        "cryptosuite": Cryptosuite.EDDSA_RDFC_2022.value,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    secured = dict(document)
    contexts = as_list(document.get("@context"))
    if contexts and contexts[0] != VC_V2 and DATA_INTEGRITY_V2 not in contexts:
        # The VC 2.0 context defines DataIntegrityProof; older documents need the suite's
        # context, added as jsonld-signatures does (Data Integrity §2.1, "add suite context").
        secured["@context"] = [*contexts, DATA_INTEGRITY_V2]
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    signature = signer.sign(_hash_data(unsecured, proof))
    proof["proofValue"] = encode_multibase(signature)
    secured["proof"] = [*document_proofs(document), proof]
    return secured


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: SignatureVerifier,
    *,
    expected_proof_purpose: str = ASSERTION_METHOD,
    canonical_document: str | None = None,
) -> None:
    """Verify one proof of `document` with the public key of its verification method.

    Returns nothing; raises when the proof does not verify (pyca/cryptography style).
    `canonical_document` is the RDFC-1.0 form of the document without `proof`, when the
    caller already has it (the verifier computes it once for all checks and proofs).

    Raises:
        MalformedProofError, UnsupportedProofError: the proof cannot be checked as given.
        ProofError: the proof purpose is not the expected one.
        InvalidSignatureError: the signature does not match the document.
        CanonicalizationError (and subclasses): the document is not safe JSON-LD.
    """
    proof_suite(proof)
    signature = _decode_proof_value(proof.get("proofValue"))
    for name in ("verificationMethod", "proofPurpose", "created"):
        if name == "created" and proof.get("type") == DATA_INTEGRITY_PROOF and name not in proof:
            continue  # `created` is optional in Data Integrity 1.0
        if not isinstance(proof.get(name), str):
            raise MalformedProofError(f"proof has no {name}")
    for name in ("created", "expires"):
        if name in proof:
            try:
                parse_datetime(proof[name])
            except InvalidDateTimeError as error:
                raise MalformedProofError(f"proof {name}: {error.message}") from None
    if proof["proofPurpose"] != expected_proof_purpose:
        raise ProofError(f"proof purpose is {proof['proofPurpose']!r}, "
                         f"expected {expected_proof_purpose!r}")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    if "@context" in proof and proof["@context"] != unsecured.get("@context"):
        # eddsa-rdfc-2022 §3.3.2: the document is canonicalised with the proof's context
        # (after checking that the document's context starts with it).
        _check_proof_context(proof["@context"], unsecured.get("@context"))
        unsecured["@context"] = proof["@context"]
        canonical_document = None
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    public_key.verify(signature, _hash_data(unsecured, config, canonical_document))


def _hash_data(unsecured: dict[str, Any], proof_config: Mapping[str, Any],
               canonical_document: str | None = None) -> bytes:
    """SHA-256(RDFC(proof config)) || SHA-256(RDFC(document)) (eddsa-rdfc-2022 §3.3.4)."""
    if "@context" not in unsecured:
        raise MalformedProofError("the document has no @context, so it cannot be signed or "
                                  "verified as JSON-LD")
    # The proof's own @context, if any, was checked and applied by verify_proof (§3.3.2).
    config = {**proof_config, "@context": unsecured["@context"]}
    config_hash = hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
    if canonical_document is None:
        canonical_document = canonicalize(unsecured)
    document_hash = hashlib.sha256(canonical_document.encode("utf-8")).digest()
    return config_hash + document_hash


def _check_proof_context(proof_context: object, document_context: object) -> None:
    """A proof's own @context must be a prefix of the document's (Data Integrity §4.3)."""
    proof_list, document_list = as_list(proof_context), as_list(document_context)
    if document_list[: len(proof_list)] != proof_list:
        raise MalformedProofError("proof @context does not match the document's @context")


def _decode_proof_value(value: object) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise MalformedProofError("proofValue must be a base58btc multibase string ('z…')")
    try:
        signature = decode_multibase(value)
    except MultibaseError as error:
        raise MalformedProofError(f"proofValue is not valid base58btc: {error}") from None
    if len(signature) != 64:
        raise MalformedProofError(f"proofValue decodes to {len(signature)} bytes, expected 64")
    return signature
