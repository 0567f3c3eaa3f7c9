"""The origin of the providers' identifiers: recorded with the first provider, moved only
on purpose."""

from __future__ import annotations

import pytest
from flask import Flask

from issuer.platform.facts import ServiceFact, record_fact
from issuer.providers.origin import (
    OriginMove,
    UnconfirmedOriginMoveError,
    move_origin,
    recorded_origin,
)
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


def test_moving_the_origin_of_existing_providers_needs_the_confirmation(
        app: Flask, make_tenant: MakeTenant) -> None:
    make_tenant("alpha")
    context = context_of(app)
    with context.sessions() as session, pytest.raises(UnconfirmedOriginMoveError) as raised:
        move_origin(session, OTHER, clock=context.clock, confirmed=False)
    assert raised.value.code == "origin_move_unconfirmed"
    assert str(raised.value) == (
        "the identifiers of this database's 1 provider, and every credential issued so far, "
        "name https://badges.test: after the move they keep verifying only while "
        "https://badges.test keeps serving them. Repeat with --break-issued-credentials to "
        "move anyway")
    assert _recorded(app) == BASE_URL
    with context.sessions() as session:
        move = move_origin(session, OTHER, clock=context.clock, confirmed=True)
        session.commit()
    assert move == OriginMove(previous=BASE_URL, origin=OTHER, providers=1)
    assert move.moved
    assert _recorded(app) == OTHER


def test_an_empty_database_takes_any_origin_without_confirmation(app: Flask) -> None:
    context = context_of(app)
    for origin, previous in ((BASE_URL, None), (OTHER, BASE_URL), (OTHER, OTHER)):
        with context.sessions() as session:
            move = move_origin(session, origin, clock=context.clock, confirmed=False)
            session.commit()
        assert move == OriginMove(previous=previous, origin=origin, providers=0)
    assert not move.moved
    assert _recorded(app) == OTHER
