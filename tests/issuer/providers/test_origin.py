"""The origin of the providers' identifiers: recorded with the first provider."""

from __future__ import annotations

from flask import Flask

from issuer.platform.facts import ServiceFact, record_fact
from issuer.providers.origin import recorded_origin
from issuer.providers.services import ProviderInput, create_provider
from tests.issuer.api_setup import MakeTenant
from tests.issuer.support import BASE_URL, context_of

OTHER = "https://moved.test"


def _recorded(app: Flask) -> str | None:
    with context_of(app).sessions() as session:
        return recorded_origin(session)


def _create(app: Flask, slug: str, base_url: str) -> None:
    context = context_of(app)
    with context.sessions() as session:
        create_provider(session, ProviderInput(slug=slug, name=slug.title()),
                        vault=context.vault, base_url=base_url, clock=context.clock)
        session.commit()


def test_the_first_provider_records_the_origin(app: Flask, make_tenant: MakeTenant) -> None:
    assert _recorded(app) is None
    make_tenant("alpha")
    assert _recorded(app) == BASE_URL
    _create(app, "beta", OTHER)  # a later provider does not move what alpha's ids name
    assert _recorded(app) == BASE_URL


def test_an_origin_recorded_without_providers_follows_the_first_one(app: Flask) -> None:
    context = context_of(app)
    with context.sessions() as session:
        record_fact(session, ServiceFact.ORIGIN, OTHER, clock=context.clock, replace=False)
        session.commit()
    _create(app, "alpha", BASE_URL)
    assert _recorded(app) == BASE_URL
