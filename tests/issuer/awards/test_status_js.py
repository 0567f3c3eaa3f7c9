"""The JS reference verifier, with Digital Bazaar's Bitstring Status List package, follows the
issuer's status changes: award → verified; suspend → not verified (bit set); unsuspend →
verified again; revoke → not verified. Runs on SQLite and PostgreSQL.

The status-list package checks the list credential's validity against the wall clock (it
passes no `now` on), so this module's app clock starts at the current time."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.interop.js_reference import JsVerifyResult, js_verify, node_available
from tests.issuer.api_setup import MakeTenant, Tenant, award, create_achievement
from tests.issuer.support import TestClock, js_documents

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(not node_available() and not os.environ.get("CI"),
                       reason="Node.js is not installed (CI always runs these)"),
]


@pytest.fixture
def clock() -> TestClock:
    return TestClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    return make_tenant(suspension=True)


def _js(client: FlaskClient, tenant: Tenant, credential: dict[str, Any]) -> JsVerifyResult:
    return js_verify(credential, documents=js_documents(client, tenant.provider, credential),
                     check_status=True)


def _act(client: FlaskClient, tenant: Tenant, credential: dict[str, Any], action: str) -> None:
    path = f"/api/v1/credentials/{credential['id'].removeprefix('urn:uuid:')}/{action}"
    response = client.post(path, headers=tenant.headers, json={"reason": "interop test"})
    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_js_reference_follows_suspension_and_revocation(client: FlaskClient,
                                                           tenant: Tenant) -> None:
    credential = award(client, tenant, create_achievement(client, tenant)["id"])["credential"]
    result = _js(client, tenant, credential)
    assert (result.verified, result.status_verified) == (True, True), result.errors
    assert [(entry.status_purpose, entry.is_set) for entry in result.status_entries] == [
        ("revocation", False), ("suspension", False)]

    _act(client, tenant, credential, "suspend")
    result = _js(client, tenant, credential)
    assert (result.verified, result.status_verified) == (False, False)
    assert [(entry.status_purpose, entry.is_set) for entry in result.status_entries] == [
        ("revocation", False), ("suspension", True)]

    _act(client, tenant, credential, "unsuspend")
    result = _js(client, tenant, credential)
    assert (result.verified, result.status_verified) == (True, True), result.errors

    _act(client, tenant, credential, "revoke")
    result = _js(client, tenant, credential)
    assert (result.verified, result.status_verified) == (False, False)
    assert [(entry.status_purpose, entry.is_set) for entry in result.status_entries] == [
        ("revocation", True), ("suspension", False)]
