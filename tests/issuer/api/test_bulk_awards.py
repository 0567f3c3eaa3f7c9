"""Bulk awards: many credentials in one transaction, all or none; each verifies and has its
own status index; a retry with the Idempotency-Key returns the same credentials; a bad item
is named by its pointer and nothing is written. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.issuer.api_setup import (
    Tenant,
    assert_problem,
    assert_schema,
    create_achievement,
    create_tenant,
    operator_token,
    row_counts,
)
from tests.issuer.support import ServiceFetcher, TestClock, json_of
from verifier.verify import VerifierOptions, verify_credential

BULK = "/api/v1/credentials/bulk"


def _awards(achievement_ids: list[str], count: int) -> list[dict[str, Any]]:
    return [{"achievement": achievement_ids[n % len(achievement_ids)],
             "learner": {"email": f"learner{n}@example.org", "name": f"Learner {n}"}}
            for n in range(count)]


def test_a_cohort_is_awarded_in_one_request(client: FlaskClient, tenant: Tenant,
                                            clock: TestClock) -> None:
    ids = [create_achievement(client, tenant)["id"],
           create_achievement(client, tenant, name="Teamwork")["id"]]
    response = client.post(BULK, headers={**tenant.headers, "Idempotency-Key": "cohort-7"},
                           json={"awards": _awards(ids, 25)})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "CredentialList")
    items = body["items"]
    assert [item["learner"]["email"] for item in items] == [
        f"learner{n}@example.org" for n in range(25)]
    assert [item["achievementId"] for item in items] == [ids[n % 2] for n in range(25)]
    indexes = {item["credential"]["credentialStatus"]["statusListIndex"] for item in items}
    assert len(indexes) == 25
    options = VerifierOptions(clock=clock, fetcher=ServiceFetcher(client), require_issuer=True)
    for item in items:
        assert verify_credential(item["credential"], options).verified
    listed = json_of(client.get("/api/v1/credentials?limit=200", headers=tenant.headers))
    assert len(listed["items"]) == 25

    retry = client.post(BULK, headers={**tenant.headers, "Idempotency-Key": "cohort-7"},
                        json={"awards": _awards(ids, 25)})
    assert retry.status_code == 200
    assert retry.headers["Idempotency-Replayed"] == "true"
    assert [item["id"] for item in json_of(retry)["items"]] == [item["id"] for item in items]
    other = client.post(BULK, headers={**tenant.headers, "Idempotency-Key": "cohort-7"},
                        json={"awards": _awards(ids, 3)})
    assert_problem(other, 422, "idempotency_key_reused")
    # Keys are per route: a single award with the same key is another request.
    single = client.post("/api/v1/credentials",
                         headers={**tenant.headers, "Idempotency-Key": "cohort-7#0"},
                         json=_awards(ids, 1)[0])
    assert single.status_code == 201
    too_long = client.post(BULK, headers={**tenant.headers, "Idempotency-Key": "k" * 247},
                           json={"awards": _awards(ids, 1)})
    assert_problem(too_long, 422, "invalid_request")


@pytest.mark.parametrize(("change", "pointer", "status", "code"), [
    (lambda awards, foreign: awards[3].update(achievement=foreign),
     "/awards/3/achievement", 422, "unknown_achievement"),
    (lambda awards, foreign: awards[2].update(achievement="not-a-microbadge"),
     "/awards/2/achievement", 422, "unknown_achievement"),
    (lambda awards, foreign: awards[4].update(learner={"name": "nobody"}),
     "/awards/4/learner", 422, "invalid_request"),
    (lambda awards, foreign: awards[1].update(evidence=[{"id": "not a url"}]),
     "/awards/1/evidence/0", 422, "invalid_input"),
])
def test_one_bad_award_writes_nothing(app: Flask, client: FlaskClient, tenant: Tenant,
                                      change: Any, pointer: str, status: int,
                                      code: str) -> None:
    other = create_tenant(client, operator_token(app, client), "beta")
    foreign = create_achievement(client, other)["id"]
    awards = _awards([create_achievement(client, tenant)["id"]], 5)
    change(awards, foreign)
    before = row_counts(app)
    problem = assert_problem(client.post(BULK, headers=tenant.headers,
                                         json={"awards": awards}), status, code)
    assert pointer in [error["pointer"] for error in problem.get("errors", [])], problem
    assert row_counts(app) == before


@pytest.mark.parametrize("awards", [[], "all", [{"learner": {"email": "a@example.org"}}]])
def test_malformed_bulk_bodies(app: Flask, client: FlaskClient, tenant: Tenant,
                               awards: Any) -> None:
    before = row_counts(app)
    assert_problem(client.post(BULK, headers=tenant.headers, json={"awards": awards}),
                   422, "invalid_request")
    assert_problem(client.post(BULK, headers=tenant.headers,
                               json={"awards": _awards(["x"], 501)}), 422, "invalid_request")
    assert row_counts(app) == before
