"""Rate limits of the verification form and the token endpoint, per client address: the
answer beyond the limit, the trusted proxy's forwarded address, settings, and counters
shared through the machine's real Redis server."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from issuer.app import create_app
from issuer.platform.settings import Settings, SettingsError, load_settings
from tests.issuer.api_setup import assert_problem
from tests.issuer.support import TestClock, register_client

REDIS_URL = os.environ.get("MICROBADGES_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def limited(settings: Settings, clock: TestClock) -> Iterator[Flask]:
    app = create_app(dataclasses.replace(settings, rate_limit_verify="3/minute",
                                         rate_limit_token="2/minute"),
                     clock=clock, migrate=False)
    yield app
    app.extensions["microbadges"].engine.dispose()


def test_the_verification_form_is_limited_per_client(limited: Flask) -> None:
    client = limited.test_client()
    for _ in range(3):
        assert client.post("/verify", data={"credential": "{}"}).status_code == 200
    refused = client.post("/verify", data={"credential": "{}"},
                          headers={"Accept": "text/html"})
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many requests" in refused.get_data(as_text=True)
    assert_problem(client.post("/verify", data={"credential": "{}"}), 429,
                   "too_many_requests")
    # Another address has its own count; reading the form is not limited.
    other = client.post("/verify", data={"credential": "{}"},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200
    assert client.get("/verify").status_code == 200


def test_the_token_endpoint_is_limited(limited: Flask) -> None:
    api_client = register_client(limited)
    client = limited.test_client()
    form = {"grant_type": "client_credentials", "client_id": api_client.client_id,
            "client_secret": api_client.secret}
    assert [client.post("/oauth/token", data=form).status_code for _ in range(2)] == [200, 200]
    assert_problem(client.post("/oauth/token", data=form), 429, "too_many_requests")


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings: Settings,
                                                             clock: TestClock) -> None:
    app = create_app(dataclasses.replace(settings, rate_limit_verify="1/minute",
                                         proxy_hops=1), clock=clock, migrate=False)
    try:
        client = app.test_client()
        for address in ("198.51.100.1", "198.51.100.2"):
            response = client.post("/verify", data={"credential": "{}"},
                                   headers={"X-Forwarded-For": address})
            assert response.status_code == 200, address
        assert client.post("/verify", data={"credential": "{}"},
                           headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    finally:
        app.extensions["microbadges"].engine.dispose()


def test_rate_limit_settings(tmp_path: Path) -> None:
    def load(**values: str) -> Settings:
        return load_settings({f"MICROBADGES_{name}": value for name, value in values.items()},
                             default_instance_path=tmp_path)

    defaults = load()
    assert (defaults.rate_limit_verify, defaults.rate_limit_token) == ("30/minute",
                                                                       "60/minute")
    assert defaults.rate_limit_storage == "memory://"
    assert load(RATE_LIMIT_VERIFY="0").rate_limit_verify is None
    assert load(RATE_LIMIT_TOKEN="100 per hour; 5/second").rate_limit_token == (
        "100 per hour; 5/second")
    with pytest.raises(SettingsError, match="MICROBADGES_RATE_LIMIT_VERIFY must be a rate"):
        load(RATE_LIMIT_VERIFY="lots")
    with pytest.raises(SettingsError, match="MICROBADGES_RATE_LIMIT_STORAGE must be"):
        load(RATE_LIMIT_STORAGE="memcached://127.0.0.1")
    secret = load(RATE_LIMIT_STORAGE="redis://:hunter2@127.0.0.1:6379/0")
    assert "hunter2" not in repr(secret)


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_redis_counters_are_shared_between_instances(settings: Settings,
                                                     clock: TestClock) -> None:
    if not _redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required under CI ({REDIS_URL})")
        pytest.skip(f"no Redis server at {REDIS_URL}")
    shared = dataclasses.replace(settings, rate_limit_verify="2/minute",
                                 rate_limit_storage=REDIS_URL)
    apps = [create_app(shared, clock=clock, migrate=False) for _ in range(2)]
    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"  # fresh counters on every run
    redis.Redis.from_url(REDIS_URL).flushdb()
    try:
        answers = [app.test_client().post("/verify", data={"credential": "{}"},
                                          environ_base={"REMOTE_ADDR": address}).status_code
                   for app in (*apps, apps[0])]
        assert answers == [200, 200, 429]
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        for app in apps:
            app.extensions["microbadges"].engine.dispose()
