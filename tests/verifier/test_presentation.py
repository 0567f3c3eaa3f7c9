"""verify_presentation without Flask: authentication proofs, challenge/domain, holder binding
and the embedded credentials, each failure mode in one table."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from badges.data_integrity import _hash_data, add_proof
from keys.key_pair import KeyPair
from keys.multibase import encode_multibase
from tests.verifier.conftest import SIGNED_AT, microbadge, offline, sign
from verifier.presentation import MAX_PRESENTED_CREDENTIALS, verify_presentation
from verifier.presentation_report import (
    PRESENTATION_CHECK_ORDER,
    PresentationCheckId,
    PresentationReport,
)
from verifier.report import CheckStatus

V2 = "https://www.w3.org/ns/credentials/v2"
CHALLENGE = "c0ffee-42"
DOMAIN = "verifier.example"
Id = PresentationCheckId


@dataclass(frozen=True)
class Parties:
    """The credential's issuer and the presentation's holder."""

    issuer: KeyPair
    holder: KeyPair


@pytest.fixture
def parties() -> Parties:
    return Parties(KeyPair.generate(), KeyPair.generate())


def _unsigned(parties: Parties, credentials: list[Any] | None = None) -> dict[str, Any]:
    held = [sign(microbadge(parties.issuer.did_key), parties.issuer)]
    return {"@context": [V2], "type": ["VerifiablePresentation"],
            "holder": parties.holder.did_key,
            "verifiableCredential": held if credentials is None else credentials}


def _signed(document: dict[str, Any], key: KeyPair, **proof_options: Any) -> dict[str, Any]:
    options = {"proof_purpose": "authentication", "challenge": CHALLENGE, "domain": DOMAIN,
               **proof_options}
    return add_proof(document, key, verification_method=key.did_key_verification_method,
                     created=SIGNED_AT, **options)


def _summary(report: PresentationReport) -> list[tuple[str, str, str | None]]:
    return [(check.id.value, check.status.value, check.code) for check in report.checks]


def test_a_signed_presentation_verifies_with_its_challenge_and_domain(parties: Parties) -> None:
    presentation = _signed(_unsigned(parties), parties.holder)
    report = verify_presentation(presentation, offline(), challenge=CHALLENGE, domain=DOMAIN)
    assert report.verified
    assert _summary(report) == [(check_id.value, "passed", None)
                                for check_id in PRESENTATION_CHECK_ORDER]
    body = report.to_json()
    assert body["verified"] is True
    assert [credential["verified"] for credential in body["credentials"]] == [True]
    assert body["credentials"][0]["credentialId"] == microbadge("x")["id"]


def test_presentation_given_as_json_text_verifies(parties: Parties) -> None:
    presentation = _signed(_unsigned(parties), parties.holder)
    report = verify_presentation(json.dumps(presentation), offline(), challenge=CHALLENGE)
    assert report.verified
    assert report.check(Id.DOMAIN).code == "not_requested"


def test_an_unsigned_presentation_is_as_good_as_its_credentials(parties: Parties) -> None:
    report = verify_presentation(_unsigned(parties), offline())
    assert report.verified
    assert (report.check(Id.PROOF).status, report.check(Id.PROOF).code) == (
        CheckStatus.SKIPPED, "no_proof")


def test_a_presentation_with_neither_proof_nor_credentials_is_not_verified(
        parties: Parties) -> None:
    report = verify_presentation(_unsigned(parties, credentials=[]), offline())
    assert not report.verified
    assert report.check(Id.CREDENTIALS).code == "no_credentials"


def test_a_signed_presentation_without_credentials_verifies(parties: Parties) -> None:
    presentation = _signed(_unsigned(parties, credentials=[]), parties.holder)
    report = verify_presentation(presentation, offline(), challenge=CHALLENGE)
    assert report.verified
    assert report.check(Id.CREDENTIALS).status is CheckStatus.SKIPPED


Build = Callable[[Parties], dict[str, Any]]


def _signed_then(change: Callable[[dict[str, Any]], None],
                 **proof_options: Any) -> Build:
    def build(parties: Parties) -> dict[str, Any]:
        document = _signed(_unsigned(parties), parties.holder, **proof_options)
        change(document)
        return document
    return build


def _unsigned_then(change: Callable[[dict[str, Any]], None], *, sign_it: bool = True) -> Build:
    def build(parties: Parties) -> dict[str, Any]:
        document = _unsigned(parties)
        change(document)
        # Documents that are not safe JSON-LD cannot be signed: they are presented unsigned.
        return _signed(document, parties.holder) if sign_it else document
    return build


def _tampered_credential(document: dict[str, Any]) -> None:
    document["verifiableCredential"][0]["name"] = "Battery expert"


def _signed_by_another_key(parties: Parties) -> dict[str, Any]:
    return _signed(_unsigned(parties), KeyPair.generate())


def _too_many(parties: Parties) -> dict[str, Any]:
    credential = sign(microbadge(parties.issuer.did_key), parties.issuer)
    return _unsigned(parties, [credential] * (MAX_PRESENTED_CREDENTIALS + 1))


def _nothing(_: dict[str, Any]) -> None:
    return None


# (name, presentation, options of the verifier, check, status, code)
CASES: list[tuple[str, Build, dict[str, str], Id, CheckStatus, str]] = [
    ("wrong challenge", _signed_then(_nothing), {"challenge": "other"},
     Id.CHALLENGE, CheckStatus.FAILED, "challenge_mismatch"),
    ("challenge asked, none signed", _signed_then(_nothing, challenge=None),
     {"challenge": CHALLENGE}, Id.CHALLENGE, CheckStatus.FAILED, "challenge_missing"),
    ("wrong domain", _signed_then(_nothing), {"domain": "evil.example"},
     Id.DOMAIN, CheckStatus.FAILED, "domain_mismatch"),
    ("unsigned, challenge asked", lambda parties: _unsigned(parties),
     {"challenge": CHALLENGE}, Id.CHALLENGE, CheckStatus.FAILED, "no_proof"),
    ("unsigned, domain asked", lambda parties: _unsigned(parties),
     {"domain": DOMAIN}, Id.PROOF, CheckStatus.FAILED, "no_proof"),
    ("challenge rewritten after signing", _signed_then(
        lambda d: d["proof"][0].update(challenge="other")), {"challenge": "other"},
     Id.PROOF, CheckStatus.FAILED, "invalid_signature"),
    ("challenge of a proof that does not verify", _signed_then(
        lambda d: d.update(holder="did:example:someone")), {"challenge": CHALLENGE},
     Id.CHALLENGE, CheckStatus.SKIPPED, "not_authenticated"),
    ("assertionMethod proof", _signed_then(_nothing, proof_purpose="assertionMethod"), {},
     Id.PROOF, CheckStatus.FAILED, "invalid_proof"),
    ("holder is not the signer", _signed_by_another_key, {},
     Id.HOLDER, CheckStatus.FAILED, "holder_mismatch"),
    ("tampered credential", _unsigned_then(_tampered_credential), {},
     Id.CREDENTIALS, CheckStatus.FAILED, "credential_not_verified"),
    ("credential tampered after the presentation was signed",
     _signed_then(_tampered_credential), {}, Id.PROOF, CheckStatus.FAILED, "invalid_signature"),
    ("no VerifiablePresentation type", _unsigned_then(
        lambda d: d.update(type=["VerifiableCredential"]), sign_it=False), {},
     Id.STRUCTURE, CheckStatus.FAILED, "invalid_type"),
    ("another base context", _unsigned_then(
        lambda d: d.update({"@context": ["https://www.w3.org/ns/credentials/examples/v2",
                                         V2]})), {},
     Id.STRUCTURE, CheckStatus.FAILED, "invalid_context"),
    ("holder not a URL", _unsigned_then(lambda d: d.update(holder={"id": "not a url"}),
                                        sign_it=False), {},
     Id.STRUCTURE, CheckStatus.FAILED, "invalid_holder"),
    ("credential not an object", _unsigned_then(
        lambda d: d.update(verifiableCredential=["eyJhbGciOi"])), {},
     Id.STRUCTURE, CheckStatus.FAILED, "invalid_credential"),
    ("undefined property", _signed_then(lambda d: d.update(color="red")), {},
     Id.JSONLD, CheckStatus.FAILED, "jsonld_unsafe"),
    ("key that cannot be resolved offline", _signed_then(
        lambda d: d["proof"][0].update(verificationMethod="did:web:holder.example#key-1")),
     {}, Id.PROOF, CheckStatus.ERROR, "resolution_failed"),
    ("too many credentials", _too_many, {},
     Id.CREDENTIALS, CheckStatus.FAILED, "too_many_credentials"),
]


@pytest.mark.parametrize(("name", "build", "asked", "check_id", "status", "code"), CASES,
                         ids=[case[0] for case in CASES])
def test_failure_modes(parties: Parties, name: str, build: Build, asked: dict[str, str],
                       check_id: Id, status: CheckStatus, code: str) -> None:
    report = verify_presentation(build(parties), offline(), **asked)
    assert not report.verified, name
    result = report.check(check_id)
    assert (result.id, result.status, result.code) == (check_id, status, code)


def test_a_domain_list_that_includes_the_domain_asked_for(parties: Parties) -> None:
    # Data Integrity allows a set of domains; add_proof writes one, so sign the list here.
    presentation = _unsigned(parties)
    options = _signed(presentation, parties.holder)["proof"][0]
    del options["proofValue"]
    proof = {**options, "domain": ["a.example", DOMAIN]}
    proof["proofValue"] = encode_multibase(parties.holder.sign(_hash_data(presentation, proof)))
    report = verify_presentation({**presentation, "proof": [proof]}, offline(),
                                 challenge=CHALLENGE, domain=DOMAIN)
    assert report.verified, _summary(report)


def test_unparseable_input_is_a_failed_parse() -> None:
    report = verify_presentation(b"{not json", offline())
    assert not report.verified
    assert _summary(report)[0] == ("parse", "failed", "malformed_json")
    assert {status for _, status, _ in _summary(report)[1:]} == {"skipped"}


def test_the_input_is_not_modified(parties: Parties) -> None:
    presentation = _signed(_unsigned(parties), parties.holder)
    before = copy.deepcopy(presentation)
    verify_presentation(presentation, offline(), challenge=CHALLENGE)
    assert presentation == before
