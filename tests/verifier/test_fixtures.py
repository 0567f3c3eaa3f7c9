"""Third-party credentials (1EdTech validator fixtures) get the verdict their README gives,
and so does the stand-in for 1EdTech's complete.json (tests/verifier/fixtures/README.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import FIXTURES, REPO, load_json
from tests.verifier.conftest import offline
from verifier.report import CheckId, CheckResult, CheckStatus, EndorsementPlace
from verifier.summary import endorsements, summarize
from verifier.verify import verify_credential

LIST_URL = ("https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/"
            "refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist")


def _status_list() -> dict[str, Any]:
    return {LIST_URL: load_json(FIXTURES / "validator-ob30-bitstring-status-list-credential-"
                                           "testlist.json")}


@pytest.mark.parametrize(("fixture", "documents", "failing"), [
    ("simple", {}, None),
    ("simple-did-key-method", {}, None),
    ("bitstring-status-list-credential-testlist", {}, None),
    ("simple-err-expired", {}, (CheckId.VALIDITY, CheckStatus.FAILED, "expired")),
    ("simple-err-proof-value", {}, (CheckId.PROOF, CheckStatus.FAILED, "invalid_signature")),
    ("simple-noproof", {}, (CheckId.PROOF, CheckStatus.FAILED, "no_proof")),
    ("bitstring-credential-status-revoked", _status_list(),
     (CheckId.STATUS, CheckStatus.FAILED, "revoked")),
    ("bitstring-credential-status-revoked", {},
     (CheckId.STATUS, CheckStatus.ERROR, "status_unavailable")),
])
def test_fixture_verdicts(fixture: str, documents: dict[str, Any],
                          failing: tuple[CheckId, CheckStatus, str] | None) -> None:
    report = verify_credential(load_json(FIXTURES / f"validator-ob30-{fixture}.json"),
                               offline(documents))
    problems = [(check.id, check.status, check.code) for check in report.checks
                if check.status in (CheckStatus.FAILED, CheckStatus.ERROR)]
    assert problems == ([] if failing is None else [failing])
    assert report.verified is (failing is None)


def test_did_key_fixture_reports_the_unbindable_issuer() -> None:
    report = verify_credential(load_json(FIXTURES / "validator-ob30-simple-did-key-method.json"),
                               offline())
    assert report.check(CheckId.ISSUER) == CheckResult(
        CheckId.ISSUER, CheckStatus.SKIPPED,
        "issuer urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164 is not a DID or URL, so the "
        "signing key's controller (did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi) "
        "cannot be bound to it", "issuer_not_resolvable")


def test_revoked_fixture_passes_every_other_check() -> None:
    report = verify_credential(
        load_json(FIXTURES / "validator-ob30-bitstring-credential-status-revoked.json"),
        offline(_status_list()))
    # The key is only named by the issuer's URL (1EdTech's style), so the binding is reported
    # as not established rather than passed.
    assert [(check.status, check.code) for check in report.checks] == [
        (CheckStatus.PASSED, None)] * 5 + [
        (CheckStatus.SKIPPED, "issuer_key_unconfirmed"), (CheckStatus.SKIPPED, "no_registry"),
        (CheckStatus.PASSED, None),
        (CheckStatus.SKIPPED, "no_endorsements"), (CheckStatus.FAILED, "revoked")]


COMPLETE = REPO / "tests" / "verifier" / "fixtures" / "1edtech-ob30-complete-equivalent.json"
COMPLETE_ISSUER = "did:key:z6MkqhDzuNBSVY7Xd5vi2r1t8CFSif9ztaAtWz3WzKYZsNSm"
NOBODY_IMPLEMENTS = ("not verified [unsupported_proof] proof: no proof is of a type "
                     "microbadges can verify")


def test_complete_json_passes_its_own_checks_and_its_endorsements_are_unverified() -> None:
    report = verify_credential(load_json(COMPLETE), offline())
    method = f"{COMPLETE_ISSUER}#{COMPLETE_ISSUER.removeprefix('did:key:')}"
    assert report.checks == (
        CheckResult(CheckId.PARSE, CheckStatus.PASSED, "a JSON object"),
        CheckResult(CheckId.STRUCTURE, CheckStatus.PASSED,
                    "well-formed Open Badges 3.0 (VCDM 2.0)"),
        CheckResult(CheckId.SCHEMA, CheckStatus.PASSED,
                    "valid against ob_v3p0_achievementcredential_schema.json"),
        CheckResult(CheckId.JSONLD, CheckStatus.PASSED,
                    "every property and type is defined by the contexts"),
        CheckResult(CheckId.PROOF, CheckStatus.PASSED, "1 proof verified",
                    details=(f"proof 1: eddsa-rdfc-2022 signature verified with {method}",)),
        CheckResult(CheckId.ISSUER, CheckStatus.PASSED,
                    f"signed with a key controlled by the issuer {COMPLETE_ISSUER}"),
        CheckResult(CheckId.REGISTRY, CheckStatus.SKIPPED,
                    "not checked: no issuer registry is configured", "no_registry"),
        CheckResult(CheckId.VALIDITY, CheckStatus.PASSED,
                    "valid since 2010-01-01T00:00:00Z until 2030-01-01T00:00:00Z"),
        CheckResult(CheckId.ENDORSEMENTS, CheckStatus.PASSED,
                    "0 of 5 endorsements verified; 5 did not verify and do not count as an "
                    "endorsement", details=tuple(
                        f"{place} endorsement http://1edtech.edu/endorsementcredential/"
                        f"{number}: {NOBODY_IMPLEMENTS}"
                        for place, number in [("credential", 3735), ("issuer", 3736),
                                              ("achievement", 3734), ("creator", 3732),
                                              ("creator", 3733)])),
        CheckResult(CheckId.STATUS, CheckStatus.SKIPPED, "the credential declares no status",
                    "no_status"),
    )
    assert report.verified
    assert [(result.place, result.code) for result in report.endorsements] == [
        (EndorsementPlace.CREDENTIAL, "unsupported_proof"),
        (EndorsementPlace.ISSUER, "unsupported_proof"),
        (EndorsementPlace.ACHIEVEMENT, "unsupported_proof"),
        (EndorsementPlace.CREATOR, "unsupported_proof"),
        (EndorsementPlace.CREATOR, "unsupported_proof")]
    # Nothing of them is shown as an endorsement.
    assert endorsements(report) == ()
    assert summarize(load_json(COMPLETE)).issuer_name == "1EdTech University"
