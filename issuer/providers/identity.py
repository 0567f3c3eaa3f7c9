"""Issuer identifiers: how a provider's issuer id and verification method ids are formed.

One provider, one issuer id, formed at creation by one of three methods: `did:web` under the
service origin (`did:web:<host>:issuers:<slug>`, document at `/issuers/<slug>/did.json`),
the provider's https profile URL on this service (`<origin>/issuers/<slug>`, which serves a
controller document), or `did:key` (the key is the identifier, so it cannot rotate).
Verification methods are `<issuer id>#<publicKeyMultibase>` (did:key: its own method id).
"""

from __future__ import annotations

from issuer.platform import urls
from issuer.providers.models import IdentifierMethod
from keys.did_key import create_did_key, create_did_key_verification_method
from keys.did_web import create_did_web
from keys.errors import InvalidDidError
from keys.public_key import PublicKey

__all__ = [
    "issuer_id_for",
    "verification_method_for",
]

def issuer_id_for(method: IdentifierMethod, base_url: str, slug: str,
                  first_key: PublicKey) -> str:
    """The issuer id of a new provider. Raises InvalidDidError for did:web or https
    identifiers on a plain-http origin."""
    if method is IdentifierMethod.DID_WEB:
        return create_did_web(base_url, urls.profile_path(slug))
    if method is IdentifierMethod.HTTPS:
        if not base_url.startswith("https://"):
            # Verifiers read a key named by an issuer URL only over https.
            raise InvalidDidError("https issuer identifiers need an https origin")
        return urls.profile_url(base_url, slug)
    return create_did_key(first_key)


def verification_method_for(method: IdentifierMethod, issuer_id: str, key: PublicKey) -> str:
    """The verification method id under which `key` is published."""
    if method is IdentifierMethod.DID_KEY:
        return create_did_key_verification_method(key)
    return f"{issuer_id}#{key.multibase}"
