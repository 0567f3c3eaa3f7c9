"""The public documents built once for the public routes and the service's own verification:
directly from the services, no HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from badges.model import Address
from badges.status_documents import StatusPurpose
from issuer.awards.status_lists import allocate_status_entries
from issuer.providers.models import IdentifierMethod, ProviderRecord
from issuer.providers.services import (
    ProviderInput,
    create_provider,
    rotate_key,
    update_provider,
    update_registry_entry,
)
from issuer.publication import documents
from issuer.web.context import IssuerContext
from tests.issuer.support import BASE_URL, TestClock, context_of

REGISTRY_NAME = "ASA known issuers"


@pytest.fixture
def context(app: Flask) -> IssuerContext:
    return context_of(app)


@pytest.fixture
def session(context: IssuerContext) -> Iterator[Session]:
    with context.sessions() as session:
        yield session


def _provider(session: Session, context: IssuerContext, slug: str,
              method: IdentifierMethod, **profile: Any) -> ProviderRecord:
    provider = create_provider(session, ProviderInput(slug=slug, name=slug.title(),
                                                      identifier_method=method,
                                                      **profile),
                               vault=context.vault, base_url=context.base_url,
                               clock=context.clock)
    session.commit()
    return provider


def test_profile_did_document_and_jwks_name_the_same_keys(session: Session,
                                                          context: IssuerContext) -> None:
    provider = _provider(session, context, "alpha", IdentifierMethod.DID_WEB)
    profile = documents.profile_document(provider)
    did = documents.did_document(provider)
    jwks = documents.issuer_jwks(provider)
    assert did is not None
    methods = [method["id"] for method in profile["verificationMethod"]]
    assert methods == did["assertionMethod"] == [key["kid"] for key in jwks["keys"]]
    assert profile["id"] == did["id"] == provider.issuer_id
    assert documents.service_jwks(session) == jwks


def test_only_a_did_web_issuer_has_a_did_document(session: Session,
                                                  context: IssuerContext) -> None:
    provider = _provider(session, context, "beta", IdentifierMethod.HTTPS)
    assert documents.did_document(provider) is None


def test_the_current_status_list_is_re_signed_after_half_its_validity(
        session: Session, context: IssuerContext, clock: TestClock) -> None:
    provider = _provider(session, context, "gamma", IdentifierMethod.DID_WEB)
    issuance = context.issuance()
    ((record, _, _),) = allocate_status_entries(session, provider, issuance)[0]
    session.commit()
    public_id, first_etag = record.public_id, record.etag
    assert record.purpose is StatusPurpose.REVOCATION
    same = documents.current_status_list(session, context.sessions, provider, public_id,
                                         issuance)
    assert same is not None
    assert same.etag == first_etag
    clock.advance(seconds=(issuance.validity / 2).total_seconds() + 1)
    renewed = documents.current_status_list(session, context.sessions, provider, public_id,
                                            context.issuance())
    assert renewed is not None
    assert renewed.etag != first_etag
    assert renewed.signed_at == clock()
    assert documents.current_status_list(session, context.sessions, provider, "nope",
                                         issuance) is None


def _registry(session: Session) -> dict[str, Any]:
    return documents.known_issuer_registry(session, name=REGISTRY_NAME, base_url=BASE_URL)


def test_the_registry_lists_every_provider_with_every_key(session: Session,
                                                          context: IssuerContext,
                                                          clock: TestClock) -> None:
    web = _provider(session, context, "web", IdentifierMethod.DID_WEB,
                    url="https://web.example", image_url="https://web.example/logo.png",
                    address=Address(address_locality="Stuttgart",
                                    address_region="Baden-Württemberg",
                                    address_country="Germany", address_country_code="DE"),
                    legal_name="Web Academy GmbH", membership="ASA partner")
    clock.advance(hours=1)
    https = _provider(session, context, "https", IdentifierMethod.HTTPS,
                      address=Address(address_country_code="FR"))
    clock.advance(hours=1)
    key = _provider(session, context, "key", IdentifierMethod.DID_KEY)
    clock.advance(hours=1)
    rotate_key(session, web, vault=context.vault, clock=clock)
    session.commit()
    assert _registry(session) == {
        "meta": {"created": "2026-03-02T09:30:00Z", "updated": "2026-03-02T12:30:00Z",
                 "name": REGISTRY_NAME, "url": f"{BASE_URL}/registry.json"},
        "registry": {
            "did:web:badges.test:issuers:web": {
                "name": "Web", "legalName": "Web Academy GmbH", "url": "https://web.example",
                "location": "Baden-Württemberg, Germany", "country": "DE",
                "logo": "https://web.example/logo.png", "membership": "ASA partner",
                # The retired key stays listed: credentials signed before the rotation.
                "verificationMethods": [record.verification_method for record in web.keys]},
            f"{BASE_URL}/issuers/https": {
                "name": "Https", "legalName": "Https", "url": f"{BASE_URL}/issuers/https",
                "location": "FR", "country": "FR",
                "verificationMethods": [https.keys[0].verification_method]},
            key.issuer_id: {
                "name": "Key", "legalName": "Key", "url": f"{BASE_URL}/issuers/key",
                "verificationMethods": [key.keys[0].verification_method]},
        },
    }
    assert len(web.keys) == 2
    assert key.keys[0].verification_method.startswith(key.issuer_id + "#")


def test_the_registry_is_updated_by_profile_and_entry_changes(session: Session,
                                                              context: IssuerContext,
                                                              clock: TestClock) -> None:
    assert _registry(session) == {"meta": {"name": REGISTRY_NAME,
                                           "url": f"{BASE_URL}/registry.json"},
                                  "registry": {}}
    provider = _provider(session, context, "alpha", IdentifierMethod.DID_WEB,
                         membership="ASA partner")
    clock.advance(days=1)
    update_provider(provider, {"name": "Alpha Training"}, clock=clock)
    session.commit()
    registry = _registry(session)
    assert registry["meta"] == {"created": "2026-03-02T09:30:00Z",
                                "updated": "2026-03-03T09:30:00Z",
                                "name": REGISTRY_NAME, "url": f"{BASE_URL}/registry.json"}
    clock.advance(days=1)
    update_registry_entry(provider, {"membership": None, "legal_name": "Alpha AG"},
                          clock=clock)
    session.commit()
    registry = _registry(session)
    assert registry["meta"]["updated"] == "2026-03-04T09:30:00Z"
    assert registry["registry"] == {provider.issuer_id: {  # no membership any more
        "name": "Alpha Training", "legalName": "Alpha AG", "url": f"{BASE_URL}/issuers/alpha",
        "verificationMethods": [provider.keys[0].verification_method]}}
