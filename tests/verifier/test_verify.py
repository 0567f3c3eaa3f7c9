"""verify_credential on credentials signed here: every check's failure modes, in one table."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from badges.data_integrity import _hash_data, add_proof
from badges.status_list import encode_status_list
from keys.errors import ResolutionError
from keys.key_pair import KeyPair
from keys.multibase import encode_multibase
from tests.verifier.conftest import SIGNED_AT, microbadge, offline, sign
from verifier.report import CHECK_ORDER, CheckId, CheckStatus
from verifier.verify import verify_credential

Mutation = Callable[[dict[str, Any], KeyPair], dict[str, Any]]
V1 = "https://www.w3.org/2018/credentials/v1"


def _signed(key: KeyPair, change: Callable[[dict[str, Any]], None] = lambda _: None
            ) -> dict[str, Any]:
    document = microbadge(key.did_key)
    change(document)
    return sign(document, key)


def _after_signing(change: Callable[[dict[str, Any]], None]) -> Mutation:
    def mutate(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
        change(document)
        return document
    return mutate


def _before_signing(change: Callable[[dict[str, Any]], None]) -> Mutation:
    return lambda document, key: _signed(key, change)


def _resign_with(changes: dict[str, str]) -> Mutation:
    """Sign a proof that carries `changes` (so that only the timing is wrong)."""
    def mutate(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        proof = {**document["proof"][0], **changes}
        del proof["proofValue"]
        signature = key.sign(_hash_data(unsigned, proof))
        return {**unsigned, "proof": [{**proof, "proofValue": encode_multibase(signature)}]}
    return mutate


def _vcdm_1(document: dict[str, Any]) -> None:
    document["@context"] = [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]
    document["issuanceDate"] = document.pop("validFrom")


def _other_signer(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    other = KeyPair.generate()
    return sign(microbadge(key.did_key), other)


def _with_proof(extra: dict[str, Any]) -> Mutation:
    def mutate(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
        document["proof"].append(extra)
        return document
    return mutate


def _endorsed(tamper: bool) -> Mutation:
    def mutate(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
        endorser = KeyPair.generate()
        endorsement = sign({
            "@context": document["@context"],
            "id": "urn:uuid:1f3e2c44-0b1d-4d6e-9d43-0d9b7f0c2a77",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "issuer": {"id": endorser.did_key, "type": ["Profile"], "name": "ASA"},
            "validFrom": "2025-01-01T00:00:00Z",
            "name": "ASA endorses this microbadge",
            "credentialSubject": {"id": document["credentialSubject"]["achievement"]["id"],
                                  "type": ["EndorsementSubject"],
                                  "endorsementComment": "Aligned with the DRIVES framework."},
        }, endorser)
        if tamper:
            endorsement["name"] = "ASA endorses everything"
        return _signed(key, lambda d: d["credentialSubject"]["achievement"].update(
            endorsement=[endorsement]))
    return mutate


CASES: list[tuple[str, Mutation, CheckId | None, CheckStatus, str | None]] = [
    ("untouched", lambda d, k: d, None, CheckStatus.PASSED, None),
    ("vcdm 1.1 credential", _before_signing(_vcdm_1), None, CheckStatus.PASSED, None),
    ("name changed", _after_signing(lambda d: d.update(name="Battery expert")),
     CheckId.PROOF, CheckStatus.FAILED, "invalid_signature"),
    ("signed by a key the issuer does not control", _other_signer,
     CheckId.ISSUER, CheckStatus.FAILED, "issuer_mismatch"),
    ("expired", _before_signing(lambda d: d.update(validUntil="2025-12-31T23:00:00Z")),
     CheckId.VALIDITY, CheckStatus.FAILED, "expired"),
    ("not yet valid", _before_signing(lambda d: d.update(validFrom="2026-01-02T00:00:00Z")),
     CheckId.VALIDITY, CheckStatus.FAILED, "not_yet_valid"),
    ("ends before it starts",
     _before_signing(lambda d: d.update(validUntil="2025-05-01T00:00:00Z")),
     CheckId.VALIDITY, CheckStatus.FAILED, "invalid_validity_period"),
    ("unknown context", _after_signing(lambda d: d["@context"].append(
        "https://contexts.example/x.jsonld")), CheckId.JSONLD, CheckStatus.ERROR,
     "unknown_context"),
    ("undefined property added", _after_signing(lambda d: d.update(color="red")),
     CheckId.JSONLD, CheckStatus.FAILED, "jsonld_unsafe"),
    ("no proof", _after_signing(lambda d: d.pop("proof")),
     CheckId.PROOF, CheckStatus.FAILED, "no_proof"),
    ("only an unknown proof type", _after_signing(lambda d: d.update(
        proof=[{"type": "BbsBlsSignature2020", "proofValue": "zx"}])),
     CheckId.PROOF, CheckStatus.ERROR, "unsupported_proof"),
    ("good proof plus an unknown one", _with_proof({"type": "JsonWebSignature2020"}),
     None, CheckStatus.PASSED, None),
    ("good proof plus a bad one", lambda d, k: _with_proof(
        {**d["proof"][0], "created": "2025-06-01T12:00:01Z"})(d, k),
     CheckId.PROOF, CheckStatus.FAILED, "invalid_signature"),
    ("proof past its expires", _resign_with({"expires": "2025-12-01T00:00:00Z"}),
     CheckId.PROOF, CheckStatus.FAILED, "proof_expired"),
    ("proof created in the future", _resign_with({"created": "2026-02-01T00:00:00Z"}),
     CheckId.PROOF, CheckStatus.FAILED, "proof_not_yet_valid"),
    ("only a chained proof", _after_signing(lambda d: d["proof"][0].update(
        previousProof="urn:uuid:0d7c0b5c-8c9a-4a55-9a56-2f0f5d1c3e11")),
     CheckId.PROOF, CheckStatus.ERROR, "unsupported_proof"),
    ("did:web key that cannot be resolved offline", _after_signing(lambda d: d["proof"][
        0].update(verificationMethod="did:web:academy.example#key-1")),
     CheckId.PROOF, CheckStatus.ERROR, "resolution_failed"),
    ("subject without id or identifier", _before_signing(
        lambda d: d["credentialSubject"].pop("id")),
     CheckId.STRUCTURE, CheckStatus.FAILED, "invalid_subject"),
    ("valid endorsement", _endorsed(tamper=False), None, CheckStatus.PASSED, None),
    # An endorsement that does not verify is reported, never a reason to reject the
    # credential (tests/verifier/test_endorsements.py).
    ("tampered endorsement", _endorsed(tamper=True), None, CheckStatus.PASSED, None),
]


@pytest.mark.parametrize(("name", "mutate", "check_id", "status", "code"), CASES,
                         ids=[case[0] for case in CASES])
def test_verification_table(key: KeyPair, name: str, mutate: Mutation,
                            check_id: CheckId | None, status: CheckStatus,
                            code: str | None) -> None:
    report = verify_credential(mutate(_signed(key), key), offline())
    problems = [(check.id, check.status, check.code) for check in report.checks
                if check.status in (CheckStatus.FAILED, CheckStatus.ERROR)]
    assert problems == ([] if check_id is None else [(check_id, status, code)])
    assert report.verified is (check_id is None)
    assert tuple(check.id for check in report.checks) == CHECK_ORDER


def test_malformed_date_fails_schema_and_validity(key: KeyPair) -> None:
    report = verify_credential(_signed(key, lambda d: d.update(validFrom="2025-06-01")),
                               offline())
    assert [(check.id, check.code) for check in report.checks
            if check.status is CheckStatus.FAILED] == [
        (CheckId.SCHEMA, "schema_invalid"), (CheckId.VALIDITY, "invalid_datetime")]


def test_proof_created_must_be_a_date(key: KeyPair) -> None:
    signed = _resign_with({"created": "yesterday"})(_signed(key), key)
    proof = verify_credential(signed, offline()).check(CheckId.PROOF)
    assert (proof.status, proof.code) == (CheckStatus.FAILED, "malformed_proof")


def test_clock_skew_is_allowed(key: KeyPair) -> None:
    signed = _signed(key, lambda d: d.update(validFrom="2026-01-01T00:04:00Z"))
    assert verify_credential(signed, offline()).verified


@pytest.mark.parametrize(("text", "code"), [
    (b"{", "malformed_json"),
    (b"[]", "not_an_object"),
    (b'{"a": 1, "a": 2}', "malformed_json"),
    (b'{"a": NaN}', "malformed_json"),
    (b"\xff\xfe", "malformed_json"),
])
def test_unparseable_input(text: bytes, code: str) -> None:
    report = verify_credential(text, offline())
    assert report.check(CheckId.PARSE).code == code
    assert [check.status for check in report.checks[1:]] == [CheckStatus.SKIPPED] * 9
    assert not report.verified


LIST_URL = "https://academy.example/status/1"


def _status_list(key: KeyPair, purpose: str, set_bits: tuple[int, ...],
                 issuer: str | None = None) -> dict[str, Any]:
    bits = bytearray(16384)
    for index in set_bits:
        bits[index // 8] |= 1 << (7 - index % 8)
    return sign({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer or key.did_key,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": purpose, "encodedList": encode_status_list(bits)},
    }, key)


def _with_status(key: KeyPair, purpose: str, index: str) -> dict[str, Any]:
    return _signed(key, lambda d: d.update(credentialStatus={
        "id": f"{LIST_URL}#{index}", "type": "BitstringStatusListEntry",
        "statusPurpose": purpose, "statusListIndex": index, "statusListCredential": LIST_URL}))


@pytest.mark.parametrize(("purpose", "entry_purpose", "set_bits", "other_issuer", "expected"), [
    ("revocation", "revocation", (), False, (CheckStatus.PASSED, None)),
    ("revocation", "revocation", (41,), False, (CheckStatus.FAILED, "revoked")),
    ("suspension", "suspension", (41,), False, (CheckStatus.FAILED, "suspended")),
    ("revocation", "revocation", (40, 42), False, (CheckStatus.PASSED, None)),
    ("suspension", "revocation", (), False, (CheckStatus.ERROR, "status_unavailable")),
    ("revocation", "revocation", (), True, (CheckStatus.ERROR, "status_unavailable")),
])
def test_bitstring_status(key: KeyPair, purpose: str, entry_purpose: str,
                          set_bits: tuple[int, ...], other_issuer: bool,
                          expected: tuple[CheckStatus, str | None]) -> None:
    list_key = KeyPair.generate() if other_issuer else key
    documents = {LIST_URL: _status_list(list_key, purpose, set_bits)}
    report = verify_credential(_with_status(key, entry_purpose, "41"), offline(documents))
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == expected


def test_tampered_status_list_cannot_clear_a_revocation(key: KeyPair) -> None:
    status_list = _status_list(key, "revocation", (41,))
    cleared = copy.deepcopy(status_list)
    cleared["credentialSubject"]["encodedList"] = encode_status_list(bytearray(16384))
    report = verify_credential(_with_status(key, "revocation", "41"),
                               offline({LIST_URL: cleared}))
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == (CheckStatus.ERROR, "status_unavailable")
    assert not report.verified


def test_a_short_status_list_cannot_be_trusted(key: KeyPair) -> None:
    short = _status_list(key, "revocation", ())
    short["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA2NgGAWjYBSMVAAALq-17wAEAAA"
    resigned = sign({k: v for k, v in short.items() if k != "proof"}, key)
    report = verify_credential(_with_status(key, "revocation", "41"),
                               offline({LIST_URL: resigned}))
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == (CheckStatus.ERROR, "status_unavailable")
    assert "fewer than the 131072" in status.message


def test_report_json_shape(key: KeyPair) -> None:
    report = verify_credential(_signed(key), offline())
    data = report.to_json()
    assert data["verified"] is True
    assert [check["id"] for check in data["checks"]] == [c.value for c in CHECK_ORDER]
    assert data["checks"][0] == {"id": "parse", "status": "passed", "message": "a JSON object"}
    assert data["checks"][-1] == {"id": "status", "status": "skipped", "code": "no_status",
                                  "message": "the credential declares no status"}


ISSUER_URL = "https://academy.example/issuers/1"


def _fragment_signed(key: KeyPair) -> dict[str, Any]:
    return add_proof(microbadge(ISSUER_URL), key,
                     verification_method=f"{ISSUER_URL}#{key.public_key_multibase}",
                     created=SIGNED_AT)


def _profile(*methods: str) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/did/v1"], "id": ISSUER_URL,
            "verificationMethod": [], "assertionMethod": list(methods)}


UNCONFIRMED = ("the key {key} is only named by the issuer's URL; the issuer's own documents "
               f"({ISSUER_URL}) could not be read to confirm it")


@pytest.mark.parametrize(("documents", "status", "code", "message"), [
    ({}, CheckStatus.SKIPPED, "issuer_key_unconfirmed", UNCONFIRMED),
    ({ISSUER_URL: {"id": ISSUER_URL, "type": "Profile", "name": "Academy"}},
     CheckStatus.SKIPPED, "issuer_key_unconfirmed", UNCONFIRMED),
    ("lists the key", CheckStatus.PASSED, None,
     f"signed with a key controlled by the issuer {ISSUER_URL}"),
    ("lists another key", CheckStatus.FAILED, "not_authorized", None),
])
def test_issuer_url_fragment_keys(key: KeyPair, documents: Any, status: CheckStatus,
                                  code: str | None, message: str | None) -> None:
    if documents == "lists the key":
        documents = {ISSUER_URL: _profile(f"{ISSUER_URL}#{key.public_key_multibase}")}
    elif documents == "lists another key":
        other = KeyPair.generate().public_key_multibase
        documents = {ISSUER_URL: _profile(f"{ISSUER_URL}#{other}")}
    check = verify_credential(_fragment_signed(key), offline(documents)).check(CheckId.ISSUER)
    assert (check.status, check.code) == (status, code)
    if message is not None:
        key_id = f"{ISSUER_URL}#{key.public_key_multibase}"
        assert check.message == message.replace("{key}", key_id)


def test_require_issuer_turns_an_unconfirmed_binding_into_not_verified(key: KeyPair) -> None:
    signed = _fragment_signed(key)
    assert verify_credential(signed, offline()).verified
    strict = replace(offline(), require_issuer=True)
    report = verify_credential(signed, strict)
    assert not report.verified
    assert report.first_problem is None  # nothing failed: the binding was just not shown


class _RecordingFetcher:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def fetch_json(self, url: str) -> object:
        self.urls.append(url)
        raise ResolutionError(f"no {url}")


def test_nothing_is_fetched_for_an_unauthenticated_credential(key: KeyPair) -> None:
    signed = _with_status(key, "revocation", "41")
    signed["name"] = "tampered"
    fetcher = _RecordingFetcher()
    report = verify_credential(signed, replace(offline(), fetcher=fetcher))
    assert fetcher.urls == []
    assert (report.check(CheckId.STATUS).status, report.check(CheckId.STATUS).code) == (
        CheckStatus.SKIPPED, "not_authenticated")


def test_fetches_are_cached_and_capped() -> None:
    from verifier.verify import _FetchBudget

    class Counting:
        def __init__(self) -> None:
            self.urls: list[str] = []

        def fetch_json(self, url: str) -> object:
            self.urls.append(url)
            return {"id": url}

    inner = Counting()
    budget = _FetchBudget(inner, limit=2)
    first = budget.fetch_json("https://a.example/")
    assert isinstance(first, dict)
    first["id"] = "changed by the caller"
    assert budget.fetch_json("https://a.example/") == {"id": "https://a.example/"}
    budget.fetch_json("https://b.example/")
    with pytest.raises(ResolutionError, match="at most 2 documents"):
        budget.fetch_json("https://c.example/")
    assert inner.urls == ["https://a.example/", "https://b.example/"]
