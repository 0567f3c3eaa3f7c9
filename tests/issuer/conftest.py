"""Issuer fixtures: the app on SQLite and on the machine's real PostgreSQL server.

`database_url` is parametrised over both backends, so every test that uses `app` runs on
each. PostgreSQL tests use a fresh schema of the `test` database per session (named from
`MICROBADGES_TEST_POSTGRES_URL`, default `postgresql+psycopg://postgres@127.0.0.1:5432/test`);
they are skipped when the server is unreachable, except under CI where that is a failure.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.serving import make_server

from issuer.app import create_app
from issuer.platform.database import create_database_engine, upgrade_database
from issuer.platform.records import Base
from issuer.platform.settings import Settings
from issuer.seed import DEMO_FRAMEWORK
from tests.issuer.api_setup import MakeTenant, Tenant, create_tenant, operator_token
from tests.issuer.support import BASE_URL, TestClock

POSTGRES_URL: Final = os.environ.get(
    "MICROBADGES_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS: Final = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return path


@contextmanager
def throwaway_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty schema in the PostgreSQL `test` database, dropped after.
    Skips the test when the server is not there (fails under CI)."""
    schema = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_database_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # the server is not there
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    try:
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A migrated, throw-away schema in the PostgreSQL `test` database."""
    with throwaway_schema("mb_test") as url:
        engine = create_database_engine(url)
        upgrade_database(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "microbadges.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_schema_url")
    yield url
    empty_postgres_schema(url)


def empty_postgres_schema(url: str) -> None:
    """Delete every row of the session's PostgreSQL schema (the next test starts empty)."""
    engine = create_database_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.sqlite3'}"
        return
    with throwaway_schema("mb_cli") as url:
        yield url


@pytest.fixture
def clock() -> TestClock:
    """The app's clock, settable by the test."""
    return TestClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test app: https origin, no demo seed."""
    return Settings(base_url=BASE_URL, database_url=database_url, instance_path=tmp_path,
                    secret_file=tmp_path / "secret.key", demo=False,
                    max_body_bytes=64 * 1024, token_lifetime=3600)


@pytest.fixture
def app(settings: Settings, clock: TestClock) -> Iterator[Flask]:
    """The issuer app on the test database."""
    app = create_app(settings, clock=clock, migrate=False)
    app.config["TESTING"] = True
    yield app
    app.extensions["microbadges"].engine.dispose()


@pytest.fixture
def demo_settings(settings: Settings) -> Settings:
    """The test settings with the demo seed on."""
    return dataclasses.replace(settings, demo=True)


@pytest.fixture
def demo_app(demo_settings: Settings, clock: TestClock) -> Iterator[Flask]:
    """An app that seeded the demo provider at creation."""
    app = create_app(demo_settings, clock=clock, migrate=False)
    yield app
    app.extensions["microbadges"].engine.dispose()


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app behind Werkzeug's threaded WSGI server on a free loopback port."""
    wsgi_server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=wsgi_server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{wsgi_server.server_port}"
    finally:
        wsgi_server.shutdown()
        thread.join()
        wsgi_server.server_close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()



@pytest.fixture
def make_tenant(app: Flask, client: FlaskClient) -> MakeTenant:
    """Makes a provider through the API, with a token of its own: `slug` (default "alpha"),
    `framework=True` imports the demo skills framework, `suspension=True` turns suspension
    on, other keywords are the provider's profile (address, url, …)."""

    def make(slug: str = "alpha", *, framework: bool = False, suspension: bool = False,
             **profile: Any) -> Tenant:
        tenant = create_tenant(client, operator_token(app, client), slug, **profile)
        if framework:
            response = client.post("/api/v1/frameworks", headers=tenant.headers,
                                   json=json.loads(DEMO_FRAMEWORK.read_text(encoding="utf-8")))
            assert response.status_code == 201
        if suspension:
            assert client.patch("/api/v1/provider", headers=tenant.headers,
                                json={"suspensionEnabled": True}).status_code == 200
        return tenant

    return make


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    """The provider "alpha", with a token (tests that need more make their own)."""
    return make_tenant()
