"""Third-party credentials (1EdTech validator fixtures) get the verdict their README gives."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import FIXTURES, load_json
from tests.verifier.conftest import offline
from verifier.report import CheckId, CheckResult, CheckStatus
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
