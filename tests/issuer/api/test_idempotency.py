"""Concurrency through a real threaded loopback server: 20 simultaneous retries with one
Idempotency-Key create exactly one credential; simultaneous re-issues and key rotations
leave one successor and one active key. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any, Final

from flask import Flask
from flask.testing import FlaskClient

from tests.issuer.api_setup import (
    Tenant,
    assert_schema,
    award,
    create_achievement,
    row_counts,
)
from tests.issuer.support import Outcome, json_of, post_at_once

RETRIES: Final = 20


def concurrently(count: int, url: str, headers: dict[str, str],
                 body: dict[str, Any] | None = None) -> list[Outcome]:
    """POST the same request from `count` threads released at the same moment."""
    return post_at_once(url, headers, [body] * count)


def test_concurrent_retries_create_exactly_one_credential(app: Flask, client: FlaskClient,
                                                          server: str, tenant: Tenant) -> None:
    achievement_id = create_achievement(client, tenant)["id"]
    before = row_counts(app)
    results = concurrently(RETRIES, f"{server}/api/v1/credentials",
                           {**tenant.headers, "Idempotency-Key": "lms-enrolment-1234"},
                           {"achievement": achievement_id,
                            "learner": {"email": "ada@example.org", "name": "Ada"}})
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200] * (RETRIES - 1) + [201], [body for _, _, body in results]
    assert {headers.get("Idempotency-Replayed") for status, headers, _ in results
            if status == 200} == {"true"}
    assert len({view["id"] for _, _, view in results}) == 1
    for _, _, view in results:
        assert_schema(view, "Credential")
    after = row_counts(app)
    assert after.pop("credentials") == before.pop("credentials") + 1
    assert after.pop("status_entries") == before.pop("status_entries") + 1
    # The tenant's first award starts its revocation list.
    assert after.pop("status_lists") == before.pop("status_lists") + 1
    assert after == before


def test_concurrent_reissues_leave_one_successor(app: Flask, client: FlaskClient,
                                                 server: str, tenant: Tenant) -> None:
    credential = award(client, tenant, create_achievement(client, tenant)["id"])
    path = f"/api/v1/credentials/{credential['id'].removeprefix('urn:uuid:')}"
    before = row_counts(app)
    results = concurrently(10, f"{server}{path}/reissue", tenant.headers)
    assert sorted(status for status, _, _ in results) == [201] + [422] * 9
    [successor] = [body for status, _, body in results if status == 201]
    assert row_counts(app)["credentials"] == before["credentials"] + 1
    assert json_of(client.get(path, headers=tenant.headers))["replacedBy"] == successor["id"]


def test_concurrent_rotations_leave_one_active_key(app: Flask, client: FlaskClient,
                                                   server: str, tenant: Tenant) -> None:
    results = concurrently(10, f"{server}/api/v1/provider/keys", tenant.headers)
    assert [status for status, _, _ in results] == [201] * 10
    keys = json_of(client.get("/api/v1/provider/keys", headers=tenant.headers))["items"]
    assert len(keys) == 11
    assert [key["state"] for key in keys] == ["retired"] * 10 + ["active"]
