"""Controller documents and fetchers shared by the resolution tests (fresh copies per call)."""

from __future__ import annotations

import copy

from keys.key_pair import KeyPair
from keys.multibase import encode_base58btc
from keys.resolution import StaticDocumentFetcher

KEY = KeyPair.from_seed(bytes(range(32)))
OTHER = KeyPair.from_seed(bytes(32))
MULTIKEY = KEY.public_key_multibase

DID_WEB = "did:web:issuer.example"
DID_WEB_URL = "https://issuer.example/.well-known/did.json"
ISSUER = "https://issuer.example/profile"
METHOD_URL = "https://issuer.example/keys/1"


def did_web_document() -> dict[str, object]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": DID_WEB,
        "verificationMethod": [
            {
                "id": "#multikey",
                "type": "Multikey",
                "controller": DID_WEB,
                "publicKeyMultibase": MULTIKEY,
            },
            {
                "id": f"{DID_WEB}#ed2020",
                "type": "Ed25519VerificationKey2020",
                "controller": DID_WEB,
                "publicKeyMultibase": MULTIKEY,
            },
            {
                "id": f"{DID_WEB}#jwk",
                "type": "JsonWebKey2020",
                "controller": DID_WEB,
                "publicKeyJwk": KEY.to_public_jwk(),
            },
            {"id": "#jwk-new", "type": "JsonWebKey", "publicKeyJwk": KEY.to_public_jwk()},
            {
                "id": "#ed2018",
                "type": "Ed25519VerificationKey2018",
                "controller": DID_WEB,
                "publicKeyBase58": encode_base58btc(KEY.public_key.raw),
            },
        ],
        "assertionMethod": [
            "#multikey",
            f"{DID_WEB}#jwk",
            {
                "id": "#embedded",
                "type": "Multikey",
                "controller": DID_WEB,
                "publicKeyMultibase": MULTIKEY,
            },
        ],
    }


def controller_document() -> dict[str, object]:
    return {
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": f"{ISSUER}#key-1",
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": MULTIKEY,
            },
        ],
        "assertionMethod": [f"{ISSUER}#key-1"],
    }


def method_document() -> dict[str, object]:
    return {
        "@context": "https://w3id.org/security/multikey/v1",
        "id": METHOD_URL,
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": MULTIKEY,
    }


def fetcher(**overrides: object) -> StaticDocumentFetcher:
    documents: dict[str, object] = {
        DID_WEB_URL: did_web_document(),
        ISSUER: controller_document(),
        METHOD_URL: method_document(),
    }
    documents.update({_URLS[name]: value for name, value in overrides.items()})
    return StaticDocumentFetcher(documents)


_URLS = {"did_web": DID_WEB_URL, "controller": ISSUER, "method": METHOD_URL}


def edited(document: dict[str, object], path: tuple[object, ...], value: object) -> object:
    edited = copy.deepcopy(document)
    target: object = edited
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return edited
