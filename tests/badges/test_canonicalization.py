"""RDFC-1.0 canonicalisation: exact vectors, equality with plain pyld, safety, bounds, threads."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest
from pyld import jsonld

from badges.canonicalization import (
    CanonicalizationError,
    CanonicalizationLimitError,
    ControlCharacterError,
    UnsafeJsonLdError,
    canonicalize,
)
from badges.document_loader import PINNED_CONTEXTS, UnknownContextError, load_context
from tests.conftest import VECTORS, load_json
from tests.samples import blank_node_clique

W3C = VECTORS / "w3c-vc-di-eddsa"


def _plain_pyld(document: dict[str, Any]) -> str:
    """Canonicalise with pyld as documented, no memoisation: the reference for equality."""

    def loader(url: str, options: object = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": load_context(url)}

    result: str = jsonld.normalize(document, {
        "algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader})
    return result


def test_ob3_vector_document_and_proof_config(ob3_vector: dict[str, Any]) -> None:
    document = ob3_vector["unsignedCredential"]
    config = {**ob3_vector["proofConfig"], "@context": document["@context"]}
    canonical_document = canonicalize(document)
    canonical_config = canonicalize(config)
    assert canonical_document == ob3_vector["canonicalDocumentNQuads"]
    assert canonical_config == ob3_vector["canonicalProofConfigNQuads"]
    assert hashlib.sha256(canonical_document.encode()).hexdigest() == ob3_vector["documentHashHex"]
    assert hashlib.sha256(canonical_config.encode()).hexdigest() == ob3_vector[
        "proofConfigHashHex"]


@pytest.mark.parametrize("folder", ["eddsa-rdfc-2022", "eddsa-rdfc-2022/employ"])
def test_w3c_eddsa_vectors(folder: str) -> None:
    base = W3C / folder
    document = load_json(W3C / ("employmentAuth.json" if "employ" in folder else "unsigned.json"))
    config = load_json(base / "proofConfigDataInt.json")
    canonical_document = canonicalize(document)
    canonical_config = canonicalize(config)
    assert canonical_document == (base / "canonDocDataInt.txt").read_text()
    assert canonical_config == (base / "proofCanonDataInt.txt").read_text()
    assert hashlib.sha256(canonical_document.encode()).hexdigest() == (
        base / "docHashDataInt.txt").read_text().strip()
    assert hashlib.sha256(canonical_config.encode()).hexdigest() == (
        base / "proofHashDataInt.txt").read_text().strip()


def test_ed25519_signature_2020_vector() -> None:
    base = W3C / "Ed25519Signature2020"
    config = load_json(base / "proofConfigEdSig.json")
    assert canonicalize(config) == (base / "proofCanonEdSig.txt").read_text()
    assert canonicalize(load_json(W3C / "unsigned.json")) == (
        base / "canonDocEdSig.txt").read_text()


def _documents() -> list[dict[str, Any]]:
    from tests.conftest import FIXTURES

    docs = [load_json(path) for path in sorted(FIXTURES.glob("*.json"))]
    docs += [load_json(W3C / "unsigned.json"), load_json(W3C / "employmentAuth.json"),
             load_json(VECTORS / "ob3" / "ob3-eddsa-rdfc-2022-impl-guide.json")[
                 "unsignedCredential"]]
    return docs


def test_equals_plain_pyld_on_many_documents() -> None:
    # Interleave documents so memoised contexts are reused across different shapes.
    documents = _documents()
    expected = [_plain_pyld(document) for document in documents]
    for _ in range(3):
        assert [canonicalize(document) for document in documents] == expected


def test_equals_plain_pyld_on_eight_threads() -> None:
    documents = _documents()
    expected = [_plain_pyld(document) for document in documents]
    failures: list[str] = []

    def work() -> None:
        for _ in range(25):
            for document, want in zip(documents, expected, strict=True):
                try:
                    if canonicalize(document) != want:
                        failures.append("mismatch")
                except Exception as error:  # any error at all is a failure here
                    failures.append(repr(error))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_document_is_not_modified(ob3_vector: dict[str, Any]) -> None:
    document = ob3_vector["unsignedCredential"]
    before = repr(document)
    canonicalize(document)
    assert repr(document) == before


V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
BASE = {"id": "urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b986873", "type": ["VerifiableCredential"]}


@pytest.mark.parametrize(("document", "error", "code"), [
    ({"@context": [V2], **BASE, "id": "credentials/1"}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "type": ["VerifiableCredential", "Bogus"]},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V1], **BASE, "bogus": "x"}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "bogus": {"id": "urn:x"}}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "name": None}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "name": {"@value": "x", "@direction": "rtl"}},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "type": ["VerifiableCredential", "\x85"]},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "issuer": "https://issuer.example/a b"},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "issuer": "https://issuer.example/a<b>"},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "id": "urn:uuid:1\u2028"}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [[""], V2], **BASE}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2, {"@base": "https://evil.example/"}], **BASE, "id": "relative/1"},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "@nest": {"validUntil": "2020-01-01T00:00:00Z"}},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "@included": [{"id": "urn:x"}]},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "https://www.w3.org/2018/credentials#validUntil": "x"},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "@type": "VerifiableCredential"},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "credentialSubject": {"id": "did:example:1",
                                                       "@context": {"x": "urn:x"}}},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2], **BASE, "name": "lone \ud800 surrogate"},
     ControlCharacterError, "control_character"),
    ({"@context": [V2], **BASE, "name": "a\x00b"}, ControlCharacterError, "control_character"),
    ({"@context": [V2], **BASE, "name": "a\x1fb"}, ControlCharacterError, "control_character"),
    ({"@context": [V2], **BASE, "name": "a\x7fb"}, ControlCharacterError, "control_character"),
    ({"@context": [V2], **BASE, "description": ["ok", "\x0b"]},
     ControlCharacterError, "control_character"),
    ({"@context": [V2], **BASE, "name": float("nan")}, CanonicalizationError, "invalid_jsonld"),
    ({"@context": 5, **BASE}, UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": "https://www.w3.org/ns/credentials/v2", **BASE, "@graph": []},
     UnsafeJsonLdError, "jsonld_unsafe"),
    ({"@context": [V2, "https://contexts.example/evil.jsonld"], **BASE},
     UnknownContextError, "unknown_context"),
])
def test_unsafe_documents_are_refused(document: dict[str, Any], error: type[Exception],
                                      code: str) -> None:
    with pytest.raises(error) as caught:
        canonicalize(document)
    assert caught.value.code == code  # type: ignore[attr-defined]


def test_tab_newline_and_carriage_return_are_allowed() -> None:
    document = {"@context": [V2], **BASE, "name": "a\tb\nc\rd"}
    assert canonicalize(document) == _plain_pyld(document)


def test_unknown_context_names_the_url_and_never_touches_the_network(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    url = "https://contexts.example/unknown/v1"
    with pytest.raises(UnknownContextError) as caught:
        canonicalize({"@context": [V2, url], **BASE})
    assert caught.value.url == url
    assert url in str(caught.value)


@pytest.mark.parametrize("size", [6, 8, 12, 30])
def test_blank_node_clique_is_refused_with_a_clear_error(size: int) -> None:
    # Plain pyld needs ~40 s of CPU for size 8. No timing assertion here (benchmarks/ measure
    # it): the bound is a deterministic work budget, so the test is deterministic too.
    with pytest.raises(CanonicalizationLimitError, match="work budget"):
        canonicalize(blank_node_clique(size))


def test_small_symmetric_graph_within_budget_matches_pyld() -> None:
    document = blank_node_clique(3)
    assert canonicalize(document) == _plain_pyld(document)


def test_oversized_and_deep_documents_are_refused() -> None:
    wide = {"@context": [V2], **BASE, "description": ["x"] * 60_000}
    with pytest.raises(CanonicalizationLimitError):
        canonicalize(wide)
    # Arrays cost pyld ~n² (10,000 values: 30 s): refused by their summed squared lengths.
    many = {"@context": [V2], **BASE, "description": [f"d{i}" for i in range(708)]}
    with pytest.raises(CanonicalizationLimitError, match="too costly"):
        canonicalize(many)
    split = {"@context": [V2], **BASE, "description": [f"d{i}" for i in range(500)],
             "name": [f"n{i}" for i in range(500)], "id": "urn:x"}
    with pytest.raises(CanonicalizationLimitError, match="too costly"):
        canonicalize(split)
    canonicalize({"@context": [V2], **BASE, "description": [f"d{i}" for i in range(700)]})
    deep: dict[str, Any] = {"id": "urn:x"}
    for _ in range(100):
        deep = {"p": deep}
    with pytest.raises(CanonicalizationLimitError):
        canonicalize({"@context": [V2, "https://www.w3.org/ns/credentials/examples/v2"],
                      **BASE, "credentialSubject": deep})


def test_every_pinned_context_matches_its_digest() -> None:
    for url in PINNED_CONTEXTS:
        assert isinstance(load_context(url), dict)

