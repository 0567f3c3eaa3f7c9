"""Training providers (tenants): creation with their first key, profile, the operator's
registry entry, key rotation.

A provider's issuer id is fixed at creation. Rotation adds a key and retires the previous
one for signing; retired keys stay published (controller document, did.json, JWKS) so that
credentials signed before the rotation keep verifying. The registry entry (legal name,
membership) is what the operator vouches for in the known-issuer registry: only the
operator sets it, never the provider.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.clock import Clock
from badges.errors import InvalidDocumentError
from badges.model import Address, Image, Profile
from issuer.platform.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RotationUnsupportedError,
)
from issuer.platform.key_vault import KeyVault
from issuer.providers.identity import issuer_id_for, verification_method_for
from issuer.providers.models import IdentifierMethod, KeyState, ProviderRecord, SigningKeyRecord
from issuer.providers.origin import record_origin
from keys.errors import InvalidDidError
from keys.key_pair import KeyPair
from keys.public_key import PublicKey

__all__ = [
    "REGISTRY_FIELDS",
    "ProviderInput",
    "create_provider",
    "find_provider",
    "provider_profile",
    "published_keys",
    "rotate_key",
    "update_provider",
    "update_registry_entry",
]

_SLUG: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_LINKEDIN_ID: Final = re.compile(r"[0-9]{1,20}")
# What a provider sets about itself: its OB Profile, and whether its credentials carry a
# suspension status entry (besides revocation) from now on.
PROFILE_FIELDS: Final = ("name", "url", "email", "description", "image_url", "address",
                         "linkedin_organization_id", "suspension_enabled")
# What the operator sets about a provider, for the known-issuer registry (→ API member).
_REGISTRY_MEMBERS: Final = {"legal_name": "legalName", "membership": "membership"}
REGISTRY_FIELDS: Final = tuple(_REGISTRY_MEMBERS)
_REGISTRY_TEXT_LENGTH: Final = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderInput:
    """What a provider is created from; `identifier_method` None picks the default
    (did:web on an https origin, did:key on a plain-http development origin)."""

    slug: str
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image_url: str | None = None
    address: Address | None = None
    linkedin_organization_id: str | None = None
    suspension_enabled: bool = False
    identifier_method: IdentifierMethod | None = None
    legal_name: str | None = None
    membership: str | None = None


def _check_profile_fields(*, issuer_id: str, values: dict[str, Any]) -> None:
    if values.get("linkedin_organization_id") is not None and not _LINKEDIN_ID.fullmatch(
            values["linkedin_organization_id"]):
        raise InvalidInputError("linkedinOrganizationId must be the numeric LinkedIn "
                                "organisation id", pointer="/linkedinOrganizationId")
    try:
        _profile(issuer_id, values)
    except InvalidDocumentError as error:
        raise InvalidInputError(f"invalid provider profile: {error.message}") from None


def _profile(issuer_id: str, values: dict[str, Any]) -> Profile:
    address = values.get("address")
    image_url = values.get("image_url")
    return Profile(
        id=issuer_id,
        name=values["name"],
        url=values.get("url"),
        email=values.get("email"),
        description=values.get("description"),
        image=Image(id=image_url, caption=values["name"]) if image_url else None,
        address=Address(**address) if isinstance(address, dict) else address,
    )


def create_provider(session: Session, data: ProviderInput, *, vault: KeyVault,
                    base_url: str, clock: Clock) -> ProviderRecord:
    """Create a provider and its first signing key (not committed); the first provider
    records `base_url` as the origin of the service's identifiers.

    Raises InvalidInputError (bad slug, profile, registry entry or method for this
    origin), ConflictError (slug taken).
    """
    if not _SLUG.fullmatch(data.slug):
        raise InvalidInputError("slug must be 1-63 lower-case letters, digits and inner "
                                "hyphens", pointer="/slug")
    method = data.identifier_method or (
        IdentifierMethod.DID_WEB if base_url.startswith("https://") else IdentifierMethod.DID_KEY)
    key_pair = KeyPair.generate()
    try:
        issuer_id = issuer_id_for(method, base_url, data.slug, key_pair.public_key)
    except InvalidDidError:
        raise InvalidInputError(f"identifierMethod {method.value} needs an https "
                                "MICROBADGES_BASE_URL", pointer="/identifierMethod") from None
    values = {name: getattr(data, name) for name in PROFILE_FIELDS}
    if data.address is not None:
        values["address"] = {key: value for key, value in asdict(data.address).items()
                             if value is not None}
    _check_profile_fields(issuer_id=issuer_id, values=values)
    entry = _registry_entry({"legal_name": data.legal_name, "membership": data.membership})
    if session.scalar(select(ProviderRecord.id).where(ProviderRecord.slug == data.slug)):
        raise ConflictError(f"a provider with slug {data.slug!r} exists already")
    record_origin(session, base_url, clock=clock)
    now = clock()
    provider = ProviderRecord(slug=data.slug, issuer_id=issuer_id,
                              identifier_method=method.value, created_at=now, updated_at=now,
                              **values, **entry)
    session.add(provider)
    _add_key(provider, key_pair, vault=vault, clock=clock)
    session.flush()
    return provider


def update_provider(provider: ProviderRecord, changes: dict[str, Any], *,
                    clock: Clock) -> None:
    """Apply profile changes (keys of PROFILE_FIELDS; None clears an optional field).

    Raises InvalidInputError.
    """
    values = {name: getattr(provider, name) for name in PROFILE_FIELDS}
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise InvalidInputError(f"{name} cannot be changed")
        values[name] = ({key: item for key, item in asdict(value).items() if item is not None}
                        if isinstance(value, Address) else value)
    _check_profile_fields(issuer_id=provider.issuer_id, values=values)
    for name, value in values.items():
        setattr(provider, name, value)
    provider.updated_at = clock()


def update_registry_entry(provider: ProviderRecord, changes: Mapping[str, str | None], *,
                          clock: Clock) -> None:
    """Set what the operator vouches for in the known-issuer registry (keys of
    REGISTRY_FIELDS; None clears one). Only operator routes and commands call this.

    Raises InvalidInputError.
    """
    unknown = sorted(set(changes) - set(REGISTRY_FIELDS))
    if unknown:
        raise InvalidInputError(f"{unknown[0]} is not part of the registry entry")
    for name, value in _registry_entry(changes).items():
        setattr(provider, name, value)
    provider.updated_at = clock()


def _registry_entry(values: Mapping[str, str | None]) -> dict[str, str | None]:
    """The entry's texts on one line, without surrounding space (verifiers show them beside
    the issuer's name); None for an absent one. Raises InvalidInputError."""
    entry: dict[str, str | None] = {}
    for name, value in values.items():
        text = " ".join(value.split()) if value is not None else None
        if text == "" or (text is not None and len(text) > _REGISTRY_TEXT_LENGTH):
            member = _REGISTRY_MEMBERS[name]
            raise InvalidInputError(f"{member} must be 1 to {_REGISTRY_TEXT_LENGTH} "
                                    "characters", pointer=f"/{member}")
        entry[name] = text
    return entry


def provider_profile(provider: ProviderRecord) -> Profile:
    """The provider's OB Profile, as embedded in its credentials."""
    return _profile(provider.issuer_id, {name: getattr(provider, name)
                                         for name in PROFILE_FIELDS})


def find_provider(session: Session, slug: str) -> ProviderRecord:
    """The provider with this slug. Raises NotFoundError."""
    provider = session.scalar(select(ProviderRecord).where(ProviderRecord.slug == slug))
    if provider is None:
        raise NotFoundError(f"no provider {slug!r}")
    return provider


def published_keys(provider: ProviderRecord) -> list[tuple[str, PublicKey]]:
    """Every key of the provider, oldest first: (verification method id, public key)."""
    return [(key.verification_method, PublicKey.from_multibase(key.public_key_multibase))
            for key in provider.keys]


def rotate_key(session: Session, provider: ProviderRecord, *, vault: KeyVault,
               clock: Clock) -> SigningKeyRecord:
    """Add a new active key and retire the current one (not committed).

    Raises RotationUnsupportedError for did:key issuers.
    """
    if provider.identifier_method == IdentifierMethod.DID_KEY:
        raise RotationUnsupportedError(
            "a did:key issuer's key is its identifier and cannot be rotated; create a "
            "provider with did:web or https identifiers to rotate keys")
    now = clock()
    for key in provider.keys:
        if key.state == KeyState.ACTIVE:
            key.state = KeyState.RETIRED
            key.retired_at = now
    record = _add_key(provider, KeyPair.generate(), vault=vault, clock=clock)
    provider.updated_at = now
    session.flush()
    return record


def _add_key(provider: ProviderRecord, key_pair: KeyPair, *, vault: KeyVault,
             clock: Clock) -> SigningKeyRecord:
    method = verification_method_for(IdentifierMethod(provider.identifier_method),
                                     provider.issuer_id, key_pair.public_key)
    record = SigningKeyRecord(
        verification_method=method,
        public_key_multibase=key_pair.public_key_multibase,
        encrypted_private_key=vault.encrypt(key_pair),
        state=KeyState.ACTIVE,
        created_at=clock(),
    )
    provider.keys.append(record)
    return record
