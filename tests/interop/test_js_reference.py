"""Interoperability with the JavaScript reference libraries (@digitalbazaar/vc stack).

The JS side runs for real (Node + the pinned npm packages, installed into a cache folder on
first use). Where Node is missing the tests are skipped locally, but never in CI.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from badges.data_integrity import add_proof
from keys.key_pair import KeyPair
from keys.resolution import StaticDocumentFetcher
from tests.interop.js_reference import js_sign, js_verify, multikey_documents, node_available
from tests.samples import (
    ISSUER_ID,
    LIST_URL,
    SIGNED_AT,
    realistic_microbadge,
    sample_key,
    signed_status_list,
)
from verifier.report import CheckStatus
from verifier.verify import VerifierOptions, verify_credential

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not node_available() and not os.environ.get("CI"),
                       reason="Node.js is not installed (CI always runs these)"),
]

NOW = "2026-06-01T00:00:00Z"
CREATED = "2026-03-02T09:30:00Z"


def _plain_vc(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:5b6f7a8c-1d2e-4f30-9a4b-5c6d7e8f9a0b",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alumna", "alumniOf": "Example University"},
    }


def _fragment_method(key: KeyPair) -> str:
    return f"{ISSUER_ID}#{key.public_key_multibase}"


def _python_verifies(credential: dict[str, Any]) -> None:
    documents = {LIST_URL: signed_status_list()}
    report = verify_credential(credential, VerifierOptions(
        fetcher=StaticDocumentFetcher(documents), clock=lambda: SIGNED_AT))
    problems = [check for check in report.checks
                if check.status in (CheckStatus.FAILED, CheckStatus.ERROR)]
    assert problems == []
    assert report.verified


def test_js_verifies_a_microbadge_signed_by_microbadges() -> None:
    key = sample_key()
    signed = add_proof(realistic_microbadge(), key, verification_method=_fragment_method(key),
                       created=SIGNED_AT)
    documents = multikey_documents(_fragment_method(key), ISSUER_ID, key.public_key_multibase)
    result = js_verify(signed, documents=documents, now=NOW)
    assert (result.verified, result.errors) == (True, [])
    signed["credentialSubject"]["achievement"]["name"] = "High-voltage battery safety (Expert)"
    assert js_verify(signed, documents=documents, now=NOW).verified is False


def test_js_verifies_a_did_key_microbadge_and_a_plain_vc() -> None:
    key = KeyPair.generate()
    for document in (realistic_microbadge(issuer_id=key.did_key), _plain_vc(key.did_key)):
        signed = add_proof(document, key, verification_method=key.did_key_verification_method,
                           created=SIGNED_AT)
        result = js_verify(signed, now=NOW)
        assert (result.verified, result.errors) == (True, [])


def test_microbadges_verifies_what_js_signs_and_signatures_are_identical() -> None:
    key = sample_key()
    method = _fragment_method(key)
    js_signed = js_sign(realistic_microbadge(), secret_key_multibase=key.to_secret_multibase(),
                        public_key_multibase=key.public_key_multibase,
                        verification_method=method, controller=ISSUER_ID, created=CREATED,
                        documents=multikey_documents(method, ISSUER_ID,
                                                     key.public_key_multibase))
    _python_verifies(js_signed)
    ours = add_proof(realistic_microbadge(), key, verification_method=method,
                     created=SIGNED_AT)
    js_proof = js_signed["proof"]
    js_proof = js_proof[0] if isinstance(js_proof, list) else js_proof
    # Ed25519 is deterministic: same document, key and proof options -> same proofValue.
    assert js_proof["proofValue"] == ours["proof"][0]["proofValue"]


def test_microbadges_verifies_a_plain_vc_signed_by_js() -> None:
    key = KeyPair.generate()
    js_signed = js_sign(_plain_vc(key.did_key), secret_key_multibase=key.to_secret_multibase(),
                        public_key_multibase=key.public_key_multibase,
                        verification_method=key.did_key_verification_method,
                        controller=key.did_key, created=CREATED)
    _python_verifies(js_signed)
    js_signed["credentialSubject"]["alumniOf"] = "Another University"
    report = verify_credential(js_signed, VerifierOptions(clock=lambda: SIGNED_AT))
    assert report.first_problem is not None
    assert (report.first_problem.id.value, report.first_problem.code) == (
        "proof", "invalid_signature")
