"""Verification-method resolution for every supported form, with a static fetcher."""

from __future__ import annotations

import pytest

from keys.errors import InvalidVerificationMethodError
from keys.resolution import StaticDocumentFetcher, resolve_verification_method
from keys.verification_method import VerificationMethodSource
from tests.keys.resolution_documents import (
    DID_WEB,
    ISSUER,
    KEY,
    METHOD_URL,
    controller_document,
    fetcher,
    method_document,
)

# -- did:key -------------------------------------------------------------------------------


@pytest.mark.parametrize("method_id", [KEY.did_key, KEY.did_key_verification_method])
def test_did_key_resolves_without_a_fetcher(method_id: str) -> None:
    method = resolve_verification_method(method_id, None)
    assert method.id == KEY.did_key_verification_method
    assert method.type == "Multikey"
    assert method.controller == KEY.did_key
    assert method.public_key == KEY.public_key
    assert method.source is VerificationMethodSource.DID_KEY
    assert method.authorised_for_assertion is True


def test_ob3_vector_fragment_form(ob3_vector: dict[str, str]) -> None:
    method = resolve_verification_method(ob3_vector["id"], None)
    assert method.id == ob3_vector["id"]
    assert method.controller == ob3_vector["controller"]
    assert method.public_key.multibase == ob3_vector["publicKeyMultibase"]
    assert method.source is VerificationMethodSource.URL_FRAGMENT
    assert method.assertion_method is None
    assert method.authorised_for_assertion is None


# -- did:web -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "method_type", "authorised"),
    [
        ("multikey", "Multikey", True),
        ("ed2020", "Ed25519VerificationKey2020", False),
        ("jwk", "JsonWebKey2020", True),
        ("jwk-new", "JsonWebKey", False),
        ("ed2018", "Ed25519VerificationKey2018", False),
        ("embedded", "Multikey", True),
    ],
)
def test_did_web_methods(fragment: str, method_type: str, authorised: bool) -> None:
    method = resolve_verification_method(f"{DID_WEB}#{fragment}", fetcher())
    assert method.id == f"{DID_WEB}#{fragment}"
    assert method.type == method_type
    assert method.controller == DID_WEB
    assert method.public_key == KEY.public_key
    assert method.source is VerificationMethodSource.DID_DOCUMENT
    assert method.assertion_method == (
        f"{DID_WEB}#multikey",
        f"{DID_WEB}#jwk",
        f"{DID_WEB}#embedded",
    )
    assert method.authorised_for_assertion is authorised


# -- https ---------------------------------------------------------------------------------


def test_https_controller_document() -> None:
    method = resolve_verification_method(f"{ISSUER}#key-1", fetcher())
    assert method.controller == ISSUER
    assert method.public_key == KEY.public_key
    assert method.source is VerificationMethodSource.CONTROLLER_DOCUMENT
    assert method.authorised_for_assertion is True


def test_https_verification_method_document() -> None:
    method = resolve_verification_method(METHOD_URL, fetcher())
    assert method.id == METHOD_URL
    assert method.controller == ISSUER
    assert method.public_key == KEY.public_key
    assert method.source is VerificationMethodSource.METHOD_DOCUMENT
    # The controller's profile is read: it lists only its own #key-1, not this key document.
    assert method.authorised_for_assertion is False


def test_loopback_http_needs_the_flag() -> None:
    url = "http://127.0.0.1:8000/keys/1"
    document = {**method_document(), "id": url}
    documents = StaticDocumentFetcher({url: document})
    with pytest.raises(InvalidVerificationMethodError):
        resolve_verification_method(url, documents)
    method = resolve_verification_method(url, documents, allow_loopback_http=True)
    assert method.public_key == KEY.public_key


def test_static_fetcher_returns_fresh_copies() -> None:
    documents = fetcher()
    first = documents.fetch_json(ISSUER)
    assert isinstance(first, dict)
    first["id"] = "changed"
    assert documents.fetch_json(ISSUER) == controller_document()
