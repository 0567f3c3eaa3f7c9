"""The JS reference verifier checks the Bitstring Status List v1.0 entries microbadges issues.

@digitalbazaar/vc-bitstring-status-list loads the signed 131,072-entry list credential from
the offline loader, verifies it with eddsa-rdfc-2022 and reads the credential's bit. Where
Node is missing the tests are skipped locally, but never in CI.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from badges.data_integrity import add_proof
from badges.status_list import MIN_LIST_BITS, encode_status_list, set_status
from tests.interop.js_reference import (
    JsStatusEntry,
    js_verify,
    multikey_documents,
    node_available,
)
from tests.samples import (
    ISSUER_ID,
    LIST_URL,
    SIGNED_AT,
    realistic_microbadge,
    sample_key,
    signed_status_list,
)

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not node_available() and not os.environ.get("CI"),
                       reason="Node.js is not installed (CI always runs these)"),
]

NOW = "2026-06-01T00:00:00Z"


def _signed_badge() -> tuple[dict[str, Any], int]:
    """The sample microbadge signed by the sample key, and its status list index."""
    key = sample_key()
    method = f"{ISSUER_ID}#{key.public_key_multibase}"
    signed = add_proof(realistic_microbadge(), key, verification_method=method,
                       created=SIGNED_AT)
    return signed, int(signed["credentialStatus"]["statusListIndex"])


def _documents(status_list: dict[str, Any]) -> dict[str, Any]:
    key = sample_key()
    method = f"{ISSUER_ID}#{key.public_key_multibase}"
    return {**multikey_documents(method, ISSUER_ID, key.public_key_multibase),
            LIST_URL: status_list}


def _entry(index: int, *, is_set: bool) -> JsStatusEntry:
    return JsStatusEntry(status_purpose="revocation", status_list_index=index,
                         status_list_credential=LIST_URL, is_set=is_set)


def test_js_verifies_a_credential_whose_bit_is_clear() -> None:
    signed, index = _signed_badge()
    # Neighbouring bits set: the package must read exactly this index.
    result = js_verify(signed, documents=_documents(signed_status_list((index - 1, index + 1))),
                       now=NOW, check_status=True)
    assert (result.verified, result.errors) == (True, [])
    assert (result.status_verified, result.status_entries, result.status_errors) == (
        True, (_entry(index, is_set=False),), ())
    assert LIST_URL in result.documents_requested


def test_js_reports_a_credential_whose_bit_is_set_as_revoked() -> None:
    signed, index = _signed_badge()
    result = js_verify(signed, documents=_documents(signed_status_list((index,))), now=NOW,
                       check_status=True)
    assert (result.verified, result.status_verified, result.status_entries) == (
        False, False, (_entry(index, is_set=True),))
    assert len(result.status_errors) == 1
    assert "revoked" in result.status_errors[0]
    assert result.status_errors[0] in result.errors


def test_js_cannot_decide_status_from_a_tampered_list() -> None:
    signed, index = _signed_badge()
    status_list = signed_status_list()
    bits = bytearray(MIN_LIST_BITS // 8)
    set_status(bits, index, True)
    # The credential's bit is set, but the list's signature no longer covers it.
    status_list["credentialSubject"]["encodedList"] = encode_status_list(bits)
    result = js_verify(signed, documents=_documents(status_list), now=NOW, check_status=True)
    assert (result.verified, result.status_verified, result.status_entries) == (
        False, False, ())
    assert any("not verified" in error for error in result.status_errors)


def test_without_check_status_any_status_is_accepted() -> None:
    signed, index = _signed_badge()
    result = js_verify(signed, documents=_documents(signed_status_list((index,))), now=NOW)
    assert (result.verified, result.errors) == (True, [])
    assert (result.status_verified, result.status_entries, result.status_errors) == (
        None, (), ())
    assert LIST_URL not in result.documents_requested
