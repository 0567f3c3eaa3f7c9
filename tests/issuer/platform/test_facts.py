"""Facts the service records about itself: recorded once unless replaced on purpose."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from issuer.platform.database import create_database_engine, make_session_factory
from issuer.platform.facts import ServiceFact, ServiceFactRecord, read_fact, record_fact
from tests.issuer.support import START, TestClock


def test_a_fact_is_recorded_once_and_replaced_only_on_purpose(database_url: str) -> None:
    clock = TestClock()
    engine = create_database_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            assert read_fact(session, ServiceFact.ORIGIN) is None
            assert record_fact(session, ServiceFact.ORIGIN, "https://a.test", clock=clock,
                               replace=False) == "https://a.test"
            session.commit()
        clock.advance(days=1)
        with sessions() as session:
            assert record_fact(session, ServiceFact.ORIGIN, "https://b.test", clock=clock,
                               replace=False) == "https://a.test"
            session.commit()
        with sessions() as session:
            record = session.get(ServiceFactRecord, "origin")
            assert record is not None
            assert (record.value, record.recorded_at) == ("https://a.test", START)
            assert record_fact(session, ServiceFact.ORIGIN, "https://b.test", clock=clock,
                               replace=True) == "https://b.test"
            session.commit()
        with sessions() as session:
            record = session.get(ServiceFactRecord, "origin")
            assert record is not None
            assert (record.value, record.recorded_at) == ("https://b.test",
                                                          START + timedelta(days=1))
    finally:
        engine.dispose()


def test_a_fact_recorded_by_a_concurrent_transaction_first_stands(database_url: str) -> None:
    """Two servers starting on one PostgreSQL database: the second's insert waits for the
    first's, fails on the key, and the caller's transaction goes on with the first's value.
    (SQLite serialises writers with BEGIN IMMEDIATE: no such race there.)"""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writers never overlap")
    clock = TestClock()
    engine = create_database_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as first, sessions() as second:
            second_pid = second.execute(text("SELECT pg_backend_pid()")).scalar_one()
            record_fact(first, ServiceFact.ORIGIN, "https://a.test", clock=clock, replace=False)
            with ThreadPoolExecutor(1) as pool:
                recorded = pool.submit(record_fact, second, ServiceFact.ORIGIN,
                                       "https://b.test", clock=clock, replace=False)
                _wait_for_a_lock_wait(engine, second_pid)
                first.commit()
                assert recorded.result(timeout=30) == "https://a.test"
            second.commit()  # still usable: only the savepoint was rolled back
    finally:
        engine.dispose()


def _wait_for_a_lock_wait(engine: Engine, pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"),
                    {"pid": pid}).scalar_one():
                return
        time.sleep(0.01)
    pytest.fail("the second insert never waited for the first")
