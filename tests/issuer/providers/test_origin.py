"""The origin of the providers' identifiers: recorded with the first provider, checked at
every start (refused, or warned about on a loopback demo), moved only on purpose."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import pytest
from flask import Flask
from sqlalchemy import delete

from issuer.app import create_app
from issuer.platform.facts import ServiceFact, ServiceFactRecord, record_fact
from issuer.platform.settings import Settings, SettingsError
from issuer.providers.origin import (
    OriginChange,
    OriginChangedError,
    OriginMove,
    UnconfirmedOriginMoveError,
    move_origin,
    recorded_origin,
)
from issuer.providers.services import ProviderInput, create_provider
from tests.issuer.api_setup import MakeTenant
from tests.issuer.support import BASE_URL, TestClock, context_of

OTHER: Final = "https://moved.test"
LOOPBACK: Final = "http://127.0.0.1:8000"


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


@contextmanager
def _started(settings: Settings, clock: TestClock, warnings: list[str]) -> Iterator[Flask]:
    app = create_app(settings, clock=clock, migrate=False, warn=warnings.append)
    try:
        yield app
    finally:
        context_of(app).engine.dispose()


def test_a_start_under_another_origin_is_refused_with_the_way_out(
        app: Flask, make_tenant: MakeTenant, settings: Settings, clock: TestClock) -> None:
    make_tenant("alpha")
    warnings: list[str] = []
    with pytest.raises(OriginChangedError) as raised:
        create_app(dataclasses.replace(settings, base_url=OTHER), clock=clock, migrate=False,
                   warn=warnings.append)
    assert isinstance(raised.value, SettingsError)
    assert raised.value.code == "origin_changed"
    assert raised.value.change == OriginChange(recorded=BASE_URL, configured=OTHER)
    assert str(raised.value) == (
        "the public origin is https://moved.test, but this database's identifiers were minted "
        "under https://badges.test: every badge issued before would stop verifying. Keep the "
        "old origin (MICROBADGES_BASE_URL=https://badges.test, or serve at that address), or "
        "move on purpose with `microbadges db set-origin https://moved.test "
        "--break-issued-credentials`")
    assert warnings == []
    with _started(settings, clock, warnings):  # the recorded origin starts as before
        pass
    assert warnings == []
    assert _recorded(app) == BASE_URL


def test_an_empty_database_starts_under_any_origin(settings: Settings,
                                                   clock: TestClock) -> None:
    warnings: list[str] = []
    for origin in (BASE_URL, OTHER, "http://127.0.0.1:8000"):
        with _started(dataclasses.replace(settings, base_url=origin), clock,
                      warnings) as started:
            assert _recorded(started) is None
    assert warnings == []


def test_providers_created_before_the_record_adopt_the_origin_at_start(
        app: Flask, make_tenant: MakeTenant, settings: Settings, clock: TestClock) -> None:
    make_tenant("alpha")
    with context_of(app).sessions() as session:  # as migration 0007 leaves such a database
        session.execute(delete(ServiceFactRecord))
        session.commit()
    warnings: list[str] = []
    with _started(dataclasses.replace(settings, base_url=OTHER), clock, warnings):
        pass
    assert (_recorded(app), warnings) == (OTHER, [])


@pytest.mark.parametrize(("recorded", "configured", "demo", "refused"), [
    # A laptop's demo: its badges were never reachable by anyone else; it warns.
    (LOOPBACK, "http://127.0.0.1:8001", True, False),
    (LOOPBACK, "http://localhost:8000", True, False),
    # A loopback origin outside the demo is someone's service (behind a proxy, say).
    (LOOPBACK, "http://127.0.0.1:8001", False, True),
    # Identifiers minted on a public origin name real badges, demo or not.
    (BASE_URL, LOOPBACK, True, True),
    (LOOPBACK, BASE_URL, True, True),
])
def test_a_loopback_demo_warns_where_anything_else_is_refused(
        settings: Settings, clock: TestClock, recorded: str, configured: str, demo: bool,
        refused: bool) -> None:
    warnings: list[str] = []
    with _started(dataclasses.replace(settings, base_url=recorded), clock,
                  warnings) as first:
        _create(first, "alpha", recorded)
    moved = dataclasses.replace(settings, base_url=configured, demo=demo)
    if refused:
        with pytest.raises(OriginChangedError):
            create_app(moved, clock=clock, migrate=False, warn=warnings.append)
        assert warnings == []
        return
    with _started(moved, clock, warnings) as started:
        assert _recorded(started) == recorded  # the badges still name it
    assert warnings == [OriginChange(recorded=recorded, configured=configured).warning()]


def test_the_demo_warning_says_what_breaks_and_the_way_out() -> None:
    change = OriginChange(recorded=LOOPBACK, configured="http://127.0.0.1:8001")
    assert change.warning() == (
        "this demo's badges were issued under http://127.0.0.1:8000, but the public origin is "
        "now http://127.0.0.1:8001: their issuer, achievement and status list URLs point at "
        "http://127.0.0.1:8000, so they fail verification until it is served again; serve at "
        "http://127.0.0.1:8000 to keep them, or move for good with `microbadges db set-origin "
        "http://127.0.0.1:8001 --break-issued-credentials`")
