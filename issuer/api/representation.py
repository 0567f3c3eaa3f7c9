"""How the provider API shows its resources: the JSON views of providers, signing keys,
microbadges and credentials (camelCase, RFC 3339 UTC times, null members omitted).

These shapes are the `Provider`, `SigningKey`, `Achievement` and `Credential` schemas of
`issuer/openapi.json`; the API tests check the responses against them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from issuer.awards.models import CredentialRecord
from issuer.awards.sharing import manage_url, page_url
from issuer.frameworks.services import competence_url
from issuer.microbadges.models import AchievementRecord
from issuer.microbadges.services import achievement_document, achievement_url
from issuer.platform import urls
from issuer.platform.key_vault import KeyVault
from issuer.providers.models import IdentifierMethod, ProviderRecord, SigningKeyRecord

__all__ = [
    "ADDRESS_MEMBERS",
    "achievement_view",
    "address_view",
    "credential_view",
    "key_view",
    "provider_view",
    "rfc3339",
]

# API member → ProviderRecord.address key (the snake_case names of badges.model.Address).
ADDRESS_MEMBERS: Final = {
    "streetAddress": "street_address",
    "postalCode": "postal_code",
    "addressLocality": "address_locality",
    "addressRegion": "address_region",
    "addressCountry": "address_country",
    "addressCountryCode": "address_country_code",
}


def rfc3339(value: datetime) -> str:
    """An aware datetime as RFC 3339 in UTC with a `Z`."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _present(view: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in view.items() if value is not None}


def address_view(stored: Mapping[str, Any] | None) -> dict[str, str] | None:
    """A stored address in API form (None when there is none)."""
    if not stored:
        return None
    return {member: stored[key] for member, key in ADDRESS_MEMBERS.items()
            if stored.get(key) is not None} or None


def provider_view(provider: ProviderRecord, base_url: str) -> dict[str, Any]:
    """The `Provider` view."""
    profile_url = urls.profile_url(base_url, provider.slug)
    return _present({
        "slug": provider.slug,
        "issuerId": provider.issuer_id,
        "identifierMethod": provider.identifier_method,
        "name": provider.name,
        "url": provider.url,
        "email": provider.email,
        "description": provider.description,
        "image": provider.image_url,
        "address": address_view(provider.address),
        "linkedinOrganizationId": provider.linkedin_organization_id,
        "suspensionEnabled": provider.suspension_enabled,
        "legalName": provider.legal_name,
        "membership": provider.membership,
        "profileUrl": profile_url,
        "didDocumentUrl": (urls.did_document_url(base_url, provider.slug)
                           if provider.identifier_method == IdentifierMethod.DID_WEB else None),
        "jwksUrl": urls.issuer_jwks_url(base_url, provider.slug),
        "createdAt": rfc3339(provider.created_at),
    })


def key_view(key: SigningKeyRecord) -> dict[str, Any]:
    """The `SigningKey` view (public parts only)."""
    return _present({
        "verificationMethod": key.verification_method,
        "publicKeyMultibase": key.public_key_multibase,
        "state": key.state,
        "createdAt": rfc3339(key.created_at),
        "retiredAt": rfc3339(key.retired_at) if key.retired_at is not None else None,
    })


def achievement_view(record: AchievementRecord, base_url: str) -> dict[str, Any]:
    """The `Achievement` view: the definition as served at its public id URL."""
    return _present({
        "id": record.public_id,
        "url": achievement_url(base_url, record),
        "achievement": achievement_document(base_url, record),
        "validityDays": record.validity_days,
        "skills": [{"framework": skill.competence.framework.slug,
                    "version": skill.competence.framework.version,
                    "competence": skill.competence.code, "level": skill.level,
                    "url": competence_url(base_url, skill.competence.framework,
                                          skill.competence.code)} for skill in record.skills],
        "createdAt": rfc3339(record.created_at),
        "updatedAt": rfc3339(record.updated_at),
    })


def credential_view(record: CredentialRecord, base_url: str,
                    linked: Mapping[int, str], vault: KeyVault) -> dict[str, Any]:
    """The `Credential` view; `linked` maps row ids to credential ids for `replaces` and
    `replacedBy`; `vault` derives the learner's management link of the page."""
    token = record.share_token
    learner = _present({"email": record.learner_email, "did": record.learner_did,
                        "name": record.learner_name})
    return _present({
        "id": record.credential_id,
        "achievementId": record.achievement.public_id if record.achievement else None,
        "learner": learner,
        "status": record.state,
        "issuedAt": rfc3339(record.issued_at),
        "validUntil": rfc3339(record.valid_until) if record.valid_until else None,
        "verificationMethod": record.verification_method,
        "replaces": linked.get(record.replaces_id) if record.replaces_id else None,
        "replacedBy": linked.get(record.replaced_by_id) if record.replaced_by_id else None,
        "documentUrl": base_url + urls.api_credential_path(record.credential_id) + "/document",
        "pageUrl": page_url(base_url, token) if token else None,
        "manageUrl": (manage_url(base_url, vault, token, record.manage_generation)
                      if token else None),
        "pageHidden": (record.hidden_at is not None) if token else None,
        "credential": json.loads(record.document),
    })
