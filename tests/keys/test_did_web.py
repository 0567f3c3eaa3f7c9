"""did:web ↔ https URL mapping (did:web Method §3.2)."""

from __future__ import annotations

import pytest

from keys.did_web import create_did_web, did_web_to_url
from keys.errors import InvalidDidError

MAPPINGS = [
    ("did:web:example.com", "https://example.com/.well-known/did.json"),
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
    ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
    ("did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ("did:web:localhost%3A8443:issuers:a%20b", "https://localhost:8443/issuers/a%20b/did.json"),
    ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
]


@pytest.mark.parametrize(("did", "url"), MAPPINGS)
def test_did_to_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    ("origin", "path", "did"),
    [
        ("https://example.com", "", "did:web:example.com"),
        ("https://example.com/", "/", "did:web:example.com"),
        ("https://example.com", "/user/alice", "did:web:example.com:user:alice"),
        ("https://example.com", "user/alice/", "did:web:example.com:user:alice"),
        ("https://Example.com:3000", "/issuers/1", "did:web:example.com%3A3000:issuers:1"),
    ],
)
def test_create_did_web(origin: str, path: str, did: str) -> None:
    assert create_did_web(origin, path) == did
    assert did_web_to_url(did).startswith(origin.lower().rstrip("/") + "/")


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6Mk",
        "did:web:",
        "did:web:example.com#key-1",
        "did:web:example.com?service=x",
        "did:web:example.com/path",
        "did:web:exa mple.com",
        "did:web:-example.com",
        "did:web:example.com:",
        "did:web:example.com::alice",
        "did:web:example.com:..:etc",
        "did:web:example.com%3Aport",
    ],
)
def test_invalid_did_web(did: str) -> None:
    with pytest.raises(InvalidDidError) as raised:
        did_web_to_url(did)
    assert raised.value.code == "invalid_did"


@pytest.mark.parametrize(
    ("origin", "path"),
    [
        ("http://example.com", ""),
        ("https://example.com/base", ""),
        ("https://example.com?x=1", ""),
        ("https://user@example.com", ""),
        ("https://example.com:99999", ""),
        ("https://", ""),
        ("https://example.com", "a//b"),
        ("https://example.com", "a/../b"),
        ("https://example.com", "a:b"),
    ],
)
def test_invalid_create_did_web(origin: str, path: str) -> None:
    with pytest.raises(InvalidDidError):
        create_did_web(origin, path)
