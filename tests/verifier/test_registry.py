"""Known-issuer registries and impersonation: a forgery table in which exactly one
credential, a genuine one of a registered issuer, is green."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from badges.data_integrity import add_proof
from badges.status_list import MIN_LIST_BITS, encode_status_list
from keys.did_key import create_did_key, create_did_key_verification_method
from keys.errors import ResolutionError
from keys.key_pair import KeyPair
from keys.resolution import StaticDocumentFetcher
from tests.samples import ORIGIN, SIGNED_AT, realistic_microbadge, sample_key
from verifier.checks import CheckResult, CheckStatus
from verifier.registry import (
    IssuerRegistry,
    RegistrySource,
    check_registry,
    fetched_registry,
    read_registry,
)
from verifier.report import CheckId
from verifier.verdict import Colour, VerdictState, verdict
from verifier.verify import VerifierOptions, verify_credential

GENUINE = sample_key()
OTHER = KeyPair.from_hex("11" * 32)  # provider B, registered too
FORGER = KeyPair.from_hex("22" * 32)  # registered nowhere
LIST_URL = f"{ORIGIN}/status/1"
REGISTRY_URL = "https://registry.example/registry.json"


def _did(key: KeyPair) -> str:
    return create_did_key(key.public_key)


def _method(key: KeyPair) -> str:
    return create_did_key_verification_method(key.public_key)


REGISTRY_DOCUMENT: dict[str, Any] = {
    "meta": {"created": "2026-01-01T00:00:00Z", "name": "ASA partner registry"},
    "registry": {
        _did(GENUINE): {"name": "ASA Automotive Academy", "url": ORIGIN,
                        "location": "Stuttgart, Germany", "membership": "ASA partner",
                        "verificationMethods": [_method(GENUINE)]},
        _did(OTHER): {"name": "Other Training Centre", "url": "https://other.example",
                      "verificationMethods": [_method(OTHER)]},
        "https://listed.example/issuer": {
            "name": "Listed Institute", "url": "https://listed.example",
            "verificationMethods": ["https://listed.example/issuer#z6MkListedOnly"]},
    },
}


def _status_list(key: KeyPair) -> dict[str, Any]:
    return add_proof({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": _did(key), "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation",
                              "encodedList": encode_status_list(bytes(MIN_LIST_BITS // 8))},
    }, key, verification_method=_method(key), created=SIGNED_AT)


def _credential(issuer: str, key: KeyPair, method: str | None = None,
                **issuer_claims: str) -> dict[str, Any]:
    credential = realistic_microbadge(issuer_id=issuer)
    credential["issuer"].update(issuer_claims)
    credential["credentialStatus"] = {
        "id": f"{LIST_URL}#94567", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "94567",
        "statusListCredential": LIST_URL}
    return add_proof(credential, key, verification_method=method or _method(key),
                     created=SIGNED_AT)


def _options(list_key: KeyPair) -> VerifierOptions:
    fetcher = StaticDocumentFetcher({LIST_URL: _status_list(list_key),
                                     REGISTRY_URL: REGISTRY_DOCUMENT})
    return VerifierOptions(fetcher=fetcher, clock=lambda: SIGNED_AT,
                           registries=(fetched_registry(REGISTRY_URL, fetcher),))


IMPERSONATION = (CheckStatus.FAILED, "issuer_impersonation")

FORGERIES = [
    # A genuine award re-signed with a fresh did:key, keeping the issuer's name and web
    # address: only the did:key differs.
    pytest.param(lambda: _credential(_did(FORGER), FORGER), FORGER, IMPERSONATION,
                 (CheckStatus.PASSED, None), id="foreign did:key, registered name and url"),
    # A foreign https issuer that gives itself a registered issuer's name (its own key is
    # a did:key here, so the binding check fails too: the registry says why).
    pytest.param(lambda: _credential("https://evil.example/issuer", FORGER,
                                     url="https://evil.example"),
                 FORGER, IMPERSONATION, (CheckStatus.FAILED, "issuer_mismatch"),
                 id="foreign https issuer, registered name"),
    # A registered issuer id, signed by a key the registry does not list for it.
    pytest.param(lambda: _credential("https://listed.example/issuer", FORGER,
                                     name="Listed Institute", url="https://listed.example"),
                 FORGER, IMPERSONATION, (CheckStatus.FAILED, "issuer_mismatch"),
                 id="registered id, unlisted key"),
    # Provider A's key used to sign as provider B.
    pytest.param(lambda: _credential(_did(OTHER), GENUINE, name="Other Training Centre",
                                     url="https://other.example"),
                 GENUINE, IMPERSONATION, (CheckStatus.FAILED, "issuer_mismatch"),
                 id="key of A signing as B"),
]


@pytest.mark.parametrize(("make", "list_key", "registry", "issuer"), FORGERIES)
def test_forgeries_are_red(make: Any, list_key: KeyPair, registry: tuple[Any, Any],
                           issuer: tuple[Any, Any]) -> None:
    report = verify_credential(make(), _options(list_key))
    checks = {check.id: (check.status, check.code) for check in report.checks}
    assert checks[CheckId.PROOF] == (CheckStatus.PASSED, None)
    assert checks[CheckId.ISSUER] == issuer
    assert checks[CheckId.REGISTRY] == registry
    assert not report.verified
    said = verdict(report)
    assert (said.state, said.colour) == (VerdictState.NOT_VERIFIED, Colour.RED)
    assert report.registered_issuer is None


def test_the_genuine_credential_is_the_only_green_one() -> None:
    report = verify_credential(_credential(_did(GENUINE), GENUINE), _options(GENUINE))
    assert [(check.id, check.status) for check in report.checks
            if check.status is not CheckStatus.PASSED] == [
        (CheckId.ENDORSEMENTS, CheckStatus.SKIPPED)]
    assert report.check(CheckId.REGISTRY) == CheckResult(
        CheckId.REGISTRY, CheckStatus.PASSED,
        "registered as ASA Automotive Academy in ASA partner registry", None,
        ("registry: ASA partner registry", "name: ASA Automotive Academy",
         f"web address: {ORIGIN}", "location: Stuttgart, Germany",
         "membership: ASA partner"))
    said = verdict(report)
    assert (said.state, said.colour, said.title) == (VerdictState.VERIFIED, Colour.GREEN,
                                                     "Verified")
    assert report.registered_issuer is not None
    assert report.registered_issuer.name == "ASA Automotive Academy"


def test_an_unregistered_honest_issuer_is_amber() -> None:
    credential = _credential(_did(FORGER), FORGER, name="A New Academy",
                             url="https://new.example")
    report = verify_credential(credential, _options(FORGER))
    assert report.check(CheckId.REGISTRY) == CheckResult(
        CheckId.REGISTRY, CheckStatus.SKIPPED,
        f"{_did(FORGER)} is not registered in ASA partner registry", "not_registered")
    assert report.verified
    said = verdict(report)
    assert (said.state, said.colour, said.title) == (
        VerdictState.UNCONFIRMED, Colour.AMBER, "Authentic, issuer not confirmed")


def test_without_a_registry_the_issuer_is_not_confirmed() -> None:
    report = verify_credential(_credential(_did(GENUINE), GENUINE), VerifierOptions(
        fetcher=StaticDocumentFetcher({LIST_URL: _status_list(GENUINE)}),
        clock=lambda: SIGNED_AT))
    assert report.check(CheckId.REGISTRY) == CheckResult(
        CheckId.REGISTRY, CheckStatus.SKIPPED,
        "not checked: no issuer registry is configured", "no_registry")
    assert verdict(report).colour is Colour.AMBER


def test_an_unreadable_registry_could_not_check() -> None:
    def broken() -> IssuerRegistry:
        raise ResolutionError("GET https://registry.example/registry.json answered HTTP 503")

    result = check_registry(_credential(_did(FORGER), FORGER), [_method(FORGER)], [broken])
    assert result.check == CheckResult(
        CheckId.REGISTRY, CheckStatus.ERROR,
        "could not check: GET https://registry.example/registry.json answered HTTP 503",
        "registry_unavailable")


def test_the_first_registry_that_lists_the_issuer_names_it() -> None:
    first = read_registry({"meta": {"name": "Alliance"}, "registry": {
        _did(GENUINE): {"name": "Academy (alliance name)"}}}, source="a")
    second = read_registry(REGISTRY_DOCUMENT, source="b")
    sources: list[RegistrySource] = [lambda: first, lambda: second]
    result = check_registry(_credential(_did(GENUINE), GENUINE), [_method(GENUINE)], sources)
    assert result.check.status is CheckStatus.PASSED
    assert result.issuer is not None
    assert (result.issuer.name, result.issuer.registry) == ("Academy (alliance name)",
                                                            "Alliance")


@pytest.mark.parametrize("document", [[], {"registry": []}, {"meta": {}}, "registry"])
def test_a_document_that_is_no_registry_is_refused(document: object) -> None:
    with pytest.raises(ResolutionError):
        read_registry(document, source="x.json")


def test_name_and_address_are_compared_as_people_read_them() -> None:
    registry = read_registry(REGISTRY_DOCUMENT, source="r")
    assert registry.claimed_by("  asa   AUTOMOTIVE academy ", None) is not None
    assert registry.claimed_by(None, "http://www.badges.asa-academy.example/") is not None
    assert registry.claimed_by("ASA Automotive Academy GmbH", "https://x.example") is None


def test_the_report_json_names_the_registry_check() -> None:
    document = copy.deepcopy(_credential(_did(FORGER), FORGER))
    data = verify_credential(document, _options(FORGER)).to_json()
    registry = next(check for check in data["checks"] if check["id"] == "registry")
    assert registry["status"] == "failed"
    assert registry["code"] == "issuer_impersonation"


def test_each_registry_is_read_once_and_no_further_than_needed() -> None:
    reads: list[str] = []
    genuine = read_registry(REGISTRY_DOCUMENT, source="r")

    def first() -> IssuerRegistry:
        reads.append("first")
        return genuine

    def second() -> IssuerRegistry:
        reads.append("second")
        raise ResolutionError("never needed")

    options = dataclasses.replace(_options(GENUINE), registries=(first, second))
    # The credential and its status list are both checked: the first registry, which lists
    # the issuer, is read once; the second is never read.
    report = verify_credential(_credential(_did(GENUINE), GENUINE), options)
    assert report.check(CheckId.REGISTRY).status is CheckStatus.PASSED
    assert reads == ["first"]
