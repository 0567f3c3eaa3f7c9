"""Resolution failures: one table of (case, id, fetcher, error class, code)."""

from __future__ import annotations

import pytest

from keys.errors import (
    BadgeError,
    InvalidVerificationMethodError,
    ResolutionError,
    VerificationMethodNotFoundError,
)
from keys.multibase import encode_multibase
from keys.resolution import StaticDocumentFetcher, resolve_verification_method
from tests.keys.resolution_documents import (
    DID_WEB,
    ISSUER,
    KEY,
    METHOD_URL,
    MULTIKEY,
    OTHER,
    controller_document,
    did_web_document,
    edited,
    fetcher,
    method_document,
)

# -- failures: (case, verification method id, fetcher, error, code) ----------------------


_P256_MULTIKEY = encode_multibase(b"\x80\x24\x02" + bytes(32))
_NOT_FOUND = "verification_method_not_found"
_INVALID = "invalid_verification_method"
_UNRESOLVED = "resolution_failed"

FAILURES: list[tuple[str, str, StaticDocumentFetcher | None, type[BadgeError], str]] = [
    ("empty-id", "", fetcher(), InvalidVerificationMethodError, _INVALID),
    ("did-key-p256", f"did:key:{_P256_MULTIKEY}", None, InvalidVerificationMethodError, _INVALID),
    (
        "did-key-fragment-mismatch",
        f"{KEY.did_key}#{OTHER.public_key_multibase}",
        None,
        InvalidVerificationMethodError,
        _INVALID,
    ),
    ("did-unsupported-method", "did:ion:abc#key", fetcher(), ResolutionError, _UNRESOLVED),
    ("did-web-no-fetcher", f"{DID_WEB}#multikey", None, ResolutionError, _UNRESOLVED),
    ("did-web-unknown-did", "did:web:other.example#key", fetcher(), ResolutionError, _UNRESOLVED),
    ("did-web-no-fragment", DID_WEB, fetcher(), InvalidVerificationMethodError, _INVALID),
    (
        "did-web-malformed",
        "did:web:bad host#k",
        fetcher(),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-missing-method",
        f"{DID_WEB}#gone",
        fetcher(),
        VerificationMethodNotFoundError,
        _NOT_FOUND,
    ),
    (
        "did-web-id-mismatch",
        f"{DID_WEB}#multikey",
        fetcher(did_web=edited(did_web_document(), ("id",), "did:web:evil.example")),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-not-object",
        f"{DID_WEB}#multikey",
        fetcher(did_web=["not", "an", "object"]),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-controller-mismatch",
        f"{DID_WEB}#multikey",
        fetcher(
            did_web=edited(
                did_web_document(), ("verificationMethod", 0, "controller"), "did:web:evil.example"
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-unknown-type",
        f"{DID_WEB}#multikey",
        fetcher(
            did_web=edited(
                did_web_document(),
                ("verificationMethod", 0, "type"),
                "EcdsaSecp256k1VerificationKey2019",
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-p256-multikey",
        f"{DID_WEB}#multikey",
        fetcher(
            did_web=edited(
                did_web_document(), ("verificationMethod", 0, "publicKeyMultibase"), _P256_MULTIKEY
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-missing-key",
        f"{DID_WEB}#ed2020",
        fetcher(
            did_web=edited(
                did_web_document(), ("verificationMethod", 1, "publicKeyMultibase"), None
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-jwk-with-d",
        f"{DID_WEB}#jwk",
        fetcher(
            did_web=edited(
                did_web_document(), ("verificationMethod", 2, "publicKeyJwk"), KEY.to_private_jwk()
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-jwk-wrong-curve",
        f"{DID_WEB}#jwk",
        fetcher(
            did_web=edited(
                did_web_document(), ("verificationMethod", 2, "publicKeyJwk", "crv"), "P-256"
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-secret-published",
        f"{DID_WEB}#multikey",
        fetcher(
            did_web=edited(
                did_web_document(),
                ("verificationMethod", 0, "secretKeyMultibase"),
                KEY.to_secret_multibase(),
            )
        ),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "did-web-methods-not-list",
        f"{DID_WEB}#multikey",
        fetcher(did_web=edited(did_web_document(), ("verificationMethod",), {"id": "#x"})),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    ("https-no-fetcher", f"{ISSUER}#key-1", None, ResolutionError, _UNRESOLVED),
    ("https-unknown-url", "https://nowhere.example/key", fetcher(), ResolutionError, _UNRESOLVED),
    (
        "https-missing-method",
        f"{ISSUER}#key-2",
        fetcher(),
        VerificationMethodNotFoundError,
        _NOT_FOUND,
    ),
    (
        "https-controller-id-mismatch",
        f"{ISSUER}#key-1",
        fetcher(controller=edited(controller_document(), ("id",), "https://evil.example/")),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "https-method-id-mismatch",
        METHOD_URL,
        fetcher(method=edited(method_document(), ("id",), "https://evil.example/key")),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "https-method-no-controller",
        METHOD_URL,
        fetcher(method=edited(method_document(), ("controller",), None)),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "https-neither-document",
        METHOD_URL,
        fetcher(method={"id": METHOD_URL}),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "https-bad-fragment-key",
        f"{ISSUER}#z6MkNotAKey",
        fetcher(),
        VerificationMethodNotFoundError,
        _NOT_FOUND,
    ),
    (
        "http-refused",
        "http://issuer.example/key#" + MULTIKEY,
        None,
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "http-loopback-without-flag",
        "http://localhost/key#" + MULTIKEY,
        None,
        InvalidVerificationMethodError,
        _INVALID,
    ),
    (
        "ftp-refused",
        "ftp://issuer.example/key",
        fetcher(),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    ("relative-refused", "#key-1", fetcher(), InvalidVerificationMethodError, _INVALID),
    (
        "userinfo-refused",
        "https://user@issuer.example/key",
        fetcher(),
        InvalidVerificationMethodError,
        _INVALID,
    ),
    ("urn-refused", "urn:uuid:1234", fetcher(), InvalidVerificationMethodError, _INVALID),
]


@pytest.mark.parametrize(
    ("case", "method_id", "documents", "error", "code"),
    FAILURES,
    ids=[failure[0] for failure in FAILURES],
)
def test_resolution_failures(
    case: str,
    method_id: str,
    documents: StaticDocumentFetcher | None,
    error: type[BadgeError],
    code: str,
) -> None:
    with pytest.raises(error) as raised:
        resolve_verification_method(method_id, documents)
    assert type(raised.value) is error
    assert raised.value.code == code
