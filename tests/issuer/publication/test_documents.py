"""The public documents built once for the public routes and the service's own verification:
directly from the services, no HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from badges.status_documents import StatusPurpose
from issuer.awards.status_lists import allocate_status_entries
from issuer.providers.models import IdentifierMethod, ProviderRecord
from issuer.providers.services import ProviderInput, create_provider
from issuer.publication import documents
from issuer.web.context import IssuerContext
from tests.issuer.support import TestClock, context_of


@pytest.fixture
def context(app: Flask) -> IssuerContext:
    return context_of(app)


@pytest.fixture
def session(context: IssuerContext) -> Iterator[Session]:
    with context.sessions() as session:
        yield session


def _provider(session: Session, context: IssuerContext, slug: str,
              method: IdentifierMethod) -> ProviderRecord:
    provider = create_provider(session, ProviderInput(slug=slug, name=slug.title(),
                                                      identifier_method=method),
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
