"""Issuer identifiers and the public documents that let anyone check a provider's keys.

One provider, one issuer id, formed at creation by one of three methods: `did:web` under the
service origin (`did:web:<host>:issuers:<slug>`, document at `/issuers/<slug>/did.json`),
the provider's https profile URL on this service (`<origin>/issuers/<slug>`, which serves a
controller document), or `did:key` (the key is the identifier, so it cannot rotate).
Verification methods are `<issuer id>#<publicKeyMultibase>` (did:key: its own method id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from badges.credential import serialize
from badges.document_loader import MULTIKEY_V1, OB_V3P0_CONTEXT, VC_V2
from badges.model import Profile
from issuer.providers.models import IdentifierMethod
from keys.did_key import create_did_key, create_did_key_verification_method
from keys.did_web import create_did_web
from keys.errors import InvalidDidError
from keys.public_key import PublicKey

__all__ = [
    "DID_CONTEXT_V1",
    "MULTIKEY_CONTEXT_V1",
    "build_did_document",
    "build_jwks",
    "build_profile_document",
    "issuer_id_for",
    "profile_path",
    "verification_method_for",
]

DID_CONTEXT_V1: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT_V1: Final = MULTIKEY_V1


def profile_path(slug: str) -> str:
    """The path of a provider's public profile on this service."""
    return f"/issuers/{slug}"


def issuer_id_for(method: IdentifierMethod, base_url: str, slug: str,
                  first_key: PublicKey) -> str:
    """The issuer id of a new provider. Raises InvalidDidError for did:web or https
    identifiers on a plain-http origin."""
    if method is IdentifierMethod.DID_WEB:
        return create_did_web(base_url, profile_path(slug))
    if method is IdentifierMethod.HTTPS:
        if not base_url.startswith("https://"):
            # Verifiers read a key named by an issuer URL only over https.
            raise InvalidDidError("https issuer identifiers need an https origin")
        return base_url + profile_path(slug)
    return create_did_key(first_key)


def verification_method_for(method: IdentifierMethod, issuer_id: str, key: PublicKey) -> str:
    """The verification method id under which `key` is published."""
    if method is IdentifierMethod.DID_KEY:
        return create_did_key_verification_method(key)
    return f"{issuer_id}#{key.multibase}"


def _methods(issuer_id: str, keys: Iterable[tuple[str, PublicKey]]) -> list[dict[str, str]]:
    return [{"id": method_id, "type": "Multikey", "controller": issuer_id,
             "publicKeyMultibase": key.multibase} for method_id, key in keys]


def build_did_document(issuer_id: str, keys: Sequence[tuple[str, PublicKey]]) -> dict[str, Any]:
    """The DID document of a did:web issuer: every key, current and retired, is listed under
    `assertionMethod` so that credentials signed before a rotation still verify."""
    methods = _methods(issuer_id, keys)
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
        "id": issuer_id,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def build_profile_document(profile: Profile,
                           keys: Sequence[tuple[str, PublicKey]]) -> dict[str, Any]:
    """The issuer Profile as a JSON-LD controller document (Controlled Identifiers 1.0):
    the OB Profile properties plus `verificationMethod` (Multikey) and `assertionMethod`.

    The DID v1 context defines `verificationMethod` and `assertionMethod` as top-level terms
    (VC 2.0 and OB 3.0 do not), the Multikey context the key type: a JSON-LD verifier (the
    JS reference frames a non-DID controller document in safe mode) then drops nothing."""
    document: dict[str, Any] = {"@context": [VC_V2, OB_V3P0_CONTEXT, DID_CONTEXT_V1,
                                             MULTIKEY_CONTEXT_V1],
                                **serialize(profile)}
    methods = _methods(profile.id, keys)
    document["verificationMethod"] = methods
    document["assertionMethod"] = [method["id"] for method in methods]
    return document


def build_jwks(keys: Iterable[tuple[str, PublicKey]]) -> dict[str, list[Mapping[str, str]]]:
    """A JWKS (RFC 7517) with one OKP/Ed25519 key per verification method (`kid`)."""
    return {"keys": [{**key.to_jwk(), "kid": method_id, "use": "sig", "alg": "EdDSA"}
                     for method_id, key in keys]}
