"""The public documents that let anyone check a provider's keys and its credentials'
status: the issuer profile (a controller document), the DID document of a did:web issuer,
JWKS, the signed status lists, and the known-issuer registry of every provider. One builder
each, used by the public routes and by the service's own verification alike, so both always
see the same document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from badges.credential import serialize
from badges.datatypes import format_datetime
from badges.document_loader import MULTIKEY_V1, OB_V3P0_CONTEXT, VC_V2
from badges.model import Profile
from issuer.awards.issuance import Issuance
from issuer.awards.models import StatusListRecord
from issuer.awards.status_lists import find_status_list, needs_refresh, refresh_status_list
from issuer.platform import urls
from issuer.providers.models import IdentifierMethod, ProviderRecord
from issuer.providers.services import provider_profile, published_keys
from keys.public_key import PublicKey

__all__ = [
    "DID_CONTEXT_V1",
    "MULTIKEY_CONTEXT_V1",
    "build_did_document",
    "build_jwks",
    "build_profile_document",
    "current_status_list",
    "did_document",
    "issuer_jwks",
    "known_issuer_registry",
    "profile_document",
    "service_jwks",
]

DID_CONTEXT_V1: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT_V1: Final = MULTIKEY_V1


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


def profile_document(provider: ProviderRecord) -> dict[str, Any]:
    """The provider's issuer profile with every key it has published."""
    return build_profile_document(provider_profile(provider), published_keys(provider))


def did_document(provider: ProviderRecord) -> dict[str, Any] | None:
    """The DID document of a did:web provider; None for other identifier methods."""
    if provider.identifier_method != IdentifierMethod.DID_WEB:
        return None
    return build_did_document(provider.issuer_id, published_keys(provider))


def issuer_jwks(provider: ProviderRecord) -> dict[str, list[Mapping[str, str]]]:
    """The provider's public keys as a JWKS."""
    return build_jwks(published_keys(provider))


def service_jwks(session: Session) -> dict[str, list[Mapping[str, str]]]:
    """Every issuer's public keys on this service as one JWKS."""
    providers = session.scalars(select(ProviderRecord).order_by(ProviderRecord.id))
    return build_jwks([key for provider in providers for key in published_keys(provider)])


def known_issuer_registry(session: Session, *, name: str, base_url: str) -> dict[str, Any]:
    """Every provider of this service as a known-issuer registry in the DCC's format (the
    `dcc-legacy` registries of @digitalcredentials/issuer-registry-client, which VerifierPlus
    and the Learner Credential Wallet read): `registry` maps each issuer id, exactly as its
    credentials write it, to its entry; members without a value are left out.

    `meta.created` is when the first provider was created, `meta.updated` the latest change
    of any provider (profile, registry entry, key); both are absent while there is none.
    """
    providers = session.scalars(select(ProviderRecord).options(selectinload(ProviderRecord.keys))
                                .order_by(ProviderRecord.id)).all()
    meta: dict[str, str] = {}
    if providers:
        meta["created"] = format_datetime(min(provider.created_at for provider in providers))
        meta["updated"] = format_datetime(max(provider.updated_at or provider.created_at
                                              for provider in providers))
    meta |= {"name": name, "url": urls.registry_url(base_url)}
    return {"meta": meta,
            "registry": {provider.issuer_id: _registry_entry(provider, base_url)
                         for provider in providers}}


def _registry_entry(provider: ProviderRecord, base_url: str) -> dict[str, Any]:
    address = provider.address or {}
    country = address.get("address_country") or address.get("address_country_code")
    location = ", ".join(part for part in (address.get("address_region"), country) if part)
    entry = {
        "name": provider.name,
        "legalName": provider.legal_name or provider.name,
        "url": provider.url or urls.profile_url(base_url, provider.slug),
        "location": location or None,
        "country": address.get("address_country_code"),
        "logo": provider.image_url,
        "membership": provider.membership,
        # Retired keys too: a credential signed before a rotation names its old key.
        "verificationMethods": [method for method, _ in published_keys(provider)],
    }
    return {member: value for member, value in entry.items() if value is not None}


def current_status_list(session: Session, sessions: sessionmaker[Session],
                        provider: ProviderRecord, public_id: str,
                        issuance: Issuance) -> StatusListRecord | None:
    """The provider's signed status list `public_id` (None when it has none), re-signed
    first when half of its validity has passed (a list nobody fetched for a day would have
    expired). A re-sign commits in a writing session of its own; `session` is rolled back
    first, so that it gives back its connection."""
    record = find_status_list(session, provider, public_id)
    if record is None or not needs_refresh(record, issuance):
        return record
    list_id = record.id
    session.rollback()
    return refresh_status_list(sessions, list_id, issuance)
